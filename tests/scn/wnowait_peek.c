/* wnowait_peek.c - peeking at a zombie with waitid(WNOWAIT), reaping later.
 *
 * waitid(..., WEXITED|WNOWAIT) returns the child's exit status but leaves
 * it a zombie.  The parent peeks, checks the child is still a zombie,
 * sleeps 100 ms (so the peek and the reap are well apart in time), then
 * reaps it with waitpid.  zwatch must report exactly one reap, by the
 * parent, at the waitpid, not at the peek: zombie_seconds >= ~0.1.
 *
 * Output: "child pid=P code=17", "peek pid=P status=17 state=Z",
 * "reaped pid=P status=exited 17".
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	siginfo_t si = { 0 };
	int st;
	char sbuf[64], state;
	pid_t child;

	scn_init(30);
	child = scn_fork();
	if (child == 0)
		_exit(17);
	printf("child pid=%d code=17\n", (int)child);
	if (waitid(P_PID, child, &si, WEXITED | WNOWAIT) < 0)
		scn_die("waitid");
	state = scn_state(child);	/* still there: a zombie */
	printf("peek pid=%d status=%d state=%c\n", (int)si.si_pid, si.si_status,
	       state);
	scn_msleep(100);
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	return si.si_pid == child && si.si_status == 17 && state == 'Z' &&
	       WIFEXITED(st) && WEXITSTATUS(st) == 17 ? 0 : 1;
}
