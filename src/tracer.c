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
 * the tracee, which happens in one place (resume()).  Who released a
 * zombie is reap.c's business, explaining one that stays linger.c's
 * (tracer_int.h is what the three share).
 */
#include "config.h"
#include "tracer.h"
#include "tracer_int.h"
#include "kfeatures.h"
#include "attach.h"
#include "decode.h"
#include "diagnose.h"
#include "event.h"
#include "execinfo.h"
#include "killpoint.h"
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
#include <limits.h>
#include <linux/sched.h>
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

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* How long a new child's first stop may wait for its creator's event. */
#define EARLY_DELAY 0.2
#define SIGFD_TAG UINT64_MAX

#define PTRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
			PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
			PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT)

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
	if (nr == ARCH_SYS_vfork || event == PTRACE_EVENT_VFORK)
		return CLONE_VM | CLONE_VFORK | SIGCHLD;
	return SIGCHLD;
}

static const char *spawn_syscall_name(long nr, int event)
{
	const char *name = decode_syscall_name(nr);

	if (name && (nr == SYS_clone || nr == SYS_clone3 ||
		     nr == ARCH_SYS_fork || nr == ARCH_SYS_vfork))
		return name;
	return event == PTRACE_EVENT_VFORK ? "vfork" :
	       event == PTRACE_EVENT_FORK ? "fork" : "clone";
}

static void resume(struct tracer *tr, struct task *task, struct resume r);
static void handle_status(struct tracer *tr, int tid, int status);
static void release_held(struct tracer *tr, bool flush);
static void on_thread_exit(struct tracer *tr, struct task *task, int status);

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
		/* A second thread could take the SIGCHLD a deferred watch
		 * counts on: watch now. */
		reap_watch_deferred(tr, cp, true);
		nt = tasks_add_thread(&tr->tasks, cp, child);
	} else {
		int ppid = (flags & CLONE_PARENT) ? cp->parent : cp->pid;
		struct proc *np = tasks_add_proc(&tr->tasks, child, ppid);
		struct zw_event ev = { .type = ZW_EV_SPAWN, .t = now(tr),
				       .pid = child, .tid = task->tid };

		nt = tasks_add_thread(&tr->tasks, np, child);
		np->vforked = (flags & CLONE_VFORK) != 0;
		reap_learn_ns_pid(tr, np);
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
		resume(tr, nt, (struct resume){ .how = RESUME_RUN, .sig = 0 });
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

	p->nocldwait = -1;	/* exec resets SIGCHLD's flags */
	p->vforked = false;	/* its parent runs again */
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
	xi->argc_total = -1;
	if (pt_getregs(task->tid, &regs) < 0 || !arch_is_native(&regs) ||
	    execinfo_read(p->pid, arch_sp(&regs), xi) < 0) {
		if (procfs_comm(p->pid, xi->comm, sizeof(xi->comm)) < 0)
			xi->comm[0] = '\0';
		execinfo_split(xi, procfs_cmdline(p->pid, xi->args,
						  sizeof(xi->args)), xi->argc_total);
	}
	ev.exec.path = path;
	ev.exec.comm = xi->comm;
	ev.exec.old_tid = (int)old_tid != task->tid ? (int)old_tid : 0;
	ev.exec.argc = xi->argc;
	ev.exec.argv = xi->argv;
	ev.exec.argv_truncated = xi->truncated;
	ev.exec.argc_total = xi->argc_total;
	emit(tr, &ev);
}

/* Where the orphans of the dead p went when /proc no longer shows it (an
 * adopter reaped them at once): the nearest living ancestor seen adopting
 * before, or the init of the namespace.  0 if unknown. */
