/* attach_zombies.c - zombies and live children that exist before zwatch -p.
 *
 * The program forks three children that exit 10, 11 and 12 at once and
 * waits (bounded polling of /proc) until each is a zombie; then forks two
 * children that sleep until their own pipe closes and then exit 21 and 22.
 * It prints what it made and "ready", and waits for a line (or EOF) on
 * stdin: the test attaches zwatch in between.  Then it reaps the three
 * zombies (waitpid, waitid(P_PID) and wait(-1), in that order), lets the
 * sleepers go one after the other and reaps each.  Exits 0 when every
 * status was as expected, 1 otherwise.
 *
 * Output: "zombie pid=Z code=10" (x3), "sleeper pid=S code=21" (x2),
 * "ready pid=P", then "reaped pid=X status=exited N" (x5).
 */
#define _GNU_SOURCE 1
#include "scn.h"

int main(void)
{
	pid_t z[3], s[2];
	int gate[2][2], bad = 0, st;
	char sbuf[64], line[64];

	scn_init(120);
	for (int i = 0; i < 3; i++) {
		z[i] = scn_fork();
		if (z[i] == 0)
			_exit(10 + i);
		if (!scn_wait_dead(z[i], 10000))
			scn_die("a child did not become a zombie");
	}
	if (pipe(gate[0]) < 0 || pipe(gate[1]) < 0)
		scn_die("pipe");
	for (int j = 0; j < 2; j++) {
		s[j] = scn_fork();
		if (s[j] == 0) {
			close(gate[0][1]);
			close(gate[1][1]);
			close(gate[1 - j][0]);
			scn_guard(120);
			scn_wait_eof(gate[j][0]);
			_exit(21 + j);
		}
	}
	close(gate[0][0]);
	close(gate[1][0]);
	for (int i = 0; i < 3; i++)
		printf("zombie pid=%d code=%d\n", (int)z[i], 10 + i);
	for (int j = 0; j < 2; j++)
		printf("sleeper pid=%d code=%d\n", (int)s[j], 21 + j);
	printf("ready pid=%d\n", (int)getpid());
	if (!fgets(line, sizeof line, stdin) && ferror(stdin))
		scn_die("reading stdin");

	/* The zombies, three ways. */
	if (waitpid(z[0], &st, 0) != z[0])
		scn_die("waitpid");
	printf("reaped pid=%d status=%s\n", (int)z[0], scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 10;
	{
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)z[1], &si, WEXITED) < 0 || si.si_pid != z[1])
			scn_die("waitid");
		printf("reaped pid=%d status=exited %d\n", (int)z[1], si.si_status);
		bad |= si.si_code != CLD_EXITED || si.si_status != 11;
	}
	if (wait(&st) != z[2])	/* the sleepers are alive: only z[2] can come */
		scn_die("wait");
	printf("reaped pid=%d status=%s\n", (int)z[2], scn_status(st, sbuf, sizeof sbuf));
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 12;

	/* The sleepers, one after the other. */
	for (int j = 0; j < 2; j++) {
		close(gate[j][1]);
		if (waitpid(s[j], &st, 0) != s[j])
			scn_die("waitpid");
		printf("reaped pid=%d status=%s\n", (int)s[j],
		       scn_status(st, sbuf, sizeof sbuf));
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 21 + j;
	}
	return bad ? 1 : 0;
}
