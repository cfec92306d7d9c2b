/* reap.c - who released each zombie: its parent's wait (seen at a syscall
 * or SIGCHLD stop), the kernel (SIG_IGN, SA_NOCLDWAIT), an adopter; and
 * watching zombies until they are released (a pidfd each, or polling).
 * doc/INTERNALS.md tells the order of evidence.
 */
#include "config.h"
#include "tracer_int.h"
#include "decode.h"
#include "diagnose.h"
#include "event.h"
#include "ptrace_util.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PF_EXITING 0x4
#define PF_SIGNALED 0x400	/* set as a fatal signal ends it, before PF_EXITING */

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

static bool ignores_sigchld(const struct proc_stat *ps)
{
	return ps->sig_ignore & (1ULL << (SIGCHLD - 1));
}

/* Does pid ignore SIGCHLD?  Not trusted from a pid namespace init that is
 * exiting: the kernel sets SIG_IGN then (zap_pid_ns_processes), after it
 * may have reaped children itself. */
bool reap_sigchld_ignored(struct tracer *tr, int pid)
{
	struct proc_stat ps;

	/* /proc/PID/stat is much cheaper to produce than status. */
	if (stat_of(tr, pid, &ps) < 0 || !ignores_sigchld(&ps))
		return false;
	return !(ps.flags & PF_EXITING) || !reap_is_ns_init(tr, pid);
}

/* At p's exit: is its parent, traced and alive, not exiting?  Then it
 * has neither handed p to an adopter nor an exit of its own queued for us
 * (both come after PF_EXITING), and what it does with SIGCHLD, which
 * decides a release by the kernel at this very moment, is known.  One
 * pread of a kept descriptor instead of a waitid() and a /proc read. */
bool reap_parent_stays(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	struct proc_stat ps;

	if (!parent || parent->exited || parent->nthreads == 0 ||
	    stat_of(tr, parent->pid, &ps) < 0 || ps.state == 'Z' ||
	    ps.state == 'X')
		return false;
	/* Dying already (SIGKILLed, say): it waits no more, unless it is a
	 * namespace's init, or has other threads (the flag is the
	 * leader's).  Proof only if p is still unreleased after this read
	 * (reap_watch): make reaps its last child, then exits. */
	if (ps.flags & (PF_EXITING | PF_SIGNALED)) {
		p->parent_dying = !parent->threaded &&
				  !reap_is_ns_init(tr, parent->pid);
		return false;
	}
	/* So is a parent SIGKILLed while suspended in p's vfork: it goes
	 * from there to its exit, never into a wait.  (SIGKILL is put in
	 * each thread's own pending set: stat field 31 shows it.) */
	if (p->vforked && !parent->threaded &&
	    (ps.sig_pending & (1ULL << (SIGKILL - 1))))
		p->parent_dying = !reap_is_ns_init(tr, parent->pid);
	p->parent_ign = ignores_sigchld(&ps);
	/* A parent that blocks SIGCHLD right now gets no stop for this
	 * exit: it is to be interrupted (make blocks it except in
	 * pselect(), bash around its waitpid()).  Its leader's mask. */
	if (ps.sig_blocked & (1ULL << (SIGCHLD - 1)))
		parent->quiet_reaper = true;
	return true;
}

/* p's pid in a nested pid namespace, 0 if it lives in ours.  Learnt on
 * first need, not at each fork (a /proc read per fork cost 15% of a fork
 * storm): a process never changes its own pid namespace.  Needs p alive
 * or a zombie. */
int reap_ns_pid(struct tracer *tr, struct proc *p)
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
void reap_learn_ns_pid(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);

	if (parent && reap_ns_pid(tr, parent)) {
		reap_ns_pid(tr, p);
		/* The init of its namespace, should it have to reap p. */
		p->ns_init = parent->ns_pid == 1 ? parent->pid : parent->ns_init;
	}
}

