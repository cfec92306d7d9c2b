/* thread_reaper.c - a second thread of the parent reaps the child.
 *
 * Any thread of a process may wait for the process's children.  Here the
 * main thread forks, and another thread calls waitpid once the child has
 * exited (code 21).  zwatch must report reaped_by = the parent's tgid (the
 * pid), not the reaping thread's tid; the reap event's "tid", when given,
 * is that thread's tid.
 *
 * Output: "child pid=P code=21", "reaper tid=T", "reaped pid=P status=...".
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include "scn.h"

static pid_t child;
static int fds[2];
static int status = -1;

static void *reaper(void *arg)
{
	char sbuf[64];

	(void)arg;
	printf("reaper tid=%d\n", (int)gettid());
	scn_wait_eof(fds[0]);	/* the child has exited: a zombie to reap */
	if (waitpid(child, &status, 0) != child)
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)child,
	       scn_status(status, sbuf, sizeof sbuf));
	return NULL;
}

int main(void)
{
	pthread_t th;

	scn_init(30);
	if (pipe(fds) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		close(fds[0]);
		_exit(21);
	}
	close(fds[1]);
	printf("child pid=%d code=21\n", (int)child);
	if (pthread_create(&th, NULL, reaper, NULL) != 0)
		scn_die("pthread_create");
	pthread_join(th, NULL);
	return WIFEXITED(status) && WEXITSTATUS(status) == 21 ? 0 : 1;
}
