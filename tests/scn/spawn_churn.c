/* spawn_churn.c - forks short-lived children non-stop, then exits.
 *
 * For attaching to a moving target: for MS milliseconds the program forks
 * children without pause and keeps up to 3 of them unreaped (zombies) at
 * any time.  Child i exits i % 100 at once; every 5th execs /bin/true
 * (exit 0) instead; every 4th first forks a grandchild that exits
 * 100 + i % 100 a millisecond later, orphaned: run the program under
 * tests/scn/subreaper_run, whose reaps it prints, since PID 1 here does
 * not reap.  At the end it reaps every child and exits CODE.  So an
 * attach at any moment races with births, exits, execs, reaps and
 * reparenting, and with the target's own exit.
 *
 * Usage: spawn_churn MS CODE
 * Output: "churn pid=P", "reaped pid=X status=exited C" per child,
 * "done children=N".
 */
#define _GNU_SOURCE 1
#include "scn.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void reap_one(int flags, int *unreaped)
{
	char sbuf[64];
	int st;
	pid_t pid = waitpid(-1, &st, flags);

	if (pid < 0) {
		if (errno == EINTR)
			return;
		scn_die("waitpid");
	}
	if (pid == 0)
		return;
	(*unreaped)--;
	printf("reaped pid=%d status=%s\n", (int)pid,
	       scn_status(st, sbuf, sizeof sbuf));
}

int main(int argc, char *argv[])
{
	int n = 0, unreaped = 0;
	double end;

	if (argc != 3) {
		fprintf(stderr, "usage: spawn_churn MS CODE\n");
		return 2;
	}
	scn_init(30);
	end = now_ms() + atof(argv[1]);
	printf("churn pid=%d\n", (int)getpid());
	while (now_ms() < end) {
		pid_t c = scn_fork();

		if (c == 0) {
			if (n % 4 == 0 && fork() == 0) {
				scn_msleep(1);
				_exit(100 + n % 100);
			}
			if (n % 5 == 1) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(SCN_BROKEN);
			}
			_exit(n % 100);
		}
		n++;
		unreaped++;
		while (unreaped > 3)
			reap_one(0, &unreaped);
	}
	while (unreaped > 0)
		reap_one(0, &unreaped);
	printf("done children=%d\n", n);
	return atoi(argv[2]);
}
