/* subreaper_double_fork.c - a double fork under a child subreaper.
 *
 * The parent makes itself a child subreaper (PR_SET_CHILD_SUBREAPER) and
 * forks a middle child, which forks a grandchild and exits 5 at once.  The
 * orphaned grandchild is reparented to the nearest subreaper, our parent;
 * it waits (bounded polling of getppid) until that has happened, then
 * exits 6.  The parent reaps the middle child (its own child) and then the
 * grandchild (adopted).  zwatch must report: a reparent event for the
 * grandchild from the middle child to the parent; the grandchild's ppid at
 * birth = the middle child, reaped_by = the parent, reaper "subreaper";
 * the middle child reaped_by = the parent, reaper "parent".
 *
 * Output: "middle pid=M code=5", "grandchild pid=G code=6",
 * "adopted pid=G ppid=P", "reaped pid=X status=...".
 */
#define _GNU_SOURCE 1
#include <sys/prctl.h>
#include "scn.h"

int main(void)
{
	int fds[2], st, bad = 0;
	char sbuf[64];
	pid_t middle, grandchild, self = getpid();

	scn_init(30);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		scn_die("prctl(PR_SET_CHILD_SUBREAPER)");
	if (pipe(fds) < 0)
		scn_die("pipe");
	middle = scn_fork();
	if (middle == 0) {
		pid_t me = getpid(), g = scn_fork();

		if (g == 0) {
			/* Grandchild: wait to be adopted, then report it. */
			pid_t pp;

			scn_guard(30);
			for (int i = 0; (pp = getppid()) == me && i < 2000; i++)
				scn_msleep(5);
			dprintf(fds[1], "adopted pid=%d ppid=%d\n",
				(int)getpid(), (int)pp);
			_exit(6);
		}
		if (write(fds[1], &g, sizeof g) != sizeof g)
			_exit(SCN_BROKEN);
		_exit(5);
	}
	close(fds[1]);
	if (read(fds[0], &grandchild, sizeof grandchild) != sizeof grandchild)
		scn_die("read");
	printf("subreaper pid=%d\n", (int)self);
	printf("middle pid=%d code=5\n", (int)middle);
	printf("grandchild pid=%d code=6\n", (int)grandchild);
	if (waitpid(middle, &st, 0) != middle)
		scn_die("waitpid(middle)");
	printf("reaped pid=%d status=%s\n", (int)middle,
	       scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 5;
	/* Relay the grandchild's "adopted" line; EOF once it has exited. */
	for (;;) {
		char buf[128];
		ssize_t n = read(fds[0], buf, sizeof buf);

		if (n == 0)
			break;
		if (n < 0 && errno != EINTR)
			scn_die("read");
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	if (waitpid(grandchild, &st, 0) != grandchild)
		scn_die("waitpid(grandchild)");
	printf("reaped pid=%d status=%s\n", (int)grandchild,
	       scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 6;
	return bad;
}
