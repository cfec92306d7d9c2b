/* bare_tracer.c - the floor for event-only tracing: follows fork/clone/
 * exec events and collects exits, decoding nothing, printing nothing.
 * The benchmark compares zwatch against it to show what zwatch's own
 * work costs on top of the unavoidable stops. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int go[2], status, tid, root, root_status = 0;
	char c;

	if (argc < 2 || pipe(go) < 0)
		return 2;
	root = fork();
	if (root == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(126);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	ptrace(PTRACE_SEIZE, root, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC);
	close(go[1]);
	while ((tid = waitpid(-1, &status, __WALL)) > 0) {
		int sig = 0;

		if (!WIFSTOPPED(status)) {
			if (tid == root)
				root_status = status;
			continue;
		}
		if ((status >> 16) == 0)
			sig = WSTOPSIG(status);
		else if ((status >> 16) == PTRACE_EVENT_STOP)
			sig = 0;
		ptrace(PTRACE_CONT, tid, 0, sig);
	}
	return WIFEXITED(root_status) ? WEXITSTATUS(root_status) : 1;
}