/* The init of p's nested pid namespace if it is dying or gone: it kills
 * every process in there and reaps those left to it as it dies
 * (zap_pid_ns_processes), so an orphan released then is its own.  0 if
 * there is none, or it lives on. */
static int dying_ns_init(struct tracer *tr, const struct proc *p)
{
	struct proc *init = p->ns_init ? tasks_proc(&tr->tasks, p->ns_init) :
			    NULL;

	if (!p->ns_init || p->ns_init == tr->self)
		return 0;
	if (init && !init->exited && init->exit_stop_t <= 0)
		return 0;
	return p->ns_init;
}

/* The init of a pid namespace (ours: pid 1; a nested one: pid 1 inside).
 * Known for the processes we track even after they are gone. */
bool reap_is_ns_init(struct tracer *tr, int pid)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);
	struct proc_status st;

	if (pid == 1 || (tr->is_init && pid == tr->self) ||
	    intmap_get(&tr->ns_inits, pid))
		return true;
	if (p)
		return reap_ns_pid(tr, p) == 1;
	return procfs_status(pid, 0, &st) == 0 && st.nspid_inner == 1;
}

enum zw_reaper reap_classify(struct tracer *tr,
			     const struct proc *p, int by)
{
	if (by == p->ppid_at_birth)
		return ZW_REAPER_PARENT;
	if (reap_is_ns_init(tr, by))
		return ZW_REAPER_INIT;
	return ZW_REAPER_SUBREAPER;
}

/* p is about to be forgotten: its children keep when it died, so that a
 * release of theirs seen later is not blamed on it. */
static void note_orphans(struct proc *p)
{
	struct list_link *pos;

	/* Its last exit stop, if seen, is when it stopped waiting. */
	double t = p->exit_stop_t > 0 ? p->exit_stop_t : p->exit_t;

	for (pos = p->children.next; pos != &p->children; pos = pos->next)
		container_of(pos, struct proc, sibling)->orphaned_at = t;
}

/* The name of a reaper the model has no record of (pid 1, zwatch
 * itself, a subreaper outside the trace), so that no report has to show
 * it as a bare number: /proc now, while it is reaping.  One read per
 * such release; a reaper the trace follows costs nothing. */
static const char *untraced_reaper_comm(struct tracer *tr, int by,
					char *buf, size_t len)
{
	if (by <= 0 || model_lookup(tr->model, by))
		return NULL;
	if (by == tr->self)
		return tr->self_comm;
	return procfs_comm(by, buf, len) == 0 ? buf : NULL;
}

/* The zombie p is gone: say who released it, and forget it. */
void reap_finish(struct tracer *tr, struct proc *p, double t, int by,
		 int by_tid, enum zw_reaper reaper, const char *syscall,
		 const char *via)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	struct zw_event ev = { .type = ZW_EV_REAP, .t = t, .pid = p->pid };
	char comm[16];

	ev.reap.by_comm = untraced_reaper_comm(tr, by, comm, sizeof(comm));
	ev.reap.by = by;
	ev.reap.by_tid = by_tid;
	ev.reap.reaper = reaper;
	ev.reap.syscall = syscall;
	ev.reap.via = via ? via : "release";
	emit(tr, &ev);
	if (parent && parent->zombies > 0)
		parent->zombies--;
	note_orphans(p);
	tasks_del_proc(&tr->tasks, p);
}

/* The zombie p was handed to adopter, unseen till now (its parent died
 * first): say so before its reap. */
static void handed_to(struct tracer *tr, struct proc *p, int adopter,
		      double t)
{
	struct zw_event ev = { .type = ZW_EV_REPARENT, .t = t, .pid = p->pid };
	struct proc *np = tasks_proc(&tr->tasks, adopter);

	if (p->parent == adopter)
		return;
	ev.reparent.from = p->parent;
	ev.reparent.to = adopter;
	emit(tr, &ev);
	tasks_set_parent(&tr->tasks, p, adopter);
	/* Counted as the adopter's, which reap_finish undoes. */
	if (np)
		np->zombies++;
}

