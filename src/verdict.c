/* verdict.c - why a parent does not reap: facts from /proc, a moment's
 * stop for its stack and SIGCHLD handler, one verdict, a line that says
 * it and a line that says the fix.
 */
#include "config.h"
#include "verdict.h"
#include "peek.h"
#include "procfs.h"
#include "stack.h"
#include "util.h"
#include "yama.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long a look waits for the parent to stop: longer means an
 * uninterruptible sleep, which a look does not wait out. */
#define LOOK_TIMEOUT 0.25

static const char *const names[VERDICT_COUNT] = {
	[VERDICT_NEVER_WAITS] = "never-waits",
	[VERDICT_HANDLER_ONE] = "handler-reaps-one",
	[VERDICT_SIGCHLD_BLOCKED] = "sigchld-blocked",
	[VERDICT_PENDING] = "sigchld-pending",
	[VERDICT_WAITS_OTHER] = "waits-for-other",
	[VERDICT_IGNORED_LATE] = "ignores-too-late",
	[VERDICT_INIT] = "pidns-init",
	[VERDICT_STOPPED] = "stopped",
	[VERDICT_TRACED] = "traced",
	[VERDICT_EXITING] = "exiting",
	[VERDICT_UNKNOWN] = "unknown",
};

const char *verdict_name(enum verdict_kind k)
{
	return (unsigned)k < VERDICT_COUNT ? names[k] : "unknown";
}

/* The C runtime: where a process waits, sleeps and forks, never what it
 * is doing.  Matched on the file's base name. */
static bool in_c_runtime(const char *binary)
{
	static const char *const runtime[] = {
		"libc.so", "libc-", "ld-linux", "ld64.so", "libpthread",
		"libdl.so", "librt.so", "ld-musl", "libc.musl",
	};
	const char *base = strrchr(binary, '/');

	base = base ? base + 1 : binary;
	for (size_t i = 0; i < ARRAY_SIZE(runtime); i++)
		if (!strncmp(base, runtime[i], strlen(runtime[i])))
			return true;
	return false;
}

static bool is_startup(const char *function)
{
	return function && (!strcmp(function, "_start") ||
			    !strncmp(function, "__libc_start", 12));
}

/* Where the parent's own code is: the innermost frame outside the C
 * runtime and its startup code, whichever file it is in.  The program's
 * code is not always in its executable: python's interpreter can live in
 * libpython3.X.so, whose executable holds only main and _start, and a
 * plugin's loop is in its .so.  "file.c:57 (function+0xoff)" when its
 * line is known, "function+0xoff", or "file+0xoff" when nothing names
 * it. */
void verdict_where_in_program(const struct zw_stack *st, char *buf,
			      size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < st->n; i++) {
		const struct zw_frame *fr = &st->frames[i];
		const char *base;

		if (!fr->binary || in_c_runtime(fr->binary) ||
		    is_startup(fr->function))
			continue;
		base = strrchr(fr->binary, '/');
		base = base ? base + 1 : fr->binary;
		if (zw_frame_file_name(fr) && fr->function)
			snprintf(buf, len, "%s:%u (%s+%#lx)",
				 zw_frame_file_name(fr), fr->line, fr->function,
				 fr->func_offset);
		else if (fr->function)
			snprintf(buf, len, "%s+%#lx", fr->function,
				 fr->func_offset);
		else
			snprintf(buf, len, "%s+%#lx", base, fr->offset);
		return;
	}
}

struct thread_walk {
	int pid;
	int live;		/* a thread not in Z or X, or 0 */
	char live_state;
	bool all_block;		/* every live thread blocks SIGCHLD */
	bool any_live;
};

static void look_at_thread(int tid, void *arg)
{
	struct thread_walk *w = arg;
	struct proc_status st;
	struct proc_stat ps;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", w->pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (procfs_stat_fd(fd, &ps) < 0 || ps.state == 'Z' || ps.state == 'X' ||
	    procfs_status(w->pid, tid, &st) < 0) {
		close(fd);
		return;
	}
	close(fd);
	if (!w->live || tid == w->pid) {
		w->live = tid;
		w->live_state = ps.state;
	}
	w->any_live = true;
	if (!(st.sig_blk & (1ULL << (SIGCHLD - 1))))
		w->all_block = false;
}