static int likely_adopter(struct tracer *tr, const struct proc *p)
{
	const struct proc *a = tasks_proc(&tr->tasks, p->parent);

	for (int hops = 0; a && hops < 64; hops++) {
		if (a->nthreads > 0 && (a->adopter || reap_is_ns_init(tr, a->pid)))
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
	if (!c->exited || np->nthreads == 0)
		return;
	/* Counted as the adopter's, which reap_finish undoes. */
	np->zombies++;
	if (c->release == REL_NONE)
		reap_arm_wait_watch(np, true);
}

/* c, an orphan of p, is gone from /proc while its own exit is being
 * handled: if we are the init its orphans go to, and no living ancestor
 * took orphans before, the waitpid() that brought c's exit reaped it
 * (tracer and parent), so c was ours. */
static bool collected_as_init(struct tracer *tr, const struct proc *p,
			      const struct proc *c)
{
	return tr->is_init && !c->exited && !c->nthreads &&
	       !likely_adopter(tr, p);
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
		 * being handled (collect_exited_parent): someone took it the
		 * moment we collected it.  Not p, if p would have stopped for
		 * that SIGCHLD before it could die (one thread, SIGCHLD not
		 * blocked: a quiet reaper like make reaps and exits unseen)
		 * and is no pid namespace init (which reaps all as it dies):
		 * then it was the adopter. */
		if (procfs_stat(c->pid, &st) < 0 || !st.ppid) {
			if (collected_as_init(tr, p, c)) {
				adopt(tr, c, p->pid, tr->self);
				continue;
			}
			if (!c->exited && !c->nthreads && !p->threaded &&
			    !p->quiet_reaper && !reap_is_ns_init(tr, p->pid))
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
		bool not_p;

		/* One released meanwhile was p's to release (it was settled
		 * at p's exit stop, or waits for the stop of p's wait);
		 * unless after p's exit stop, where p waited no more: then
		 * the adopter took it (dumb-init as a namespace's init
		 * reaps an orphan handed to it while p was still a zombie
		 * we had not collected).  So too if p never stopped: seized
		 * (-p) as it was already exiting, it waited no more.  Not
		 * p's, by an adopter we do not know: unknown, never p. */
		if (!c->exited)
			continue;
		not_p = c->release == REL_PENDING &&
			(p->exit_stop_t > 0 ? c->released_at >= p->exit_stop_t :
			 !p->stopped_once);
		if (to && (c->release == REL_NONE || not_p))
			adopt(tr, c, p->pid, to);
		else if (not_p)
			c->adopted_unseen = true;
	}
}


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
	p->parent_ign = reap_sigchld_ignored(tr, parent->pid);
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
		reap_arm_wait_watch(np, true);
	}
}

static void on_proc_exit(struct tracer *tr, struct proc *p)
{
	struct zw_event ev = { .type = ZW_EV_EXIT, .pid = p->pid };
	struct proc *parent;
	int status = p->status;
	bool stays;

	/* Let go at its exit stop: read there (and no adopter to look for). */
	stays = p->detached || reap_parent_stays(tr, p);
	reap_exit_done(tr, p);
	if (!stays)
		collect_exited_parent(tr, p);
	ev.t = now(tr);
	p->exited = true;
	p->exit_t = ev.t;
	ev.exit.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ev.exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ev.exit.core_dumped = WIFSIGNALED(status) && WCOREDUMP(status);
	emit(tr, &ev);
	/* Its zombies not watched yet: watched from now (before they are
	 * handed to an adopter), or found released after its death. */
	reap_watch_deferred(tr, p, false);
	if (p->pid == tr->root) {
		tr->root_done = true;
		tr->root_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				  128 + WTERMSIG(status);
	}
	reparent_children(tr, p);
	if (p->parent == tr->self) {
		/* We are tracer and parent: our waitpid() just reaped it. */
		reap_finish(tr, p, ev.t, tr->self, tr->self,
			    reap_classify(tr, p, tr->self), "wait4", "tracer");
		return;
	}
	parent = tasks_proc(&tr->tasks, p->parent);
	if (parent && parent->nthreads > 0) {
		parent->zombies++;
		parent->waits_seen = 0;
		reap_arm_wait_watch(parent, false);
	}
	if (stays && reap_defer_watch(tr, p))
		return;
	if (reap_watch(tr, p, true) && parent && parent->nthreads > 0 && !stays)
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
	/* It may have been the last thread a held child waited for. */
	release_held(tr, false);
	killpoint("exit");
}

