/* ps_parent.c - a parent that leaves zombies, one way per MODE, for
 * zwatch ps's tests (tests/e2e/test_ps_*.py).
 *
 *   ps_parent MODE [AGE_GAP_MS]
 *
 * Each zombie is made and known to be one (waitid(WNOWAIT), which does
 * not reap), then the parent prints "ZOMBIE pid=P code=C tc=TC t=T"
 * (CLOCK_MONOTONIC seconds: TC the child's clock just before it exited,
 * T when the parent saw it dead: its exit lies between) and, when all are there, "READY pid=PID", and blocks
 * where MODE says until its stdin reaches EOF.  Then it waits for each
 * zombie itself and prints "WAIT pid=P status=..." or "WAIT pid=P
 * error=ECHILD" (already reaped by someone: --reap), and "HANDLER
 * reaped=N", and exits 0.  So a run with zwatch ps --nudge or --reap in
 * the middle prints the same lines apart from those WAIT lines.
 *
 * MODE:
 *   never      no handler, blocked in read(0); zombies exit 7, 9 and by
 *              SIGTERM; with AGE_GAP_MS the first two are made that far
 *              apart (ages known to the test)
 *   one        a SIGCHLD handler that reaps one child per signal; three
 *              children exit while SIGCHLD is blocked, one signal comes,
 *              two zombies stay; blocked in read(0)
 *   blocked    a handler, SIGCHLD blocked (one pending); read(0)
 *   waitone    one zombie, and blocked in waitpid() for a second child
 *              that lives until stdin's EOF
 *   ignore     one zombie, then SIGCHLD set to SIG_IGN; read(0)
 *   stop       like never with one zombie, then stops itself (SIGSTOP)
 *   traced     forks P (like never, one zombie), then seizes and
 *              interrupts P with ptrace and holds it: prints "READY
 *              pid=P tracer=SELF"; at EOF lets P go (P then ends as above)
 *   init       pid 1 of a new pid namespace (unshare -fp --mount-proc):
 *              a workload W forks G1 (exits 5) and G2 (SIGTERM), and
 *              exits; the init waits for W only, so G1 and G2, adopted,
 *              stay zombies; pids printed are the namespace's
 *   orphans    the workload of a reaping init (tini): W forks G1 and G2
 *              and exits; prints "ORPHANS n=2" once they exited; read(0)
 *   leader     the main thread calls pthread_exit(); another thread
 *              blocks in read(0) (no zombie: the leader shows Z)
 *   many       N=AGE_GAP_MS parents (forked), each with 200 zombies,
 *              all blocked in read(0); prints "READY pid=... parents=N"
 */
#define _GNU_SOURCE
#include "scn.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

static volatile sig_atomic_t handler_reaped;
static pid_t zombies[256];
static int nzombies;
static int quiet;	/* a traced child: its tracer says READY */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A child that exits with code (or is killed by sig), seen dead.  It
 * sends its clock just before it exits (tc): the exit lies between. */
static pid_t zombie(int code, int sig)
{
	double tc = 0;
	siginfo_t si;
	int fd[2];
	pid_t pid;

	if (pipe(fd) < 0)
		scn_die("pipe");
	pid = scn_fork();
	if (!pid) {
		tc = mono();
		if (write(fd[1], &tc, sizeof(tc)) != sizeof(tc))
			_exit(SCN_BROKEN);
		if (sig)
			raise(sig);
		_exit(code);
	}
	close(fd[1]);
	if (read(fd[0], &tc, sizeof(tc)) != sizeof(tc))
		scn_die("read");
	close(fd[0]);
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			scn_die("waitid");
	printf("ZOMBIE pid=%d code=%d tc=%.6f t=%.6f\n", (int)pid,
	       sig ? -sig : code, tc, mono());
	zombies[nzombies++] = pid;
	return pid;
}

static void reap_one(int sig)
{
	int saved = errno;

	(void)sig;
	if (waitpid(-1, NULL, WNOHANG) > 0)
		handler_reaped++;
	errno = saved;
}

static void handle(void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
}

static void block_chld(int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(how, &s, NULL);
}

/* Waits for each zombie itself and says what it got; exits 0. */
static _Noreturn void finish(void)
{
	char buf[64];
	int st;

	for (int i = 0; i < nzombies; i++) {
		if (waitpid(zombies[i], &st, WNOHANG) == zombies[i])
			printf("WAIT pid=%d status=%s\n", (int)zombies[i],
			       scn_status(st, buf, sizeof(buf)));
		else
			printf("WAIT pid=%d error=%s\n", (int)zombies[i],
			       errno == ECHILD ? "ECHILD" : "none");
	}
	printf("HANDLER reaped=%d\n", (int)handler_reaped);
	fflush(NULL);
	exit(0);
}

static void ready(void)
{
	if (!quiet)
		printf("READY pid=%d\n", (int)getpid());
}

static _Noreturn void block_in_read(void)
{
	ready();
	scn_wait_eof(0);
	finish();
}

static void three(long gap_ms)
{
	zombie(7, 0);
	if (gap_ms)
		scn_msleep(gap_ms);
	zombie(9, 0);
	zombie(0, SIGTERM);
}

static _Noreturn void mode_one(void)
{
	pid_t p[3];

	handle(reap_one);
	block_chld(SIG_BLOCK);
	for (int i = 0; i < 3; i++)
		p[i] = zombie(3 + i, 0);
	(void)p;
	/* One SIGCHLD for three exits: the handler runs once. */
	block_chld(SIG_UNBLOCK);
	while (handler_reaped < 1)
		scn_msleep(1);
	block_in_read();
}

