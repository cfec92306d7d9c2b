/* vfork_kill.c - a vfork child that blocks, for SIGKILL from outside.
 *
 * The program vforks.  The vfork child C, which shares the parent's memory
 * while the parent P is suspended in vfork, does not exec: it says who it
 * is and then sleeps (bounded polling of getppid) until it is reparented.
 * The test SIGKILLs one of them from outside:
 *
 *   (a) C: P is released from vfork, reaps C (killed by SIGKILL) and
 *       exits 5 if that is what it saw, 1 otherwise;
 *   (b) P: it dies in vfork (killed by SIGKILL); C is orphaned, adopted by
 *       the nearest subreaper (run it under tests/scn/subreaper_run or as
 *       a pid namespace's child), says so, then blocks reading stdin and
 *       exits 7 at EOF, so the test can look at it while it is adopted.
 *
 * Never run it bare on a machine whose PID 1 does not reap: the orphan of
 * (b) would stay a zombie.
 *
 * In the vfork child only write(2), getppid(2), nanosleep(2), read(2) and
 * _exit(2) are used: no stdio, whose buffers are the parent's.
 *
 * Output: "parent pid=P", then from C (raw writes) "vchild pid=C ppid=P",
 * in (b) "adopted pid=C ppid=S"; in (a) from P "reaped pid=C status=...".
 */
#define _GNU_SOURCE 1
#include <sys/syscall.h>
#include "scn.h"

/* Bounded so that a lost kill cannot hang anything: about 30 s. */
#define POLLS 6000

static void say(const char *tag, pid_t pid, pid_t ppid)
{
	char buf[96];
	int n = snprintf(buf, sizeof buf, "%s pid=%d ppid=%d\n", tag, (int)pid,
			 (int)ppid);

	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(SCN_BROKEN);
}

/* The vfork child: nothing here may touch the parent's stdio or return. */
static void vchild(pid_t parent)
{
	struct timespec ts = { 0, 5000000L };
	pid_t pp = parent;
	char c;

	alarm(30);
	say("vchild", getpid(), parent);
	for (int i = 0; i < POLLS && (pp = getppid()) == parent; i++)
		syscall(SYS_nanosleep, &ts, NULL);
	if (pp == parent)
		_exit(SCN_BROKEN);
	say("adopted", getpid(), pp);
	while (syscall(SYS_read, STDIN_FILENO, &c, 1) != 0)
		;
	_exit(7);
}

int main(void)
{
	int st;
	char sbuf[64];
	pid_t me, c;

	scn_init(30);
	me = getpid();
	printf("parent pid=%d\n", (int)me);
	fflush(NULL);
	c = vfork();
	if (c < 0)
		scn_die("vfork");
	if (c == 0)
		vchild(me);
	/* Here only if C died (case a): it never execs. */
	if (waitpid(c, &st, 0) != c)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)c,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 5 : 1;
}
