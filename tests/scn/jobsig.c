/* jobsig.c - job-control signals to stopped children, as a shell sends
 * them: each case prints what the parent's waitpid() and the child saw.
 * The output must be the same with and without zwatch (the test compares).
 *
 *   jobsig [CASE...]   (default: all cases)
 *
 * Cases:
 *   kill      a child stopped by SIGSTOP is killed with SIGKILL (bash's
 *             `kill -9 %1` on a stopped job)
 *   killmasked  the same, the parent blocking SIGCHLD (dash, make)
 *   term      a stopped child with SIGTERM at its default action gets
 *             SIGTERM: it stays stopped (only SIGKILL wakes a stopped
 *             thread), and then SIGKILL kills it
 *   handler   a stopped child with a SIGTERM handler gets SIGTERM, then
 *             SIGCONT: the handler runs only after the continue
 *   tstp      a child with a SIGTSTP handler that re-raises SIGSTOP (what
 *             an editor does on Ctrl-Z), then SIGCONT, then exit 4
 *   group     three children in their own process group: kill(-pgid)
 *             SIGSTOP, SIGCONT, then SIGKILL
 *   rt        a stopped child gets three sigqueue() payloads of a
 *             realtime signal, then SIGCONT: all three, in order
 *   threads   a stopped child with 4 threads is killed with SIGKILL
 *   cont      SIGCONT to a stopped child whose SIGCONT handler prints, then
 *             it exits 6
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <pthread.h>

static volatile sig_atomic_t got_term, got_cont, got_tstp;

/* waitpid() retried on EINTR, with a bounded wait for statuses that must
 * come: dies (and says which) rather than hang. */
static pid_t wait_st(pid_t pid, int *st, int options)
{
	pid_t r;

	while ((r = waitpid(pid, st, options)) < 0 && errno == EINTR)
		;
	return r;
}

static void show(const char *what, pid_t pid, int st)
{
	char buf[64];

	(void)pid;
	printf("%s: %s\n", what, scn_status(st, buf, sizeof buf));
}