/* Released, and no wait of a traced parent explains it: decide from the
 * evidence there is.  SIGCHLD ignored (SigIgn) means the kernel released
 * it.  A release the very moment we collected the exit is either the
 * kernel's (SA_NOCLDWAIT, invisible in /proc) or a parent thread that was
 * already blocked in a wait; on_signal_stop settles that for a
 * single-threaded parent, and here it counts as the parent's.  If the
 * parent it had is dead, it was adopted and released before we could see
 * by whom: say so rather than guess. */
void reap_attribute_unseen(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);
	double t = p->release == REL_PENDING ? p->released_at : now(tr);

	/* A dead parent's SigIgn says nothing (an exiting process's
	 * dispositions are torn down); it was read at the release instead. */
	if (p->parent_ign == 1 ||
	    ((!parent || !parent->exited) && reap_sigchld_ignored(tr, p->parent))) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_AUTOREAP, NULL, NULL);
		return;
	}
	/* A pid namespace's init reaps the children it leaves as it dies
	 * (zap_pid_ns_processes, after its exit stop, before its exit is
	 * reported; dumb-init exits as soon as it has reaped its own child):
	 * a release after that is the init's, even with its record gone. */
	if ((parent ? parent->exited || parent->exit_stop_t > 0 :
	     p->orphaned_at > 0) && p->parent != tr->self &&
	    reap_is_ns_init(tr, p->parent)) {
		reap_finish(tr, p, t, p->parent, 0,
			    reap_classify(tr, p, p->parent), NULL, NULL);
		return;
	}
	/* Its parent dead or dying, in a namespace whose init is dying:
	 * the init reaped it (SIGKILLed with the rest, its parent too). */
	if ((!parent || parent->exited || parent->exit_stop_t > 0 ||
	     p->parent_dying) && dying_ns_init(tr, p)) {
		handed_to(tr, p, p->ns_init, t);
		reap_finish(tr, p, t, p->ns_init, 0,
			    reap_classify(tr, p, p->ns_init), NULL, NULL);
		return;
	}
	/* Released after its parent died, with no adopter seen: unknown.
	 * A release as its exit was collected was its parent's (blocked in
	 * a wait), even if the parent died right after (whose exit we may
	 * have handled first: collect_exited_parent). */
	if (parent && parent->exited && parent->exit_t < t && !p->maybe_autoreap) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL, NULL);
		return;
	}
	/* Released after its parent's last exit stop, which settled those
	 * released before: an adopter took it, after the parent died. */
	if (parent && parent->exit_stop_t > 0 && parent->exit_stop_t <= t) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL, NULL);
		return;
	}
	/* Adopted and being released as its parent's death was handled; or
	 * the same as above for a parent already forgotten; or its parent
	 * was dying before the release (an adopter we do not trace took
	 * it, and /proc never named it). */
	if (p->adopted_unseen || p->parent_dying) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL, NULL);
		return;
	}
	/* Found (-p) with parent 0 in /proc: being released right then. */
	if (p->parent <= 0) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL, NULL);
		return;
	}
	if (!parent && p->orphaned_at > 0 && p->orphaned_at < t &&
	    !p->maybe_autoreap) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_NONE, NULL, NULL);
		return;
	}
	/* From now on, stop this parent as soon as it has a zombie. */
	if (parent)
		parent->quiet_reaper = true;
	reap_finish(tr, p, t, p->parent, 0, reap_classify(tr, p, p->parent),
		    NULL, NULL);
}

/* p's release is due for attribution, and no stop of its parent told.
 * A parent still runnable may not have had a CPU since (a wait that
 * reaped makes it runnable until its syscall-exit stop; a SIGCHLD
 * pending makes it so until its signal stop, which tells an autoreap):
 * on a loaded machine that took longer than ATTRIBUTION_DELAY (a horde
 * under ASan: 110 ms, and its autoreap was taken for the parent's
 * reap).  So the decision waits while the parent is runnable, up to
 * RUNNABLE_GRACE after the release. */
