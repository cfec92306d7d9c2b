/* exit_status.c - end with a chosen exit code or signal.
 *
 * zwatch exits with its program's status: the code itself, or 128+N when
 * the program is killed by signal N.  This program provides both.
 *
 * Usage: exit_status code N      exits N
 *        exit_status signal N    kills itself with signal N (default action)
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(int argc, char *argv[])
{
	int n;

	scn_init(30);
	if (argc != 3)
		goto usage;
	n = atoi(argv[2]);
	if (!strcmp(argv[1], "code"))
		return n;
	if (!strcmp(argv[1], "signal")) {
		sigset_t all;

		signal(n, SIG_DFL);
		sigemptyset(&all);
		sigaddset(&all, n);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		raise(n);
		return SCN_BROKEN;	/* not reached for deadly signals */
	}
usage:
	fprintf(stderr, "usage: exit_status code N | signal N\n");
	return 2;
}
