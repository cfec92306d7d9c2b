/* verdict.h - why does this parent not reap its zombies?  One call with
 * a pid, from /proc and, where ptrace is allowed, a moment's stop of the
 * parent (peek.h): no tracer, no event loop.  Used by zwatch ps, and by
 * any front end that meets a zombie whose parent it does not trace.
 */
#ifndef ZWATCH_VERDICT_H
#define ZWATCH_VERDICT_H

#include "diagnose.h"

#include <stdbool.h>
#include <stddef.h>

struct stacker;
struct zw_stack;

/* Worst first: the order zwatch ps sorts parents of equal weight by. */
enum verdict_kind {
	VERDICT_NEVER_WAITS,	/* no handler, never calls wait */
	VERDICT_HANDLER_ONE,	/* a handler that reaps one per signal */
	VERDICT_SIGCHLD_BLOCKED, /* a handler, but SIGCHLD is blocked */
	VERDICT_PENDING,	/* SIGCHLD pending, not delivered yet */
	VERDICT_WAITS_OTHER,	/* blocked waiting for one other pid */
	VERDICT_IGNORED_LATE,	/* SIG_IGN now; they exited before */
	VERDICT_INIT,		/* pid-namespace init holding orphans */
	VERDICT_STOPPED,	/* stopped (SIGSTOP, Ctrl-Z) */
	VERDICT_TRACED,		/* held in a stop by its tracer */
	VERDICT_EXITING,	/* exiting: they will be adopted */
	VERDICT_UNKNOWN,	/* could not see enough */
	VERDICT_COUNT
};

/* "never-waits", "handler-reaps-one", ... (zwatch(1) lists them). */
const char *verdict_name(enum verdict_kind k);

struct verdict {
	enum verdict_kind kind;
	struct diag_facts f;	/* what /proc and the stop told */
	int tid;		/* the thread looked at */
	int tracer;		/* TracerPid, 0: none */
	char tracer_comm[16];
	int waits_for;		/* pid in wait4()/waitid(P_PID), its namespace */
	bool looked;		/* it was stopped for a moment */
	int look_err;		/* -errno why not (0: looked or not asked) */
	char unseen[200];	/* what could not be seen, and why; or "" */
	char why[640];		/* one line, no newline */
	char fix[320];		/* one line: what would make it reap */
};

/* Look closer: seize and interrupt the parent for its stack (stacker, or
 * NULL for none) and SIGCHLD handler.  Without it, /proc only. */
#define VERDICT_LOOK 0x1

/* The verdict on parent pid.  0, or -ESRCH when it is gone (v says so
 * too: VERDICT_EXITING). */
int verdict_of(int pid, unsigned flags, struct stacker *stacker,
	       struct verdict *v);

/* Where the parent's own code is: the innermost frame outside the C
 * runtime and its startup code, in whichever file (python's loop is in
 * libpython).  "file.c:57 (function+0xoff)" when its line is known,
 * "function+0xoff", "file+0xoff" when nothing names it; "" if none. */
void verdict_where_in_program(const struct zw_stack *st, char *buf,
			      size_t len);

/* Whether SIGCHLD would make the handler reap (zwatch ps --nudge). */
bool verdict_nudge_helps(const struct verdict *v);

#endif
