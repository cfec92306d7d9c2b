/* stop_cont.c - job control must look the same under a tracer.
 *
 * The parent stops its child with SIGSTOP and sees it with
 * waitpid(WUNTRACED), continues it with SIGCONT and sees that with
 * waitpid(WCONTINUED), then lets it exit 3.  A ptrace tracer that mishandles
 * group-stops (resuming the stopped child, swallowing the stop or the
 * continue) changes what the parent sees.
 *
 * The child writes a heartbeat byte every 5 ms; while it is stopped the
 * parent counts the beats for 100 ms: there must be none.  (The /proc state
 * letter is not used: a stopped tracee shows 't', not 'T', under any
 * tracer.)  The output has no pids, so it must be byte-for-byte identical
 * with and without zwatch.
 *
 * Output: "stop sent", "waitpid: stopped SIGSTOP", "beats while stopped: 0",
 * "cont sent", "waitpid: continued", "beats after continue: yes",
 * "waitpid: exited 3".
 */
#define _GNU_SOURCE 1
#include <fcntl.h>
#include <poll.h>
#include "scn.h"

/* Non-blocking count of the bytes waiting in FD. */
static int drain(int fd)
{
	char buf[256];
	ssize_t n;
	int total = 0;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			total += (int)n;
	return total;
}

/* Waits (bounded) for at least one heartbeat. */
static int beats_within(int fd, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 5) {
		if (drain(fd) > 0)
			return 1;
		scn_msleep(5);
	}
	return 0;
}

int main(void)
{
	int beat[2], go[2], st;
	char sbuf[64];
	pid_t child;

	scn_init(30);
	if (pipe(beat) < 0 || pipe(go) < 0)
		scn_die("pipe");
	child = scn_fork();
	if (child == 0) {
		struct pollfd pfd = { .fd = go[0], .events = POLLIN };

		close(beat[0]);
		close(go[1]);
		scn_guard(30);
		for (;;) {	/* beat every 5 ms until "go" is closed */
			if (write(beat[1], "b", 1) != 1 && errno != EINTR)
				_exit(SCN_BROKEN);
			if (poll(&pfd, 1, 5) > 0)
				_exit(3);
		}
	}
	close(beat[1]);
	close(go[0]);
	fcntl(beat[0], F_SETFL, O_NONBLOCK);
	if (!beats_within(beat[0], 10000))
		scn_die("no heartbeat from the child");

	kill(child, SIGSTOP);
	printf("stop sent\n");
	if (waitpid(child, &st, WUNTRACED) != child)
		scn_die("waitpid(WUNTRACED)");
	printf("waitpid: %s\n", scn_status(st, sbuf, sizeof sbuf));
	drain(beat[0]);		/* beats from before the stop */
	scn_msleep(100);
	printf("beats while stopped: %d\n", drain(beat[0]));

	kill(child, SIGCONT);
	printf("cont sent\n");
	if (waitpid(child, &st, WCONTINUED) != child)
		scn_die("waitpid(WCONTINUED)");
	printf("waitpid: %s\n", scn_status(st, sbuf, sizeof sbuf));
	printf("beats after continue: %s\n",
	       beats_within(beat[0], 10000) ? "yes" : "no");

	close(go[1]);	/* let it exit */
	if (waitpid(child, &st, 0) != child)
		scn_die("waitpid");
	printf("waitpid: %s\n", scn_status(st, sbuf, sizeof sbuf));
	return WIFEXITED(st) && WEXITSTATUS(st) == 3 ? 0 : 1;
}
