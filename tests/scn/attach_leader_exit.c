/* attach_leader_exit.c - processes whose main thread called pthread_exit().
 *
 * Usage: attach_leader_exit
 *
 * /proc shows such a leader as 'Z' while the process's other threads run
 * on: the process is alive, not a zombie.  The target forks a child C
 * that does the same (its worker thread waits on a pipe, then exits 7),
 * starts its own worker thread W and ends its main thread.  W waits until
 * both leaders show 'Z', prints "ready", and waits for a line (or EOF) on
 * stdin: the test attaches zwatch in between.  Then W forks three
 * children that exit 3, 4, 5 and reaps each, lets C go and reaps it, and
 * ends the process with exit(6).
 *
 * Output: "ready pid=P tid=W child=C", then "child pid=X code=N
 * status=exited N" (x4, C last with code 7), "summary ok=N".
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include "scn.h"

static int go_fd[2];		/* W -> C: EOF means "exit now" */
static pid_t child;

static void *child_worker(void *arg)
{
	(void)arg;
	scn_wait_eof(go_fd[0]);
	exit(7);
}

static int reap(pid_t pid, int code)
{
	char sbuf[64];
	int st;

	if (waitpid(pid, &st, 0) != pid)
		scn_die("waitpid");
	printf("child pid=%d code=%d status=%s\n", (int)pid, code,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static void wait_leader_gone(pid_t pid)
{
	for (int i = 0; scn_state(pid) != 'Z'; i++) {
		if (i > 2000)
			scn_die("leader never showed Z");
		scn_msleep(5);
	}
}

static void *worker(void *arg)
{
	char line[64];
	int ok = 0;

	(void)arg;
	wait_leader_gone(getpid());
	wait_leader_gone(child);
	printf("ready pid=%d tid=%d child=%d\n", (int)getpid(), (int)gettid(),
	       (int)child);
	if (!fgets(line, sizeof line, stdin) && ferror(stdin))
		scn_die("reading stdin");
	for (int code = 3; code <= 5; code++) {
		pid_t c = scn_fork();

		if (c == 0)
			_exit(code);
		ok += reap(c, code);
	}
	close(go_fd[1]);
	ok += reap(child, 7);
	printf("summary ok=%d\n", ok);
	exit(ok == 4 ? 6 : 1);
}

static void leader_exits(void *(*fn)(void *))
{
	pthread_t th;

	if (pthread_create(&th, NULL, fn, NULL) != 0)
		scn_die("pthread_create");
	pthread_exit(NULL);
}

int main(void)
{
	scn_init(120);
	if (pipe(go_fd) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		close(go_fd[1]);
		leader_exits(child_worker);
	}
	close(go_fd[0]);
	leader_exits(worker);
	return 0;
}
