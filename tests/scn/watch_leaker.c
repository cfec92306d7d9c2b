/* watch_leaker.c - a parent that leaks zombies for a known time, for
 * zwatch watch: forks N children that _exit(CODE) at once, keeps them as
 * zombies for HOLD_MS, reaps them, then lives on for LINGER_MS.
 * Prints "zombie PID REALTIME MONOTONIC" as each child exits (the
 * child's own clock just before _exit), "reap PID MONOTONIC" after each
 * wait, and "done" before leaving.  Usage: watch_leaker N HOLD_MS
 * LINGER_MS [CODE] */
#define _GNU_SOURCE 1
#include "scn.h"

static double clock_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	long hold = argc > 2 ? atol(argv[2]) : 1000;
	long linger = argc > 3 ? atol(argv[3]) : 0;
	int code = argc > 4 ? atoi(argv[4]) : 7;
	pid_t *kids = calloc((size_t)n, sizeof(*kids));

	scn_init((unsigned)((hold + linger) / 1000 + 60));
	for (int i = 0; i < n; i++) {
		kids[i] = scn_fork();
		if (kids[i] == 0) {
			printf("zombie %d %.6f %.6f\n", getpid(),
			       clock_s(CLOCK_REALTIME), clock_s(CLOCK_MONOTONIC));
			fflush(stdout);
			_exit(code);
		}
	}
	scn_msleep(hold);
	for (int i = 0; i < n; i++)
		if (waitpid(kids[i], NULL, 0) == kids[i])
			printf("reap %d %.6f\n", kids[i], clock_s(CLOCK_MONOTONIC));
	scn_msleep(linger);
	printf("done\n");
	return 0;
}