/* The thread to look at (the leader, unless it called pthread_exit()),
 * and whether SIGCHLD is blocked in every thread: a signal for the
 * process goes to any thread that does not block it. */
static void walk_threads(struct verdict *v)
{
	struct thread_walk w = { .pid = v->f.parent, .all_block = true };

	procfs_each_task(v->f.parent, look_at_thread, &w);
	v->tid = w.live ? w.live : v->f.parent;
	/* A leader that called pthread_exit() is Z; its process is not. */
	if (w.live && v->f.state == 'Z')
		v->f.state = w.live_state;
	if (w.any_live)
		v->f.sigchld_blocked = w.all_block;
}

static void note_tracer(struct verdict *v)
{
	struct proc_status st;

	if (procfs_status(v->f.parent, 0, &st) < 0 || !st.tracer)
		return;
	v->tracer = st.tracer;
	if (procfs_comm(st.tracer, v->tracer_comm, sizeof(v->tracer_comm)) < 0)
		snprintf(v->tracer_comm, sizeof(v->tracer_comm), "?");
}

/* Why ptrace was refused, in words a user can act on (yama.c). */
static void eperm(struct verdict *v)
{
	int scope = yama_scope();
	bool cap = yama_have_cap_sys_ptrace();
	const char *why;

	if (scope >= 3)
		why = "Yama ptrace_scope is 3: no process may be traced";
	else if (scope == 2 && !cap)
		why = "Yama ptrace_scope is 2: root only";
	else if (!cap && geteuid())
		why = scope == 1 ? "Yama ptrace_scope is 1 (only ancestors "
		      "may trace), or another user's: run as root" :
		      "another user's: run as root";
	else
		why = "a security module or container policy forbids ptrace";
	snprintf(v->unseen, sizeof(v->unseen), "its stack and handler: "
		 "ptrace not permitted (%s)", why);
}

static void why_not_looked(struct verdict *v, int err)
{
	v->look_err = err;
	switch (err) {
	case -EBUSY:
		snprintf(v->unseen, sizeof(v->unseen), "its stack and handler: "
			 "it is traced by %d (a process has one tracer)",
			 v->tracer);
		break;
	case -EPERM:
		eperm(v);
		break;
	case -ETIMEDOUT:
		snprintf(v->unseen, sizeof(v->unseen), "its stack and handler: "
			 "it did not stop within %.0f ms (uninterruptible sleep)",
			 LOOK_TIMEOUT * 1e3);
		break;
	case -EAGAIN:
	case -ESRCH:
		break;
	default:
		snprintf(v->unseen, sizeof(v->unseen), "its stack and handler: "
			 "%s", strerror(-err));
		break;
	}
}

/* Stops the parent for a moment: where it is, and its handler. */
static void look(struct verdict *v, struct stacker *stacker)
{
	struct diag_sigaction sa = { .known = false };
	struct zw_stack stack;
	struct peek pk;
	int err, status = 0;

	/* Never the init of our own namespace: the system's. */
	if (v->f.parent == 1) {
		snprintf(v->unseen, sizeof(v->unseen), "its stack and handler: "
			 "zwatch does not stop the init of its own pid namespace");
		return;
	}
	err = peek_begin(&pk, v->f.parent, v->tid, LOOK_TIMEOUT);
	if (err < 0) {
		why_not_looked(v, err);
		peek_end(&pk);
		if (pk.gone || err == -ESRCH)
			v->f.state = 0;	/* it exited as we looked */
		return;
	}
	v->looked = true;
	if (stacker && stacker_capture(stacker, v->f.parent, v->tid, &stack) == 0)
		verdict_where_in_program(&stack, v->f.where,
					 sizeof(v->f.where));
	/* After the unwind: it needs the stop's registers. */
	if (!pk.moved) {
		diagnose_sigaction(v->f.parent, v->tid, &sa, &status);
		peek_note_status(&pk, status);
		diagnose_set_sigaction(&v->f, &sa);
	}
	peek_end(&pk);
	if (pk.gone)
		v->f.state = 0;
}

static enum verdict_kind classify(const struct verdict *v)
{
	const struct diag_facts *f = &v->f;

