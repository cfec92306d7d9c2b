/* orphan_grandchild.c - leave an orphan for the pid-namespace init.
 *
 * Meant to run as "unshare -fp --mount-proc zwatch -- orphan_grandchild",
 * where zwatch is PID 1 of a new pid namespace.  The program forks a middle
 * child, which forks a grandchild and exits 0; the program reaps the middle
 * child.  The orphaned grandchild is reparented to the namespace's init
 * (no subreaper here), waits until that has happened (bounded polling of
 * getppid), reports its new parent and exits 8.  The program waits until
 * the grandchild is dead (zombie or gone) before it exits, so the orphan's
 * death is always seen while the trace runs.  zwatch must report the
 * grandchild reaped by "init" with reaped_by 1.
 *
 * Never run it bare on a machine whose PID 1 does not reap: the orphan
 * would stay a zombie.  Run it under a pid namespace or subreaper_run.
 *
 * Output: "middle pid=M", "grandchild pid=G code=8", "adopted pid=G
 * ppid=N", "reaped pid=M status=exited 0", "orphan dead=1".
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	int fds[2], st;
	char sbuf[64];
	pid_t middle, grandchild;
	ssize_t n;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	middle = scn_fork();
	if (middle == 0) {
		pid_t me = getpid(), g = scn_fork();

		if (g == 0) {
			pid_t pp;

			scn_guard(30);
			for (int i = 0; (pp = getppid()) == me && i < 2000; i++)
				scn_msleep(5);
			dprintf(fds[1], "adopted pid=%d ppid=%d\n",
				(int)getpid(), (int)pp);
			_exit(8);
		}
		if (write(fds[1], &g, sizeof g) != sizeof g)
			_exit(SCN_BROKEN);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &grandchild, sizeof grandchild) != sizeof grandchild)
		scn_die("read");
	printf("middle pid=%d\n", (int)middle);
	printf("grandchild pid=%d code=8\n", (int)grandchild);
	if (waitpid(middle, &st, 0) != middle)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)middle,
	       scn_status(st, sbuf, sizeof sbuf));
	for (;;) {	/* relay "adopted ...", EOF when the grandchild dies */
		char buf[128];

		n = read(fds[0], buf, sizeof buf);
		if (n == 0)
			break;
		if (n < 0 && errno != EINTR)
			scn_die("read");
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	printf("orphan dead=%d\n", scn_wait_dead(grandchild, 10000));
	return 0;
}
