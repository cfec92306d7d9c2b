/* tracer.c - the ptrace event loop.
 *
 * zwatch stops a traced program only where a lifecycle fact requires it:
 * fork/vfork/clone/exec events, exit notifications, and signal-delivery
 * stops (SIGCHLD above all).  Syscall stops are switched on for a process
 * only while it has a zombie child, because only then do its wait4/waitid
 * calls say who reaps what.  Releases nobody was seen doing are caught by
 * a pidfd per zombie (EPOLLHUP when the kernel frees it).
 *
 * The loop: drain waitpid(), classifying each status into a stop kind;
 * handlers turn it into events for the model and return how to restart
 * the tracee, which happens in one place (resume()).
 */
#include "config.h"
#include "tracer.h"
#include "attach.h"
#include "decode.h"
#include "diagnose.h"
#include "event.h"
#include "execinfo.h"
#include "launch.h"
#include "lifecycle.h"
#include "options.h"
#include "procfs.h"
#include "ptrace_util.h"
#include "stack.h"
#include "tasks.h"
#include "util.h"
#include "yama.h"

#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __WALL
#define __WALL 0x40000000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* How long a release may wait for the stop that tells who did it. */
#define ATTRIBUTION_DELAY 0.05
/* How long a new child's first stop may wait for its creator's event. */
#define EARLY_DELAY 0.2
/* Polling period for releases when pidfds are unavailable. */
#define POLL_PERIOD 0.02
#define SIGFD_TAG UINT64_MAX
/* /proc/PID/stat descriptors kept open for parents (see stat_of). */
#define MAX_STAT_FDS 256

#define PTRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
			PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
			PTRACE_O_TRACEEXEC)

enum resume_how {
	RESUME_RUN,		/* PTRACE_CONT or PTRACE_SYSCALL, as needed */
	RESUME_LISTEN,		/* group-stop: stay stopped, keep reporting */
	RESUME_HOLD,		/* leave it stopped for now */
};

struct resume {
	enum resume_how how;
	int sig;
};

struct early_child {
	int status;
	double seen;
};

struct tracer {
	struct model *model;
	struct tasks tasks;
	double t0;
	int self;
	bool is_init;		/* we are pid 1 of our pid namespace */
	bool have_pidfd;
	double next_poll;	/* when to look at the polled zombies */
	struct intmap ns_inits;	/* pids that are init of a nested pid namespace,
				 * remembered after their records are gone */
	int epfd, sigfd;
	int root;
	int root_status;
	bool root_done;
	struct sigaction old_actions[3];	/* of stop_signals[], restored */
	bool caught;			/* old_actions are set */
	double diagnose_after;	/* --diagnose, 0: off */
	struct stacker *stacker;	/* -k, and parents' stacks for --diagnose */
	bool spawn_stacks;		/* -k */
	struct list_link diags;		/* diagnoses waiting for a stack */
	double next_diag_scan;
	char self_comm[16];
	struct exec_info exec_info;	/* on_exec's, too big for its stack */
};

/* SIGINT, SIGTERM and SIGHUP make zwatch detach.  Their handler notes
 * which came and interrupts the tracee resumed last (wake_tid): that stop
 * wakes a blocking waitpid() or, through SIGCHLD, epoll_wait(), however
 * late in the loop the signal lands; a flag alone could be missed just
 * before either call. */
static const int stop_signals[3] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t wake_tid;

static void on_stop_signal(int sig)
{
	int saved = errno;

	if (!stop_signal)
		stop_signal = sig;
	if (wake_tid > 0)
		ptrace(PTRACE_INTERRUPT, (pid_t)wake_tid, 0, 0);
	errno = saved;
}

static double now(const struct tracer *tr)
{
	return clock_now() - tr->t0;
}

static void emit(struct tracer *tr, struct zw_event *ev)
{
	model_feed(tr->model, ev);
}

/* ---- who reaped it ------------------------------------------------------ */

#define PF_EXITING 0x4

static bool is_ns_init(struct tracer *tr, int pid);

/* /proc/PID/stat, through a descriptor kept open for a tracked process:
 * a parent's SigIgn is read at each child's exit, and opening the file
 * (the path lookup) costs more than reading it.  Bounded. */
static int stat_of(struct tracer *tr, int pid, struct proc_stat *ps)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);

	if (p && p->stat_fd < 0 && tr->tasks.stat_fds < MAX_STAT_FDS) {
		p->stat_fd = procfs_open_stat(pid);
		if (p->stat_fd < 0)
			return p->stat_fd;
		tr->tasks.stat_fds++;
	}
	if (p && p->stat_fd >= 0)
		return procfs_stat_fd(p->stat_fd, ps);
	return procfs_stat(pid, ps);
}

/* Does pid ignore SIGCHLD?  Not trusted from a pid namespace init that is
 * exiting: the kernel sets SIG_IGN then (zap_pid_ns_processes), after it
 * may have reaped children itself.  *dying (if asked): pid is exiting and
 * not such an init, so it does not wait any more. */
static bool sigchld_ignored(struct tracer *tr, int pid, bool *dying)
{
	struct proc_stat ps;
	bool exiting;

	if (dying)
		*dying = false;
	/* /proc/PID/stat is much cheaper to produce than status. */
	if (stat_of(tr, pid, &ps) < 0)
		return false;
	exiting = ps.flags & PF_EXITING;
	if (dying)
		*dying = exiting && !is_ns_init(tr, pid);
	if (!(ps.sig_ignore & (1ULL << (SIGCHLD - 1))))
		return false;
	return !exiting || !is_ns_init(tr, pid);
}

/* p's pid in a nested pid namespace, 0 if it lives in ours.  Learnt on
 * first need, not at each fork (a /proc read per fork cost 15% of a fork
 * storm): a process never changes its own pid namespace.  Needs p alive
 * or a zombie. */
static int ns_pid_of(struct tracer *tr, struct proc *p)
{
	static char present;

	if (!p->ns_known) {
		p->ns_known = true;
		p->ns_pid = procfs_nested_pid(p->pid);
		if (p->ns_pid == 1)
			intmap_put(&tr->ns_inits, p->pid, &present);
	}
	return p->ns_pid;
}

/* A nested parent's wait names p by its pid in there, when p may be gone
 * from /proc already: learn it while p is alive. */
static void learn_child_ns_pid(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);

	if (parent && ns_pid_of(tr, parent))
		ns_pid_of(tr, p);
}

/* The init of a pid namespace (ours: pid 1; a nested one: pid 1 inside).
 * Known for the processes we track even after they are gone. */
static bool is_ns_init(struct tracer *tr, int pid)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);
	struct proc_status st;

	if (pid == 1 || (tr->is_init && pid == tr->self) ||
	    intmap_get(&tr->ns_inits, pid))
		return true;
	if (p)
		return ns_pid_of(tr, p) == 1;
	return procfs_status(pid, 0, &st) == 0 && st.nspid_inner == 1;
}

static enum zw_reaper classify_reaper(struct tracer *tr,
				      const struct proc *p, int by)
{
	if (by == p->ppid_at_birth)
		return ZW_REAPER_PARENT;
	if (is_ns_init(tr, by))
		return ZW_REAPER_INIT;
	return ZW_REAPER_SUBREAPER;
}

/* p is about to be forgotten: its children keep when it died, so that a
 * release of theirs seen later is not blamed on it. */
static void note_orphans(struct proc *p)
{
	struct list_link *pos;

	for (pos = p->children.next; pos != &p->children; pos = pos->next)
		container_of(pos, struct proc, sibling)->orphaned_at = p->exit_t;
}

/* The zombie p is gone: say who released it, and forget it. */
static void finish_reap(struct tracer *tr, struct proc *p, double t, int by,
			int by_tid, enum zw_reaper reaper, const char *syscall)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	struct zw_event ev = { .type = ZW_EV_REAP, .t = t, .pid = p->pid };

	ev.reap.by = by;
	ev.reap.by_tid = by_tid;
	ev.reap.reaper = reaper;
	ev.reap.syscall = syscall;
	emit(tr, &ev);
	if (parent && parent->zombies > 0)
		parent->zombies--;
	note_orphans(p);
	tasks_del_proc(&tr->tasks, p);
}

/* Released, and no wait of a traced parent explains it: decide from the
 * evidence there is.  SIGCHLD ignored (SigIgn) means the kernel released
 * it.  A release the very moment we collected the exit is either the
 * kernel's (SA_NOCLDWAIT, invisible in /proc) or a parent thread that was
 * already blocked in a wait; on_signal_stop settles that for a
 * single-threaded parent, and here it counts as the parent's.  If the
 * parent it had is dead, it was adopted and released before we could see
 * by whom: say so rather than guess. */
