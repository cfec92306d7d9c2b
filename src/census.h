/* census.h - a walk over /proc: every process, its state and parent, and
 * for a zombie an honest estimate of when it exited. */
#ifndef ZWATCH_CENSUS_H
#define ZWATCH_CENSUS_H

#include <stdbool.h>
#include <stddef.h>

struct census_proc {
	int pid;
	int ppid;
	char state;		/* as in /proc/PID/stat: R S D Z ... */
	char comm[16];
	int exit_code;		/* a zombie's wait status (0 if not permitted) */
	unsigned long long sig_ignore;
};

/* Calls fn for each process (thread group) in /proc; returns how many,
 * or -errno if /proc cannot be read. */
int census_scan(void (*fn)(const struct census_proc *p, void *arg), void *arg);

/* Its cgroup v2 path ("/system.slice/x.service") into buf, truncated to
 * len; 0 or -errno. */
int census_cgroup(int pid, char *buf, size_t len);

/* Whether pid is the init of its pid namespace (last NSpid field is 1):
 * the adopter of last resort there. */
bool census_is_ns_init(int pid);

#endif
