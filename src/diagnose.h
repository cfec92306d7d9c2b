/* diagnose.h - why is this zombie still here?  Facts about its parent,
 * from /proc and from what the tracer saw, turned into one plain line.
 */
#ifndef ZWATCH_DIAGNOSE_H
#define ZWATCH_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

enum diag_sigchld {
	DIAG_SIGCHLD_DEFAULT,	/* SIG_DFL: no handler */
	DIAG_SIGCHLD_CAUGHT,	/* a handler */
	DIAG_SIGCHLD_IGNORED,	/* SIG_IGN */
};

/* A SIGCHLD disposition as the process's own rt_sigaction() says: /proc
 * tells whether there is a handler, not which, nor SA_NOCLDWAIT. */
struct diag_sigaction {
	bool known;
	unsigned long handler;	/* SIG_DFL (0), SIG_IGN (1) or an address */
	unsigned long flags;	/* SA_*, SA_RESTORER left out */
	unsigned long mask;	/* blocked while the handler runs */
	char name[128];		/* the handler: "function+0xoff", or "0xADDR" */
	char file[64];		/* where it is, if not in its program: "libc.so.6" */
};

struct diag_facts {
	/* From /proc/PARENT: filled by diagnose_collect(). */
	int parent;
	char comm[16];
	char state;		/* R S D T t Z X, or 0 if it is gone */
	long syscall;		/* from /proc/PID/syscall; -1 running, -2 unknown */
	unsigned long args[6];	/* its arguments */
	char wchan[32];
	enum diag_sigchld sigchld;
	bool sigchld_blocked;
	bool sigchld_pending;
	bool traced;		/* we trace it (so the wait facts below hold) */
	bool is_init;		/* pid 1 of its pid namespace */
	/* From the tracer. */
	unsigned waits_seen;	/* wait4/waitid calls since the child exited */
	long last_wait_id;	/* pid argument of the last one; -1 any */
	unsigned last_wait_options;
	char where[160];	/* "function+0xoff" in its program, from its stack,
				 * or "file.c:57 (function+0xoff)" */
	struct diag_sigaction sa;
};

/* Reads what /proc says about pid; 0 or -errno. */
int diagnose_collect(int pid, struct diag_facts *f);

/* Reads the SIGCHLD disposition of process pid into sa by running
 * rt_sigaction(SIGCHLD, NULL, &old) in its thread tid, which is in a
 * ptrace stop, and names the handler.  0 or -errno (-EOPNOTSUPP: it
 * cannot be asked safely).  *status is as for pt_inject_call(): nonzero
 * when the thread has left that stop (it may have been taken on to its
 * next system call to be asked) and must be handled from there. */
int diagnose_sigaction(int pid, int tid, struct diag_sigaction *sa,
		       int *status);
/* Puts sa in f, whose disposition from /proc it supersedes. */
void diagnose_set_sigaction(struct diag_facts *f,
			    const struct diag_sigaction *sa);

/* The name of a syscall a process typically blocks in, or NULL. */
const char *diagnose_syscall_name(long nr);

/* One line: why zombie (comm) is still a zombie after seconds. */
void diagnose_explain(const struct diag_facts *f, int zombie,
		      const char *comm, double seconds, char *buf, size_t len);

#endif
