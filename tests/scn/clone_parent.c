/* clone_parent.c - a process created with CLONE_PARENT.
 *
 * The parent P forks C; C calls clone(CLONE_PARENT|SIGCHLD), so the new
 * process X gets C's parent, P, as its parent: P (not C) gets SIGCHLD and
 * reaps X.  zwatch must report X with ppid = P and creator = C, a spawn
 * event with syscall "clone" and "CLONE_PARENT" among its flags, and X
 * reaped by P (reaper "parent").  C exits 0, X exits 4.
 *
 * The raw clone syscall with a NULL stack behaves like fork (the child
 * runs on a copy of the stack), which keeps this free of stack juggling.
 *
 * Output: "creator pid=C", "sibling pid=X creator=C code=4",
 * "reaped pid=... status=...".
 */
#define _GNU_SOURCE 1
#include <sched.h>
#include <sys/syscall.h>
#include "scn.h"

int main(void)
{
	int fds[2], st, bad = 0;
	char sbuf[64];
	pid_t creator, sibling;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	creator = scn_fork();
	if (creator == 0) {
		long x;

		close(fds[0]);
		fflush(NULL);
		x = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD),
			    NULL, NULL, NULL, 0UL);
		if (x < 0)
			_exit(SCN_BROKEN);
		if (x == 0)
			_exit(4);	/* X: a sibling of its creator */
		if (write(fds[1], &(pid_t){ (pid_t)x }, sizeof(pid_t)) !=
		    sizeof(pid_t))
			_exit(SCN_BROKEN);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &sibling, sizeof sibling) != sizeof sibling)
		scn_die("read");
	printf("creator pid=%d\n", (int)creator);
	printf("sibling pid=%d creator=%d code=4\n", (int)sibling, (int)creator);
	if (waitpid(creator, &st, 0) != creator)
		scn_die("waitpid(creator)");
	printf("reaped pid=%d status=%s\n", (int)creator,
	       scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	/* X is our child, not C's: we can and must wait for it. */
	if (waitpid(sibling, &st, 0) != sibling)
		scn_die("waitpid(sibling)");
	printf("reaped pid=%d status=%s\n", (int)sibling,
	       scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 4;
	return bad;
}
