/* signals.c - a program whose output depends on how signals reach it:
 * SIGCHLD and SIGTERM handlers, SIG_IGN, a realtime signal queued with a
 * value, sigwaitinfo, SIGSTOP/SIGCONT of a child seen through waitpid.
 * Its output must be the same with and without zwatch (make check runs
 * both and compares). */
#define _GNU_SOURCE 1
#include "scn.h"

#include <string.h>

static volatile sig_atomic_t chld, term;

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

static void on_term(int sig)
{
	(void)sig;
	term++;
}

/* The SIGCHLD handler has no SA_RESTART: a wait can be interrupted. */
static pid_t wait_for(pid_t pid, int *st, int options)
{
	pid_t r;

	while ((r = waitpid(pid, st, options)) < 0 && errno == EINTR)
		;
	return r;
}

static void realtime(void)
{
	int sig = SIGRTMIN + 3;
	union sigval v = { .sival_int = 42 };
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigqueue(getpid(), sig, v);
	sigqueue(getpid(), sig, v);	/* realtime signals queue: two */
	for (int i = 0; i < 2; i++) {
		if (sigwaitinfo(&set, &si) != sig)
			scn_die("sigwaitinfo");
		printf("rt %d value=%d code=%s\n", i, si.si_value.sival_int,
		       si.si_code == SI_QUEUE ? "SI_QUEUE" : "other");
	}
}

static void stop_and_continue(void)
{
	int ready[2], st;
	pid_t pid;
	char c;

	if (pipe(ready) < 0)
		scn_die("pipe");
	pid = scn_fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);	/* handlers are inherited */
		close(ready[0]);
		close(ready[1]);		/* "ready": EOF for the parent */
		for (;;)
			pause();
	}
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	kill(pid, SIGSTOP);
	if (wait_for(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
		scn_die("no stop seen");
	printf("child stopped by %s\n", strsignal(WSTOPSIG(st)));
	kill(pid, SIGCONT);
	if (wait_for(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
		scn_die("no continue seen");
	printf("child continued\n");
	kill(pid, SIGTERM);
	wait_for(pid, &st, 0);
	printf("child %s\n", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_chld };
	pid_t pid;
	int st;

	scn_init(30);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);		/* ignored: nothing happens */
	raise(SIGTERM);
	printf("SIGTERM handled %d time(s)\n", (int)term);
	pid = scn_fork();
	if (pid == 0)
		_exit(5);
	wait_for(pid, &st, 0);
	printf("child exit %d, SIGCHLD seen: %s\n", WEXITSTATUS(st),
	       chld ? "yes" : "no");
	realtime();
	stop_and_continue();
	return 0;
}
