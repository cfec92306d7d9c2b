/* execinfo.h - a process's new argv and comm, read from its stack at the
 * PTRACE_EVENT_EXEC stop (no /proc files opened).
 */
#ifndef ZWATCH_EXECINFO_H
#define ZWATCH_EXECINFO_H

#include "event.h"

#include <stdbool.h>
#include <stddef.h>

#define EXECINFO_COMM_LEN 16	/* the kernel's TASK_COMM_LEN */

struct exec_info {
	char comm[EXECINFO_COMM_LEN];
	int argc;			/* how many of argv are set */
	int argc_total;			/* the program's argc, -1: unknown */
	bool truncated;			/* argv lacks entries, or the last is cut */
	const char *argv[ZW_ARGV_MAX];	/* into args */
	char args[4096];		/* as /proc/PID/cmdline, maybe cut */
};

/* pid is at its exec event stop with stack pointer sp.  0, or -errno when
 * the stack does not tell (the caller reads /proc instead; argc_total is
 * set even then if the stack gave argc, else -1). */
int execinfo_read(int pid, unsigned long sp, struct exec_info *out);
/* Sets argv from xi->args[0..len) (NUL-separated, maybe cut short, with
 * a NUL at len): at most ZW_ARGV_MAX entries, and argc_total (-1 when
 * unknown) of them; marks it truncated if some are missing or the last
 * is cut, which is then cut between UTF-8 characters. */
void execinfo_split(struct exec_info *xi, size_t len, int argc_total);

#endif