bool reap_parent_on_its_way(struct tracer *tr, const struct proc *p, double t)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);

	if (!parent || parent->exited || parent->nthreads == 0 ||
	    t - p->released_at > RUNNABLE_GRACE)
		return false;
	return reap_runnable(tr, parent->pid);
}

/* Whether pid, traced or not, is runnable (state R) right now. */
bool reap_runnable(struct tracer *tr, int pid)
{
	struct proc_stat ps;

	return pid > 0 && stat_of(tr, pid, &ps) == 0 && ps.state == 'R';
}

/* p was released at time t.  If its parent is traced and alive, the stop
 * that shows the wait is at most moments away: wait for it briefly. */
void reap_released(struct tracer *tr, struct proc *p, double t,
		   bool at_exit)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);

	if (p->release != REL_NONE)
		return;
	tasks_unwatch(&tr->tasks, p);
	p->released_at = t;
	p->maybe_autoreap = at_exit;
	/* Read now: the parent may be gone when the deadline comes. */
	if (at_exit && (p->parent_ign >= 0 ? p->parent_ign == 1 :
			reap_sigchld_ignored(tr, p->parent))) {
		reap_finish(tr, p, t, 0, 0, ZW_REAPER_AUTOREAP, NULL, NULL);
		return;
	}
	/* An untraced parent: no stop will tell.  A dead one's orphan was
	 * released by its adopter, whose wait may yet be seen. */
	if (!parent ? !p->orphaned_at : parent->nthreads == 0 && !parent->exited) {
		reap_attribute_unseen(tr, p);
		return;
	}
	p->release = REL_PENDING;
	p->release_deadline = now(tr) + ATTRIBUTION_DELAY;
	/* At the tail: the list stays in deadline order. */
	list_add_tail(&tr->tasks.unattributed, &p->pending);
}


/* Watch the zombie p until someone releases it.  Returns true if it is
 * still a zombie; false if it is released already (and p may be gone).
 * Without a pidfd (old kernel, or out of descriptors: here the hard limit
 * can be 20,000 and only CAP_SYS_RESOURCE raises it) it is polled with
 * kill(pid, 0) now and then (reap_poll). */
bool reap_watch(struct tracer *tr, struct proc *p, bool at_exit)
{
	struct epoll_event ee = { .events = 0, .data.u64 = (uint64_t)p->pid };
	int fd;

	/* Released already (autoreaped at exit)?  A pidfd says so even
	 * where it says nothing at release (before 6.9: have_pidfd false). */
	fd = pidfd_open_pid(p->pid);
	if (fd < 0 && errno == ESRCH) {
		p->parent_dying = false;	/* proves nothing now */
		reap_released(tr, p, now(tr), at_exit);
		return false;
	}
	if (fd >= 0 && tr->tasks.pidfds >= tr->tasks.max_pidfds) {
		close(fd);	/* keep descriptors for /proc and the output */
		fd = -1;
	}
	if (fd < 0 || !tr->have_pidfd) {
		/* EMFILE and friends, or an old kernel: poll this one. */
		if (fd >= 0)
			close(fd);
		tasks_watch_poll(&tr->tasks, p);
		return true;
	}
	/* Only EPOLLHUP (always reported) matters: release, not exit.  One
	 * that happened already is reported by the next epoll_wait(). */
	if (epoll_ctl(tr->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		close(fd);
		tasks_watch_poll(&tr->tasks, p);
		return true;
	}
	tasks_watch_pidfd(&tr->tasks, p, fd);
	return true;
}

/* The zombie p was let go at its exit stop: its parent sees it as without
 * us.  Its release needs no pidfd yet (nor the epoll loop one costs, four
 * system calls per event instead of one) when the parent's next stop is
 * sure to come first: a single thread that neither ignores nor blocks
 * SIGCHLD (read at p's exit stop) cannot wait for p without first
 * stopping for p's SIGCHLD, pending from the moment p is a zombie: that
 * stop shows the wait it returns from, or that none took p.  So the
 * watch starts there (reap_watch_deferred), or when the parent exits or
 * gets a thread.  Returns true if p's watch is deferred so. */
bool reap_defer_watch(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->parent);

	if (!p->detached || !parent || parent->exited ||
	    parent->nthreads != 1 || parent->quiet_reaper ||
	    p->parent_ign != 0 || parent->nocldwait == 1)
		return false;
	tasks_defer_watch(parent, p);
	return true;
}

