/* nocldwait.c - children of a parent that set SA_NOCLDWAIT.
 *
 * SA_NOCLDWAIT on SIGCHLD also makes the kernel autoreap children, whether
 * SIGCHLD has a handler ("handler": the handler still runs, SIGCHLD is
 * still sent) or not ("nohandler": SIG_DFL).  zwatch should report each
 * child with reaper "autoreap", final "autoreaped", reaped_by null and its
 * exit code (30, 31, 32).  "threaded": with a handler, and a second thread
 * (asleep in pause(), SIGCHLD blocked): a multithreaded parent, where no
 * single thread's stop proves anything; zwatch must read SA_NOCLDWAIT
 * from the process.
 *
 * Usage: nocldwait handler|nohandler|threaded
 * Output: "child pid=P code=C", then "wait result=-1 errno=ECHILD".
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <pthread.h>

#define N 3

static volatile sig_atomic_t nsig;

static void on_chld(int sig)
{
	(void)sig;
	nsig++;
}

/* Blocks SIGCHLD: the main thread, blocked in wait(), gets every one, so
 * each SIGCHLD stop comes in a system call, where zwatch can ask. */
static void *sleeper(void *arg)
{
	sigset_t chld;

	(void)arg;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, NULL);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char *argv[])
{
	struct sigaction sa = { 0 };
	int go[2], st, err, with_handler, threaded;
	pid_t r;
	pthread_t t;

	scn_init(30);
	if (argc != 2 || (strcmp(argv[1], "handler") &&
			  strcmp(argv[1], "nohandler") && strcmp(argv[1], "threaded"))) {
		fprintf(stderr, "usage: nocldwait handler|nohandler|threaded\n");
		return 2;
	}
	threaded = !strcmp(argv[1], "threaded");
	with_handler = threaded || !strcmp(argv[1], "handler");
	sa.sa_handler = with_handler ? on_chld : SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
	if (pipe(go) < 0)
		scn_die("pipe");
	if (threaded && pthread_create(&t, NULL, sleeper, NULL) != 0)
		scn_die("pthread_create");
	for (int i = 0; i < N; i++) {
		pid_t pid = scn_fork();

		if (pid == 0) {
			close(go[1]);
			scn_guard(30);
			scn_wait_eof(go[0]);
			_exit(30 + i);
		}
		printf("child pid=%d code=%d\n", (int)pid, 30 + i);
	}
	close(go[1]);
	/* Blocks until every child is gone, then fails with ECHILD.  A
	 * handled SIGCHLD may interrupt it: retry on EINTR. */
	do
		r = wait(&st);
	while (r == -1 && errno == EINTR);
	err = errno;
	printf("wait result=%d errno=%s\n", (int)r,
	       r < 0 ? strerrorname_np(err) : "0");
	if (with_handler)
		printf("handler ran=%s\n", nsig > 0 ? "yes" : "no");
	return r == -1 && err == ECHILD ? 0 : 1;
}