static void attribute_unseen(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	double t = p->release == REL_PENDING ? p->released_at : now(tr);

	/* A dead parent's SigIgn says nothing (an exiting process's
	 * dispositions are torn down); it was read at the release instead. */
	if (p->parent_ign == 1 ||
	    ((!parent || !parent->exited) && sigchld_ignored(tr, p->parent, NULL))) {
		finish_reap(tr, p, t, 0, 0, ZW_REAPER_AUTOREAP, NULL);
		return;
	}
	/* Released after its parent died, with no adopter seen: unknown.
	 * A release as its exit was collected was its parent's (blocked in
	 * a wait), even if the parent died right after (whose exit we may
	 * have handled first: collect_exited_parent). */
	if (parent && parent->exited && parent->exit_t < t && !p->maybe_autoreap) {
		finish_reap(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL);
		return;
	}
	/* Adopted and being released as its parent's death was handled; or
	 * the same as above for a parent already forgotten. */
	if (p->adopted_unseen) {
		finish_reap(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL);
		return;
	}
	if (!parent && p->orphaned_at > 0 && p->orphaned_at < t &&
	    !p->maybe_autoreap) {
		finish_reap(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL);
		return;
	}
	/* From now on, stop this parent as soon as it has a zombie. */
	if (parent)
		parent->quiet_reaper = true;
	finish_reap(tr, p, t, p->parent, 0, classify_reaper(tr, p, p->parent),
		    NULL);
}

/* p was released at time t.  If its parent is traced and alive, the stop
 * that shows the wait is at most moments away: wait for it briefly. */
static void on_released(struct tracer *tr, struct proc *p, double t,
			bool at_exit)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	bool dying = false;

	if (p->release != REL_NONE)
		return;
	if (p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
		tr->tasks.pidfds--;
	}
	if (list_linked(&p->polled)) {
		list_del(&p->polled);
		tr->tasks.npolled--;
	}
	p->released_at = t;
	p->maybe_autoreap = at_exit;
	/* Read now: the parent may be gone when the deadline comes. */
	if (at_exit && (p->parent_ign == 1 ||
			sigchld_ignored(tr, p->parent, &dying))) {
		finish_reap(tr, p, t, 0, 0, ZW_REAPER_AUTOREAP, NULL);
		return;
	}
	/* Released as we collected it, while its single-threaded parent was
	 * dying (SIGKILLed in vfork, say): the adopter took it. */
	if (at_exit && dying && parent && !parent->threaded)
		p->adopted_unseen = true;
	/* An untraced parent: no stop will tell.  A dead one's orphan was
	 * released by its adopter, whose wait may yet be seen. */
	if (!parent ? !p->orphaned_at : parent->nthreads == 0 && !parent->exited) {
		attribute_unseen(tr, p);
		return;
	}
	p->release = REL_PENDING;
	p->release_deadline = now(tr) + ATTRIBUTION_DELAY;
	/* At the tail: the list stays in deadline order. */
	list_add_tail(&tr->tasks.unattributed, &p->pending);
}

static int pidfd_open(int pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* No pidfd for the zombie p (old kernel, or out of descriptors: here the
 * hard limit can be 20,000 and only CAP_SYS_RESOURCE raises it): it is
 * looked at with kill(pid, 0) now and then. */
static void poll_for_release(struct tracer *tr, struct proc *p)
{
	if (!list_linked(&p->polled)) {
		list_add_tail(&tr->tasks.polled, &p->polled);
		tr->tasks.npolled++;
	}
}

/* Watch the zombie p until someone releases it.  Returns true if it is
 * still a zombie; false if it is released already (and p may be gone). */
static bool watch_release(struct tracer *tr, struct proc *p, bool at_exit)
{
	struct pollfd pfd;
	struct epoll_event ee = { .events = 0, .data.u64 = (uint64_t)p->pid };
	int fd;

	if (!tr->have_pidfd) {
		poll_for_release(tr, p);
		return true;
	}
	fd = pidfd_open(p->pid);
	if (fd < 0) {
		if (errno == ESRCH) {
			on_released(tr, p, now(tr), at_exit);
			return false;
		}
		/* EMFILE and friends: fall back to polling for this one. */
		poll_for_release(tr, p);
		return true;
	}
	pfd.fd = fd;
	pfd.events = 0;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP)) {
		close(fd);
		on_released(tr, p, now(tr), at_exit);
		return false;
	}
	/* Only EPOLLHUP (always reported) matters: release, not exit. */
	if (epoll_ctl(tr->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		close(fd);
		poll_for_release(tr, p);
		return true;
	}
	p->pidfd = fd;
	tr->tasks.pidfds++;
	return true;
}

/* ---- waits ------------------------------------------------------------- */

static bool is_wait_syscall(long nr)
{
	return nr == SYS_wait4 || nr == SYS_waitid;
}

/* Decodes a finished wait4/waitid of task.  Returns the pid it reaped
 * (0 if none) and fills ev with the wait event. */
static int decode_wait(struct task *task, long nr, const unsigned long *a,
		       long ret, struct zw_event *ev)
{
	int status = 0;
	bool reaped = false;
	int child = 0;

	ev->type = ZW_EV_WAIT;
	ev->pid = task->proc->pid;
	ev->tid = task->tid;
	if (nr == SYS_wait4) {
		ev->wait.syscall = "wait4";
		ev->wait.idtype = -1;
		ev->wait.id = (long)(int)a[0];
		ev->wait.options = (unsigned)a[2];
		ev->wait.result = ret;
		if (ret > 0) {
			child = (int)ret;
			reaped = true;
			/* It can also report a stopped or continued child. */
			if ((ev->wait.options & (WUNTRACED | WCONTINUED)) && a[1] &&
			    pt_read(task->tid, a[1], &status, sizeof(status)) == 0)
				reaped = WIFEXITED(status) || WIFSIGNALED(status);
		}
	} else {
		siginfo_t si;

		ev->wait.syscall = "waitid";
		ev->wait.idtype = (int)a[0];
		ev->wait.id = (long)(int)a[1];
		ev->wait.options = (unsigned)a[3];
		ev->wait.result = ret;
		if (ret == 0 && a[2] &&
		    !pt_read(task->tid, a[2], &si, sizeof(si)) && si.si_pid) {
			child = si.si_pid;
			ev->wait.result = si.si_pid;
			reaped = (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
				  si.si_code == CLD_DUMPED) &&
				 !(ev->wait.options & WNOWAIT);
			status = si.si_status;
		}
	}
	ev->wait.status = status;
	return reaped ? child : 0;
}

/* A parent inside a child pid namespace sees its children's pids in that
 * namespace; translate one to the pid zwatch sees (NSpid in /proc). */
static int own_view_pid(struct tracer *tr, struct proc *parent, int pid)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);
	struct list_link *pos;

	if (p && p->parent == parent->pid)
		return pid;
	if (!ns_pid_of(tr, parent))
		return pid;	/* the parent sees pids as we do */
	for (pos = parent->children.next; pos != &parent->children; pos = pos->next) {
		struct proc *c = container_of(pos, struct proc, sibling);

		/* Reaped children are gone from /proc: on_proc_exit learnt
		 * theirs while they were zombies. */
		if (ns_pid_of(tr, c) == pid)
			return c->pid;
	}
	return pid;
}

/* A wait of task finished (seen at its syscall-exit stop, or at a later
 * signal-delivery stop: fresh says which).  At a signal-delivery stop the
 * registers may show an old call, so only a reap of a zombie nobody
 * claimed yet counts there. */