/* parent is at a stop (fast: a signal or thread-creation stop, where a
 * release no wait showed was the kernel's or a call's no stop shows, as
 * in note_fast_detached), or exiting: its zombies whose watch was
 * deferred are watched now, or found released. */
void reap_watch_deferred(struct tracer *tr, struct proc *parent, bool fast)
{
	while (!list_empty(&parent->unwatched)) {
		struct proc *c = container_of(parent->unwatched.next,
					      struct proc, unwatched_link);

		list_del(&c->unwatched_link);
		reap_watch(tr, c, fast);
	}
}

/* The polled zombies: one pass of kill(pid, 0) finds the released, then
 * they are settled (which edits the list, hence not during the pass).
 * Returns seconds until the next pass: 20 ms, longer for a horde, so
 * that polling costs at most about 50,000 kill()s a second. */
double reap_poll(struct tracer *tr)
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
			reap_released(tr, p, now(tr), false);
	}
	free(gone);
	return POLL_PERIOD * (tr->tasks.npolled > 1000 ?
			      tr->tasks.npolled / 1000.0 : 1);
}

/* ---- waits ------------------------------------------------------------- */

bool reap_is_wait(long nr)
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
int reap_own_view_pid(struct tracer *tr, struct proc *parent, int pid)
{
	struct proc *p = tasks_proc(&tr->tasks, pid);
	struct list_link *pos;

	if (p && p->parent == parent->pid)
		return pid;
	if (!reap_ns_pid(tr, parent))
		return pid;	/* the parent sees pids as we do */
	for (pos = parent->children.next; pos != &parent->children; pos = pos->next) {
		struct proc *c = container_of(pos, struct proc, sibling);

		/* Reaped children are gone from /proc: on_proc_exit learnt
		 * theirs while they were zombies. */
		if (reap_ns_pid(tr, c) == pid)
			return c->pid;
	}
	return pid;
}

/* A wait of task finished (seen at its syscall-exit stop, or at a later
 * signal-delivery stop: fresh says which).  At a signal-delivery stop the
 * registers may show an old call, so only a reap of a zombie nobody
 * claimed yet counts there. */
void reap_wait_done(struct tracer *tr, struct task *task, long nr,
		    const unsigned long *args, long ret, bool fresh)
{
	struct zw_event ev = { 0 };
	int child = decode_wait(task, nr, args, ret, &ev);
	struct proc *p = NULL;
	double t = now(tr);

	if (child) {
		child = reap_own_view_pid(tr, task->proc, child);
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
		/* Its zombie is the adopter's now: reap_finish takes it off
		 * the adopter's count, which must not drop its other ones
		 * (it would stop watching the adopter's waits too soon). */
		task->proc->zombies++;
	}
	if (p)
		reap_finish(tr, p, p->release == REL_PENDING ? p->released_at : t,
			    task->proc->pid, task->tid,
			    reap_classify(tr, p, task->proc->pid), ev.wait.syscall,
			    fresh ? "syscall" : "registers");
}

/* At a signal-delivery stop: did the thread just finish a wait?  Returns
 * the system call it was in (-1: none, or user code). */
