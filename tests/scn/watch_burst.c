/* watch_burst.c - a fork burst for zwatch watch's stress test and
 * benchmark: N children that _exit(0) at once, each reaped at once,
 * except the last KEEP, left as zombies.  Prints "ready SECONDS" (the
 * burst's duration) when done, waits for a line on stdin (or its end),
 * then reaps the KEEP zombies and prints "done".
 * MODE "vfork" makes each child with vfork(): to the kernel and its
 * connector the same fork and exit of a process of its own, without
 * copying page tables, which on a VM with nested paging is what limits
 * fork() (here ~300 forks/s, ~7,000 vforks/s), so that 100,000 of them
 * fit in a few seconds.
 * Usage: watch_burst N KEEP [fork|vfork] */
#define _GNU_SOURCE 1
#include "scn.h"

#include <stdbool.h>

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	long keep = argc > 2 ? atol(argv[2]) : 0;
	bool use_vfork = argc > 3 && !strcmp(argv[3], "vfork");
	double t0 = mono();
	char line[16];

	scn_init(3600);
	for (long i = 0; i < n; i++) {
		pid_t c = use_vfork ? vfork() : fork();

		if (c < 0) {
			/* out of pids for a moment: let the reaped ones go */
			scn_msleep(1);
			i--;
			continue;
		}
		if (c == 0)
			_exit(0);
		if (i < n - keep)
			waitpid(c, NULL, 0);
	}
	printf("ready %.3f\n", mono() - t0);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	while (wait(NULL) > 0)
		;
	printf("done\n");
	return 0;
}
