/* zombie_demo.c - the classic zombie, and the README demo.
 *
 * The child exits at once with status 9.  The parent notices the exit (EOF
 * on a pipe only the child held: the child's files are closed as it dies),
 * then sleeps 300 ms before calling waitpid, so the child lies about 0.3 s
 * as a zombie.  zwatch should report: exit_code 9, zombie_seconds ~0.3,
 * reaped_by = the parent, reaper "parent", final "reaped".
 *
 * Syncing on the pipe first (instead of sleeping right after fork) makes
 * the zombie time 300 ms plus a little, however slowly the child starts.
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	int fds[2], st;
	char sbuf[64];
	pid_t child;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		close(fds[0]);
		printf("child %d: exiting with status 9\n", (int)getpid());
		fflush(stdout);
		_exit(9);	/* closes fds[1]: the parent sees EOF */
	}
	close(fds[1]);
	printf("parent %d: forked child %d\n", (int)getpid(), (int)child);
	scn_wait_eof(fds[0]);
	printf("parent: child has exited; sleeping 300 ms before waiting\n");
	scn_msleep(300);
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("parent: reaped child %d: %s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFEXITED(st) && WEXITSTATUS(st) == 9 ? 0 : 1;
}
