/* sigign_autoreap.c - children of a parent that ignores SIGCHLD.
 *
 * With SIGCHLD set to SIG_IGN the kernel releases dead children at once
 * ("autoreap"): nobody calls wait for them, and a wait() by the parent
 * blocks until all children are gone and then fails with ECHILD.  zwatch
 * should report each child with reaper "autoreap", final "autoreaped",
 * reaped_by null, and its exit code (20, 21, 22).
 *
 * Output: "child pid=P code=C", then "wait result=-1 errno=ECHILD".
 */
#define _GNU_SOURCE 1
#include "scn.h"

#define N 3

int main(void)
{
	int go[2], st, err;
	pid_t r;

	scn_init(30);
	if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
		scn_die("signal");
	if (pipe(go) < 0)
		scn_die("pipe");
	for (int i = 0; i < N; i++) {
		pid_t pid = scn_fork();

		if (pid == 0) {
			close(go[1]);
			scn_guard(30);
			scn_wait_eof(go[0]);
			_exit(20 + i);
		}
		printf("child pid=%d code=%d\n", (int)pid, 20 + i);
	}
	close(go[1]);
	/* Blocks until every child has exited and been autoreaped. */
	r = wait(&st);
	err = errno;
	printf("wait result=%d errno=%s\n", (int)r,
	       r < 0 ? strerrorname_np(err) : "0");
	return r == -1 && err == ECHILD ? 0 : 1;
}
