/* sigkill_child.c - a child killed by SIGKILL.
 *
 * The child says it is ready (one byte on a pipe) and blocks; the parent
 * kills it with SIGKILL and reaps it.  zwatch must report exit_signal
 * "SIGKILL", exit_code null, core_dumped false, reaped by the parent.
 *
 * Output: "child pid=P", "reaped pid=P status=killed SIGKILL core=0".
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	int fds[2], st;
	char c, sbuf[64];
	pid_t child;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		close(fds[0]);
		scn_guard(30);
		if (write(fds[1], "r", 1) != 1)
			_exit(SCN_BROKEN);
		for (;;)
			pause();
	}
	close(fds[1]);
	printf("child pid=%d\n", (int)child);
	if (read(fds[0], &c, 1) != 1)
		scn_die("read");
	if (kill(child, SIGKILL) < 0)
		scn_die("kill");
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 0 : 1;
}