	if (!f->state || f->state == 'Z' || f->state == 'X')
		return VERDICT_EXITING;
	if (f->state == 't' && v->tracer)
		return VERDICT_TRACED;
	if (f->state == 'T' || f->state == 't')
		return VERDICT_STOPPED;
	if (f->is_init)
		return VERDICT_INIT;
	if (v->waits_for > 0)
		return VERDICT_WAITS_OTHER;
	if (f->sigchld == DIAG_SIGCHLD_IGNORED)
		return VERDICT_IGNORED_LATE;
	if (f->sigchld == DIAG_SIGCHLD_CAUGHT) {
		if (f->sigchld_blocked)
			return VERDICT_SIGCHLD_BLOCKED;
		if (f->sigchld_pending)
			return VERDICT_PENDING;
		return VERDICT_HANDLER_ONE;
	}
	return VERDICT_NEVER_WAITS;
}

/* The pid a blocked wait4()/waitid() names, 0 if any child. */
static int waited_pid(const struct diag_facts *f)
{
	if (f->syscall == SYS_wait4 && (long)(int)f->args[0] > 0)
		return (int)f->args[0];
	if (f->syscall == SYS_waitid && f->args[0] == P_PID)
		return (int)f->args[1];
	return 0;
}

/* "blocked in read() at x.c:5 (main+0x1f)", "running", ... */
static void activity(const struct verdict *v, char *buf, size_t len)
{
	const struct diag_facts *f = &v->f;
	const char *sc = diagnose_syscall_name(f->syscall);

	if (f->state == 'R')
		strappendf(buf, len, "running");
	else if (f->syscall == SYS_restart_syscall)
		strappendf(buf, len, "sleeping (a sleep resumed after a signal)");
	else if (sc)
		strappendf(buf, len, "blocked in %s()", sc);
	else if (f->syscall >= 0)
		strappendf(buf, len, "blocked in syscall %ld", f->syscall);
	else if (f->wchan[0])
		strappendf(buf, len, "sleeping in %s", f->wchan);
	else if (f->syscall == -2)
		strappendf(buf, len, "%s (where: not visible)",
		    f->state == 'D' ? "in an uninterruptible sleep" : "sleeping");
	else
		strappendf(buf, len, "sleeping");
	if (f->where[0])
		strappendf(buf, len, " at %s", f->where);
}

static void handler_name(const struct verdict *v, char *buf, size_t len)
{
	if (!v->f.sa.known || !v->f.sa.name[0]) {
		strappendf(buf, len, "a SIGCHLD handler");
		return;
	}
	strappendf(buf, len, "a SIGCHLD handler (%s", v->f.sa.name);
	if (v->f.sa.file[0])
		strappendf(buf, len, " in %s", v->f.sa.file);
	strappendf(buf, len, ")");
}

static void explain(struct verdict *v)
{
	char *b = v->why;
	size_t n = sizeof(v->why);

	b[0] = '\0';
	switch (v->kind) {
	case VERDICT_NEVER_WAITS:
		strappendf(b, n, "never waits: ");
		activity(v, b, n);
		strappendf(b, n, ", no SIGCHLD handler");
		break;
	case VERDICT_HANDLER_ONE:
		strappendf(b, n, "has ");
		handler_name(v, b, n);
		strappendf(b, n, " that did not reap them: it reaps one child per "
		    "signal, and SIGCHLDs coalesce; ");
		activity(v, b, n);
		break;
	case VERDICT_SIGCHLD_BLOCKED:
		strappendf(b, n, "has ");
		handler_name(v, b, n);
		strappendf(b, n, " but blocks SIGCHLD%s; ", v->f.sigchld_pending ?
		    " (one is pending, undelivered)" : "");
		activity(v, b, n);
		break;
	case VERDICT_PENDING:
		strappendf(b, n, "has ");
		handler_name(v, b, n);
		strappendf(b, n, ", and a SIGCHLD is pending, undelivered; ");
		activity(v, b, n);
		break;
	case VERDICT_WAITS_OTHER:
		strappendf(b, n, "waits for pid %d only: ", v->waits_for);
		activity(v, b, n);
		break;
	case VERDICT_IGNORED_LATE:
		strappendf(b, n, "ignores SIGCHLD now (SIG_IGN): the kernel reaps "
		    "children that exit from now on, these exited before; ");
		activity(v, b, n);
		break;
	case VERDICT_INIT:
		strappendf(b, n, "is the init of its pid namespace (pid 1 there) and "
		    "does not reap the orphans it adopted: ");
		activity(v, b, n);
		if (v->f.sigchld == DIAG_SIGCHLD_DEFAULT)
			strappendf(b, n, ", no SIGCHLD handler");
		break;
	case VERDICT_STOPPED:
		strappendf(b, n, "is stopped (state %c) and cannot run to reap them",
		    v->f.state);
		break;
	case VERDICT_TRACED:
		strappendf(b, n, "is held in a ptrace stop by its tracer %d (%s)",
		    v->tracer, v->tracer_comm);
		break;
	case VERDICT_EXITING:
		strappendf(b, n, v->f.state ? "is exiting: its children will be "
		    "adopted by its reaper" : "is gone: its children are "
		    "being adopted by its reaper");
		break;
	default:
		strappendf(b, n, "unknown: ");
		activity(v, b, n);
		break;
	}
	if (v->tracer && v->kind != VERDICT_TRACED)
		strappendf(b, n, "; traced by %d (%s)", v->tracer, v->tracer_comm);
}

