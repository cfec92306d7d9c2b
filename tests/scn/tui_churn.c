/* tui_churn.c - something to watch in zwatch --tui (issue 15).
 *
 * ROUNDS times (argv[1], default 4): fork a "worker" that forks two
 * "leaf" children and reaps them at once, then exits; the parent leaves
 * the worker a zombie for 1.5 s before reaping it, so that the view shows
 * a zombie whose age ticks, then "reaped ... by <parent>".  Every process
 * prints a line on stdout: under --tui that goes to the log, not the
 * screen.  With argv[2] = "hold", the parent then waits for SIGTERM (the
 * test's way to see a detach with -p).
 */
#define _GNU_SOURCE 1
#include "scn.h"

static void worker(int round)
{
	for (int i = 0; i < 2; i++) {
		pid_t leaf = scn_fork();

		if (leaf == 0) {
			printf("leaf %d of round %d\n", (int)getpid(), round);
			fflush(stdout);
			_exit(0);
		}
		if (waitpid(leaf, NULL, 0) != leaf)
			scn_die("waitpid leaf");
	}
	printf("worker %d of round %d exits\n", (int)getpid(), round);
	fflush(stdout);
	_exit(round % 2 ? 1 : 0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;

	scn_init(120);
	for (int r = 0; r < rounds; r++) {
		pid_t w = scn_fork();
		int st;

		if (w == 0)
			worker(r);
		printf("parent: worker %d forked, reaping it in 1.5 s\n", (int)w);
		fflush(stdout);
		scn_msleep(1500);
		if (waitpid(w, &st, 0) != w)
			scn_die("waitpid worker");
	}
	if (argc > 2 && !strcmp(argv[2], "hold"))
		for (;;)
			pause();
	return 0;
}
