/* thread_exec.c - execve from a thread that is not the thread-group leader.
 *
 * The parent forks a child C.  C starts three threads; the second one
 * calls execve on this same program ("thread_exec after"), while the
 * others (and the main thread) are blocked.  The kernel kills the other
 * threads, the exec'ing thread takes over the leader's tid, and C keeps
 * its pid.  The new image exits 12.  zwatch must report an exec event for
 * C (pid = C, "old_tid" = the exec'ing thread's tid), exactly one exit of
 * C with exit_code 12, no lifecycle for any thread, and C reaped by the
 * parent.
 *
 * Usage: thread_exec            (the scenario)
 *        thread_exec after      (the exec'd image: exits 12)
 * Output: "child pid=C", "exec_tid tid=T", "after pid=C",
 * "reaped pid=C status=exited 12".
 */
#define _GNU_SOURCE 1
#include <limits.h>
#include <pthread.h>
#include "scn.h"

static char self_path[PATH_MAX];
static pthread_barrier_t ready;

static void *idle(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&ready);
	for (;;)
		pause();	/* killed by the other thread's exec */
	return NULL;
}

static void *execer(void *arg)
{
	char *argv[] = { "thread_exec", "after", NULL };

	(void)arg;
	pthread_barrier_wait(&ready);
	printf("exec_tid tid=%d\n", (int)gettid());
	fflush(NULL);
	execv(self_path, argv);
	scn_die("execv");
	return NULL;
}

static void child(void)
{
	pthread_t th[3];

	scn_guard(30);
	pthread_barrier_init(&ready, NULL, 4);
	for (int i = 0; i < 3; i++)
		if (pthread_create(&th[i], NULL, i == 1 ? execer : idle, NULL))
			_exit(SCN_BROKEN);
	pthread_barrier_wait(&ready);
	for (;;)
		pause();
}

int main(int argc, char *argv[])
{
	int st;
	char sbuf[64];
	ssize_t n;
	pid_t c;

	if (argc == 2 && !strcmp(argv[1], "after")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		printf("after pid=%d\n", (int)getpid());
		return 12;
	}
	scn_init(30);
	/* An absolute path so that the new comm is "thread_exec". */
	n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
	if (n < 0)
		scn_die("readlink");
	self_path[n] = '\0';
	c = scn_fork();
	if (c == 0)
		child();
	printf("child pid=%d\n", (int)c);
	if (waitpid(c, &st, 0) != c)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)c,
	       scn_status(st, sbuf, sizeof sbuf));
	return WIFEXITED(st) && WEXITSTATUS(st) == 12 ? 0 : 1;
}