/* A child that says "ready" through a pipe and then idles. */
static pid_t idle_child(void (*setup)(void))
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready) < 0)
		scn_die("pipe");
	pid = scn_fork();
	if (pid == 0) {
		scn_guard(20);
		close(ready[0]);
		if (setup)
			setup();
		close(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	return pid;
}

static void stop_child(pid_t pid)
{
	int st;

	kill(pid, SIGSTOP);
	if (wait_st(pid, &st, WUNTRACED) != pid)
		scn_die("waitpid WUNTRACED");
	show("stopped", pid, st);
}

/* The child must be gone within MS ms (a child left stopped is a bug),
 * or is killed then. */
static void expect_death_in(pid_t pid, const char *what, int ms)
{
	int st;

	for (int i = 0; i < ms / 5; i++) {
		pid_t r = wait_st(pid, &st, WNOHANG | WUNTRACED | WCONTINUED);

		if (r == pid && (WIFEXITED(st) || WIFSIGNALED(st))) {
			show(what, pid, st);
			return;
		}
		if (r == pid)
			show("meanwhile", pid, st);
		scn_msleep(5);
	}
	/* T untraced, t traced: the same to the program. */
	printf("%s: still there after %d ms (%s)\n", what, ms,
	       strchr("Tt", scn_state(pid)) ? "stopped" : "not stopped");
	kill(pid, SIGKILL);
	if (wait_st(pid, &st, 0) == pid)
		show(what, pid, st);
}

static void expect_death(pid_t pid, const char *what)
{
	expect_death_in(pid, what, 5000);
}

static void case_kill(void)
{
	pid_t pid = idle_child(NULL);

	stop_child(pid);
	kill(pid, SIGKILL);
	expect_death(pid, "kill");
}

/* The same with SIGCHLD blocked in the parent, as dash and make do
 * around their waits. */
static void case_killmasked(void)
{
	pid_t pid = idle_child(NULL);
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	stop_child(pid);
	kill(pid, SIGKILL);
	expect_death(pid, "killmasked");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void case_term(void)
{
	pid_t pid = idle_child(NULL);

	stop_child(pid);
	kill(pid, SIGTERM);
	/* It stays stopped (a stopped thread wants no signal but SIGKILL),
	 * and SIGKILL then kills it. */
	expect_death_in(pid, "term", 300);
}

static void on_term(int sig)
{
	(void)sig;
	got_term++;
}

static void on_cont(int sig)
{
	(void)sig;
	got_cont++;
}

/* The child's side of a case: report pipe fds[1], go pipe go[0].  It
 * exits only when the parent closes go[1], after it has seen everything:
 * a child that exits at once would turn the parent's WCONTINUED report
 * into an exit one, earlier or later by timing alone. */
static void child_done(int fds[2], int go[2], int code)
{
	close(fds[1]);
	scn_wait_eof(go[0]);
	_exit(code);
}

/* The parent's side: everything the child reported, then let it exit. */
static void parent_done(pid_t pid, int fds[2], int go[2], const char *what)
{
	char buf[256];
	ssize_t n;

	while ((n = read(fds[0], buf, sizeof buf - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			scn_die("read report");
		buf[n] = '\0';
		fputs(buf, stdout);
	}
	close(fds[0]);
	close(go[1]);
	expect_death(pid, what);
}

/* Two pipes and a child that has closed the ends it does not use and
 * said "ready" (one byte on fds). */
static pid_t report_child(int fds[2], int go[2])
{
	pid_t pid;

	if (pipe(fds) < 0 || pipe(go) < 0)
		scn_die("pipe");
	pid = scn_fork();
	if (pid == 0) {
		scn_guard(20);
		close(fds[0]);
		close(go[1]);
		return 0;
	}
	close(fds[1]);
	close(go[0]);
	return pid;
}

static void ready(int fds[2])
{
	if (write(fds[1], "r", 1) != 1)
		_exit(SCN_BROKEN);
}

static void wait_ready(int fds[2])
{
	char c;

	if (read(fds[0], &c, 1) != 1)
		scn_die("read ready");
}

static void case_handler(void)
{
	int fds[2], go[2], st;
	pid_t pid = report_child(fds, go);

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_term };

		sigaction(SIGTERM, &sa, NULL);
		ready(fds);
		while (!got_term)
			pause();
		dprintf(fds[1], "child: SIGTERM handled %d\n", (int)got_term);
		child_done(fds, go, 3);
	}
	wait_ready(fds);
	stop_child(pid);
	kill(pid, SIGTERM);
	scn_msleep(100);
	printf("after SIGTERM, while stopped: %s\n",
	       strchr("Tt", scn_state(pid)) ? "stopped" : "not stopped");
	kill(pid, SIGCONT);
	if (wait_st(pid, &st, WCONTINUED) != pid)
		scn_die("waitpid WCONTINUED");
	show("handler", pid, st);
	parent_done(pid, fds, go, "handler");
}

static void on_tstp(int sig)
{
	(void)sig;
	got_tstp++;
	raise(SIGSTOP);
}

static void case_tstp(void)
{
	int fds[2], go[2], st;
	pid_t pid = report_child(fds, go);

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_tstp };

		sigaction(SIGTSTP, &sa, NULL);
		sa.sa_handler = on_cont;
		sigaction(SIGCONT, &sa, NULL);
		ready(fds);
		while (!got_cont)
			pause();
		dprintf(fds[1], "child: tstp %d cont %d\n", (int)got_tstp,
			(int)got_cont);
		child_done(fds, go, 4);
	}
	wait_ready(fds);
	kill(pid, SIGTSTP);
	if (wait_st(pid, &st, WUNTRACED) != pid)
		scn_die("waitpid WUNTRACED");
	show("tstp", pid, st);
	kill(pid, SIGCONT);
	if (wait_st(pid, &st, WCONTINUED) != pid)
		scn_die("waitpid WCONTINUED");
	show("tstp", pid, st);
	parent_done(pid, fds, go, "tstp");
}

