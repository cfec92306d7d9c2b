/* horde.c - N children alive as zombies all at once.
 *
 * Forks N children (default 1000); child i exits with i % 100.  The
 * parent waits until every child has closed its end of a pipe (it is
 * exiting), then:
 *   wait       reaps them all with waitpid(-1) and checks each status;
 *   nocldwait  has set SA_NOCLDWAIT (SIGCHLD stays SIG_DFL) before the
 *              forks: the kernel autoreaps each child, and wait() ends
 *              with ECHILD once the last is gone.
 * Run under a low descriptor limit, zwatch cannot give every zombie a
 * pidfd and polls the rest; every reaper must still be right.
 *
 * Usage: horde N wait|nocldwait
 * Output: "child pid=P code=C" per child, then "summary forked=N ok=K"
 * (wait) or "wait result=-1 errno=ECHILD" (nocldwait).
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <stdbool.h>

static void wait_all_exiting(int fd)
{
	char c;

	while (read(fd, &c, 1) > 0)
		;
	close(fd);
}

static int reap_all(pid_t *pids, int n)
{
	int ok = 0, st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, 0)) > 0)
		ok += scn_code_ok(pids, n, pid, st) == 1;
	return ok;
}

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, p[2];
	bool autoreap = argc > 2 && !strcmp(argv[2], "nocldwait");
	pid_t *pids;

	scn_init(240);
	if (n <= 0 || pipe(p) < 0)
		return 2;
	if (autoreap) {
		struct sigaction sa = { .sa_handler = SIG_DFL,
					.sa_flags = SA_NOCLDWAIT };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGCHLD, &sa, NULL) < 0)
			scn_die("sigaction");
	}
	pids = calloc((size_t)n, sizeof *pids);
	if (!pids)
		scn_die("calloc");
	for (int i = 0; i < n; i++) {
		pids[i] = scn_fork();
		if (pids[i] == 0) {
			close(p[0]);
			_exit(i % 100);
		}
		printf("child pid=%d code=%d\n", (int)pids[i], i % 100);
	}
	close(p[1]);
	wait_all_exiting(p[0]);
	if (autoreap) {
		pid_t r = wait(NULL);

		printf("wait result=%d errno=%s\n", (int)r,
		       r < 0 && errno == ECHILD ? "ECHILD" : "other");
		free(pids);
		return r < 0 && errno == ECHILD ? 0 : 1;
	}
	int ok = reap_all(pids, n);

	printf("summary forked=%d ok=%d\n", n, ok);
	free(pids);
	return ok == n ? 0 : 1;
}
