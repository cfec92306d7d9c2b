/* masked_reaper.c - a parent that reaps with SIGCHLD blocked, as bash
 * does around its waitpid() and make outside its pselect().
 *
 * It blocks SIGCHLD, forks N children that exit 40 + i at once, reaps
 * each with a blocking waitpid(), and only then unblocks SIGCHLD (with a
 * handler that does nothing), so that the SIGCHLD arrives as it returns
 * from sigprocmask(), long after the wait.  zwatch must say the parent
 * reaped them, not the kernel (no SA_NOCLDWAIT, no SIG_IGN here).
 *
 * Usage: masked_reaper [N]
 * Output: "reaped pid=P code=C" per child.
 */
#define _GNU_SOURCE 1
#include "scn.h"

static void on_chld(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	struct sigaction sa = { .sa_handler = on_chld };
	sigset_t chld, old;

	scn_guard(20);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigaction(SIGCHLD, &sa, NULL);
	for (int i = 0; i < n; i++) {
		pid_t pid;
		int status;

		sigprocmask(SIG_BLOCK, &chld, &old);
		pid = fork();
		if (pid < 0)
			scn_die("fork");
		if (pid == 0)
			_exit(40 + i);
		if (waitpid(pid, &status, 0) != pid)
			scn_die("waitpid");
		printf("reaped pid=%d code=%d\n", pid, WEXITSTATUS(status));
		fflush(stdout);
		sigprocmask(SIG_SETMASK, &old, NULL);	/* SIGCHLD arrives here */
	}
	return 0;
}
