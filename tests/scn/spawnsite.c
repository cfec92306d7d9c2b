/* spawnsite.c - posix_spawn() from a named function (for -k): glibc's
 * posix_spawn clones with clone3 from __clone3, which has no unwind
 * information at the pc the parent returns to, so the unwinder must
 * step out of it by hand to reach spawn_true and main. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

__attribute__((noinline)) static int spawn_true(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	int status;

	if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0)
		return 1;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return 0;
}

int main(void)
{
	/* Not a tail call: main's frame must be on the stack. */
	volatile int rc = spawn_true();

	return rc;
}
