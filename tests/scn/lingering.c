/* lingering.c - a child that stays a zombie for ~1.5 s, for a reason
 * zwatch --diagnose must name.  MODE:
 *   sleep    the parent sleeps before it waits
 *   blocked  the parent blocks SIGCHLD and sleeps
 *   onepid   the parent waits for another child only
 *   handler  a SIGCHLD handler that takes one child per signal: three
 *            children exit together, signals coalesce, zombies remain
 * Prints "zombie pid=N" for each child expected to linger.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <string.h>

static void take_one(int sig)
{
	(void)sig;
	waitpid(-1, NULL, WNOHANG);	/* the bug: no loop */
}

/* N children that exit at once and are not waited for.  SIGCHLD stays
 * blocked until all are zombies, so that it is delivered once. */
static void spawn_zombies(int n)
{
	sigset_t set, old;
	pid_t pids[8];

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (int i = 0; i < n; i++) {
		pids[i] = scn_fork();
		if (pids[i] == 0)
			_exit(3);
		printf("zombie pid=%d\n", (int)pids[i]);
		fflush(stdout);
	}
	for (int i = 0; i < n; i++)
		if (!scn_wait_dead(pids[i], 5000))
			scn_die("child did not exit");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sleep";
	pid_t other = 0;

	scn_init(30);
	if (!strcmp(mode, "blocked")) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (!strcmp(mode, "handler")) {
		struct sigaction sa = { .sa_handler = take_one };

		sigaction(SIGCHLD, &sa, NULL);
	} else if (!strcmp(mode, "onepid")) {
		other = scn_fork();
		if (other == 0) {
			scn_msleep(1500);
			_exit(0);
		}
	}
	spawn_zombies(!strcmp(mode, "handler") ? 3 : 1);
	if (other)
		waitpid(other, NULL, 0);
	else
		scn_msleep(1500);
	while (wait(NULL) > 0)
		;
	return 0;
}
