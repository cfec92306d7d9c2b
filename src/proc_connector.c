/* proc_connector.c - subscribing to and decoding the process events
 * connector.  One datagram holds one event; recvmmsg() takes them in
 * batches so that a fork storm costs few system calls. */
#include "config.h"
#include "proc_connector.h"
#include "util.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The subscription is the bare opcode, which every kernel takes.  Linux
 * 6.6 also takes a second word choosing the event types (struct
 * proc_input), but kernels before it ignore a message of any other
 * length, without an answer: Debian 12's 6.1 never sent a single event
 * (found by booting the systemd unit in a VM).  The bare opcode means
 * every event type; the ones we ignore keep the sequence numbers
 * gap-free, so that a gap is a loss. */
#define PCN_MAX_CPUS 65536
#define PCN_BATCH 64
#define PCN_MSG_SIZE 256	/* nlmsghdr + cn_msg + proc_event: ~100 bytes */

static int pcn_send(int fd, uint32_t op)
{
	union {
		struct nlmsghdr nl;	/* for alignment */
		char bytes[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(op))];
	} buf;
	struct nlmsghdr *nl = &buf.nl;
	struct cn_msg *cn = NLMSG_DATA(nl);

	memset(&buf, 0, sizeof(buf));
	nl->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nl->nlmsg_type = NLMSG_DONE;
	nl->nlmsg_pid = (uint32_t)getpid();
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, nl, nl->nlmsg_len, 0) < 0)
		return -errno;
	return 0;
}

/* The event in a datagram, copied out: it sits at offset 36 (nlmsghdr +
 * cn_msg), not at the 8-byte alignment of its timestamp; *seqno is its
 * number among its CPU's events.  0, or -EINVAL if the datagram is not
 * a proc event. */
static int pcn_event_of(const char *buf, size_t n, struct proc_event *ev,
			uint32_t *seqno)
{
	const struct nlmsghdr *nl = (const struct nlmsghdr *)buf;
	const struct cn_msg *cn;
	size_t len;

	if (n < NLMSG_HDRLEN + sizeof(*cn) || !NLMSG_OK(nl, n))
		return -EINVAL;
	cn = NLMSG_DATA(nl);
	len = cn->len;
	if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
	    len < offsetof(struct proc_event, event_data) + 4 ||
	    NLMSG_HDRLEN + sizeof(*cn) + len > n)
		return -EINVAL;
	memset(ev, 0, sizeof(*ev));
	memcpy(ev, cn->data, len < sizeof(*ev) ? len : sizeof(*ev));
	*seqno = cn->seq;
	return 0;
}

/* Whether events reach us: the kernel answers a subscription with
 * PROC_EVENT_NONE whose ack.err is an errno (EPERM without CAP_NET_ADMIN
 * on older kernels; Linux 6.18 accepts unprivileged listeners), but
 * sends no answer at all to a process outside the initial user and pid
 * namespaces, and a socket outside the initial network namespace gets no
 * events.  So a child of ours exits, and its exit event must arrive. */
static int pcn_probe_once(int fd)
{
	char buf[PCN_MSG_SIZE];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pid_t probe = fork();

	if (probe < 0)
		return -errno;
	if (probe == 0)
		_exit(0);
	waitpid(probe, NULL, 0);
	for (;;) {
		struct proc_event ev;
		uint32_t seqno;
		ssize_t n;

		if (poll(&p, 1, 2000) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS)	/* lost, maybe the probe's */
				return -ENOBUFS;
			return -errno;
		}
		if (pcn_event_of(buf, (size_t)n, &ev, &seqno) < 0)
			continue;
		if (ev.what == PROC_EVENT_NONE && ev.event_data.ack.err)
			return -(int)ev.event_data.ack.err;
		if (ev.what == PROC_EVENT_EXIT &&
		    ev.event_data.exit.process_tgid == probe)
			return 0;
	}
}

/* A busy machine can overflow the buffer before the probe's event. */
static int pcn_probe(int fd)
{
	int err = -ENOBUFS;

	for (int tries = 0; tries < 5 && err == -ENOBUFS; tries++)
		err = pcn_probe_once(fd);
	return err;
}

