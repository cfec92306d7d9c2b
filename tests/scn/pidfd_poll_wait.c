/* pidfd_poll_wait.c - a parent that polls a child's pidfd, then reaps it
 * with waitpid(pid, WNOHANG), as the Linux kselftest harness does.
 *
 * N children (argv[1], default 20) in a row: fork one that exits
 * i % 100, open its pidfd, poll() it until readable (the child exited),
 * then waitpid(pid, WNOHANG) once.  Untraced that never returns 0: a
 * readable pidfd means a zombie waitpid() can take.  A tracer that keeps
 * the zombie to itself a moment longer makes it miss.  A missed child is
 * then reaped with a blocking waitpid().
 * Output: "waited pid=P status=exited C" per child, "missed pid=P" for a
 * WNOHANG that returned 0, "summary children=N missed=M".
 */
#define _GNU_SOURCE 1
#include <poll.h>
#include <sys/syscall.h>
#include "scn.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20, missed = 0;
	char sbuf[64];

	scn_init(30);
	for (int i = 0; i < n; i++) {
		struct pollfd pfd = { .events = POLLIN };
		pid_t c = scn_fork(), got;
		int st;

		if (c == 0)
			_exit(i % 100);
		pfd.fd = (int)syscall(SYS_pidfd_open, c, 0);
		if (pfd.fd < 0)
			scn_die("pidfd_open");
		while (poll(&pfd, 1, -1) < 0)
			if (errno != EINTR)
				scn_die("poll");
		got = waitpid(c, &st, WNOHANG);
		if (got == 0) {
			printf("missed pid=%d\n", (int)c);
			missed++;
			got = waitpid(c, &st, 0);
		}
		if (got != c)
			scn_die("waitpid");
		printf("waited pid=%d status=%s\n", (int)c,
		       scn_status(st, sbuf, sizeof sbuf));
		close(pfd.fd);
	}
	printf("summary children=%d missed=%d\n", n, missed);
	return missed ? 1 : 0;
}
