/* abort_child.c - a child that calls abort() (SIGABRT).
 *
 * The child sets RLIMIT_CORE to 0 and aborts.  Whether the kernel reports
 * a core dump then depends on /proc/sys/kernel/core_pattern: a file
 * pattern honours the limit (no core), a "|pipe" pattern ignores it.  So
 * the parent prints what waitpid says (WCOREDUMP), and the test requires
 * zwatch's core_dumped to match it (and to be false for file patterns).
 *
 * Output: "child pid=P", "reaped pid=P status=killed SIGABRT core=0|1".
 */
#define _GNU_SOURCE 1
#include <sys/resource.h>
#include "scn.h"

int main(void)
{
	int st;
	char sbuf[64];
	pid_t child;

	scn_init(30);
	child = scn_fork();
	if (child == 0) {
		struct rlimit rl = { 0, 0 };

		if (setrlimit(RLIMIT_CORE, &rl) < 0)
			_exit(SCN_BROKEN);
		abort();
	}
	printf("child pid=%d\n", (int)child);
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT ? 0 : 1;
}
