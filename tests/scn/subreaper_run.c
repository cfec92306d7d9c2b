/* subreaper_run.c - run a command under a child subreaper that reaps all.
 *
 * On this test machine PID 1 does not reap orphans, so an orphan that dies
 * would stay a zombie forever.  This wrapper makes itself a child
 * subreaper, runs ARGV, and then reaps every child and adopted orphan
 * until none is left (ECHILD).  It exits with the command's status (128+N
 * if it was killed by signal N).
 *
 * Usage: subreaper_run PROG [ARGS...]
 * Output: "subreaper pid=S", "command pid=C", "reaped pid=X status=...".
 */
#define _GNU_SOURCE 1
#include <sys/prctl.h>
#include "scn.h"

int main(int argc, char *argv[])
{
	int st, ret = SCN_BROKEN;
	char sbuf[64];
	pid_t cmd, pid;

	if (argc < 2) {
		fprintf(stderr, "usage: subreaper_run PROG [ARGS...]\n");
		return 2;
	}
	scn_init(60);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		scn_die("prctl(PR_SET_CHILD_SUBREAPER)");
	printf("subreaper pid=%d\n", (int)getpid());
	cmd = scn_fork();
	if (cmd == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "subreaper_run: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	printf("command pid=%d\n", (int)cmd);
	while ((pid = wait(&st)) > 0 || errno == EINTR) {
		if (pid < 0)
			continue;
		printf("reaped pid=%d status=%s\n", (int)pid,
		       scn_status(st, sbuf, sizeof sbuf));
		if (pid == cmd)
			ret = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return ret;
}
