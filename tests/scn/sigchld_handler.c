/* sigchld_handler.c - reaping from a SIGCHLD handler.
 *
 * The parent installs a SIGCHLD handler that loops waitpid(-1, WNOHANG)
 * until nothing is left, the usual idiom for coalesced SIGCHLDs.  Five
 * children block on a "go" pipe and are released together, so their exits
 * (codes 10..14) pile up and the handler reaps several per call.  Every
 * child must be reaped by the parent with the right exit code.
 *
 * Output: "child pid=P code=C" per fork, "reaped pid=P status=exited C".
 */
#define _GNU_SOURCE 1
#include "scn.h"

#define N 5

static volatile sig_atomic_t nreaped;
static pid_t reaped_pid[N];
static int reaped_st[N];

static void on_chld(int sig)
{
	int saved = errno, st;
	pid_t pid;

	(void)sig;
	while (nreaped < N && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
		reaped_pid[nreaped] = pid;
		reaped_st[nreaped] = st;
		nreaped++;
	}
	errno = saved;
}

int main(void)
{
	struct sigaction sa = { 0 };
	sigset_t block, old;
	pid_t kids[N];
	int go[2], bad = 0;
	char sbuf[64];

	scn_init(30);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
	/* Block SIGCHLD until we sigsuspend, so no exit is missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (pipe(go) < 0)
		scn_die("pipe");
	for (int i = 0; i < N; i++) {
		kids[i] = scn_fork();
		if (kids[i] == 0) {
			close(go[1]);
			scn_guard(30);
			scn_wait_eof(go[0]);	/* wait for "go" */
			_exit(10 + i);
		}
		printf("child pid=%d code=%d\n", (int)kids[i], 10 + i);
	}
	close(go[1]);	/* go: all children exit now */
	while (nreaped < N)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int r = 0; r < N; r++) {
		int i;

		for (i = 0; i < N && kids[i] != reaped_pid[r]; i++)
			;
		printf("reaped pid=%d status=%s\n", (int)reaped_pid[r],
		       scn_status(reaped_st[r], sbuf, sizeof sbuf));
		if (i == N || !WIFEXITED(reaped_st[r]) ||
		    WEXITSTATUS(reaped_st[r]) != 10 + i)
			bad = 1;
	}
	return bad;
}
