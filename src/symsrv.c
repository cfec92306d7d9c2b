/* symsrv.c - the symbolizer helper of symsrv.h: its start, its loop, and
 * the tracer's side of the conversation.
 *
 * One SOCK_SEQPACKET socketpair, one message each way per lookup: the
 * request is the file offset and the path (for the cache and the debug
 * file search), with the open file as SCM_RIGHTS; the answer is the
 * error, the line, the offset into the function and the three strings,
 * each with its length.  The answer comes from a process that has parsed
 * hostile bytes: every length is checked before use.
 *
 * The helper is a grandchild, orphaned at once: the tracer's
 * waitpid(-1, __WALL) must see no child it did not trace.  It is in its
 * own session (a ^C to zwatch's process group is not for it) and ends
 * at the end of the socket, or killed through its pidfd.
 */
#include "config.h"
#include "symsrv.h"
#include "sandbox.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FUNC_MAX 256
#define ID_MAX 129
#define FILE_MAX 4096
#define MAX_DEATHS 4		/* helpers started after the first */
#define MAX_BAD 64		/* files a helper died on, not retried */
#define DEADLINE_MS 5000	/* per answer; debuginfod downloads: */
#define DEADLINE_NET_MS 60000

struct request {
	uint64_t off;
};

struct reply {
	int32_t err;
	uint32_t line;
	uint64_t func_offset;
	uint16_t func_len, id_len, file_len, pad;
};

#define REPLY_MAX (sizeof(struct reply) + FUNC_MAX + ID_MAX + FILE_MAX)

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct symsrv {
	unsigned flags;
	int sock;		/* -1: no helper now */
	int pidfd;
	unsigned deaths;
	struct file_id bad[MAX_BAD];
	size_t nbad;
	char func[FUNC_MAX], id[ID_MAX], file[FILE_MAX];
};

static bool want_network(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	return urls && *urls;
}

/* ---- the helper's side ---- */

/* One request: its path in buf (NUL-terminated), its file in *fd. */
static ssize_t recv_request(int sock, char *buf, size_t len, int *fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { buf, len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n <= 0)
		return n;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	buf[n] = '\0';
	return n;
}

static size_t put(char *dst, const char *s, size_t max, uint16_t *len)
{
	size_t n = s ? strnlen(s, max - 1) : 0;

	memcpy(dst, s ? s : "", n);
	*len = (uint16_t)n;
	return n;
}

static void send_reply(int sock, int err, const struct elfsym_info *info)
{
	char buf[REPLY_MAX];
	struct reply r = { .err = err, .line = info->line,
			   .func_offset = info->func_offset };
	size_t n = sizeof(r);

	n += put(buf + n, info->function, FUNC_MAX, &r.func_len);
	n += put(buf + n, info->build_id, ID_MAX, &r.id_len);
	n += put(buf + n, info->file, FILE_MAX, &r.file_len);
	memcpy(buf, &r, sizeof(r));
	if (send(sock, buf, n, MSG_NOSIGNAL) < 0)
		_exit(0);
}

static _Noreturn void serve(int sock, unsigned flags)
{
	struct elfsym *es = elfsym_new(flags);
	char buf[sizeof(struct request) + PATH_MAX];

	for (;;) {
		struct elfsym_info info = { 0 };
		struct request req;
		int fd, err = -EINVAL;
		ssize_t n = recv_request(sock, buf, sizeof(buf), &fd);

		if (n <= 0)
			_exit(0);
		if ((size_t)n > sizeof(req) && fd >= 0) {
			memcpy(&req, buf, sizeof(req));
			err = elfsym_lookup_fd(es, buf + sizeof(req), fd,
					       (unsigned long)req.off, &info);
		}
		if (fd >= 0)
			close(fd);
		send_reply(sock, err, &info);
	}
}

/* In the helper, before it reads anything: nothing of the tracer's
 * (descriptors, signal mask, session) is left to it, then it confines
 * itself and says it is ready with its pid. */
static _Noreturn void helper_main(int sock, unsigned flags, pid_t zwatch)
{
	int null = open("/dev/null", O_RDWR);
	sigset_t none;
	char name[16];
	int32_t pid;

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 || dup2(sock, 3) < 0)
		_exit(1);
	sock = 3;
	if (syscall(SYS_close_range, 4, ~0u, 0) < 0)
		for (int fd = 4; fd < 1024; fd++)
			close(fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (sandbox_enter(want_network()) < 0)
		_exit(1);
	/* "zwsym:PID" (PID zwatch's), once confined: findable in ps, and
	 * by the tests. */
	snprintf(name, sizeof(name), "zwsym:%d", (int)zwatch);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	pid = getpid();
	if (send(sock, &pid, sizeof(pid), MSG_NOSIGNAL) != sizeof(pid))
		_exit(1);
	serve(sock, flags);
}

/* ---- the tracer's side ---- */

static int wait_readable(int sock)
{
	struct pollfd p = { sock, POLLIN, 0 };
	int ms = want_network() ? DEADLINE_NET_MS : DEADLINE_MS;
	double end = clock_now() + ms / 1000.0;

	for (;;) {
		int n = poll(&p, 1, ms);

		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
		ms = (int)((end - clock_now()) * 1000);
		if (ms < 0)
			ms = 0;
	}
}

static void stop_helper(struct symsrv *sv)
{
	if (sv->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, sv->pidfd, SIGKILL, NULL, 0);
		close(sv->pidfd);
	}
	if (sv->sock >= 0)
		close(sv->sock);
	sv->sock = sv->pidfd = -1;
}