static void on_wait_done(struct tracer *tr, struct task *task, long nr,
			 const unsigned long *args, long ret, bool fresh)
{
	struct zw_event ev = { 0 };
	int child = decode_wait(task, nr, args, ret, &ev);
	struct proc *p = NULL;
	double t = now(tr);

	if (child) {
		child = own_view_pid(tr, task->proc, child);
		p = tasks_proc(&tr->tasks, child);
		if (ev.wait.result > 0)
			ev.wait.result = child;
	}
	if (p && !p->exited)
		p = NULL;
	/* -ERESTARTSYS and kin: the kernel restarts the call unseen. */
	if ((!fresh && !p) || (ret <= -512 && ret >= -516))
		return;
	task->proc->waits_seen++;
	task->proc->last_wait_id = ev.wait.idtype == P_PID || ev.wait.idtype < 0 ?
				   ev.wait.id : -1;
	task->proc->last_wait_options = ev.wait.options;
	ev.t = t;
	emit(tr, &ev);
	if (p && p->parent != task->proc->pid) {
		/* Only a parent can reap: it was adopted unseen (its old
		 * parent died and the new one reaped it before we looked). */
		struct zw_event rp = { .type = ZW_EV_REPARENT, .t = t,
				       .pid = p->pid };

		rp.reparent.from = p->parent;
		rp.reparent.to = task->proc->pid;
		emit(tr, &rp);
		tasks_set_parent(&tr->tasks, p, task->proc->pid);
		task->proc->adopter = true;
	}
	if (p)
		finish_reap(tr, p, p->release == REL_PENDING ? p->released_at : t,
			    task->proc->pid, task->tid,
			    classify_reaper(tr, p, task->proc->pid), ev.wait.syscall);
}

/* At a signal-delivery stop: did the thread just finish a wait? */
/* At a signal-delivery stop: did the thread just finish a wait?  Returns
 * the system call it was in (-1: none, or user code). */
static long check_finished_wait(struct tracer *tr, struct task *task)
{
	arch_regs regs;
	unsigned long args[6];
	long nr;

	if (pt_getregs(task->tid, &regs) < 0)
		return -1;
	nr = arch_syscall_nr(&regs);
	if (!is_wait_syscall(nr))
		return nr;
	for (int i = 0; i < 6; i++)
		args[i] = arch_syscall_arg(&regs, i);
	on_wait_done(tr, task, nr, args, arch_syscall_ret(&regs), false);
	return nr;
}

static bool wants_wait_watch(const struct proc *p)
{
	return p->zombies > 0;
}

/* p has a new zombie child.  Its threads switch to syscall stops at their
 * next stop; a single-threaded parent gets one soon anyway (SIGCHLD).
 * But the thread that reaps may not be the one SIGCHLD stops, and a
 * parent that blocks SIGCHLD (signalfd, sigwait) does not stop at all:
 * for those, interrupt the threads now.  A wait they were blocked in is
 * restarted by the kernel, and so seen from its start. */
static void arm_wait_watch(struct proc *p, bool force)
{
	struct list_link *pos, *n;

	if (!p->sigblk_checked) {
		/* A parent that blocks SIGCHLD (sigwait, signalfd: tini,
		 * event loops) never stops for it; look once. */
		struct proc_status st;

		p->sigblk_checked = true;
		if (procfs_status(p->pid, 0, &st) == 0 &&
		    (st.sig_blk & (1ULL << (SIGCHLD - 1))))
			p->quiet_reaper = true;
	}
	if (p->nthreads < 2 && !p->quiet_reaper && !force)
		return;
	list_for_each_safe(pos, n, &p->threads) {
		struct task *t = container_of(pos, struct task, in_proc);

		if (t->stopped || t->syscall_mode || t->interrupting ||
		    t->group_stopped || t->startup)
			continue;
		if (pt_interrupt(t->tid) == 0)
			t->interrupting = true;
	}
}

/* ---- births, execs, deaths --------------------------------------------- */

static unsigned long long clone_flags_of(struct task *task, long nr,
					 const arch_regs *regs, int event)
{
	unsigned long long flags = 0;

	if (nr == SYS_clone)
		return arch_syscall_arg(regs, 0);
	if (nr == SYS_clone3) {
		if (pt_read(task->tid, arch_syscall_arg(regs, 0), &flags,
			    sizeof(flags)) == 0)
			return flags;
	}
	if (nr == SYS_vfork || event == PTRACE_EVENT_VFORK)
		return CLONE_VM | CLONE_VFORK | SIGCHLD;
	return SIGCHLD;
}

static const char *spawn_syscall_name(long nr, int event)
{
	const char *name = decode_syscall_name(nr);

	if (name && (nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork ||
		     nr == SYS_vfork))
		return name;
	return event == PTRACE_EVENT_VFORK ? "vfork" :
	       event == PTRACE_EVENT_FORK ? "fork" : "clone";
}

static void resume(struct tracer *tr, struct task *task, struct resume r);

/* The creator's fork/vfork/clone event: the new task joins the table. */
static void on_new_child(struct tracer *tr, struct task *task, int event)
{
	struct proc *cp = task->proc;
	struct early_child *early;
	struct task *nt;
	unsigned long msg = 0;
	unsigned long long flags;
	arch_regs regs;
	long nr = -1;
	int child;

	if (pt_geteventmsg(task->tid, &msg) < 0 || !msg)
		return;
	child = (int)msg;
	if (pt_getregs(task->tid, &regs) == 0)
		nr = arch_syscall_nr(&regs);
	flags = clone_flags_of(task, nr, &regs, event);
	if (flags & CLONE_THREAD) {
		nt = tasks_add_thread(&tr->tasks, cp, child);
	} else {
		int ppid = (flags & CLONE_PARENT) ? cp->parent : cp->pid;
		struct proc *np = tasks_add_proc(&tr->tasks, child, ppid);
		struct zw_event ev = { .type = ZW_EV_SPAWN, .t = now(tr),
				       .pid = child, .tid = task->tid };

		nt = tasks_add_thread(&tr->tasks, np, child);
		learn_child_ns_pid(tr, np);
		struct zw_stack stack;

		ev.spawn.ppid = ppid;
		ev.spawn.creator = cp->pid;
		ev.spawn.syscall = spawn_syscall_name(nr, event);
		ev.spawn.flags = flags & ~0xffULL;
		/* The creator is stopped at its fork event: unwind it now. */
		if (tr->spawn_stacks &&
		    stacker_capture(tr->stacker, cp->pid, task->tid, &stack) == 0)
			ev.spawn.stack = &stack;
		emit(tr, &ev);
	}
	early = intmap_del(&tr->tasks.early, child);
	if (early) {
		free(early);
		nt->stopped = true;
		resume(tr, nt, (struct resume){ RESUME_RUN, 0 });
	} else {
		nt->startup = true;
	}
}

static void on_exec(struct tracer *tr, struct task *task)
{
	struct proc *p = task->proc;
	struct list_link *pos, *n;
	struct zw_event ev = { .type = ZW_EV_EXEC, .t = now(tr), .pid = p->pid,
			       .tid = task->tid };
	unsigned long old_tid = task->tid;
	struct exec_info *xi = &tr->exec_info;
	char path[4096];
	arch_regs regs;

	/* Only a non-leader thread's exec comes from another tid. */
	if (p->threaded)
		pt_geteventmsg(task->tid, &old_tid);
	stacker_forget(tr->stacker, p->pid);
	/* execve kills every other thread, and a non-leader that execs takes
	 * over the leader's tid: only this task is left. */
	list_for_each_safe(pos, n, &p->threads) {
		struct task *other = container_of(pos, struct task, in_proc);

		if (other != task)
			tasks_del_thread(&tr->tasks, other);
	}
	task->in_syscall = false;
	if (procfs_exe(p->pid, path, sizeof(path)) < 0)
		path[0] = '\0';
	/* A 32-bit program's stack has 4-byte words: /proc tells then. */
	if (pt_getregs(task->tid, &regs) < 0 || !arch_is_native(&regs) ||
	    execinfo_read(p->pid, arch_sp(&regs), xi) < 0) {
		if (procfs_comm(p->pid, xi->comm, sizeof(xi->comm)) < 0)
			xi->comm[0] = '\0';
		xi->argc = procfs_cmdline(p->pid, xi->args, sizeof(xi->args),
					  xi->argv, ZW_ARGV_MAX);
	}
	ev.exec.path = path;
	ev.exec.comm = xi->comm;
	ev.exec.old_tid = (int)old_tid != task->tid ? (int)old_tid : 0;
	ev.exec.argc = xi->argc;
	ev.exec.argv = xi->argv;
	emit(tr, &ev);
}

/* Where the orphans of the dead p went when /proc no longer shows it (an
 * adopter reaped them at once): the nearest living ancestor seen adopting
 * before, or the init of the namespace.  0 if unknown. */
static int likely_adopter(struct tracer *tr, const struct proc *p)
{
	const struct proc *a = tasks_proc(&tr->tasks, p->parent);

	for (int hops = 0; a && hops < 64; hops++) {
		if (a->nthreads > 0 && (a->adopter || is_ns_init(tr, a->pid)))
			return a->pid;
		a = tasks_proc(&tr->tasks, a->parent);
	}
	return 0;
}