static void fix(struct verdict *v)
{
	static const char *const hints[VERDICT_COUNT] = {
		[VERDICT_NEVER_WAITS] = "reap: call waitpid(-1, &st, WNOHANG) "
			"until it returns 0, in the main loop or on SIGCHLD "
			"(a handler, signalfd); now: zwatch ps --reap %d",
		[VERDICT_HANDLER_ONE] = "loop in the handler: while "
			"(waitpid(-1, &st, WNOHANG) > 0); now: zwatch ps "
			"--nudge %d",
		[VERDICT_SIGCHLD_BLOCKED] = "unblock SIGCHLD where it is "
			"blocked (sigprocmask), or read it with signalfd and "
			"reap there; now: zwatch ps --reap %d",
		[VERDICT_PENDING] = "it reaps when its handler runs; if it "
			"stays: zwatch ps --reap %d",
		[VERDICT_WAITS_OTHER] = "wait for any child (waitpid(-1, ...)) "
			"or reap the others on SIGCHLD; now: zwatch ps --reap %d",
		[VERDICT_IGNORED_LATE] = "set SIGCHLD to SIG_IGN before the "
			"children exit, or reap them; now: zwatch ps --reap %d",
		[VERDICT_INIT] = "run a reaping init as pid 1 (docker run "
			"--init, tini, dumb-init) or make the entrypoint reap; "
			"now: zwatch ps --reap %d",
		[VERDICT_STOPPED] = "continue it: kill -CONT %d",
		[VERDICT_TRACED] = "let its tracer continue or detach it",
		[VERDICT_EXITING] = "none needed: once %d is gone its "
			"children go to its reaper",
		[VERDICT_UNKNOWN] = "look closer as root: sudo zwatch ps %d",
	};

	snprintf(v->fix, sizeof(v->fix), hints[v->kind], v->f.parent);
	/* zwatch never stops the system's init: no --reap to offer. */
	if (v->f.parent == 1 && strstr(v->fix, "; now: "))
		*strstr(v->fix, "; now: ") = '\0';
	if (v->kind == VERDICT_TRACED)
		snprintf(v->fix, sizeof(v->fix), "let its tracer %d (%s) "
			 "continue or detach it", v->tracer, v->tracer_comm);
}

bool verdict_nudge_helps(const struct verdict *v)
{
	return v->kind == VERDICT_HANDLER_ONE;
}

int verdict_of(int pid, unsigned flags, struct stacker *stacker,
	       struct verdict *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	v->f.last_wait_id = -1;
	err = diagnose_collect(pid, &v->f);
	if (err >= 0) {
		walk_threads(v);
		note_tracer(v);
		if (v->f.syscall == -2)
			snprintf(v->unseen, sizeof(v->unseen), "where it is: "
				 "/proc/%d/syscall is not readable (%s)", pid,
				 geteuid() ? "another user's: run as root" :
				 "not dumpable, another user namespace's, "
				 "or a security module");
		else if ((flags & VERDICT_LOOK) && !v->tracer &&
			 strchr("SRD", v->f.state))
			look(v, stacker);
		else if (v->tracer)
			why_not_looked(v, -EBUSY);
		v->waits_for = waited_pid(&v->f);
	}
	v->kind = classify(v);
	explain(v);
	fix(v);
	return err < 0 ? -ESRCH : 0;
}