long reap_check_finished_wait(struct tracer *tr, struct task *task)
{
	arch_regs regs;
	unsigned long args[6];
	long nr;

	if (pt_getregs(task->tid, &regs) < 0)
		return -1;
	nr = arch_syscall_nr(&regs);
	if (!reap_is_wait(nr))
		return nr;
	for (int i = 0; i < 6; i++)
		args[i] = arch_syscall_arg(&regs, i);
	reap_wait_done(tr, task, nr, args, arch_syscall_ret(&regs), false);
	return nr;
}

bool reap_wants_wait_watch(const struct proc *p)
{
	return p->zombies > 0 || p->exiting_children > 0;
}

/* Would every wait of p be seen now?  A single-threaded parent that does
 * not block SIGCHLD needs nothing: its child's SIGCHLD stops it before it
 * can wait, or right at the return of the wait it was blocked in.  Other
 * parents need each thread in syscall stops (or stopped by us, which
 * resumes it so). */
bool reap_parent_watched(const struct proc *p)
{
	struct list_link *pos;

	if (p->nthreads < 2 && !p->quiet_reaper)
		return true;
	for (pos = p->threads.next; pos != &p->threads; pos = pos->next) {
		struct task *t = container_of(pos, struct task, in_proc);

		if (!t->syscall_mode && !t->stopped && !t->exiting &&
		    !t->startup && !t->group_stopped)
			return false;
	}
	return true;
}

/* Has the zombie p been released?  Its pidfd says, or kill(). */
static bool is_released(const struct proc *p)
{
	if (p->pidfd >= 0)
		return pidfd_state(p->pidfd) & POLLHUP;
	return kill(p->pid, 0) < 0 && errno == ESRCH;
}

/* p's last thread is at its exit stop: its children are still its own
 * (they go to an adopter only later in the kernel's exit path).  Those of
 * its zombies released already were released by p (or the kernel), not
 * by an adopter, however soon the adopter shows: settle it now, while p
 * is alive.  (B blocks SIGCHLD and reaps C after sigwaitinfo(), which
 * takes the signal without a stop, and exits at once.) */
static void settle_released_children(struct tracer *tr, struct proc *p)
{
	struct list_link *pos, *n;

	if (!p->zombies)
		return;
	reap_watch_deferred(tr, p, false);
	list_for_each_safe(pos, n, &p->children) {
		struct proc *c = container_of(pos, struct proc, sibling);

		if (c->exited && c->release == REL_NONE && is_released(c))
			reap_released(tr, c, now(tr), false);
	}
}

/* task is at its PTRACE_EVENT_EXIT stop.  If it is the last thread of its
 * process to get there, the process is about to be a zombie that its
 * parent may reap at once: a parent whose threads we would only switch to
 * syscall stops after collecting the exit (make: SIGCHLD blocked outside
 * pselect(); tini: sigwaitinfo(), then waitpid(WNOHANG)) reaps it and
 * even exits before that.  So the parent's waits are watched from now,
 * and task is held here (true) until they are, for at most
 * ATTRIBUTION_DELAY (a thread in a vfork() cannot be interrupted). */
bool reap_exit_stop(struct tracer *tr, struct task *task)
{
	struct proc *p = task->proc, *parent;

	if (!task->exiting) {
		task->exiting = true;
		p->exiting++;
	}
	if (p->exiting < p->nthreads || p->prearmed)
		return false;
	settle_released_children(tr, p);
	/* A release of its children after this stop is its own only if it
	 * is a pid namespace's init (reap_attribute_unseen): learn that
	 * while /proc still shows it. */
	if (!list_empty(&p->children))
		reap_ns_pid(tr, p);
	p->exit_stop_t = now(tr);
	parent = tasks_proc(&tr->tasks, p->parent);
	if (!parent || parent->nthreads == 0 || parent->pid == tr->self)
		return false;
	p->prearmed = parent->pid;
	parent->exiting_children++;
	p->stays = reap_parent_stays(tr, p);
	reap_arm_wait_watch(parent, false);
	if (reap_parent_watched(parent))
		return false;
	p->hold_deadline = now(tr) + ATTRIBUTION_DELAY;
	list_add_tail(&tr->tasks.held, &p->held);
	return true;
}