/* ---- stops ------------------------------------------------------------- */

/* task is at its exit stop, its parent's waits watched (reap_exit_stop).
 * A traced zombie is visible only to its tracer until the tracer
 * collects it: a parent that polls the child's pidfd (readable at the
 * exit) and then calls waitpid(WNOHANG) would find nothing.  So the last
 * thread of a process whose parent is traced and stays, and which has no
 * children of its own (they go to an adopter we learn of at the exit), is
 * let go here: its status is this stop's message, its release is watched
 * by its pidfd, and the kernel hands the zombie to the parent as if we
 * were not there.  Returns true if it was (task is gone then). */
static bool leave_at_exit(struct tracer *tr, struct task *task, bool held)
{
	struct proc *p = task->proc;
	unsigned long status;

	/* What the exit stop read of the parent, unless held since. */
	if (held && p->prearmed)
		p->stays = reap_parent_stays(tr, p);
	if (p->nthreads != 1 || p->parent == tr->self || !p->prearmed ||
	    !list_empty(&p->children) || !p->stays ||
	    pt_geteventmsg(task->tid, &status) < 0 ||
	    pt_detach(task->tid, 0) < 0)
		return false;
	p->detached = true;
	tasks_uncheck(&tr->tasks, p);
	on_thread_exit(tr, task, (int)status);
	return true;
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
			reap_own_view_pid(tr, task->proc, si.si_pid) : si.si_pid;
		ev.signal.status = si.si_status;
		emit(tr, &ev);
	}
	if (chld || reap_wants_wait_watch(task->proc))
		nr = reap_check_finished_wait(tr, task);
	/* The stop a deferred watch waited for (reap_defer_watch). */
	reap_watch_deferred(tr, task->proc, true);
	/* Deliver the signal exactly as it came. */
	if (chld)
		return reap_at_sigchld(tr, task, &si, nr, (struct resume){
					.how = RESUME_RUN, .sig = sig });
	return (struct resume){ .how = RESUME_RUN, .sig = sig };
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
		if (reap_is_wait(task->sc_nr))
			reap_wait_done(tr, task, task->sc_nr, task->sc_args,
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
	struct resume run = { .how = RESUME_RUN, .sig = 0 };

	if (task->startup) {
		/* A new child's first stop (PTRACE_EVENT_STOP) says nothing. */
		task->startup = false;
		if (event == PTRACE_EVENT_STOP)
			return run;
	}
	/* Any stop but a group-stop's report ends a group-stop: SIGKILL
	 * takes a stopped thread from PTRACE_LISTEN straight to its exit
	 * stop, which must not be taken for a group-stop (release_held
	 * would skip it and leave it there for ever). */
	task->group_stopped = false;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(tr, task, event);
		killpoint("fork-event");
		return run;
	case PTRACE_EVENT_EXEC:
		on_exec(tr, task);
		killpoint("exec-event");
		return run;
	case PTRACE_EVENT_EXIT:
		if (reap_exit_stop(tr, task) || leave_at_exit(tr, task, false))
			return (struct resume){ .how = RESUME_HOLD, .sig = 0 };
		return run;
	case PTRACE_EVENT_STOP:
		/* Group-stop: PTRACE_LISTEN keeps it stopped, as without us,
		 * while we still hear of SIGCONT.  Otherwise an interrupt. */
		if (is_stop_signal(sig)) {
			task->group_stopped = true;
			return (struct resume){ .how = RESUME_LISTEN, .sig = 0 };
		}
		if (task->interrupting) {
			task->interrupting = false;
			if (reap_wants_wait_watch(task->proc))
				reap_check_finished_wait(tr, task);
			return linger_at_stop(tr, task, run);
		}
		/* aarch64's injection ends at an interrupt stop, after a
		 * call of the thread's own that may have been a wait: its
		 * result is in the registers (inject_aarch64.c). */
		if (!ARCH_INJECT_AT_ENTRY && reap_wants_wait_watch(task->proc))
			reap_check_finished_wait(tr, task);
		return run;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_stop(tr, task);
			killpoint("syscall-stop");
			/* With PTRACE_SYSCALL in effect an interrupt comes
			 * as a syscall stop, not PTRACE_EVENT_STOP. */
			if (task->interrupting) {
				task->interrupting = false;
				return linger_at_stop(tr, task, run);
			}
			return run;
		}
		if (sig == SIGCHLD)
			killpoint("sigchld-stop");
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
	case RESUME_MOVED:	/* handle_status's */
		return;
	case RESUME_LISTEN:
		err = pt_listen(task->tid);
		break;
	case RESUME_RUN:
		sys = reap_wants_wait_watch(task->proc);
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
	/* A thread now in syscall stops may complete a held child's wait. */
	if (r.how == RESUME_RUN && task->syscall_mode)
		release_held(tr, false);
}