/* c was handed from its dead parent to adopter: say so, and watch the
 * adopter's waits if c is a zombie it has to reap. */
static void adopt(struct tracer *tr, struct proc *c, int from, int adopter)
{
	struct zw_event ev = { .type = ZW_EV_REPARENT, .t = now(tr),
			       .pid = c->pid };
	struct proc *np = tasks_proc(&tr->tasks, adopter);

	tasks_set_parent(&tr->tasks, c, adopter);
	c->adopted_unseen = false;	/* the adopter is known now */
	ev.reparent.from = from;
	ev.reparent.to = adopter;
	emit(tr, &ev);
	if (!np)
		return;
	np->adopter = true;
	if (c->exited && c->release == REL_NONE && np->nthreads > 0) {
		np->zombies++;
		arm_wait_watch(np, true);
	}
}

/* p's last thread is gone: its children were handed to another parent
 * (a subreaper or init) before we heard of it; say where each went. */
static void reparent_children(struct tracer *tr, struct proc *p)
{
	struct list_link *pos, *n;
	int known = 0;

	list_for_each_safe(pos, n, &p->children) {
		struct proc *c = container_of(pos, struct proc, sibling);
		struct proc_stat st;

		/* Gone, or ppid 0 (being released), while its own exit is
		 * being handled (collect_exited_parent): the adopter took it
		 * the moment we collected it; p, dead, did not, unless p is
		 * a pid namespace init (which reaps all as it dies). */
		if (procfs_stat(c->pid, &st) < 0 || !st.ppid) {
			if (!c->exited && !c->nthreads && !is_ns_init(tr, p->pid))
				c->adopted_unseen = true;
			continue;
		}
		if (st.ppid == p->pid)
			continue;
		known = st.ppid;
		adopt(tr, c, p->pid, st.ppid);
	}
	/* Zombies the adopter took before we could look: same adopter. */
	list_for_each_safe(pos, n, &p->children) {
		struct proc *c = container_of(pos, struct proc, sibling);
		int to = known ? known : likely_adopter(tr, p);

		if (c->exited && to)
			adopt(tr, c, p->pid, to);
	}
}

static void handle_status(struct tracer *tr, int tid, int status);
static struct resume finish_diagnoses(struct tracer *tr, struct task *task,
				      struct resume run);

/* waitpid() reports exits in no particular order: p's parent may have
 * died first, handing p to an adopter, with its own exit still queued.
 * Handle that exit first (a peek with WNOWAIT: only an exit may be taken
 * out of order), so that p's adoption is seen before p's own death. */