/* p's exit is being handled: its parent's count of exiting children
 * gives way to the count of zombies. */
void reap_exit_done(struct tracer *tr, struct proc *p)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->prearmed);

	if (parent && parent->exiting_children > 0)
		parent->exiting_children--;
	p->prearmed = 0;
	list_del(&p->held);
}

/* Is the held p to be let go now (its parent watched, dead, or the
 * deadline passed)? */
bool reap_hold_over(struct tracer *tr, const struct proc *p, double t)
{
	struct proc *parent = tasks_proc(&tr->tasks, p->prearmed);

	return !parent || parent->nthreads == 0 || t >= p->hold_deadline ||
	       reap_parent_watched(parent);
}

/* p has a new zombie child.  Its threads switch to syscall stops at their
 * next stop; a single-threaded parent gets one soon anyway (SIGCHLD).
 * But the thread that reaps may not be the one SIGCHLD stops, and a
 * parent that blocks SIGCHLD (signalfd, sigwait) does not stop at all:
 * for those, interrupt the threads now.  A wait they were blocked in is
 * restarted by the kernel, and so seen from its start. */
void reap_arm_wait_watch(struct proc *p, bool force)
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
	if (nocldwait < 0 && (parent->threaded || parent->quiet_reaper))
		return;
	list_for_each_safe(pos, n, &tr->tasks.unattributed) {
		struct proc *p = container_of(pos, struct proc, pending);

		if (!p->maybe_autoreap || p->parent != parent->pid)
			continue;
		/* An adopted one: its adopter's waits were not watched from
		 * its exit, so only a disposition read says it was the
		 * kernel (stress_trees: an adopter's unseen wait taken for
		 * an autoreap).  Its deadline settles it otherwise. */
		if (nocldwait < 0 && p->parent != p->ppid_at_birth)
			continue;
		if (nocldwait) {
			reap_finish(tr, p, p->released_at, 0, 0,
				    ZW_REAPER_AUTOREAP, NULL, NULL);
			continue;
		}
		/* Not the kernel: the parent, in a wait no stop showed
		 * (SIGCHLD blocked then).  Watch its waits from now on. */
		parent->quiet_reaper = true;
		reap_finish(tr, p, p->released_at, parent->pid, 0,
			    reap_classify(tr, p, parent->pid), NULL, NULL);
	}
}

/* Stopped for SIGCHLD right after a system call, the parent can be asked:
 * rt_sigaction() run in it (diagnose_sigaction) says whether SA_NOCLDWAIT
 * is set.  Returns 1 or 0, or -1 if it cannot be asked.  To be asked it is
 * taken on to its next system call, the SIGCHLD of this stop delivered on
 * the way as it came; then *r says the thread moved to the stop it is in
 * now, for tracer.c to handle. */
static int probe_nocldwait(struct task *task, const siginfo_t *si,
			   struct resume *r)
{
	struct diag_sigaction sa = { .known = false };
	int status = 0, err;

	err = diagnose_sigaction(task->proc->pid, task->tid, &sa, &status);
	/* An interrupt of ours that was due may have been taken by the
	 * injection's steps; a later one just resumes. */
	task->interrupting = false;
	(void)si;
	if (status)
		*r = (struct resume){ .how = RESUME_MOVED, .status = status };
	if (err < 0 || !sa.known)
		return -1;
	task->proc->nocldwait = (sa.flags & SA_NOCLDWAIT) ||
				sa.handler == (unsigned long)SIG_IGN;
	return task->proc->nocldwait;
}

enum zombie_state { ZS_EXITING, ZS_ZOMBIE, ZS_RELEASED };

/* Where c, let go at its exit stop, is now, as /proc says: state Z (a
 * zombie the kernel has notified its parent of), X (EXIT_DEAD: being
 * released), gone, or still exiting.  Out of descriptors, kill() tells a
 * release only. */
