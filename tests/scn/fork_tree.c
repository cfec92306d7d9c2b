/* fork_tree.c - a small fork tree that reports itself, for cross-checks.
 *
 * The root forks 3 children; child i forks 2 grandchildren, waits for them
 * and exits 50+i; grandchild j of child i exits 60+10*i+j.  Every process
 * reports its own pid, parent pid and planned exit code on stdout (one
 * write per line, atomic on a pipe), and every parent reports the status
 * it reaped.  The test compares zwatch's lifecycles with this, and with
 * the kernel's proc connector, which sees the same tree independently.
 *
 * Output: "proc pid=P ppid=Q code=C", "reaped pid=P by=Q status=...".
 */
#define _GNU_SOURCE 1
#include "scn.h"

static void report_self(int code)
{
	printf("proc pid=%d ppid=%d code=%d\n", (int)getpid(), (int)getppid(),
	       code);
}

static int reap_all(pid_t *pids, int n)
{
	int st, bad = 0;
	char sbuf[64];

	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &st, 0) != pids[i])
			scn_die("waitpid");
		printf("reaped pid=%d by=%d status=%s\n", (int)pids[i],
		       (int)getpid(), scn_status(st, sbuf, sizeof sbuf));
		bad |= !WIFEXITED(st);
	}
	return bad;
}

int main(void)
{
	pid_t kids[3];

	scn_init(30);
	report_self(0);
	for (int i = 0; i < 3; i++) {
		kids[i] = scn_fork();
		if (kids[i] == 0) {
			pid_t g[2];

			report_self(50 + i);
			for (int j = 0; j < 2; j++) {
				g[j] = scn_fork();
				if (g[j] == 0) {
					report_self(60 + 10 * i + j);
					fflush(NULL);
					_exit(60 + 10 * i + j);
				}
			}
			reap_all(g, 2);
			fflush(NULL);
			_exit(50 + i);
		}
	}
	return reap_all(kids, 3);
}