static void collect_exited_parent(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	siginfo_t si = { 0 };
	int status;

	if (!parent || parent->exited || parent->nthreads != 1 ||
	    waitid(P_PID, parent->pid, &si,
		   WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 ||
	    si.si_pid != parent->pid ||
	    (si.si_code != CLD_EXITED && si.si_code != CLD_KILLED &&
	     si.si_code != CLD_DUMPED))
		return;
	/* Its SigIgn, while it is still a zombie we have not collected:
	 * whether p's release is the kernel's depends on it. */
	p->parent_ign = sigchld_ignored(tr, parent->pid, NULL);
	if (waitpid(parent->pid, &status, __WALL | WNOHANG) == parent->pid)
		handle_status(tr, parent->pid, status);
}

/* The zombie p may have been handed to an adopter already: its parent
 * can be dying with its exit not yet queued for us (the kernel reparents
 * first).  /proc says; the adopter, not the dead parent, then has to be
 * watched for the wait. */
static void check_adoption(struct tracer *tr, struct proc *p,
			   struct proc *parent)
{
	struct zw_event ev = { .type = ZW_EV_REPARENT, .pid = p->pid };
	struct proc_stat st;
	struct proc *np;

	if (procfs_stat(p->pid, &st) < 0 || st.ppid == p->parent || !st.ppid)
		return;
	ev.t = now(tr);
	ev.reparent.from = p->parent;
	ev.reparent.to = st.ppid;
	emit(tr, &ev);
	if (parent->zombies > 0)
		parent->zombies--;
	tasks_set_parent(&tr->tasks, p, st.ppid);
	np = tasks_proc(&tr->tasks, st.ppid);
	if (np)
		np->adopter = true;
	if (np && np->nthreads > 0) {
		np->zombies++;
		arm_wait_watch(np, true);
	}
}

static void on_proc_exit(struct tracer *tr, struct proc *p)
{
	struct zw_event ev = { .type = ZW_EV_EXIT, .pid = p->pid };
	struct proc *parent;
	int status = p->status;

	collect_exited_parent(tr, p);
	ev.t = now(tr);
	p->exited = true;
	p->exit_t = ev.t;
	ev.exit.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ev.exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ev.exit.core_dumped = WIFSIGNALED(status) && WCOREDUMP(status);
	emit(tr, &ev);
	if (p->pid == tr->root) {
		tr->root_done = true;
		tr->root_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				  128 + WTERMSIG(status);
	}
	reparent_children(tr, p);
	if (p->parent == tr->self) {
		/* We are tracer and parent: our waitpid() just reaped it. */
		finish_reap(tr, p, ev.t, tr->self, tr->self,
			    classify_reaper(tr, p, tr->self), "wait4");
		return;
	}
	parent = tasks_proc(&tr->tasks, p->parent);
	if (parent && parent->nthreads > 0) {
		parent->zombies++;
		parent->waits_seen = 0;
		arm_wait_watch(parent, false);
	}
	if (watch_release(tr, p, true) && parent && parent->nthreads > 0)
		check_adoption(tr, p, parent);
}

/* A traced thread other than gone, for on_stop_signal to interrupt (one
 * in group-stop reports that interrupt too). */
static int any_live_tid(const struct tracer *tr, const struct task *gone)
{
	void *val;

	for (size_t i = 0; intmap_next(&tr->tasks.by_tid, &i, &val);)
		if (val != gone)
			return ((struct task *)val)->tid;
	return 0;
}

static void on_thread_exit(struct tracer *tr, struct task *task, int status)
{
	struct proc *p = task->proc;

	if (tr->stacker)
		stacker_forget(tr->stacker, p->pid);
	/* With exit_group() every thread carries the group's status; the
	 * last one to go speaks for the process. */
	p->status = status;
	if (wake_tid == task->tid)
		wake_tid = any_live_tid(tr, task);
	tasks_del_thread(&tr->tasks, task);
	if (p->nthreads == 0)
		on_proc_exit(tr, p);
}

/* ---- stops ------------------------------------------------------------- */

/* A SIGCHLD delivered as the thread returns from one of these had been
 * blocked: the parent may have reaped with it blocked (bash around its
 * waitpid(), make outside pselect()), so no stop showed that wait. */
static bool unblocks_signals(long nr)
{
	return nr == SYS_rt_sigprocmask || nr == SYS_rt_sigsuspend ||
	       nr == SYS_pselect6 || nr == SYS_ppoll || nr == SYS_epoll_pwait ||
	       nr == SYS_epoll_pwait2 || nr == SYS_rt_sigreturn ||
	       nr == SYS_rt_sigtimedwait;
}

/* A single-threaded parent is at a SIGCHLD delivery stop and its
 * registers did not show a wait that took the children released the
 * moment their exits were collected.  Had it reaped one, it would have
 * stopped right at that wait's return (the child's SIGCHLD was already
 * pending then), so nobody but the kernel released them: SA_NOCLDWAIT.
 * SIGCHLDs coalesce, hence all of them, not just si_pid. */
static bool has_fast_releases(struct tracer *tr, const struct proc *parent)
{
	struct list_link *pos;

	for (pos = tr->tasks.unattributed.next; pos != &tr->tasks.unattributed;
	     pos = pos->next) {
		struct proc *p = container_of(pos, struct proc, pending);

		if (p->maybe_autoreap && p->parent == parent->pid)
			return true;
	}
	return false;
}

/* nocldwait: 1 the parent has SA_NOCLDWAIT (read from it), 0 it has not,
 * -1 not known (then its stop is the evidence: see above). */
static void settle_fast_releases(struct tracer *tr, struct proc *parent,
				 int nocldwait)
{
	struct list_link *pos, *n;

	/* Any other thread, even one gone by now, could have reaped; and a
	 * parent that blocks SIGCHLD (make, outside its pselect) gets no
	 * stop at a wait's return: this stop comes later, from elsewhere. */
	if (nocldwait == 0 ||
	    (nocldwait < 0 && (parent->threaded || parent->quiet_reaper)))
		return;
	list_for_each_safe(pos, n, &tr->tasks.unattributed) {
		struct proc *p = container_of(pos, struct proc, pending);

		if (p->maybe_autoreap && p->parent == parent->pid)
			finish_reap(tr, p, p->released_at, 0, 0,
				    ZW_REAPER_AUTOREAP, NULL);
	}
}

/* Stopped for SIGCHLD right after a system call, the parent can be asked:
 * rt_sigaction() run in it (diagnose_sigaction) says whether SA_NOCLDWAIT
 * is set.  Returns 1 or 0, or -1 if it cannot be asked (in user code).
 * The SIGCHLD of this stop goes back in with its own siginfo; if the
 * thread left the stop meanwhile (another signal came), *r says hold and
 * that stop is handled, the SIGCHLD sent again. */
static int probe_nocldwait(struct tracer *tr, struct task *task,
			   const siginfo_t *si, struct resume *r)
{
	struct diag_sigaction sa = { .known = false };
	int status = 0, err;

	err = diagnose_sigaction(task->proc->pid, task->tid, &sa, &status);
	if (status) {
		syscall(SYS_tkill, task->tid, SIGCHLD);
		handle_status(tr, task->tid, status);
		*r = (struct resume){ RESUME_HOLD, 0 };
	} else if (err != -EOPNOTSUPP && err != -ESRCH) {
		pt_setsiginfo(task->tid, si);
	}
	if (err < 0 || !sa.known)
		return -1;
	return (sa.flags & SA_NOCLDWAIT) || sa.handler == (unsigned long)SIG_IGN;
}

static struct resume on_signal_stop(struct tracer *tr, struct task *task,
				    int sig)
{
	struct zw_event ev = { .type = ZW_EV_SIGNAL, .pid = task->proc->pid,
			       .tid = task->tid };
	siginfo_t si;
	bool chld = sig == SIGCHLD && pt_getsiginfo(task->tid, &si) == 0;
	long nr = -1;

	if (chld) {
		ev.t = now(tr);
		ev.signal.signo = sig;
		ev.signal.code = si.si_code;
		ev.signal.sender = si.si_code > 0 ?
			own_view_pid(tr, task->proc, si.si_pid) : si.si_pid;
		ev.signal.status = si.si_status;
		emit(tr, &ev);
	}
	if (chld || wants_wait_watch(task->proc))
		nr = check_finished_wait(tr, task);
	if (chld && si.si_code > 0 && has_fast_releases(tr, task->proc)) {
		struct resume r = { RESUME_RUN, sig };
		int nocldwait = -1;

		/* After a call that is not a wait (that did not take them),
		 * ask; in user code, the stop itself is the evidence. */
		if (nr >= 0)
			nocldwait = probe_nocldwait(tr, task, &si, &r);
		if (nocldwait >= 0 || !unblocks_signals(nr))
			settle_fast_releases(tr, task->proc, nocldwait);
		return r;
	}
	/* Deliver the signal exactly as it came. */
	return (struct resume){ RESUME_RUN, sig };
}

static void on_syscall_stop(struct tracer *tr, struct task *task)
{
	struct pt_syscall sc;

	if (pt_syscall_info(task->tid, &sc) < 0)
		return;
	if (sc.op == PTRACE_SYSCALL_INFO_ENTRY) {
		task->in_syscall = true;
		task->sc_nr = sc.nr;
		memcpy(task->sc_args, sc.args, sizeof(sc.args));
	} else if (sc.op == PTRACE_SYSCALL_INFO_EXIT && task->in_syscall) {
		task->in_syscall = false;
		if (is_wait_syscall(task->sc_nr))
			on_wait_done(tr, task, task->sc_nr, task->sc_args,
				     sc.ret, true);
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* Classifies a ptrace stop and handles it; says how to restart. */
static struct resume dispatch_stop(struct tracer *tr, struct task *task,
				   int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	struct resume run = { RESUME_RUN, 0 };

	if (task->startup) {
		/* A new child's first stop (PTRACE_EVENT_STOP) says nothing. */
		task->startup = false;
		if (event == PTRACE_EVENT_STOP)
			return run;
	}
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(tr, task, event);
		return run;
	case PTRACE_EVENT_EXEC:
		on_exec(tr, task);
		return run;
	case PTRACE_EVENT_STOP:
		/* Group-stop: PTRACE_LISTEN keeps it stopped, as without us,
		 * while we still hear of SIGCONT.  Otherwise an interrupt. */
		if (is_stop_signal(sig)) {
			task->group_stopped = true;
			return (struct resume){ RESUME_LISTEN, 0 };
		}
		task->group_stopped = false;
		if (task->interrupting) {
			task->interrupting = false;
			if (wants_wait_watch(task->proc))
				check_finished_wait(tr, task);
			return finish_diagnoses(tr, task, run);
		}
		return run;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_stop(tr, task);
			/* With PTRACE_SYSCALL in effect an interrupt comes
			 * as a syscall stop, not PTRACE_EVENT_STOP. */
			if (task->interrupting) {
				task->interrupting = false;
				return finish_diagnoses(tr, task, run);
			}
			return run;
		}
		return on_signal_stop(tr, task, sig);
	default:
		return run;
	}
}

static void resume(struct tracer *tr, struct task *task, struct resume r)
{
	bool sys;
	int err = 0;

	(void)tr;
	switch (r.how) {
	case RESUME_HOLD:
		return;
	case RESUME_LISTEN:
		err = pt_listen(task->tid);
		break;
	case RESUME_RUN:
		sys = wants_wait_watch(task->proc);
		if (!sys)
			task->in_syscall = false;
		err = sys ? pt_syscall(task->tid, r.sig) : pt_cont(task->tid, r.sig);
		task->syscall_mode = sys;
		break;
	}
	task->stopped = false;
	wake_tid = task->tid;
	/* ESRCH: killed meanwhile; its exit notification is on its way. */
	if (err < 0 && err != -ESRCH)
		warn_errno(-err, "cannot restart %d", task->tid);
}

/* A stop or exit of a tid we do not know: a new child whose creator's
 * event has not been seen yet, or a thread that vanished in an execve. */
static void on_unknown(struct tracer *tr, int tid, int status)
{
	struct early_child *e;

	if (!WIFSTOPPED(status)) {
		free(intmap_del(&tr->tasks.early, tid));
		return;
	}
	e = xmalloc(sizeof(*e));
	e->status = status;
	e->seen = now(tr);
	free(intmap_del(&tr->tasks.early, tid));
	intmap_put(&tr->tasks.early, tid, e);
}

/* The leader had already exited (pthread_exit) when another thread
 * called execve: the exec event comes from the leader's tid, which we
 * forgot.  The task we know is the one that called execve. */
static struct task *exec_by_orphaned_leader(struct tracer *tr, int tid,
					    int status)
{
	unsigned long old_tid = 0;
	struct task *task;

	if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_EXEC ||
	    pt_geteventmsg(tid, &old_tid) < 0)
		return NULL;
	task = tasks_task(&tr->tasks, (int)old_tid);
	if (task)
		tasks_rekey_thread(&tr->tasks, task, tid);
	return task;
}

