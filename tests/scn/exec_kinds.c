/* exec_kinds.c - execs of every shape, each reporting what the kernel
 * says it became, so that zwatch's exec events (argv and comm read from
 * the new stack) can be checked against /proc.
 *
 * Usage: exec_kinds DIR   (DIR: a scratch directory for a symlink)
 *
 * Each case forks a child that execs this program as "exec_kinds report"
 * (or, for argc 0, with no argv at all); the report prints one line:
 * "report pid=P comm=C argc=N argv=A|B|C" from /proc/self/comm and
 * /proc/self/cmdline, and exits 0.  Cases: plain; a symlink whose name
 * is longer than a comm (16 bytes); empty and spaced arguments; argc 0;
 * fexecve(); a 64 KiB environment variable.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

extern char **environ;

static void report(void)
{
	char comm[64] = "", args[4096];
	ssize_t n;
	int fd = open("/proc/self/comm", O_RDONLY);

	if (fd >= 0) {
		n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n - 1 : 0] = '\0';	/* drop the newline */
		close(fd);
	}
	fd = open("/proc/self/cmdline", O_RDONLY);
	n = fd >= 0 ? read(fd, args, sizeof(args) - 1) : 0;
	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	int argc = 0;
	for (ssize_t i = 0; i < n; i++)
		if (!args[i]) {
			argc++;
			args[i] = i + 1 < n ? '|' : '\0';
		}
	args[n] = '\0';
	printf("report pid=%d comm=%s argc=%d argv=%s\n", getpid(), comm, argc,
	       args);
	fflush(stdout);
	_exit(0);
}

static void run(const char *label, const char *path, char *const argv[],
		char *const envp[], bool use_fd)
{
	pid_t pid;
	int status;

	printf("case %s\n", label);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		scn_die("fork");
	if (pid == 0) {
		if (use_fd) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			fexecve(fd, argv, envp);
		} else {
			execve(path, argv, envp);
		}
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		scn_die(label);
}

int main(int argc, char **argv)
{
	char self[4096], link[4096], *big;
	ssize_t n;

	/* Exec'd with no argv, the kernel gives it one empty argument. */
	if (argc == 0 || (argc == 1 && !argv[0][0]) ||
	    (argc > 1 && !strcmp(argv[1], "report")))
		report();
	if (argc != 2)
		{ fprintf(stderr, "usage: exec_kinds DIR\n"); return SCN_BROKEN; }
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		scn_die("readlink");
	self[n] = '\0';
	snprintf(link, sizeof(link), "%s/a-very-long-program-name", argv[1]);
	unlink(link);
	if (symlink(self, link) < 0)
		scn_die("symlink");

	run("plain", self, (char *[]){ self, "report", NULL }, environ, false);
	run("symlink", link, (char *[]){ link, "report", NULL }, environ, false);
	run("args", self, (char *[]){ "x", "report", "", "a b", "c", NULL },
	    environ, false);
	run("argc0", self, (char *[]){ NULL }, environ, false);
	run("fexecve", self, (char *[]){ "fd", "report", NULL }, environ, true);
	big = malloc(65536 + 8);
	if (!big)
		scn_die("malloc");
	memcpy(big, "BIG=", 4);
	memset(big + 4, 'x', 65536);
	big[65540] = '\0';
	run("bigenv", self, (char *[]){ self, "report", NULL },
	    (char *[]){ big, NULL }, false);
	free(big);
	unlink(link);
	return 0;
}