/* Lets go of the children held at their exit stop whose parents are
 * watched now (reap_exit_stop), or all of them (flush).  Resuming one
 * can release others: start over after each, and not from inside. */
static void release_held(struct tracer *tr, bool flush)
{
	static bool busy;
	struct list_link *pos;
	double t;

	if (busy || list_empty(&tr->tasks.held))
		return;
	busy = true;
	t = now(tr);
again:
	for (pos = tr->tasks.held.next; pos != &tr->tasks.held; pos = pos->next) {
		struct proc *p = container_of(pos, struct proc, held);
		struct list_link *tp, *n;

		if (!flush && !reap_hold_over(tr, p, t))
			continue;
		list_del(&p->held);
		/* One at a time: letting go of one can free p. */
		list_for_each_safe(tp, n, &p->threads) {
			struct task *task = container_of(tp, struct task, in_proc);

			if (!task->stopped || task->group_stopped)
				continue;
			if (!task->exiting || !leave_at_exit(tr, task, true))
				resume(tr, task, (struct resume){
					.how = RESUME_RUN });
			break;
		}
		goto again;
	}
	busy = false;
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
	struct resume r;

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
	task->proc->stopped_once = true;
	r = dispatch_stop(tr, task, status);
	/* A call was run in it (reap.c, linger.c): it is in another stop,
	 * to be handled like any other (which may free task). */
	if (r.how == RESUME_MOVED)
		handle_status(tr, tid, r.status);
	else
		resume(tr, task, r);
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
		reap_learn_ns_pid(tr, p);
		ev.spawn.ppid = st.ppid;
		ev.spawn.creator = st.ppid;
		emit(tr, &ev);
	}
	free(intmap_del(&tr->tasks.early, tid));
	task = tasks_add_thread(&tr->tasks, p, tid);
	task->stopped = true;
	resume(tr, task, (struct resume){ .how = RESUME_RUN, .sig = 0 });
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
		if (!flush && reap_parent_on_its_way(tr, p, t)) {
			/* Later, at the tail: the list stays in order. */
			p->release_deadline = t + ATTRIBUTION_DELAY;
			list_del(&p->pending);
			list_add_tail(&tr->tasks.unattributed, &p->pending);
			continue;
		}
		reap_attribute_unseen(tr, p);
	}
	release_held(tr, flush);
	if (!list_empty(&tr->tasks.held)) {
		struct proc *p = container_of(tr->tasks.held.next, struct proc,
					      held);
		double due = p->hold_deadline > t ? p->hold_deadline - t : 0;

		if (next < 0 || due < next)
			next = due;
	}
	if (tr->tasks.early.len) {
		double due = run_early_deadlines(tr, t, flush);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (tr->diagnose_after > 0 && !flush) {
		double due = linger_scan(tr);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (!list_empty(&tr->diags)) {
		double due = linger_settle(tr, flush);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
	}
	if (tr->tasks.npolled) {
		double due;

		if (flush || t >= tr->next_poll)
			tr->next_poll = t + reap_poll(tr);
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
		reap_released(tr, p, now(tr), false);
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
	       list_empty(&tr->tasks.held) &&
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
	/* 0 stays 0: a look, not a 1 ms sleep. */
	int n, ms = seconds_to_ms_ceil(timeout);

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

		/* Held in a stop (an exit stop): no further stop would come. */
		if (task->stopped) {
			pt_detach(task->tid, 0);
			continue;
		}
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
		killpoint("detach");
		val = tasks_task(&tr->tasks, tid);
		if (val)
			((struct task *)val)->detaching = false;
	}
}

/* SA_RESTART: zwatch's other system calls go on undisturbed.  SIGHUP
 * stays ignored if zwatch was started so (nohup); SIGINT and SIGTERM are
 * caught even then (a shell ignores SIGINT in background jobs, and
 * kill -INT must still detach).  In launch mode PROG is forked before
 * this, so it inherits zwatch's own dispositions.  SIGPIPE is ignored:
 * an output piped into `head -1` must fail as a full disk does (EPIPE:
 * say so, detach, wait for PROG), not kill zwatch in the middle of a
 * stop it holds. */
static void catch_stop_signals(struct tracer *tr)
{
	struct sigaction sa = { .sa_handler = on_stop_signal,
				.sa_flags = SA_RESTART };

	signal(SIGPIPE, SIG_IGN);
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

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, orig_mask) < 0)
		return -errno;
	tr->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tr->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tr->sigfd < 0 || tr->epfd < 0 ||
	    epoll_ctl(tr->epfd, EPOLL_CTL_ADD, tr->sigfd, &ee) < 0)
		return -errno;
	/* Before 6.9 a pidfd says nothing at release: poll instead. */
	tr->have_pidfd = kfeatures()->pidfd_release;
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
 * Beyond the limit zombies are polled, and before it: pidfds leave room
 * for the kept /proc/PID/stat files (reap.c) and a sixteenth to spare, or
 * a horde of zombies would leave none to read /proc or write the output
 * with.  PROG gets the old limits back.  Returns the pidfds allowed. */