static void handle_status(struct tracer *tr, int tid, int status)
{
	struct task *task = tasks_task(&tr->tasks, tid);

	if (!task)
		task = exec_by_orphaned_leader(tr, tid, status);
	if (!task) {
		if (tr->is_init && !WIFSTOPPED(status))
			return;	/* an untraced orphan we just reaped as init */
		on_unknown(tr, tid, status);
		return;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_thread_exit(tr, task, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	task->stopped = true;
	resume(tr, task, dispatch_stop(tr, task, status));
}

/* ---- deadlines --------------------------------------------------------- */

/* A child's first stop whose creator never reported the fork (it was
 * killed in between, say): learn what we can from /proc and let it go. */
static void adopt_early(struct tracer *tr, int tid, struct early_child *e)
{
	struct proc_status st;
	struct proc *p;
	struct task *task;

	if (procfs_status(tid, 0, &st) < 0) {
		free(intmap_del(&tr->tasks.early, tid));
		return;
	}
	if (st.tgid != tid) {
		p = tasks_proc(&tr->tasks, st.tgid);
		if (!p)
			p = tasks_add_proc(&tr->tasks, st.tgid, st.ppid);
	} else {
		struct zw_event ev = { .type = ZW_EV_SPAWN, .t = e->seen,
				       .pid = tid };

		p = tasks_add_proc(&tr->tasks, tid, st.ppid);
		learn_child_ns_pid(tr, p);
		ev.spawn.ppid = st.ppid;
		ev.spawn.creator = st.ppid;
		emit(tr, &ev);
	}
	free(intmap_del(&tr->tasks.early, tid));
	task = tasks_add_thread(&tr->tasks, p, tid);
	task->stopped = true;
	resume(tr, task, (struct resume){ RESUME_RUN, 0 });
}

/* The polled zombies: one pass of kill(pid, 0) finds the released, then
 * they are settled (which edits the list, hence not during the pass).
 * Returns seconds until the next pass: 20 ms, longer for a horde, so
 * that polling costs at most about 50,000 kill()s a second. */
static double poll_released(struct tracer *tr)
{
	size_t i, n = 0;
	int *gone = xmalloc(tr->tasks.npolled * sizeof(*gone));
	struct list_link *pos;

	for (pos = tr->tasks.polled.next; pos != &tr->tasks.polled; pos = pos->next) {
		struct proc *p = container_of(pos, struct proc, polled);

		if (kill(p->pid, 0) < 0 && errno == ESRCH)
			gone[n++] = p->pid;
	}
	for (i = 0; i < n; i++) {
		struct proc *p = tasks_proc(&tr->tasks, gone[i]);

		if (p && p->exited && p->release == REL_NONE)
			on_released(tr, p, now(tr), false);
	}
	free(gone);
	return POLL_PERIOD * (tr->tasks.npolled > 1000 ?
			      tr->tasks.npolled / 1000.0 : 1);
}

static const char *const sigchld_names[] = {
	[DIAG_SIGCHLD_DEFAULT] = "default", [DIAG_SIGCHLD_CAUGHT] = "handler",
	[DIAG_SIGCHLD_IGNORED] = "ignored",
};

/* A diagnosis whose facts are in, waiting for the parent's stack. */
struct pending_diag {
	struct list_link link;
	int zombie, parent;
	char comm[16];
	double age, deadline;
	struct diag_facts f;
};

static void emit_diagnosis(struct tracer *tr, struct pending_diag *d,
			   const struct zw_stack *stack)
{
	struct zw_event ev = { .type = ZW_EV_DIAGNOSIS, .t = now(tr),
			       .pid = d->zombie };
	char text[640];

	diagnose_explain(&d->f, d->zombie, d->comm, d->age, text, sizeof(text));
	ev.diagnosis.parent = d->parent;
	ev.diagnosis.text = text;
	ev.diagnosis.parent_state = d->f.state;
	ev.diagnosis.parent_syscall = diagnose_syscall_name(d->f.syscall);
	ev.diagnosis.waits_seen = d->f.waits_seen;
	ev.diagnosis.sigchld = d->f.state ? sigchld_names[d->f.sigchld] : NULL;
	ev.diagnosis.sigchld_blocked = d->f.sigchld_blocked;
	ev.diagnosis.stack = stack;
	ev.diagnosis.sigchld_known = d->f.sa.known;
	ev.diagnosis.sigchld_handler = d->f.sa.known && d->f.sa.name[0] ?
				       d->f.sa.name : NULL;
	ev.diagnosis.sigchld_flags = d->f.sa.flags;
	ev.diagnosis.sigchld_mask = d->f.sa.mask;
	emit(tr, &ev);
	list_del(&d->link);
	free(d);
}

/* "function+0xoff" of the first frame in the parent's own program. */
static void where_in_program(int pid, const struct zw_stack *st, char *buf,
			     size_t len)
{
	char exe[4096];

	buf[0] = '\0';
	if (procfs_exe(pid, exe, sizeof(exe)) < 0)
		return;
	for (size_t i = 0; i < st->n; i++) {
		const struct zw_frame *fr = &st->frames[i];

		if (fr->binary && fr->function && !strcmp(fr->binary, exe)) {
			snprintf(buf, len, "%s+%#lx", fr->function, fr->func_offset);
			return;
		}
	}
}

/* The parent is in a ptrace stop: unwind it, and ask it for its SIGCHLD
 * handler, for the diagnoses waiting.  Says how to restart it: as run,
 * or not at all when the thread left that stop while it was asked (it
 * exited, or a signal's delivery stop took the place of this one), a
 * status handled here like any other, which may free task. */
static struct resume finish_diagnoses(struct tracer *tr, struct task *task,
				      struct resume run)
{
	struct list_link *pos, *n;
	struct zw_stack stack;
	struct diag_sigaction sa = { .known = false };
	int pid = task->proc->pid, tid = task->tid, status = 0;
	bool asked = false, have = false;

	list_for_each_safe(pos, n, &tr->diags) {
		struct pending_diag *d = container_of(pos, struct pending_diag, link);

		if (d->parent != pid)
			continue;
		if (!asked) {
			asked = true;
			have = stacker_capture(tr->stacker, pid, tid, &stack) == 0;
			/* After the unwind: it needs the stop's registers. */
			diagnose_sigaction(pid, tid, &sa, &status);
		}
		if (have)
			where_in_program(d->parent, &stack, d->f.where,
					 sizeof(d->f.where));
		diagnose_set_sigaction(&d->f, &sa);
		emit_diagnosis(tr, d, have ? &stack : NULL);
	}
	if (!status)
		return run;
	handle_status(tr, tid, status);
	return (struct resume){ RESUME_HOLD, 0 };
}

/* Explains why the zombie p is still there, from its parent's state.  A
 * traced parent is interrupted for its stack (the call it was in is
 * restarted, unnoticed); the line comes out at that stop, or without a
 * stack after 100 ms. */
static void diagnose_one(struct tracer *tr, struct proc *p, double age)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	struct pending_diag *d = xcalloc(1, sizeof(*d));
	struct task *t;

	d->zombie = p->pid;
	d->parent = p->parent;
	d->age = age;
	d->f.last_wait_id = -1;
	if (diagnose_collect(p->parent, &d->f) < 0)
		d->f.state = 0;
	/* The pid a nested parent waits for, as we see it. */
	if (parent && d->f.syscall == SYS_wait4 && (long)(int)d->f.args[0] > 0)
		d->f.args[0] = own_view_pid(tr, parent, (int)d->f.args[0]);
	if (parent && d->f.syscall == SYS_waitid && d->f.args[0] == P_PID)
		d->f.args[1] = own_view_pid(tr, parent, (int)d->f.args[1]);
	if (parent && parent->nthreads > 0) {
		d->f.traced = true;
		d->f.waits_seen = parent->waits_seen;
		d->f.last_wait_id = parent->last_wait_id;
		d->f.last_wait_options = parent->last_wait_options;
	}
	procfs_comm(p->pid, d->comm, sizeof(d->comm));
	list_add(&tr->diags, &d->link);
	t = parent && parent->nthreads > 0 ? tasks_task(&tr->tasks, parent->pid) : NULL;
	if (!tr->stacker || !t || t->group_stopped || t->stopped ||
	    (!t->interrupting && pt_interrupt(t->tid) < 0)) {
		emit_diagnosis(tr, d, NULL);
		return;
	}
	t->interrupting = true;
	d->deadline = now(tr) + 0.1;
}

/* Diagnoses whose stack did not come in time go out without one. */
static double settle_diagnoses(struct tracer *tr, bool flush)
{
	struct list_link *pos, *n;
	double t = now(tr), next = -1;

	list_for_each_safe(pos, n, &tr->diags) {
		struct pending_diag *d = container_of(pos, struct pending_diag, link);

		if (flush || d->deadline <= t)
			emit_diagnosis(tr, d, NULL);
		else if (next < 0 || d->deadline - t < next)
			next = d->deadline - t;
	}
	return next;
}

/* Zombies older than --diagnose get explained once, and again when they
 * have lived ten times as long.  Scans are spaced so that a horde of
 * zombies costs a pass now and then, not one per event.  Returns seconds
 * until the next scan, or -1 if no zombie is waiting. */
static double diagnose_zombies(struct tracer *tr)
{
	double t = now(tr), after = tr->diagnose_after;
	bool any = false;
	void *val;
	size_t i;

	if (t < tr->next_diag_scan)
		return tr->next_diag_scan - t;
	for (i = 0; intmap_next(&tr->tasks.by_pid, &i, &val);) {
		struct proc *p = val;
		double age = t - p->exit_t;

		if (!p->exited || p->release != REL_NONE || p->pid == tr->self)
			continue;
		any = true;
		if (age >= after && t >= p->diag_next) {
			diagnose_one(tr, p, age);
			p->diag_next = p->exit_t + 10 * age;
		}
	}
	tr->next_diag_scan = t + (after / 2 > 0.05 ? after / 2 : 0.05);
	return any ? tr->next_diag_scan - t : -1;
}

/* New children whose creator's event never came in time get adopted from
 * /proc; returns seconds until the next is due (negative: none). */
static double run_early_deadlines(struct tracer *tr, double t, bool flush)
{
	size_t i, n = 0;
	int *due = xmalloc(tr->tasks.early.len * sizeof(*due));
	double next = -1;
	void *val;

	for (i = 0; intmap_next(&tr->tasks.early, &i, &val);) {
		struct early_child *e = val;
		double at = e->seen + EARLY_DELAY;

		if (flush || at <= t)
			due[n++] = tr->tasks.early.slots[i - 1].key;
		else if (next < 0 || at - t < next)
			next = at - t;
	}
	/* Not during the pass: adopting edits the map. */
	for (i = 0; i < n; i++) {
		struct early_child *e = intmap_get(&tr->tasks.early, due[i]);

		if (e)
			adopt_early(tr, due[i], e);
	}
	free(due);
	return next;
}

/* Settles what waited too long; returns seconds until the next deadline
 * (negative: none). */
static double run_deadlines(struct tracer *tr, bool flush)
{
	double t = now(tr), next = -1;
	struct list_link *pos, *n;

	/* Oldest first: only the due ones are looked at, so a horde of
	 * zombies released at once costs no pass per event. */
	list_for_each_safe(pos, n, &tr->tasks.unattributed) {
		struct proc *p = container_of(pos, struct proc, pending);

		if (!flush && p->release_deadline > t) {
			next = p->release_deadline - t;
			break;
		}
		attribute_unseen(tr, p);
	}
	if (tr->tasks.early.len) {
		double due = run_early_deadlines(tr, t, flush);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (tr->diagnose_after > 0 && !flush) {
		double due = diagnose_zombies(tr);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (!list_empty(&tr->diags)) {
		double due = settle_diagnoses(tr, flush);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (tr->tasks.npolled) {
		double due;

		if (flush || t >= tr->next_poll)
			tr->next_poll = t + poll_released(tr);
		due = tr->next_poll - t;
		if (tr->tasks.npolled && (next < 0 || due < next))
			next = due;
	}
	return next;
}

/* ---- the loop ---------------------------------------------------------- */

static void on_pidfd_hup(struct tracer *tr, int pid)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);

	if (p && p->exited)
		on_released(tr, p, now(tr), false);
}

static void read_signals(struct tracer *tr)
{
	struct signalfd_siginfo si[16];

	/* One read: standard signals do not queue, so 16 slots hold all
	 * that can be pending; epoll says so again if more arrive. */
	if (read(tr->sigfd, si, sizeof(si)) < 0 && errno != EAGAIN &&
	    errno != EINTR)
		warn_errno(errno, "signalfd");
}

/* Nothing but a tracee's stop or exit can need us: no zombie watched by a
 * pidfd or by polling, no deadline.  Then waitpid() may block: one system
 * call per event instead of four (waitpid, epoll_wait, read, waitpid). */
static bool may_block(const struct tracer *tr)
{
	return !tr->tasks.pidfds && !tr->tasks.npolled &&
	       list_empty(&tr->tasks.unattributed) && !tr->tasks.early.len &&
	       list_empty(&tr->diags) && !stop_signal &&
	       !model_failed(tr->model);
}

/* Collects wait statuses while there are any, or blocks for the next one
 * while nothing else can happen; returns false when no tracee is left. */
static bool drain_waits(struct tracer *tr)
{
	int status, tid;

	for (;;) {
		bool block = may_block(tr);

		if (block && tr->tasks.live_threads == 0)
			return true;
		if (!wake_tid)	/* seized, never stopped yet (attach) */
			wake_tid = any_live_tid(tr, NULL);
		tid = waitpid(-1, &status, __WALL | (block ? 0 : WNOHANG));
		if (tid > 0) {
			handle_status(tr, tid, status);
			continue;
		}
		if (tid == 0)
			return true;
		if (errno == EINTR)
			continue;
		return false;	/* ECHILD: nobody left */
	}
}

static void wait_events(struct tracer *tr, double timeout)
{
	struct epoll_event evs[64];
	/* Rounded up, so that a deadline is not polled for in a loop; but
	 * 0 stays 0: a look, not a 1 ms sleep. */
	int n, ms = timeout < 0 ? -1 : timeout == 0 ? 0 :
		    (int)(timeout * 1000) + 1;

	n = epoll_wait(tr->epfd, evs, ARRAY_SIZE(evs), ms);
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == SIGFD_TAG)
			read_signals(tr);
		else
			on_pidfd_hup(tr, (int)evs[i].data.u64);
	}
}

