/* launch.h - starting PROG as a traced child. */
#ifndef ZWATCH_LAUNCH_H
#define ZWATCH_LAUNCH_H

#include <signal.h>
#include <sys/resource.h>

/* The open-files limit zwatch started with, which PROG gets back. */
extern struct rlimit launch_orig_nofile;

/* Forks, PTRACE_SEIZEs the child with options, then lets it exec argv
 * with the signal mask orig_mask.  Returns the child's pid or -errno. */
int launch_traced(char *const argv[], unsigned long ptrace_options,
		  const sigset_t *orig_mask);

#endif