static enum zombie_state proc_zombie_state(const struct proc *c)
{
	struct proc_stat st;
	int err = procfs_stat(c->pid, &st);

	if (err == -ENOENT || err == -ESRCH || (err == 0 && st.state == 'X'))
		return ZS_RELEASED;
	if (err == 0)
		return st.state == 'Z' ? ZS_ZOMBIE : ZS_EXITING;
	return is_released(c) ? ZS_RELEASED : ZS_EXITING;
}

/* The same from c's pidfd, if it has one: POLLIN from exit_notify on,
 * POLLHUP once released.  (POLLIN also while EXIT_DEAD.) */
static enum zombie_state zombie_state(const struct proc *c)
{
	short ev;

	if (c->pidfd < 0)
		return proc_zombie_state(c);
	ev = pidfd_state(c->pidfd);
	return ev & POLLHUP ? ZS_RELEASED : ev & POLLIN ? ZS_ZOMBIE : ZS_EXITING;
}

/* exit_notify makes the zombie and, under SA_NOCLDWAIT, marks it
 * EXIT_DEAD at once, inside one hold of the tasklist lock, and releases it
 * just after; a pidfd and /proc read the state without the lock, so a
 * zombie seen there can be an instant from its release.  A wait takes the
 * lock: once one has returned, /proc's Z is a zombie to stay until someone
 * reaps it.  (c is not our child any more: the wait only fails, ECHILD.) */
static enum zombie_state settled_zombie_state(const struct proc *c)
{
	siginfo_t si;

	waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL);
	return proc_zombie_state(c);
}

/* The parent is at a SIGCHLD stop, and no wait of its took them: its
 * children let go at their exit stop (whose waits were watched from
 * before they were zombies) that are released already were released the
 * moment they became zombies, by the kernel (SA_NOCLDWAIT) or by a reap
 * no system call shows (io_uring): settled as fast releases below.  One
 * found a zombie, unreleased, was not autoreaped, and its pidfd watches
 * it from now on: not asked again, or a horde of zombies costs a poll()
 * each at every SIGCHLD stop.  One still exiting is asked at the next. */
static void note_fast_detached(struct tracer *tr, struct proc *parent)
{
	struct list_link *pos, *n;

	list_for_each_safe(pos, n, &parent->unchecked) {
		struct proc *c = container_of(pos, struct proc, unchecked_link);
		enum zombie_state zs;

		if (!c->exited)
			continue;
		if (c->release == REL_PENDING) {
			c->maybe_autoreap = true;
			continue;
		}
		zs = zombie_state(c);
		if (zs == ZS_ZOMBIE && parent->nocldwait != 0)
			zs = settled_zombie_state(c);
		if (zs == ZS_RELEASED)
			reap_released(tr, c, now(tr), true);
		else if (zs == ZS_ZOMBIE)
			tasks_checked(c);
	}
}

/* The SIGCHLD stop of task's process, which was in system call nr (-1:
 * user code): releases seen as their exits were collected are settled
 * here if they can be.  Returns how to restart the thread (r, or hold if
 * it left this stop meanwhile). */
struct resume reap_at_sigchld(struct tracer *tr, struct task *task,
			      const siginfo_t *si, long nr, struct resume r)
{
	int nocldwait = -1;

	if (si->si_code <= 0)
		return r;
	if (task->proc->zombies)
		note_fast_detached(tr, task->proc);
	if (!has_fast_releases(tr, task->proc))
		return r;
	/* After a call that is not a wait (that did not take them), ask,
	 * once per program (dispositions rarely change; exec resets them);
	 * in user code, the stop itself is the evidence. */
	nocldwait = task->proc->nocldwait;
	if (nocldwait < 0 && nr >= 0)
		nocldwait = probe_nocldwait(task, si, &r);
	if (nocldwait >= 0 || !unblocks_signals(nr))
		settle_fast_releases(tr, task->proc, nocldwait);
	return r;
}