/* Detaches from every tracee, leaving each as it would be without us: a
 * signal caught at a signal-delivery stop goes back in, a group-stopped
 * one stays stopped. */
static void detach_all(struct tracer *tr)
{
	double deadline = clock_now() + 1.0;
	int status, tid, sig;
	void *val;
	size_t i;

	for (i = 0; intmap_next(&tr->tasks.by_pid, &i, &val);) {
		struct proc *p = val;
		struct zw_event ev = { .type = ZW_EV_DETACH, .t = now(tr),
				       .pid = p->pid };

		if (p->nthreads > 0)
			emit(tr, &ev);
	}
	for (i = 0; intmap_next(&tr->tasks.by_tid, &i, &val);) {
		struct task *task = val;

		task->detaching = true;
		if (pt_interrupt(task->tid) < 0)
			task->detaching = false;
	}
	for (i = 0; intmap_next(&tr->tasks.early, &i, &val);)
		pt_detach(tr->tasks.early.slots[i - 1].key, 0);
	while (clock_now() < deadline) {
		bool left = false;

		for (i = 0; intmap_next(&tr->tasks.by_tid, &i, &val);)
			left |= ((struct task *)val)->detaching;
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid < 0 && errno != EINTR)
			break;
		if (tid == 0) {
			if (!left)
				break;
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
			continue;
		}
		if (!WIFSTOPPED(status)) {
			struct task *task = tasks_task(&tr->tasks, tid);

			if (task)
				on_thread_exit(tr, task, status);
			continue;
		}
		sig = WSTOPSIG(status);
		/* Event, syscall and group stops carry no signal to give back. */
		if ((status >> 16) != 0 || sig == (SIGTRAP | 0x80))
			sig = 0;
		pt_detach(tid, sig);
		val = tasks_task(&tr->tasks, tid);
		if (val)
			((struct task *)val)->detaching = false;
	}
}

/* SA_RESTART: zwatch's other system calls go on undisturbed.  SIGHUP
 * stays ignored if zwatch was started so (nohup); SIGINT and SIGTERM are
 * caught even then (a shell ignores SIGINT in background jobs, and
 * kill -INT must still detach).  In launch mode PROG is forked before
 * this, so it inherits zwatch's own dispositions. */
static void catch_stop_signals(struct tracer *tr)
{
	struct sigaction sa = { .sa_handler = on_stop_signal,
				.sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		struct sigaction *old = &tr->old_actions[i];

		if (sigaction(stop_signals[i], NULL, old) == 0 &&
		    (old->sa_handler != SIG_IGN || stop_signals[i] != SIGHUP))
			sigaction(stop_signals[i], &sa, NULL);
	}
	tr->caught = true;
}

static void restore_stop_signals(struct tracer *tr)
{
	for (size_t i = 0; tr->caught && i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &tr->old_actions[i], NULL);
	wake_tid = 0;
}

static int setup_fds(struct tracer *tr, sigset_t *orig_mask)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = SIGFD_TAG };
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, orig_mask) < 0)
		return -errno;
	tr->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tr->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tr->sigfd < 0 || tr->epfd < 0 ||
	    epoll_ctl(tr->epfd, EPOLL_CTL_ADD, tr->sigfd, &ee) < 0)
		return -errno;
	fd = pidfd_open(getpid());
	tr->have_pidfd = fd >= 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int setup_stacks(struct tracer *tr, const struct options *opts)
{
	tr->spawn_stacks = opts->stack;
	if (!opts->stack && opts->diagnose <= 0)
		return 0;
	tr->stacker = stacker_new();
	if (!tr->stacker && opts->stack) {
		warnx_("--stack needs libunwind: this zwatch was built without it "
		       "(configure --with-libunwind)");
		return -ENOSYS;
	}
	return 0;
}