static int raise_fd_limit(void)
{
	struct rlimit rl;
	bool raised = false;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024 - 512;
	launch_orig_nofile = rl;
	for (rlim_t n = 1 << 20; n > rl.rlim_max && n >= 1 << 16 && !raised;
	     n >>= 1)
		raised = setrlimit(RLIMIT_NOFILE, &(struct rlimit){ n, n }) == 0;
	if (!raised) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > INT_MAX)
		return INT_MAX;
	return (int)(rl.rlim_cur - rl.rlim_cur / 16) - MAX_STAT_FDS - 64;
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
	tr->tasks.max_pidfds = raise_fd_limit();
	if (procfs_comm(tr->self, tr->self_comm, sizeof(tr->self_comm)) < 0)
		strcpy(tr->self_comm, "zwatch");
}

/* The stop signals stay caught: after the trace, zwatch still writes
 * its output (a report, the summary), and a late Ctrl-C or kill -INT,
 * which by then has nothing left to detach, must not cut it short. */
static void tracer_cleanup(struct tracer *tr)
{
	void *val;
	size_t i;

	for (i = 0; intmap_next(&tr->tasks.early, &i, &val);)
		free(val);
	tasks_free(&tr->tasks);
	intmap_free(&tr->ns_inits);
	stacker_free(tr->stacker);
	wake_tid = 0;
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

/* Whether a zombie we saw exit has not been released yet: 1, or 2 if
 * the parent of one is runnable (on a loaded machine it may not have had
 * a CPU yet to reap it: an untraced subreaper under ASan took longer than
 * ATTRIBUTION_DELAY, and its reap was missed). */
static int unreleased_zombies(struct tracer *tr)
{
	int found = 0;
	void *val;

	for (size_t i = 0; intmap_next(&tr->tasks.by_pid, &i, &val);) {
		const struct proc *p = val;

		if (!p->exited || p->release != REL_NONE || p->pid == tr->self)
			continue;
		if (reap_runnable(tr, p->parent))
			return 2;
		found = 1;
	}
	return found;
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
	for (double start = now(tr), left;
	     (left = unreleased_zombies(tr)) != 0 &&
	     now(tr) < start + (left == 2 ? RUNNABLE_GRACE : ATTRIBUTION_DELAY);) {
		wait_events(tr, 0.005);		/* a pidfd, or a moment */
		if (tr->tasks.npolled)
			reap_poll(tr);
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

/* The output failed and every tracee was let go, but PROG is still our
 * child: a shell running `zwatch -w F -- make && install` must not go on
 * while make still runs, orphaned.  Waits for it, as without zwatch. */
static void wait_root_untraced(struct tracer *tr)
{
	int status;

	warnx_("waiting for %d to end", tr->root);
	restore_stop_signals(tr);
	while (waitpid(tr->root, &status, 0) < 0 && errno == EINTR)
		;
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
	if (!stop_signal && model_failed(model) && !tr.root_done)
		wait_root_untraced(&tr);
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
		reap_ns_pid(tr, p);	/* zombies among them get reaped soon */
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
			reap_arm_wait_watch(parent, true);
		}
		reap_watch(tr, p, false);	/* it may be reaped already */
	}
}

static void detach_inventory(const struct attach_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = 0; k < set->procs[i].ntids; k++)
			pt_detach(set->procs[i].tids[k], 0);
}

