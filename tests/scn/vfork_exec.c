/* vfork_exec.c - vfork then exec, the posix_spawn pattern.
 *
 * The vfork child shares the parent's memory and the parent is suspended
 * until the child execs /bin/true (or exits).  zwatch must see the spawn
 * (syscall "vfork"), the exec of /bin/true, exit code 0, and the reap by
 * the parent.
 *
 * Output: "child pid=P", "reaped pid=P status=exited 0".
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	int st;
	char sbuf[64];
	pid_t child;

	scn_init(30);
	fflush(NULL);
	child = vfork();
	if (child < 0)
		scn_die("vfork");
	if (child == 0) {
		/* Only exec or _exit are allowed in a vfork child. */
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	printf("child pid=%d\n", (int)child);
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
