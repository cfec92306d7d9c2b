/* noreap_init.c - a pid namespace's init that does not reap orphans.
 *
 * Meant to run as PID 1 of a new pid namespace ("unshare -fp --mount-proc
 * noreap_init MODE"), like a naive container entrypoint.  It forks a
 * workload W; W forks a middle child M, which forks a grandchild G and
 * exits 0; W reaps M.  G is orphaned and, with no subreaper, adopted by
 * the namespace's init; it waits until that has happened (bounded
 * polling of getppid), says so and exits 8.  The init never reaps it, so
 * G lingers as a zombie until the namespace goes away.  W then waits
 * (pause) so that the init has a live child of its own.
 *
 *   MODE sleep:   the init never calls wait at all (pause);
 *   MODE waitone: the init waits for W only (waitpid(W)), the classic
 *                 entrypoint that does not know about adopted orphans.
 *
 * Nothing ends by itself: the test SIGKILLs the init, which takes the
 * whole namespace (W, the zombie G) with it.  Refuses (exit 99) to run
 * as anything but PID 1 of its namespace.
 *
 * Output (namespace pids): "init pid=1 mode=MODE", "workload pid=W",
 * "middle pid=M", "grandchild pid=G code=8", "reaped pid=M status=exited 0",
 * "adopted pid=G ppid=1", "orphan zombie=1" (G is a zombie now).
 */
#define _GNU_SOURCE 1
#include "scn.h"

static void workload(void)
{
	int fds[2];
	char buf[128];
	pid_t g;
	ssize_t n;

	if (pipe(fds) < 0)
		scn_die("pipe");
	g = scn_orphan_grandchild(fds, 60);
	/* Relay "adopted ...": EOF when G has exited. */
	while ((n = read(fds[0], buf, sizeof buf)) != 0) {
		if (n < 0 && errno != EINTR)
			scn_die("read");
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	printf("orphan zombie=%d\n", scn_state(g) == 'Z');
	fflush(NULL);
	for (;;)
		pause();
}

static void on_alarm(int sig)
{
	(void)sig;
	_exit(SCN_BROKEN);
}

int main(int argc, char *argv[])
{
	pid_t w;
	int st;

	if (argc != 2 || (strcmp(argv[1], "sleep") && strcmp(argv[1], "waitone"))) {
		fprintf(stderr, "usage: noreap_init sleep|waitone\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() != 1) {
		fprintf(stderr, "noreap_init: must be PID 1 of a pid namespace "
			"(unshare -fp --mount-proc), not %d\n", (int)getpid());
		return SCN_BROKEN;
	}
	/* The test kills it; a watchdog in case it does not.  An init
	 * ignores signals it has no handler for, SIGALRM too. */
	signal(SIGALRM, on_alarm);
	alarm(60);
	printf("init pid=%d mode=%s\n", (int)getpid(), argv[1]);
	w = scn_fork();
	if (w == 0) {
		scn_guard(60);
		workload();
	}
	printf("workload pid=%d\n", (int)w);
	fflush(NULL);
	if (!strcmp(argv[1], "waitone"))
		while (waitpid(w, &st, 0) < 0 && errno == EINTR)
			;
	for (;;)
		pause();
}
