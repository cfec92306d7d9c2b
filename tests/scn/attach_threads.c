/* attach_threads.c - a multi-threaded process forks and reaps while attached.
 *
 * Usage: attach_threads [PER_THREAD]   (default 40)
 *
 * The program starts 3 more threads (4 in all), prints "ready" and waits
 * for a line (or EOF) on stdin: the test attaches zwatch in between, so
 * zwatch must seize all four threads.  Then every thread, at the same
 * time, forks PER_THREAD children one after the other and reaps each with
 * waitpid; child k of thread i exits with code i * PER_THREAD + k + 1
 * (1..160 with the default).  Exits 0 when every status was as expected.
 *
 * Output: "thread idx=I tid=T" (x4), "ready pid=P", then
 * "child pid=C code=N tid=T status=exited N" (one per child),
 * "summary ok=N".
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <stdatomic.h>
#include "scn.h"

#define NTHREADS 4

static int per_thread = 40;
static pthread_barrier_t start;
static atomic_int ok;

/* Thread IDX forks its children one after the other, reaping each. */
static void fork_children(int idx)
{
	char sbuf[64];

	for (int k = 0; k < per_thread; k++) {
		int code = idx * per_thread + k + 1, st;
		pid_t c = fork();

		if (c < 0)
			scn_die("fork");
		if (c == 0)
			_exit(code);
		if (waitpid(c, &st, 0) != c)
			scn_die("waitpid");
		printf("child pid=%d code=%d tid=%d status=%s\n", (int)c, code,
		       (int)gettid(), scn_status(st, sbuf, sizeof sbuf));
		if (WIFEXITED(st) && WEXITSTATUS(st) == code)
			atomic_fetch_add(&ok, 1);
	}
}

static void *work(void *arg)
{
	int idx = (int)(long)arg;

	printf("thread idx=%d tid=%d\n", idx, (int)gettid());
	pthread_barrier_wait(&start);	/* everybody is born */
	pthread_barrier_wait(&start);	/* the test said go */
	fork_children(idx);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	char line[64];

	scn_init(120);
	if (argc > 1)
		per_thread = atoi(argv[1]);
	if (per_thread < 1 || NTHREADS * per_thread > 255)
		return SCN_BROKEN;
	if (pthread_barrier_init(&start, NULL, NTHREADS) != 0)
		scn_die("pthread_barrier_init");
	fflush(NULL);
	for (long i = 1; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, work, (void *)i) != 0)
			scn_die("pthread_create");
	printf("thread idx=0 tid=%d\n", (int)gettid());
	pthread_barrier_wait(&start);
	printf("ready pid=%d\n", (int)getpid());
	if (!fgets(line, sizeof line, stdin) && ferror(stdin))
		scn_die("reading stdin");
	pthread_barrier_wait(&start);
	fork_children(0);
	for (int i = 1; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	printf("summary ok=%d\n", atomic_load(&ok));
	return atomic_load(&ok) == NTHREADS * per_thread ? 0 : 1;
}
