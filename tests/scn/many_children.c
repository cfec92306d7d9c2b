/* many_children.c - thousands of short-lived children.
 *
 * Forks N children (default 3000); child i exits with i % 100.  At most 64
 * are unreaped at a time; the parent reaps with waitpid(-1) and checks
 * every status against the code it expects for that pid.  zwatch must have
 * a lifecycle for every child with the right exit_code, reaped by the
 * parent.  This is a load test for the tracer's bookkeeping.
 *
 * Usage: many_children [N]
 * Output: "child pid=P code=C" per child, then "summary forked=N ok=N".
 */
#define _GNU_SOURCE 1
#include "scn.h"

#define MAX_INFLIGHT 64

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 3000, inflight = 0, ok = 0, done = 0;
	pid_t *pids;

	scn_init(240);
	if (n <= 0)
		return 2;
	pids = calloc((size_t)n, sizeof *pids);
	if (!pids)
		scn_die("calloc");
	for (int i = 0; i < n || inflight > 0;) {
		if (i < n && inflight < MAX_INFLIGHT) {
			pid_t pid = scn_fork();

			if (pid == 0)
				_exit(i % 100);
			pids[i] = pid;
			printf("child pid=%d code=%d\n", (int)pid, i % 100);
			i++;
			inflight++;
			continue;
		}
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0)
			scn_die("waitpid");
		inflight--;
		done++;
		ok += scn_code_ok(pids, n, pid, st) == 1;
	}
	printf("summary forked=%d reaped=%d ok=%d\n", n, done, ok);
	free(pids);
	return ok == n ? 0 : 1;
}
