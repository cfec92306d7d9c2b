/* decode.h - names for the numbers the kernel hands us: signals, si_code,
 * clone flags, wait options, lifecycle syscalls.  Tables are data.
 */
#ifndef ZWATCH_DECODE_H
#define ZWATCH_DECODE_H

#include <stddef.h>

struct flag_name {
	unsigned long long bit;
	const char *name;
};

extern const struct flag_name decode_clone_flags[];
extern const struct flag_name decode_wait_options[];
/* sigaction sa_flags (not SA_RESTORER: libc's own, always set). */
extern const struct flag_name decode_sa_flags[];

/* "SIGCHLD", "SIGRTMIN+3"; NULL for 0 or out of range. */
const char *decode_signal_name(int sig);
/* "SIGCHLD" or "CHLD" -> 17; 0 if unknown. */
int decode_signal_number(const char *name);
/* "CLD_EXITED", "SI_USER", ...; NULL if unknown. */
const char *decode_si_code(int signo, int code);
/* Collects the names of the bits set in v into names[] (at most max), and
 * the bits no entry names into *rest.  Returns the number of names. */
size_t decode_flags(const struct flag_name *table, unsigned long long v,
		    const char **names, size_t max, unsigned long long *rest);
/* "P_ALL", "P_PID", "P_PGID", "P_PIDFD"; NULL if unknown. */
const char *decode_idtype(int idtype);
/* "ECHILD", "EINTR", ... for the errors wait calls return; NULL if other. */
const char *decode_errno(int err);
/* The name of a lifecycle syscall by number, NULL for others. */
const char *decode_syscall_name(long nr);

#endif