/* zwatch itself, then its tracer, that one's tracer...: what -p must
 * not seize (a tracer stopped by zwatch cannot let zwatch go on). */
static size_t own_chain(int self, int *chain, size_t max)
{
	struct proc_status st;
	size_t n = 0;

	chain[n++] = self;
	while (n < max && procfs_status(chain[n - 1], 0, &st) == 0 &&
	       st.tracer > 0) {
		for (size_t i = 0; i < n; i++)
			if (chain[i] == st.tracer)
				return n;
		chain[n++] = st.tracer;
	}
	return n;
}

/* Refuses a target that can never be traced, before any is seized:
 * -EINVAL after saying why, or 0. */
static int check_target(const struct tracer *tr,
			const struct attach_set *set, int pid)
{
	if (pid == tr->self) {
		warnx_("cannot attach to %d: that is zwatch itself", pid);
		return -EINVAL;
	}
	for (size_t k = 1; k < set->nskip; k++) {
		if (pid == set->skip[k]) {
			warnx_("cannot attach to %d: it traces zwatch "
			       "(each would wait for the other)", pid);
			return -EINVAL;
		}
	}
	if (attach_is_kthread(pid)) {
		warnx_("cannot attach to %d: it is a kernel thread (no "
		       "program runs in it)", pid);
		return -EINVAL;
	}
	return 0;
}

/* -p TID of a thread other than its process's leader means that
 * process: its records are by process id, like everything else. */
static int target_process(int pid)
{
	struct proc_status st;

	if (procfs_status(pid, 0, &st) < 0 || st.tgid <= 0 || st.tgid == pid)
		return pid;
	warnx_("%d is a thread of process %d: attaching to %d", pid, st.tgid,
	       st.tgid);
	return st.tgid;
}

/* Seizes every target; on any failure lets go of all and says why. */
static int attach_targets(struct tracer *tr, const struct options *opts,
			  struct attach_set *set)
{
	int *pids = xmalloc(opts->npids * sizeof(*pids)), err = 0;

	for (size_t i = 0; i < opts->npids && !err; i++) {
		pids[i] = target_process(opts->pids[i]);
		err = check_target(tr, set, pids[i]);
	}
	for (size_t i = 0; i < opts->npids && !err; i++) {
		int pid = pids[i];

		if (attach_set_has(set, pid))
			continue;
		err = attach_tree(pid, !opts->targets_only, PTRACE_OPTIONS, set);
		if (err < 0)
			yama_explain(pid, err);
	}
	free(pids);
	return err;
}

int tracer_attach(const struct options *opts, struct model *model)
{
	struct attach_set set = { 0 };
	struct tracer tr;
	sigset_t orig_mask;
	int err, chain[16];

	if (tracer_begin(&tr, opts, model, true) < 0)
		return 1;
	set.nskip = own_chain(tr.self, chain, ARRAY_SIZE(chain));
	set.skip = chain;
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