int pcn_open(int rcvbuf)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = CN_IDX_PROC,
	};
	int fd, err, size = rcvbuf;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_CONNECTOR);
	if (fd < 0)
		return -errno;
	sa.nl_pid = 0;	/* let the kernel pick a unique port id */
	/* A big buffer makes ENOBUFS rare; RCVBUFFORCE needs CAP_NET_ADMIN,
	 * which we need anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	err = pcn_send(fd, PROC_CN_MCAST_LISTEN);
	if (err == 0)
		err = pcn_probe(fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

static void pcn_decode(const struct proc_event *ev, struct pcn_event *out)
{
	memset(out, 0, sizeof(*out));
	out->ts = (double)ev->timestamp_ns / 1e9;
	switch (ev->what) {
	case PROC_EVENT_FORK:
		out->type = PCN_FORK;
		out->pid = ev->event_data.fork.child_pid;
		out->tgid = ev->event_data.fork.child_tgid;
		out->ppid = ev->event_data.fork.parent_pid;
		out->ptgid = ev->event_data.fork.parent_tgid;
		break;
	case PROC_EVENT_EXEC:
		out->type = PCN_EXEC;
		out->pid = ev->event_data.exec.process_pid;
		out->tgid = ev->event_data.exec.process_tgid;
		break;
	case PROC_EVENT_COMM:
		out->type = PCN_COMM;
		out->pid = ev->event_data.comm.process_pid;
		out->tgid = ev->event_data.comm.process_tgid;
		break;
	default:
		out->type = PCN_EXIT;
		out->pid = ev->event_data.exit.process_pid;
		out->tgid = ev->event_data.exit.process_tgid;
		out->exit_code = ev->event_data.exit.exit_code;
		out->ppid = ev->event_data.exit.parent_pid;
		out->ptgid = ev->event_data.exit.parent_tgid;
		break;
	}
}

/* One more event of its CPU: the numbers skipped since the last one
 * were lost.  A number behind the expected one (a counter that wrapped
 * or restarted) is taken as the new start. */
static void pcn_count(struct pcn_seq *seq, uint32_t cpu, uint32_t seqno)
{
	struct pcn_cpu_seq *c;
	uint32_t gap;

	if (cpu >= PCN_MAX_CPUS)
		return;
	if (cpu >= seq->ncpu) {
		size_t n = cpu + 1;

		seq->cpu = xrealloc(seq->cpu, n * sizeof(*seq->cpu));
		memset(seq->cpu + seq->ncpu, 0,
		       (n - seq->ncpu) * sizeof(*seq->cpu));
		seq->ncpu = n;
	}
	c = &seq->cpu[cpu];
	gap = seqno - c->next;
	if (c->seen && gap < UINT32_MAX / 2)
		seq->lost += gap;
	c->next = seqno + 1;
	c->seen = true;
}

/* Decodes one datagram; returns 1 if it was an event we want. */
static int pcn_parse(const char *buf, size_t n, struct pcn_seq *seq,
		     struct pcn_event *out)
{
	struct proc_event ev;
	uint32_t seqno;

	if (pcn_event_of(buf, n, &ev, &seqno) < 0)
		return 0;
	if (ev.what != PROC_EVENT_NONE)	/* an ack has our own number */
		pcn_count(seq, ev.cpu, seqno);
	switch (ev.what) {
	case PROC_EVENT_FORK:
	case PROC_EVENT_EXEC:
	case PROC_EVENT_COMM:
	case PROC_EVENT_EXIT:
		pcn_decode(&ev, out);
		return 1;
	default:
		return 0;
	}
}

int pcn_read(int fd, struct pcn_seq *seq, int max,
	     void (*fn)(const struct pcn_event *ev, void *arg), void *arg)
{
	static char bufs[PCN_BATCH][PCN_MSG_SIZE];
	struct mmsghdr msgs[PCN_BATCH];
	struct iovec iov[PCN_BATCH];
	int total = 0;

	for (;;) {
		int n;

		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < PCN_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, PCN_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return total;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			struct pcn_event ev;

			if (pcn_parse(bufs[i], msgs[i].msg_len, seq, &ev)) {
				fn(&ev, arg);
				total++;
			}
		}
		if (n < PCN_BATCH || total >= max)
			return total;
	}
}

void pcn_seq_free(struct pcn_seq *seq)
{
	free(seq->cpu);
	memset(seq, 0, sizeof(*seq));
}

void pcn_close(int fd)
{
	if (fd < 0)
		return;
	pcn_send(fd, PROC_CN_MCAST_IGNORE);
	close(fd);
}
