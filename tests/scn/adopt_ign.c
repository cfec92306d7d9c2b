/* adopt_ign.c - a zombie handed to a subreaper that ignores SIGCHLD.
 *
 * This process S makes itself a child subreaper and sets SIGCHLD to
 * SIG_IGN.  Its child M (SIGCHLD back to SIG_DFL) forks G, which exits 5
 * at once; M leaves G a zombie for 300 ms and exits 6.  M is autoreaped
 * at its exit (S ignores SIGCHLD); G, a zombie, is handed to S as M
 * dies, and the kernel releases it right there (reparent_leader: the new
 * parent ignores SIGCHLD).  No one calls wait.
 *
 * Output: "m pid=M", "g pid=G", then "done" after S has slept past both.
 */
#define _GNU_SOURCE 1
#include <sys/prctl.h>
#include "scn.h"

int main(void)
{
	pid_t m;

	scn_init(30);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		scn_die("prctl(PR_SET_CHILD_SUBREAPER)");
	signal(SIGCHLD, SIG_IGN);
	m = scn_fork();
	if (m == 0) {
		pid_t g;

		signal(SIGCHLD, SIG_DFL);
		g = scn_fork();
		if (g == 0)
			_exit(5);
		printf("g pid=%d\n", (int)g);
		scn_msleep(300);
		_exit(6);
	}
	printf("m pid=%d\n", (int)m);
	scn_msleep(700);
	printf("done\n");
	return 0;
}
