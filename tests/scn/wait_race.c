/* wait_race.c - a subreaper blocked in wait4(-1, __WALL) while its own
 * children exit at the same moment as an orphaned grandchild is handed
 * to it and reaped (issue 11, item 4).
 *
 * This process R makes itself a subreaper.  Each round it forks, all
 * holding the read end of one pipe "go":
 *   C1, C2  read go until EOF, then exit 3 and 4;
 *   A       forks G, then reads go until EOF and exits 5;
 *   G       even rounds: exits 6 at once and A leaves it a zombie, so
 *           A's exit hands R a zombie; odd rounds: reads go until EOF
 *           and exits 6, an orphan at the moment A exits;
 *   T       the trigger: holds go's write end, takes a moment, exits 0.
 * R closes its write end and loops in wait4(-1, &st, __WALL, NULL) until
 * ECHILD: T's exit makes C1, C2, A (and G) exit together, while R sits
 * in wait4, and G is adopted by R in the middle of it.  Every one of
 * them is reaped by R, in a wait4 that says so.  ROUNDS (argv[1],
 * default 1) repeats it.
 *
 * Output: "child pid=P code=N" for each, "reaped pid=P status=..." for
 * each wait4 of R.  A and G report G's pid through a pipe.
 */
#define _GNU_SOURCE 1
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "scn.h"

/* A child that exits with code when every writer of go has closed it
 * (only the trigger T keeps the write end). */
static pid_t fork_reader(const int go[2], int code)
{
	pid_t pid = scn_fork();

	if (pid == 0) {
		scn_guard(10);
		close(go[1]);
		scn_wait_eof(go[0]);
		_exit(code);
	}
	return pid;
}

/* A: forks G; in a zombie round, waits until G is dead (so it is handed
 * over as a zombie), in the other G exits with the rest. */
static pid_t fork_middle(const int go[2], int info, bool zombie_round)
{
	pid_t a = scn_fork();

	if (a == 0) {
		pid_t g;

		scn_guard(10);
		close(go[1]);
		g = zombie_round ? scn_fork() : fork_reader(go, 6);
		if (g == 0)
			_exit(6);
		dprintf(info, "child pid=%d code=6\n", (int)g);
		close(info);
		if (zombie_round && !scn_wait_dead(g, 5000))
			_exit(SCN_BROKEN);
		scn_wait_eof(go[0]);
		_exit(5);
	}
	return a;
}

static void round_once(bool zombie_round)
{
	int go[2], info[2], st;
	char sbuf[64], buf[256];
	pid_t c1, c2, a, t, got;
	ssize_t n;

	if (pipe(go) < 0 || pipe(info) < 0)
		scn_die("pipe");
	c1 = fork_reader(go, 3);
	c2 = fork_reader(go, 4);
	a = fork_middle(go, info[1], zombie_round);
	close(info[1]);
	close(go[0]);
	t = scn_fork();
	if (t == 0) {
		/* Long enough for R to be blocked in its wait4. */
		scn_msleep(3);
		_exit(0);
	}
	close(go[1]);
	printf("child pid=%d code=3\nchild pid=%d code=4\nchild pid=%d code=5\n"
	       "child pid=%d code=0\n", (int)c1, (int)c2, (int)a, (int)t);
	while ((got = wait4(-1, &st, __WALL, NULL)) > 0)
		printf("reaped pid=%d status=%s\n", (int)got,
		       scn_status(st, sbuf, sizeof sbuf));
	if (errno != ECHILD)
		scn_die("wait4");
	while ((n = read(info[0], buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(info[0]);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;

	scn_init(60);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("prctl");
	for (int i = 0; i < rounds; i++)
		round_once(i % 2 == 0);
	return 0;
}
