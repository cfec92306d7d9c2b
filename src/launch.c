/* launch.c - starting PROG as a traced child.
 *
 * The child waits on a pipe until the parent has seized it, so the
 * tracer sees the execve itself and no stop signal is ever sent: PROG
 * starts exactly as it would from a shell.
 */
#include "config.h"
#include "launch.h"
#include "ptrace_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct rlimit launch_orig_nofile;

static _Noreturn void child(int go_fd, char *const argv[],
			    const sigset_t *orig_mask)
{
	char c;
	int err;

	/* EOF or a byte both mean "seized, go"; either way we exec. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	/* PROG gets what zwatch got, not what zwatch raised for itself. */
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
	setrlimit(RLIMIT_NOFILE, &launch_orig_nofile);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "zwatch: cannot run %s: %s\n", argv[0], strerror(err));
	/* Like a shell: 127 not found, 126 found but not executable. */
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

int launch_traced(char *const argv[], unsigned long ptrace_options,
		  const sigset_t *orig_mask)
{
	int go[2], err;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return err;
	}
	if (pid == 0) {
		close(go[1]);
		child(go[0], argv, orig_mask);
	}
	close(go[0]);
	err = pt_seize(pid, ptrace_options);
	if (err < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(go[1]);
		return err;
	}
	close(go[1]);
	return pid;
}
