/* watch_tree.c - a random process tree with known ground truth, for
 * zwatch watch: every process writes "exit PID GPID PPID CODE T" right
 * before _exit(CODE), every reap is logged "reap PID BY T0 T1" with the
 * clock just before the wait was called and right after it returned, and the root "root PID GPID" first (T: CLOCK_MONOTONIC
 * seconds; PID, PPID: as seen in
 * the process's pid namespace; GPID: the pid in /proc's namespace, i.e.
 * the one zwatch reports).  SEED picks at each node how its children end:
 *   0  the node waits for each by pid after a random delay (parent),
 *   1  the node ignores SIGCHLD: the kernel reaps them (autoreap),
 *   2  the node exits without waiting: they are adopted by the root,
 *      which is a subreaper (or, run under unshare -fp, the namespace's
 *      init) and reaps them after random delays.
 * Usage: watch_tree SEED  (log lines on stdout, one write(2) each). */
#define _GNU_SOURCE 1
#include "scn.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/prctl.h>

static unsigned seed;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line in one write(2): lines of many processes never interleave. */
static void logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logline(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(1, buf, (size_t)n) != n)
		_exit(SCN_BROKEN);
}

/* Our pid in /proc's namespace (readlink /proc/self), for unshare -fp. */
static int global_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return getpid();
	buf[n] = '\0';
	return atoi(buf);
}

static _Noreturn void finish(int code)
{
	logline("exit %d %d %d %d %.6f\n", getpid(), global_pid(), getppid(),
		code, now());
	_exit(code);
}

static void reap(pid_t pid)
{
	double t0 = now();
	pid_t r = waitpid(pid, NULL, 0);

	if (r > 0)
		logline("reap %d %d %.6f %.6f\n", r, getpid(), t0, now());
}

/* Builds this node's subtree; returns its exit code. */
static int node(int depth)
{
	pid_t kids[3];
	int n = depth < 3 ? 1 + (int)rnd(3) : 0;
	unsigned mode = rnd(3), code = rnd(100);

	if (n && mode == 1)
		signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < n; i++) {
		unsigned child_seed = rnd(1u << 30);

		kids[i] = scn_fork();
		if (kids[i] == 0) {
			seed = child_seed;
			scn_msleep(rnd(15));
			finish(node(depth + 1));
		}
	}
	if (n && mode == 0) {
		for (int i = 0; i < n; i++) {
			scn_msleep(5 + rnd(30));
			reap(kids[i]);
		}
	} else if (n && mode == 1) {
		/* Blocks until all have exited (then ECHILD): no orphans. */
		while (wait(NULL) > 0 || errno == EINTR)
			;
	} else if (n) {
		scn_msleep(5);	/* leave; some children are zombies now */
	}
	return (int)code;
}

int main(int argc, char **argv)
{
	pid_t top;

	scn_init(60);
	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	logline("root %d %d\n", getpid(), global_pid());
	top = scn_fork();
	if (top == 0)
		finish(node(0));
	/* Adopted orphans and the top node: reaped after a random delay,
	 * polling, so that each stays a zombie for a while first. */
	for (;;) {
		double t0;
		pid_t r;

		scn_msleep(2 + rnd(20));
		t0 = now();
		r = waitpid(-1, NULL, WNOHANG);
		if (r > 0)
			logline("reap %d %d %.6f %.6f\n", r, getpid(), t0, now());
		else if (r < 0)
			break;
	}
	return 0;
}