static void own_group(void)
{
	setpgid(0, 0);
}

static void case_group(void)
{
	pid_t pids[3];
	int st;

	for (int i = 0; i < 3; i++) {
		pids[i] = idle_child(i == 0 ? own_group : NULL);
		if (setpgid(pids[i], pids[0]) < 0)
			scn_die("setpgid");
	}
	kill(-pids[0], SIGSTOP);
	for (int i = 0; i < 3; i++) {
		if (wait_st(pids[i], &st, WUNTRACED) != pids[i])
			scn_die("waitpid WUNTRACED");
		show("group", pids[i], st);
	}
	kill(-pids[0], SIGCONT);
	for (int i = 0; i < 3; i++) {
		if (wait_st(pids[i], &st, WCONTINUED) != pids[i])
			scn_die("waitpid WCONTINUED");
		show("group", pids[i], st);
	}
	kill(-pids[0], SIGSTOP);
	for (int i = 0; i < 3; i++)
		if (wait_st(pids[i], &st, WUNTRACED) != pids[i])
			scn_die("waitpid WUNTRACED");
	kill(-pids[0], SIGKILL);
	for (int i = 0; i < 3; i++)
		expect_death(pids[i], "group");
}

static void case_rt(void)
{
	int fds[2], go[2], st, sig = SIGRTMIN + 2;
	pid_t pid = report_child(fds, go);

	if (pid == 0) {
		sigset_t set;
		siginfo_t si;

		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_BLOCK, &set, NULL);
		ready(fds);
		for (int i = 0; i < 3; i++) {
			int r;

			/* EINTR: stopped and continued meanwhile (signal(7)). */
			while ((r = sigwaitinfo(&set, &si)) < 0 && errno == EINTR)
				;
			if (r != sig)
				_exit(SCN_BROKEN);
			dprintf(fds[1], "child: rt value=%d code=%s\n",
				si.si_value.sival_int,
				si.si_code == SI_QUEUE ? "SI_QUEUE" : "other");
		}
		child_done(fds, go, 5);
	}
	wait_ready(fds);
	stop_child(pid);
	for (int i = 0; i < 3; i++) {
		union sigval v = { .sival_int = 100 + i };

		if (sigqueue(pid, sig, v) < 0)
			scn_die("sigqueue");
	}
	kill(pid, SIGCONT);
	if (wait_st(pid, &st, WCONTINUED) != pid)
		scn_die("waitpid WCONTINUED");
	show("rt", pid, st);
	parent_done(pid, fds, go, "rt");
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void start_threads(void)
{
	pthread_t th;

	for (int i = 0; i < 4; i++)
		if (pthread_create(&th, NULL, idle_thread, NULL) != 0)
			_exit(SCN_BROKEN);
}

static void case_threads(void)
{
	pid_t pid = idle_child(start_threads);

	stop_child(pid);
	kill(pid, SIGKILL);
	expect_death(pid, "threads");
}

static void cont_setup(void)
{
	struct sigaction sa = { .sa_handler = on_cont };

	sigaction(SIGCONT, &sa, NULL);
}

static void case_cont(void)
{
	int st;
	pid_t pid = idle_child(cont_setup);

	stop_child(pid);
	kill(pid, SIGCONT);
	if (wait_st(pid, &st, WCONTINUED) != pid)
		scn_die("waitpid WCONTINUED");
	show("cont", pid, st);
	kill(pid, SIGTERM);
	expect_death(pid, "cont");
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "kill", case_kill }, { "killmasked", case_killmasked },
	{ "term", case_term },
	{ "handler", case_handler }, { "tstp", case_tstp },
	{ "group", case_group }, { "rt", case_rt },
	{ "threads", case_threads }, { "cont", case_cont },
};

int main(int argc, char **argv)
{
	scn_init(60);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int want = argc < 2;

		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], cases[i].name) == 0;
		if (!want)
			continue;
		printf("== %s\n", cases[i].name);
		cases[i].run();
	}
	return 0;
}