static int start_helper(struct symsrv *sv)
{
	int pair[2], status;
	int32_t pid;
	pid_t mid, zwatch = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -errno;
	mid = fork();
	if (mid == 0) {
		close(pair[0]);
		if (fork() == 0)
			helper_main(pair[1], sv->flags, zwatch);
		_exit(0);
	}
	close(pair[1]);
	sv->sock = pair[0];
	while (mid > 0 && waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	if (mid < 0 || wait_readable(sv->sock) < 0 ||
	    recv(sv->sock, &pid, sizeof(pid), 0) != sizeof(pid) || pid <= 0) {
		stop_helper(sv);
		return -ECHILD;
	}
	sv->pidfd = pidfd_open_pid(pid);
	return 0;
}

/* The helper is started at the first lookup, not here: a run that never
 * unwinds (--diagnose is on by default, -k is not) forks nothing, and a
 * pid namespace's numbering is its programs' alone until then. */
struct symsrv *symsrv_new(unsigned flags)
{
	struct symsrv *sv = xcalloc(1, sizeof(*sv));

	sv->flags = flags;
	sv->sock = sv->pidfd = -1;
	return sv;
}

/* A helper to ask: the one running, or a new one while not too many
 * have died; a failure to start is final, and said once. */
static bool have_helper(struct symsrv *sv)
{
	if (sv->sock >= 0)
		return true;
	if (sv->deaths > MAX_DEATHS)
		return false;
	if (start_helper(sv) == 0)
		return true;
	sv->deaths = MAX_DEATHS + 1;
	warnx_("cannot start the symbolizer helper: stack frames stay "
	       "binary+offset");
	return false;
}

void symsrv_free(struct symsrv *sv)
{
	if (!sv)
		return;
	stop_helper(sv);
	free(sv);
}

static int send_request(int sock, const char *path, int fd,
			unsigned long off)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct request req = { off };
	struct iovec iov[2] = { { &req, sizeof(req) },
				{ (void *)path, strlen(path) } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2,
			      .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -EPIPE : 0;
}

static const char *take(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len ? dst : NULL;
}

/* The answer, checked: anything malformed is -EPROTO, as from a helper
 * that is no longer what was started. */
static int read_reply(struct symsrv *sv, struct elfsym_info *out)
{
	char buf[REPLY_MAX + 1];
	struct reply r;
	ssize_t n;
	int err = wait_readable(sv->sock);

	if (err)
		return err;
	n = recv(sv->sock, buf, sizeof(buf), 0);
	if (n <= 0)
		return -EPIPE;
	if ((size_t)n < sizeof(r))
		return -EPROTO;
	memcpy(&r, buf, sizeof(r));
	if (r.func_len >= FUNC_MAX || r.id_len >= ID_MAX ||
	    r.file_len >= FILE_MAX || r.err > 0 ||
	    (size_t)n != sizeof(r) + r.func_len + r.id_len + r.file_len)
		return -EPROTO;
	out->function = take(sv->func, buf + sizeof(r), r.func_len);
	out->build_id = take(sv->id, buf + sizeof(r) + r.func_len, r.id_len);
	out->file = take(sv->file, buf + sizeof(r) + r.func_len + r.id_len,
			 r.file_len);
	out->line = out->file ? r.line : 0;
	out->func_offset = out->function ? r.func_offset : 0;
	return r.err;
}

static bool is_bad(const struct symsrv *sv, const struct stat *st)
{
	for (size_t i = 0; i < sv->nbad; i++)
		if (sv->bad[i].dev == st->st_dev && sv->bad[i].ino == st->st_ino)
			return true;
	return false;
}

/* Only tracee-controlled bytes in a warning: printable ASCII or '?'. */
static void printable(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = src[i] > 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

static void helper_lost(struct symsrv *sv, const char *path,
			const struct stat *st, int why)
{
	char name[256];

	stop_helper(sv);
	if (sv->nbad < MAX_BAD)
		sv->bad[sv->nbad++] = (struct file_id){ st->st_dev, st->st_ino };
	printable(name, sizeof(name), path);
	warnx_("the symbolizer helper %s reading %s: its frames stay "
	       "binary+offset%s", why == -ETIMEDOUT ? "took too long" :
	       "died", name, ++sv->deaths > MAX_DEATHS ?
	       "; no more helpers, all frames stay so" : "");
}

/* The helper died between requests (killed, out of CPU time): not the
 * fault of the next file, which a new helper gets. */
static void check_idle(struct symsrv *sv)
{
	struct pollfd p = { sv->sock, POLLIN, 0 };

	if (sv->sock < 0 || poll(&p, 1, 0) == 0)
		return;
	stop_helper(sv);
	warnx_("the symbolizer helper died%s", ++sv->deaths > MAX_DEATHS ?
	       "; no more helpers: stack frames stay binary+offset" :
	       " between lookups; starting another");
}

int symsrv_lookup(struct symsrv *sv, const char *path, unsigned long off,
		  struct elfsym_info *out)
{
	struct stat st;
	int fd, err;

	*out = (struct elfsym_info){ NULL, 0, NULL, NULL, 0 };
	if (!sv)
		return -ENOSYS;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOEXEC;
	}
	err = -EIO;
	check_idle(sv);
	if (!is_bad(sv, &st) && have_helper(sv)) {
		err = send_request(sv->sock, path, fd, off);
		if (!err)
			err = read_reply(sv, out);
		if (err == -EPIPE || err == -ETIMEDOUT || err == -EPROTO) {
			helper_lost(sv, path, &st, err);
			*out = (struct elfsym_info){ NULL, 0, NULL, NULL, 0 };
			err = -EIO;
		}
	}
	close(fd);
	return err;
}
