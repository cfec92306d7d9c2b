/* kill_sigchld.c - a SIGCHLD sent by kill(1), not by a dying child.
 *
 * The parent P forks a child Z that exits 0 at once and is left a zombie
 * for now.  Once Z is a zombie, P runs "sh -c 'kill -s CHLD $PPID'" (a
 * child K), so P gets a SIGCHLD with si_code SI_USER and si_pid = K.  P's
 * SA_SIGINFO handler notes it; only after that does P reap K and then Z.
 * zwatch must report a signal event for P with signal "SIGCHLD", si_code
 * "SI_USER", si_pid = K, and Z reaped once by P, after that signal.
 *
 * Output: "zombie pid=Z", "killer pid=K", "got si_code=SI_USER si_pid=K",
 * "reaped pid=... status=...".
 */
#define _GNU_SOURCE 1
#include "scn.h"

static volatile sig_atomic_t got_user;
static volatile sig_atomic_t user_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_USER && !got_user) {
		user_pid = si->si_pid;
		got_user = 1;
	}
}

int main(void)
{
	struct sigaction sa = { 0 };
	int st, bad = 0;
	char sbuf[64];
	pid_t z, k;

	scn_init(30);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
	z = scn_fork();
	if (z == 0)
		_exit(0);
	printf("zombie pid=%d\n", (int)z);
	if (!scn_wait_dead(z, 10000)) {
		fprintf(stderr, "scenario: child %d never exited\n", (int)z);
		return SCN_BROKEN;
	}
	k = scn_fork();
	if (k == 0) {
		execl("/bin/sh", "sh", "-c", "kill -s CHLD $PPID", (char *)NULL);
		_exit(127);
	}
	printf("killer pid=%d\n", (int)k);
	for (int i = 0; !got_user && i < 2000; i++)	/* bounded: 10 s */
		scn_msleep(5);
	printf("got si_code=%s si_pid=%d\n", got_user ? "SI_USER" : "none",
	       (int)user_pid);
	bad |= !got_user || user_pid != k;
	if (waitpid(k, &st, 0) != k)
		scn_die("waitpid(killer)");
	printf("reaped pid=%d status=%s\n", (int)k,
	       scn_status(st, sbuf, sizeof sbuf));
	if (waitpid(z, &st, 0) != z)
		scn_die("waitpid(zombie)");
	printf("reaped pid=%d status=%s\n", (int)z,
	       scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	return bad;
}