static _Noreturn void mode_waitone(void)
{
	pid_t b;
	int st;

	zombie(4, 0);
	b = scn_fork();
	if (!b) {
		scn_wait_eof(0);
		_exit(0);
	}
	ready();
	while (waitpid(b, &st, 0) < 0)
		if (errno != EINTR)
			scn_die("waitpid");
	finish();
}

/* A child like "never" with one zombie, held in a ptrace stop. */
static _Noreturn void mode_traced(void)
{
	int in[2], st;
	pid_t p;

	if (pipe(in) < 0)
		scn_die("pipe");
	p = scn_fork();
	if (!p) {
		close(in[1]);
		dup2(in[0], 0);
		quiet = 1;
		zombie(6, 0);
		block_in_read();
	}
	close(in[0]);
	scn_msleep(100);
	while (scn_state(p) != 'S')
		scn_msleep(5);
	if (ptrace(PTRACE_SEIZE, p, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, p, 0, 0) < 0)
		scn_die("ptrace");
	if (waitpid(p, &st, __WALL) < 0)
		scn_die("waitpid");
	printf("READY pid=%d tracer=%d\n", (int)p, (int)getpid());
	scn_wait_eof(0);
	ptrace(PTRACE_DETACH, p, 0, 0);
	close(in[1]);
	waitpid(p, &st, 0);
	exit(0);
}

/* W forks G1 (exit 5) and G2 (SIGTERM), which wait for W's exit. */
static pid_t workload(void)
{
	int fd[2];
	pid_t w;

	w = scn_fork();
	if (w)
		return w;
	if (pipe(fd) < 0)
		scn_die("pipe");
	for (int i = 0; i < 2; i++) {
		pid_t g = scn_fork();

		if (!g) {
			close(fd[1]);
			scn_wait_eof(fd[0]);
			if (i)
				raise(SIGTERM);
			_exit(5);
		}
		printf("ORPHAN pid=%d code=%d\n", (int)g, i ? -SIGTERM : 5);
	}
	_exit(0);
}

static _Noreturn void mode_init(void)
{
	pid_t w = workload();
	int st;

	waitpid(w, &st, 0);
	/* Both orphans adopted and dead: our children, zombies (pids 3
	 * and 4 here, after W, 2). */
	while (scn_state(3) != 'Z' || scn_state(4) != 'Z')
		scn_msleep(5);
	ready();
	scn_wait_eof(0);
	exit(0);
}

static _Noreturn void mode_orphans(void)
{
	pid_t w = workload();
	int st;

	waitpid(w, &st, 0);
	printf("ORPHANS n=2\n");
	ready();
	scn_wait_eof(0);
	exit(0);
}

static void *reader(void *arg)
{
	(void)arg;
	scn_wait_eof(0);
	printf("HANDLER reaped=0\n");
	fflush(NULL);
	exit(0);
}

static _Noreturn void mode_leader(void)
{
	pthread_t t;

	ready();
	fflush(NULL);
	if (pthread_create(&t, NULL, reader, NULL))
		scn_die("pthread_create");
	pthread_exit(NULL);
}

/* 200 children that exit at once; returns when all are zombies. */
static void two_hundred(void)
{
	static pid_t kids[200];

	for (int j = 0; j < 200; j++) {
		kids[j] = scn_fork();
		if (!kids[j])
			_exit(j & 0x7f);
	}
	for (int j = 0; j < 200; j++)
		while (scn_state(kids[j]) != 'Z')
			scn_msleep(2);
}

static _Noreturn void mode_many(int parents)
{
	int ready_fd[2];
	char c;

	/* Thousands of forks take minutes on a loaded machine. */
	scn_guard(900);
	if (pipe(ready_fd) < 0)
		scn_die("pipe");
	for (int i = 0; i < parents; i++) {
		if (!scn_fork()) {
			close(ready_fd[0]);
			two_hundred();
			if (write(ready_fd[1], "r", 1) != 1)
				scn_die("write");
			close(ready_fd[1]);
			scn_wait_eof(0);
			exit(0);
		}
	}
	close(ready_fd[1]);
	for (int i = 0; i < parents; i++)
		if (read(ready_fd[0], &c, 1) != 1)
			scn_die("a parent broke");
	printf("READY pid=%d parents=%d\n", (int)getpid(), parents);
	scn_wait_eof(0);
	while (wait(NULL) > 0)
		;
	exit(0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "never";
	long gap = argc > 2 ? atol(argv[2]) : 0;

	scn_init(120);
	if (!strcmp(mode, "never")) {
		three(gap);
		block_in_read();
	}
	if (!strcmp(mode, "one"))
		mode_one();
	if (!strcmp(mode, "blocked")) {
		handle(reap_one);
		block_chld(SIG_BLOCK);
		zombie(2, 0);
		block_in_read();
	}
	if (!strcmp(mode, "waitone"))
		mode_waitone();
	if (!strcmp(mode, "ignore")) {
		zombie(1, 0);
		signal(SIGCHLD, SIG_IGN);
		block_in_read();
	}
	if (!strcmp(mode, "stop")) {
		zombie(8, 0);
		ready();
		fflush(NULL);
		raise(SIGSTOP);
		scn_wait_eof(0);
		finish();
	}
	if (!strcmp(mode, "traced"))
		mode_traced();
	if (!strcmp(mode, "init"))
		mode_init();
	if (!strcmp(mode, "orphans"))
		mode_orphans();
	if (!strcmp(mode, "leader"))
		mode_leader();
	if (!strcmp(mode, "many"))
		mode_many((int)gap);
	fprintf(stderr, "ps_parent: unknown mode %s\n", mode);
	return SCN_BROKEN;
}
