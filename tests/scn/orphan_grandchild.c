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
	int fds[2];
	pid_t grandchild;
	ssize_t n;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	grandchild = scn_orphan_grandchild(fds, 30);
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
