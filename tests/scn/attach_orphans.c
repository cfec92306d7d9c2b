/* attach_orphans.c - orphans for a pid namespace's init, attached from outside.
 *
 * Meant to run as "unshare -fp --mount-proc tini -s -- attach_orphans",
 * with zwatch attached from outside the namespace to tini (the namespace's
 * PID 1).  All pids this program prints are namespace pids.
 *
 * Before the attach: a middle child forks two grandchildren and exits 0 at
 * once; the program reaps it, and waits (bounded polling of /proc) until
 * both orphans have been adopted by PID 1.  They wait for EOF on stdin and
 * then exit 5 and 6.  The program prints "ready" and waits for EOF on stdin
 * itself: the test attaches zwatch in between and then closes stdin.
 *
 * After the attach: a second middle child forks a third grandchild and
 * exits 0; the program reaps it; the orphan waits until it has been
 * adopted and exits 7.  The program waits until all three orphans are gone
 * (reaped by init, not just dead), so that every reap happens while the
 * trace runs, and exits 0.
 *
 * Output: "orphan pid=G code=5 ppid=1" (x2), "ready pid=P",
 * "middle pid=M", "orphan pid=G3 code=7", "adopted pid=G3 ppid=1",
 * "gone pid=G" (x3).
 */
#define _GNU_SOURCE 1
#include "scn.h"

/* Waits up to TIMEOUT_MS for PID to be gone from /proc (reaped). */
static int wait_gone(pid_t pid, long timeout_ms)
{
	for (long waited = 0; waited <= timeout_ms; waited += 5) {
		if (scn_state(pid) == '?')
			return 1;
		scn_msleep(5);
	}
	return 0;
}

static pid_t parent_of(pid_t pid)
{
	char path[64];
	int ppid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)	/* comm: no ')' here */
		ppid = -1;
	fclose(f);
	return ppid;
}

static void wait_eof_stdin(void)
{
	char buf[64];
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) != 0)
		if (n < 0 && errno != EINTR)
			_exit(SCN_BROKEN);
}

int main(void)
{
	pid_t g[3], m;
	int fds[2], st;

	scn_init(120);
	if (pipe(fds) < 0)
		scn_die("pipe");
	m = scn_fork();
	if (m == 0) {
		close(fds[0]);
		for (int i = 0; i < 2; i++) {
			pid_t c = scn_fork();

			if (c == 0) {
				close(fds[1]);
				scn_guard(120);
				wait_eof_stdin();
				_exit(5 + i);
			}
			if (write(fds[1], &c, sizeof c) != sizeof c)
				_exit(SCN_BROKEN);
		}
		_exit(0);
	}
	close(fds[1]);
	for (int i = 0; i < 2; i++)
		if (read(fds[0], &g[i], sizeof g[i]) != sizeof g[i])
			scn_die("read");
	close(fds[0]);
	if (waitpid(m, &st, 0) != m || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		scn_die("first middle child");
	for (int i = 0; i < 2; i++) {
		int n = 0;

		while (parent_of(g[i]) != 1 && n++ < 2000)
			scn_msleep(5);
		printf("orphan pid=%d code=%d ppid=%d\n", (int)g[i], 5 + i,
		       (int)parent_of(g[i]));
	}
	printf("ready pid=%d\n", (int)getpid());
	wait_eof_stdin();

	if (pipe(fds) < 0)
		scn_die("pipe");
	m = scn_fork();
	if (m == 0) {
		pid_t me = getpid(), c = scn_fork();

		if (c == 0) {
			int n = 0;

			close(fds[0]);
			close(fds[1]);
			scn_guard(120);
			while (getppid() == me && n++ < 2000)
				scn_msleep(5);
			printf("adopted pid=%d ppid=%d\n", (int)getpid(),
			       (int)getppid());
			fflush(stdout);
			_exit(7);
		}
		close(fds[0]);
		if (write(fds[1], &c, sizeof c) != sizeof c)
			_exit(SCN_BROKEN);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &g[2], sizeof g[2]) != sizeof g[2])
		scn_die("read");
	close(fds[0]);
	printf("middle pid=%d\n", (int)m);
	printf("orphan pid=%d code=7\n", (int)g[2]);
	if (waitpid(m, &st, 0) != m)
		scn_die("waitpid");
	for (int i = 0; i < 3; i++) {
		if (!wait_gone(g[i], 20000))
			scn_die("an orphan was not reaped");
		printf("gone pid=%d\n", (int)g[i]);
	}
	return 0;
}
