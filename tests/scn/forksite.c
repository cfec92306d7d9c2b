/* forksite.c - a child forked from a function with a known name, so that
 * zwatch -k can be checked to name it: main -> start_pool ->
 * spawn_worker -> fork.  Built with and without debug info and frame
 * pointers (tests/local.mk); the test strips a copy too.  The fork()
 * call is marked FORK_SITE: with debug info, -k gives its line.
 *   forksite [MS]   the worker stays a zombie MS milliseconds (default
 *                   0), for the report's fork sites of long zombies. */
#define _GNU_SOURCE 1
#include "scn.h"

__attribute__((noinline)) pid_t spawn_worker(int code)
{
	pid_t pid = fork();	/* FORK_SITE: test_stack.py looks for this line */

	if (pid == 0)
		_exit(code);
	return pid;
}

__attribute__((noinline)) pid_t start_pool(int code)
{
	pid_t pid = spawn_worker(code);

	/* Keep this frame from becoming a tail call. */
	__asm__ volatile("" ::: "memory");
	return pid;
}

int main(int argc, char **argv)
{
	long linger = argc > 1 ? atol(argv[1]) : 0;
	pid_t pid;

	scn_init(30);
	pid = start_pool(12);
	if (pid < 0)
		scn_die("fork");
	if (linger > 0) {
		if (!scn_wait_dead(pid, 5000))
			scn_die("worker did not exit");
		scn_msleep(linger);
	}
	waitpid(pid, NULL, 0);
	printf("worker pid=%d\n", (int)pid);
	return 0;
}
