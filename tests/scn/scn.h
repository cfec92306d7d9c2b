/* scn.h - tiny helpers shared by the zwatch scenario programs.
 *
 * Every scenario is a small real program that does one process-lifecycle
 * thing (fork, wait, signal, thread, exec, ...) in a deterministic way, and
 * prints what it saw itself (pids, wait statuses) on stdout, one line per
 * fact, so that the e2e tests can compare zwatch's JSON with the program's
 * own view.  Lines are "TAG key=value ..." unless a comment says otherwise.
 *
 * Include this after defining _GNU_SOURCE.  Everything here is static
 * inline so that unused helpers cost nothing and raise no warnings.
 */
#ifndef ZWATCH_SCN_H
#define ZWATCH_SCN_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exit status for "the scenario itself broke" (not "zwatch is wrong"). */
#define SCN_BROKEN 99

static inline void scn_die(const char *what)
{
	fprintf(stderr, "scenario: %s: %s\n", what, strerror(errno));
	fflush(NULL);
	_exit(SCN_BROKEN);
}

/* A watchdog: if the scenario hangs (for instance because a tracer broke
 * job control), SIGALRM kills it after SECS seconds instead of hanging the
 * test suite.  Alarms are not inherited across fork, so children that can
 * block call this too. */
static inline void scn_guard(unsigned secs)
{
	alarm(secs);
}

/* Line-buffered stdout even on a pipe: every printed line is out before
 * the next fork, so no line is printed twice by a child. */
static inline void scn_init(unsigned guard_secs)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	scn_guard(guard_secs);
}

static inline void scn_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static inline pid_t scn_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		scn_die("fork");
	return pid;
}

/* pid, just reaped with status st, is child j of pids[n], which was to
 * exit with j % 100: 1 if it did, 0 if not (said on stderr); its slot
 * is cleared (pids may be reused later).  -1 if pid is none of them. */
static inline int scn_code_ok(pid_t *pids, int n, pid_t pid, int st)
{
	for (int j = 0; j < n; j++) {
		if (pids[j] != pid)
			continue;
		pids[j] = 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == j % 100)
			return 1;
		fprintf(stderr, "child %d: bad status 0x%x\n", (int)pid, st);
		return 0;
	}
	return -1;
}

/* The /proc state letter of PID (R, S, Z, ...), '?' if it is gone. */
static inline char scn_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may contain spaces and parens */
	if (!p || p[1] != ' ' || !p[2])
		return '?';
	return p[2];
}

/* Bounded polling: waits up to TIMEOUT_MS for PID to be a zombie (or gone).
 * Returns 1 when it is, 0 on timeout. */
static inline int scn_wait_dead(pid_t pid, long timeout_ms)
{
	for (long waited = 0; waited <= timeout_ms; waited += 5) {
		char s = scn_state(pid);

		if (s == 'Z' || s == 'X' || s == '?')
			return 1;
		scn_msleep(5);
	}
	return 0;
}

/* Reads until EOF from FD: returns when every writer has closed it, which
 * for a pipe end held only by a child means "that child has exited". */
static inline void scn_wait_eof(int fd)
{
	char buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) != 0)
		if (n < 0 && errno != EINTR)
			scn_die("read");
}

/* "exited 9", "killed SIGKILL core=0", "stopped SIGSTOP", "continued". */
static inline const char *scn_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed SIG%s core=%d",
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?",
			 WCOREDUMP(st) ? 1 : 0);
	else if (WIFSTOPPED(st))
		snprintf(buf, len, "stopped SIG%s",
			 sigabbrev_np(WSTOPSIG(st)) ? sigabbrev_np(WSTOPSIG(st)) : "?");
	else if (WIFCONTINUED(st))
		snprintf(buf, len, "continued");
	else
		snprintf(buf, len, "unknown 0x%x", st);
	return buf;
}

/* A double fork: a middle child forks a grandchild and exits 0; the
 * grandchild waits (up to 10 s) to be orphaned, writes "adopted pid=G
 * ppid=P" to fd and exits 8.  Prints "middle pid=M", "grandchild pid=G
 * code=8", reaps the middle child and prints "reaped pid=M status=...".
 * Returns G.  guard: the grandchild's watchdog, in seconds. */
static inline pid_t scn_orphan_grandchild(int fds[2], unsigned guard)
{
	char sbuf[64];
	pid_t middle, g;
	int st;

	middle = scn_fork();
	if (middle == 0) {
		pid_t me = getpid();

		g = scn_fork();
		if (g == 0) {
			pid_t pp;

			scn_guard(guard);
			for (int i = 0; (pp = getppid()) == me && i < 2000; i++)
				scn_msleep(5);
			dprintf(fds[1], "adopted pid=%d ppid=%d\n",
				(int)getpid(), (int)pp);
			_exit(8);
		}
		if (write(fds[1], &g, sizeof g) != sizeof g)
			_exit(SCN_BROKEN);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &g, sizeof g) != sizeof g)
		scn_die("read");
	printf("middle pid=%d\n", (int)middle);
	printf("grandchild pid=%d code=8\n", (int)g);
	if (waitpid(middle, &st, 0) != middle)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)middle,
	       scn_status(st, sbuf, sizeof sbuf));
	return g;
}

#endif
