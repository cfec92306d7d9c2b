/* adopted_sigwait.c - an adopted process that blocks SIGCHLD and reaps its
 * own child with sigwaitinfo() and waitpid(WNOHANG): tini's pattern, seen
 * in tini's own pdeathsignal test.
 *
 * This process R makes itself a subreaper and forks A; A forks B and
 * exits, so B is adopted by R.  B blocks SIGCHLD, forks C (C exits 7
 * after 50 ms), waits for SIGCHLD with sigwaitinfo(), reaps C with
 * waitpid(-1, WNOHANG) and exits 0 at once.  R reaps A and B.  C's reaper
 * is B, its parent: never R.  ROUNDS (argv[1], default 1) repeats it.
 * Output: "adopted pid=B", "child pid=C code=7", "reaped pid=C by=B
 * status=exited 7", "reaped pid=P status=..." for A and B (by R).
 */
#define _GNU_SOURCE 1
#include <sys/prctl.h>
#include "scn.h"

static void run_b(int fd)
{
	char sbuf[64];
	sigset_t set;
	siginfo_t si;
	pid_t c, got;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		scn_die("sigprocmask");
	c = scn_fork();
	if (c == 0) {
		scn_msleep(50);
		_exit(7);
	}
	dprintf(fd, "adopted pid=%d\nchild pid=%d code=7\n", (int)getpid(),
		(int)c);
	if (sigwaitinfo(&set, &si) < 0)
		scn_die("sigwaitinfo");
	/* The SIGCHLD can only be C's: it is B's only child. */
	while ((got = waitpid(-1, &st, WNOHANG)) == 0)
		scn_msleep(1);
	if (got < 0)
		scn_die("waitpid");
	dprintf(fd, "reaped pid=%d by=%d status=%s\n", (int)got, (int)getpid(),
		scn_status(st, sbuf, sizeof sbuf));
	_exit(0);
}

static void round_once(void)
{
	char sbuf[64], buf[512];
	int fds[2], st;
	pid_t a, got;
	ssize_t n;

	if (pipe(fds) < 0)
		scn_die("pipe");
	a = scn_fork();
	if (a == 0) {
		close(fds[0]);
		pid_t me = getpid();

		if (scn_fork() == 0) {
			/* Wait to be adopted, so that B is R's when C exits. */
			scn_guard(10);
			for (int i = 0; getppid() == me && i < 2000; i++)
				scn_msleep(1);
			run_b(fds[1]);
		}
		_exit(0);
	}
	close(fds[1]);
	if (waitpid(a, &st, 0) != a)
		scn_die("waitpid A");
	printf("reaped pid=%d status=%s\n", (int)a, scn_status(st, sbuf, sizeof sbuf));
	/* B writes its lines, then exits: EOF means B is done with them. */
	while ((n = read(fds[0], buf, sizeof buf - 1)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fds[0]);
	while ((got = waitpid(-1, &st, 0)) > 0)
		printf("reaped pid=%d status=%s\n", (int)got,
		       scn_status(st, sbuf, sizeof sbuf));
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;

	scn_init(30);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("prctl");
	for (int i = 0; i < rounds; i++)
		round_once();
	return 0;
}
