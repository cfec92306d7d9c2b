/* exec_amid_forks.c - execve from a thread while its sibling threads fork,
 * exec and wait.
 *
 * This process R makes itself a subreaper and forks P.  In P, THREADS
 * threads each run ROUNDS x (fork, exec /bin/true, waitpid); one more
 * thread execs /bin/echo after 20 ms.  The exec kills the others, so
 * some children were reaped by their parent P before it, and the rest,
 * left as zombies or still running, stay P's children: echo never waits,
 * and when it exits they go to R, which reaps everything.  Whatever was
 * reaped before the exec is P's; nothing is reaped by init.
 * Output (by R): "exec_pid pid=P", "reaped pid=X status=..." for each
 * process R reaped; echo prints "echoed".
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <sys/prctl.h>
#include "scn.h"

#define THREADS 16
#define ROUNDS 20

static void *forker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t c = fork();

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

static void run_p(void)
{
	pthread_t th[THREADS];

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, forker, NULL))
			_exit(SCN_BROKEN);
	scn_msleep(20);
	execl("/bin/echo", "echo", "echoed", (char *)NULL);
	_exit(127);
}

int main(void)
{
	char sbuf[64];
	pid_t p, got;
	int st;

	scn_init(60);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("prctl");
	p = scn_fork();
	if (p == 0)
		run_p();
	printf("exec_pid pid=%d\n", (int)p);
	while ((got = waitpid(-1, &st, 0)) > 0)
		printf("reaped pid=%d status=%s\n", (int)got,
		       scn_status(st, sbuf, sizeof sbuf));
	return 0;
}
