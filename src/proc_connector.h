/* proc_connector.h - the kernel's process events connector (netlink
 * NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec, comm and exit events of
 * every process on the machine, without ptrace.  Works in the initial
 * network, user and pid namespaces only; older kernels also require
 * CAP_NET_ADMIN (6.18 here does not).
 */
#ifndef ZWATCH_PROC_CONNECTOR_H
#define ZWATCH_PROC_CONNECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pcn_type { PCN_FORK, PCN_EXEC, PCN_COMM, PCN_EXIT };

/* One event, decoded.  pid/tgid: the thread and process it is about
 * (the child for a fork); ppid/ptgid: the creator for a fork, the
 * parent at exit for an exit (Linux 4.18+, else 0). */
struct pcn_event {
	enum pcn_type type;
	int pid, tgid;
	int ppid, ptgid;
	unsigned exit_code;	/* wait status, for PCN_EXIT */
	double ts;		/* when, CLOCK_MONOTONIC seconds */
};

/* Opens the socket, subscribes, and checks that events arrive (a child
 * forked for the purpose must be seen exiting within 2 s): the fd
 * (non-blocking), or -errno: -EPERM without CAP_NET_ADMIN (kernels that
 * require it), -ETIMEDOUT outside the initial namespaces,
 * -EPROTONOSUPPORT without the connector.  rcvbuf: the socket's buffer
 * in bytes (events queued while zwatch is busy; beyond it they are lost). */
int pcn_open(int rcvbuf);

/* How many events were lost.  The kernel numbers the events of each CPU
 * (cn_msg.seq, the CPU in the event), whoever listens, so a gap in one
 * CPU's numbers is the count of events this socket missed (we subscribe
 * to every event type: a filtered one would be a gap too).  Events
 * before a CPU's first one read are not counted. */
struct pcn_cpu_seq {
	uint32_t next;		/* the number expected next */
	bool seen;
};
struct pcn_seq {
	struct pcn_cpu_seq *cpu;
	size_t ncpu;
	uint64_t lost;		/* events missed, counted so far */
};

/* Reads what is queued on fd, up to about max events (whole batches),
 * calling fn for each event and adding
 * the gaps to seq->lost.  Returns the number of events, or -ENOBUFS when
 * the kernel dropped some because the socket's buffer was full (the
 * caller must re-read /proc: it cannot know which were lost; their
 * number shows in seq->lost once later events of their CPUs arrive), or
 * another -errno. */
int pcn_read(int fd, struct pcn_seq *seq, int max,
	     void (*fn)(const struct pcn_event *ev, void *arg), void *arg);

void pcn_seq_free(struct pcn_seq *seq);

/* Unsubscribes and closes. */
void pcn_close(int fd);

#endif
