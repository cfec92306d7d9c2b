/* attach_loop.c - a running process for zwatch -p to attach to and leave.
 *
 * Usage: attach_loop CODE
 *
 * The program starts a second thread that spins (always runnable) and a
 * child that sleeps in poll() on a pipe, prints "ready", then loops: spin
 * ~200 us, sleep up to 1 ms in poll() on stdin.  When stdin reaches EOF (or
 * a line arrives), it stops the thread, lets the child exit 4, reaps it,
 * and exits CODE (99 when something went wrong itself).  So it is both busy
 * and sleeping when a tracer seizes, interrupts or detaches it; whatever
 * zwatch does must not change its course: a tracer that leaves it stopped
 * makes it hang (the alarm kills it), one that swallows or injects a signal
 * shows as an EINTR or a death.
 *
 * Output: "ready pid=P child=C thread=T", then at the end
 * "child pid=C status=exited 4", "done iterations=N eintr=E".
 */
#define _GNU_SOURCE 1
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include "scn.h"

static atomic_int stop_spin;
static atomic_int spinner_tid;
static int eintr;

static void spin_us(long us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

static void *spinner(void *arg)
{
	(void)arg;
	atomic_store(&spinner_tid, (int)gettid());
	while (!atomic_load(&stop_spin))
		spin_us(100);
	return NULL;
}

int main(int argc, char **argv)
{
	int code, gate[2], st;
	long iterations = 0;
	char sbuf[64];
	pthread_t th;
	pid_t child;

	scn_init(120);
	if (argc != 2)
		return SCN_BROKEN;
	code = atoi(argv[1]);
	if (pipe(gate) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		struct pollfd pfd = { .fd = gate[0], .events = POLLIN };

		close(gate[1]);
		scn_guard(120);
		for (;;) {	/* sleep until the gate closes */
			int n = poll(&pfd, 1, 1000);

			if (n < 0 && errno != EINTR)
				_exit(SCN_BROKEN);
			if (n < 0)
				_exit(SCN_BROKEN - 1);	/* a spurious EINTR */
			if (n > 0)
				_exit(4);
		}
	}
	close(gate[0]);
	if (pthread_create(&th, NULL, spinner, NULL) != 0)
		scn_die("pthread_create");
	while (!atomic_load(&spinner_tid))
		scn_msleep(1);
	printf("ready pid=%d child=%d thread=%d\n", (int)getpid(), (int)child,
	       atomic_load(&spinner_tid));
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		int n;

		iterations++;
		spin_us(200);
		n = poll(&pfd, 1, 1);
		if (n < 0 && errno == EINTR) {
			eintr++;
			continue;
		}
		if (n < 0)
			scn_die("poll");
		if (n > 0)
			break;	/* a line or EOF: done */
	}
	atomic_store(&stop_spin, 1);
	pthread_join(th, NULL);
	close(gate[1]);
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("child pid=%d status=%s\n", (int)child,
	       scn_status(st, sbuf, sizeof sbuf));
	printf("done iterations=%ld eintr=%d\n", iterations, eintr);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 4 || eintr)
		return SCN_BROKEN - 1;
	return code;
}