/* A pidfd per zombie: a horde of zombies needs many descriptors.  The
 * soft limit goes up to the hard one; a privileged zwatch
 * (CAP_SYS_RESOURCE) raises the hard one too, up to 1M or fs.nr_open,
 * whichever the kernel takes: a descriptor costs only when it is used.
 * Beyond the limit zombies are polled.  PROG gets the old limits back. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	launch_orig_nofile = rl;
	for (rlim_t n = 1 << 20; n > rl.rlim_max && n >= 1 << 16; n >>= 1)
		if (setrlimit(RLIMIT_NOFILE, &(struct rlimit){ n, n }) == 0)
			return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static void tracer_init(struct tracer *tr, struct model *model)
{
	memset(tr, 0, sizeof(*tr));
	tr->model = model;
	tr->self = getpid();
	tr->is_init = tr->self == 1;
	tr->sigfd = tr->epfd = -1;
	tasks_init(&tr->tasks);
	intmap_init(&tr->ns_inits);
	list_init(&tr->diags);
	raise_fd_limit();
	if (procfs_comm(tr->self, tr->self_comm, sizeof(tr->self_comm)) < 0)
		strcpy(tr->self_comm, "zwatch");
}

static void tracer_cleanup(struct tracer *tr)
{
	void *val;
	size_t i;

	for (i = 0; intmap_next(&tr->tasks.early, &i, &val);)
		free(val);
	tasks_free(&tr->tasks);
	intmap_free(&tr->ns_inits);
	stacker_free(tr->stacker);
	restore_stop_signals(tr);
	if (tr->sigfd >= 0)
		close(tr->sigfd);
	if (tr->epfd >= 0)
		close(tr->epfd);
}

static int start_root(struct tracer *tr, const struct options *opts,
		      const sigset_t *orig_mask)
{
	struct zw_event ev = { .type = ZW_EV_SPAWN };
	struct proc *p;
	int pid;

	tr->t0 = clock_now();
	pid = launch_traced(opts->argv, PTRACE_OPTIONS, orig_mask);
	if (pid < 0)
		return pid;
	tr->root = pid;
	p = tasks_add_proc(&tr->tasks, pid, tr->self);
	tasks_add_thread(&tr->tasks, p, pid);
	ev.t = now(tr);
	ev.pid = pid;
	ev.tid = tr->self;
	ev.spawn.ppid = tr->self;
	ev.spawn.creator = tr->self;
	ev.spawn.syscall = "fork";
	ev.spawn.comm = tr->self_comm;
	emit(tr, &ev);
	return 0;
}

/* Whether a zombie we saw exit has not been released yet. */
static bool unreleased_zombies(struct tracer *tr)
{
	void *val;

	for (size_t i = 0; intmap_next(&tr->tasks.by_pid, &i, &val);) {
		const struct proc *p = val;

		if (p->exited && p->release == REL_NONE && p->pid != tr->self)
			return true;
	}
	return false;
}

/* The event loop proper, until nothing is traced or we must let go. */
static void run(struct tracer *tr)
{
	struct model *model = tr->model;

	for (;;) {
		bool any = drain_waits(tr);
		double next;

		if (stop_signal || model_failed(model)) {
			/* Losing the output must not harm the tracees. */
			detach_all(tr);
			if (!stop_signal)
				warnx_("output failed: detached; the traced "
				       "processes go on untraced");
			break;
		}
		if (!any || (tr->tasks.live_threads == 0 && !tr->tasks.early.len))
			break;
		next = run_deadlines(tr, false);
		wait_events(tr, next);
	}
	/* Releases that happened while we wound down still count, and those
	 * about to happen: a parent blocked in a wait needs a moment to run
	 * once we collected its child. */
	wait_events(tr, 0);
	for (double end = now(tr) + ATTRIBUTION_DELAY;
	     unreleased_zombies(tr) && now(tr) < end;) {
		wait_events(tr, 0.005);		/* a pidfd, or a moment */
		if (tr->tasks.npolled)
			poll_released(tr);
	}
	run_deadlines(tr, true);
	model_finish(model, now(tr));
}

/* What launch and attach share before the first tracee: permission,
 * state, options.  -1 (explained) if tracing cannot go ahead. */
static int tracer_begin(struct tracer *tr, const struct options *opts,
			struct model *model, bool attach)
{
	if (yama_precheck(attach) < 0)
		return -1;
	tracer_init(tr, model);
	tr->diagnose_after = opts->diagnose;
	if (setup_stacks(tr, opts) < 0) {
		tracer_cleanup(tr);
		return -1;
	}
	return 0;
}

int tracer_launch(const struct options *opts, struct model *model)
{
	struct tracer tr;
	sigset_t orig_mask;
	int err, ret;

	if (tracer_begin(&tr, opts, model, false) < 0)
		return 1;
	err = setup_fds(&tr, &orig_mask);
	if (err == 0)
		err = start_root(&tr, opts, &orig_mask);
	if (err < 0) {
		if (err == -EPERM)
			warnx_("cannot trace %s: ptrace is not permitted here "
			       "(check /proc/sys/kernel/yama/ptrace_scope, seccomp "
			       "or container policy)", opts->argv[0]);
		else
			warn_errno(-err, "cannot start %s", opts->argv[0]);
		tracer_cleanup(&tr);
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
		return 1;
	}
	catch_stop_signals(&tr);
	run(&tr);
	ret = stop_signal ? 128 + stop_signal :
	      model_failed(model) ? 1 :
	      tr.root_done ? tr.root_status : 1;
	tracer_cleanup(&tr);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	return ret;
}

/* Turns the attach inventory into table entries and "attach" events.
 * Pre-existing zombies get no SIGCHLD: their parents are interrupted at
 * once so that the wait that reaps them is seen. */
static void adopt_inventory(struct tracer *tr, const struct attach_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct attach_proc *ap = &set->procs[i];
		struct proc *p = tasks_add_proc(&tr->tasks, ap->pid, ap->ppid);
		struct zw_event ev = { .type = ZW_EV_ATTACH, .t = now(tr),
				       .pid = ap->pid };

		for (size_t k = 0; k < ap->ntids; k++)
			tasks_add_thread(&tr->tasks, p, ap->tids[k]);
		ns_pid_of(tr, p);	/* zombies among them get reaped soon */
		ev.attach.ppid = ap->ppid;
		ev.attach.comm = ap->comm;
		ev.attach.state = ap->state;
		ev.attach.exit_code = ap->state == 'Z' ? ap->exit_code : 0;
		emit(tr, &ev);
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct attach_proc *ap = &set->procs[i];
		struct proc *p = tasks_proc(&tr->tasks, ap->pid), *parent;

		if (ap->state != 'Z' || !p)
			continue;
		p->exited = true;
		p->status = ap->exit_code;
		parent = tasks_proc(&tr->tasks, p->parent);
		if (parent && parent->nthreads > 0) {
			parent->zombies++;
			arm_wait_watch(parent, true);
		}
		watch_release(tr, p, false);	/* it may be reaped already */
	}
}

static void detach_inventory(const struct attach_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = 0; k < set->procs[i].ntids; k++)
			pt_detach(set->procs[i].tids[k], 0);
}

/* Seizes every target; on any failure lets go of all and says why. */
static int attach_targets(struct tracer *tr, const struct options *opts,
			  struct attach_set *set)
{
	for (size_t i = 0; i < opts->npids; i++) {
		int pid = opts->pids[i], err;

		if (pid == tr->self) {
			warnx_("cannot attach to %d: that is zwatch itself", pid);
			return -EINVAL;
		}
		if (attach_set_has(set, pid))
			continue;
		err = attach_tree(pid, !opts->targets_only, PTRACE_OPTIONS, set);
		if (err < 0) {
			yama_explain(pid, err);
			return err;
		}
	}
	return 0;
}

int tracer_attach(const struct options *opts, struct model *model)
{
	struct attach_set set = { 0 };
	struct tracer tr;
	sigset_t orig_mask;
	int err;

	if (tracer_begin(&tr, opts, model, true) < 0)
		return 1;
	err = setup_fds(&tr, &orig_mask);
	if (err < 0)
		warn_errno(-err, "cannot set up");
	tr.t0 = clock_now();
	catch_stop_signals(&tr);
	if (err == 0)
		err = attach_targets(&tr, opts, &set);
	if (err < 0) {
		detach_inventory(&set);
		attach_set_free(&set);
		tracer_cleanup(&tr);
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
		return 1;
	}
	adopt_inventory(&tr, &set);
	attach_set_free(&set);
	run(&tr);
	err = model_failed(model) ? 1 : 0;
	tracer_cleanup(&tr);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	return err;
}
