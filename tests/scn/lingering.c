/* lingering.c - a child that stays a zombie for ~1.5 s, for a reason
 * zwatch --diagnose must name.  MODE:
 *   sleep    the parent sleeps before it waits
 *   blocked  the parent blocks SIGCHLD and sleeps
 *   onepid   the parent waits for another child only
 *   handler  a SIGCHLD handler that takes one child per signal: three
 *            children exit together, signals coalesce, zombies remain
 *   readpipe that handler with SA_RESTART, the parent blocked in read()
 *            on a pipe that a helper child writes to after 1.5 s
 *   suspend  that handler, the parent in sigsuspend() until a helper
 *            child sends SIGUSR1 after 1.5 s; SIGUSR2 stays blocked
 *   pause    the same with pause()
 *   spin     that handler, the parent busy in user code
 * Prints "zombie pid=N" for each child expected to linger, then
 * "observed ..." with what the parent's own call saw: how long it took,
 * its result and errno, so that a tracer that disturbed it shows.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#define LINGER_MS 1500

static volatile sig_atomic_t got_usr1;

static void take_one(int sig)
{
	int saved = errno;

	(void)sig;
	waitpid(-1, NULL, WNOHANG);	/* the bug: no loop */
	errno = saved;
}

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void on_sigchld(int flags)
{
	struct sigaction sa = { .sa_handler = take_one, .sa_flags = flags };

	sigaction(SIGCHLD, &sa, NULL);
}

/* A helper child that, after LINGER_MS, writes a byte to fd, or sends
 * SIGUSR1 to the parent when fd < 0. */
static void helper(int fd)
{
	pid_t parent = getpid();

	if (scn_fork() != 0)
		return;
	scn_msleep(LINGER_MS);
	if (fd >= 0) {
		if (write(fd, "x", 1) != 1)
			_exit(1);
	} else {
		kill(parent, SIGUSR1);
	}
	_exit(0);
}

static void observed(const char *what, long t0, long ret, int err)
{
	printf("observed call=%s ms=%ld ret=%ld errno=%s\n", what, now_ms() - t0,
	       ret, err ? strerror(err) : "0");
}

/* One call, not retried on EINTR: the tracer must not cause one. */
static void linger_sleep(void)
{
	struct timespec ts = { LINGER_MS / 1000, (LINGER_MS % 1000) * 1000000L };
	long t0 = now_ms();
	int ret = nanosleep(&ts, NULL);

	observed("sleep", t0, ret, ret ? errno : 0);
}

static void linger_read(int fd)
{
	char c;
	long t0 = now_ms();
	ssize_t n = read(fd, &c, 1);

	observed("read", t0, (long)n, n < 0 ? errno : 0);
}

/* sigsuspend() or pause() until SIGUSR1; SIGUSR2 is blocked throughout
 * and must still be afterwards (the kernel puts sigsuspend's mask back). */
static void linger_suspend(bool use_pause)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t mask, now;
	long t0;
	int err = 0;

	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	t0 = now_ms();
	while (!got_usr1) {
		if (use_pause)
			pause();
		else
			sigsuspend(&mask);
		err = errno;
		if (!got_usr1)
			printf("observed call=early-wakeup errno=%s\n", strerror(err));
	}
	sigprocmask(SIG_BLOCK, NULL, &now);
	observed(use_pause ? "pause" : "suspend", t0, -1, err);
	printf("observed call=mask usr2_blocked=%d\n", sigismember(&now, SIGUSR2));
}

static void linger_spin(void)
{
	long t0 = now_ms();

	while (now_ms() - t0 < LINGER_MS)
		;
	observed("spin", t0, 0, 0);
}

/* N children that exit at once and are not waited for.  SIGCHLD stays
 * blocked until all are zombies, so that it is delivered once. */
static void spawn_zombies(int n)
{
	sigset_t set, old;
	pid_t pids[8];

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (int i = 0; i < n; i++) {
		pids[i] = scn_fork();
		if (pids[i] == 0)
			_exit(3);
		printf("zombie pid=%d\n", (int)pids[i]);
		fflush(stdout);
	}
	for (int i = 0; i < n; i++)
		if (!scn_wait_dead(pids[i], 5000))
			scn_die("child did not exit");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sleep";
	bool suspend = !strcmp(mode, "suspend"), use_pause = !strcmp(mode, "pause");
	pid_t other = 0;
	int pfd[2] = { -1, -1 };

	scn_init(30);
	if (!strcmp(mode, "blocked")) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (!strcmp(mode, "handler") || !strcmp(mode, "spin")) {
		on_sigchld(0);
	} else if (!strcmp(mode, "readpipe")) {
		on_sigchld(SA_RESTART);
		if (pipe(pfd) < 0)
			scn_die("pipe");
		helper(pfd[1]);
	} else if (suspend || use_pause) {
		struct sigaction usr1 = { .sa_handler = on_usr1 };
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		on_sigchld(0);
		/* Before the helper: on a slow machine (an emulated VM) it
		 * can send SIGUSR1 before the zombies are made. */
		sigaction(SIGUSR1, &usr1, NULL);
		helper(-1);
	} else if (!strcmp(mode, "onepid")) {
		other = scn_fork();
		if (other == 0) {
			scn_msleep(LINGER_MS);
			_exit(0);
		}
	}
	spawn_zombies(strcmp(mode, "sleep") && strcmp(mode, "blocked") &&
		      strcmp(mode, "onepid") ? 3 : 1);
	if (other) {
		long t0 = now_ms();
		pid_t got = waitpid(other, NULL, 0);

		observed("wait", t0, got == other ? 0 : (long)got,
			 got < 0 ? errno : 0);
	} else if (pfd[0] >= 0) {
		linger_read(pfd[0]);
	} else if (suspend || use_pause) {
		linger_suspend(use_pause);
	} else if (!strcmp(mode, "spin")) {
		linger_spin();
	} else {
		linger_sleep();
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
