/* execinfo.h - a process's new argv and comm, read from its stack at the
 * PTRACE_EVENT_EXEC stop (no /proc files opened).
 */
#ifndef ZWATCH_EXECINFO_H
#define ZWATCH_EXECINFO_H

#include "event.h"

#define EXECINFO_COMM_LEN 16	/* the kernel's TASK_COMM_LEN */

struct exec_info {
	char comm[EXECINFO_COMM_LEN];
	int argc;			/* how many of argv are set */
	const char *argv[ZW_ARGV_MAX];	/* into args */
	char args[4096];		/* as /proc/PID/cmdline, maybe cut */
};

/* pid is at its exec event stop with stack pointer sp.  0, or -errno when
 * the stack does not tell (the caller reads /proc instead). */
int execinfo_read(int pid, unsigned long sp, struct exec_info *out);

#endif
