/* event.h - the classified lifecycle event, the one thing that flows from
 * the tracer (or a recorded trace) through the lifecycle model to the sinks.
 */
#ifndef ZWATCH_EVENT_H
#define ZWATCH_EVENT_H

#include <stdbool.h>
#include <stdio.h>

struct zw_stack;

enum zw_event_type {
	ZW_EV_SPAWN,	/* a process was created (threads are not processes) */
	ZW_EV_EXEC,	/* a process image was replaced */
	ZW_EV_EXIT,	/* the last thread of a process ended: it is a zombie now */
	ZW_EV_SIGNAL,	/* a SIGCHLD (or other child signal) was delivered */
	ZW_EV_WAIT,	/* a wait4/waitid call finished */
	ZW_EV_REPARENT,	/* a process was adopted by a new parent */
	ZW_EV_REAP,	/* a zombie was released */
	ZW_EV_ATTACH,	/* tracing of an existing process began */
	ZW_EV_DETACH,	/* tracing of a process ended while it was alive */
	ZW_EV_DIAGNOSIS,	/* why a zombie is still there */
	ZW_EV_NTYPES
};

/* Who released a zombie. */
enum zw_reaper {
	ZW_REAPER_NONE,
	ZW_REAPER_PARENT,	/* the parent it was born to */
	ZW_REAPER_SUBREAPER,	/* an adoptive parent (PR_SET_CHILD_SUBREAPER) */
	ZW_REAPER_INIT,		/* the init of its pid namespace */
	ZW_REAPER_AUTOREAP,	/* the kernel: SIGCHLD ignored or SA_NOCLDWAIT */
};

#define ZW_ARGV_MAX 32
/* Bytes of the traced command a trace header keeps (the rest is marked
 * "command_truncated"). */
#define ZW_COMMAND_MAX (64 * 1024)
/* Version of the recorded trace format (the "header" line). */
#define ZW_TRACE_VERSION 1

struct zw_event {
	enum zw_event_type type;
	double t;		/* seconds since the trace started */
	int pid;		/* tgid concerned */
	int tid;		/* thread concerned, 0 when not known */
	union {
		struct {
			int ppid;		/* real parent (CLONE_PARENT honoured) */
			int creator;		/* tgid that called fork/clone */
			const char *syscall;	/* "fork", "vfork", "clone", "clone3" */
			unsigned long long flags; /* clone flags */
			const char *comm;
			const struct zw_stack *stack; /* the creator's, with -k */
		} spawn;
		struct {
			const char *path;
			const char *comm;
			int old_tid;		/* tid that called execve, if not the leader */
			int argc;
			const char *const *argv;
			/* argv is not all of it: entries missing or the last
			 * one cut (between UTF-8 characters) */
			bool argv_truncated;
			int argc_total;		/* the real argc, -1: unknown */
		} exec;
		struct {
			int code;		/* -1 when killed by a signal */
			int signal;		/* 0 when it exited normally */
			bool core_dumped;
		} exit;
		struct {
			int signo;
			int code;		/* si_code */
			int sender;		/* si_pid */
			int status;		/* si_status */
		} signal;
		struct {
			const char *syscall;	/* "wait4" or "waitid" */
			int idtype;		/* waitid: P_ALL/P_PID/P_PGID/P_PIDFD; wait4: -1 */
			long id;		/* wait4 pid argument, or waitid id */
			unsigned options;
			long result;		/* pid (wait4) or si_pid (waitid), 0, or -errno */
			int status;		/* wait status collected, when result > 0 */
		} wait;
		struct {
			int from, to;
		} reparent;
		struct {
			int by;			/* tgid of the reaper, 0 for the kernel */
			int by_tid;		/* thread that reaped, 0 when not seen */
			enum zw_reaper reaper;
			const char *syscall;	/* "wait4"/"waitid", NULL when not seen */
			/* How it was learnt: "syscall" (the wait's exit stop),
			 * "registers" (a later stop shows the finished wait),
			 * "release" (pidfd or polling, the reaper deduced),
			 * "tracer" (zwatch's own waitpid); NULL: not said. */
			const char *via;
			/* The reaper's comm when the model has no record of
			 * it (pid 1, zwatch itself, a subreaper outside the
			 * trace): /proc/PID/comm at the release; NULL else. */
			const char *by_comm;
		} reap;
		struct {
			int parent;
			const char *text;	/* the plain-language line */
			char parent_state;	/* /proc state letter, 0: gone */
			const char *parent_syscall; /* where it blocks, or NULL */
			unsigned waits_seen;	/* its waits since the zombie exited */
			const char *sigchld;	/* "default", "handler", "ignored" */
			bool sigchld_blocked;
			const struct zw_stack *stack; /* the parent's, if taken */
			/* From the parent's rt_sigaction(SIGCHLD), when known. */
			bool sigchld_known;
			const char *sigchld_handler; /* "function+0xoff", NULL: none */
			unsigned long sigchld_flags;	/* SA_* */
			unsigned long sigchld_mask;	/* blocked in the handler */
		} diagnosis;
		struct {
			int ppid;
			const char *comm;
			char state;		/* /proc state letter: R, S, Z, ... */
			int exit_code;		/* wait status of a zombie, else 0 */
		} attach;
	};
};

const char *event_type_name(enum zw_event_type type);
const char *event_reaper_name(enum zw_reaper reaper);
/* The reaper's name for a person to read: "unknown" where the JSON says
 * null (a release no wait or rule explains). */
const char *event_reaper_text(enum zw_reaper reaper);
/* "reaped: 5 by parent, 1 by subreaper, 0 by init, 0 autoreaped, 1
 * unknown" from counts indexed by enum zw_reaper: they add up to the
 * processes released. */
void event_put_reaper_counts(FILE *fp, const size_t by_reaper[5]);

#endif
