/* attach.c - seizing running processes and taking their inventory.
 *
 * PTRACE_SEIZE does not stop the tracee.  Threads a seized thread creates
 * are auto-attached, but one not seized yet may still spawn: so the task
 * list is re-read until a pass finds nothing new.  Children are listed
 * after their parent's threads are all seized, for the same reason; one
 * born in between is already ours and comes through the fork event.
 */
#include "config.h"
#include "attach.h"
#include "procfs.h"
#include "ptrace_util.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool attach_set_has(const struct attach_set *set, int pid)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->procs[i].pid == pid)
			return true;
	return false;
}

#define PF_KTHREAD 0x00200000	/* stat field 9: a kernel thread */

bool attach_is_kthread(int pid)
{
	struct proc_stat st;

	return procfs_stat(pid, &st) == 0 && (st.flags & PF_KTHREAD);
}

void attach_set_free(struct attach_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->procs[i].tids);
	free(set->procs);
	memset(set, 0, sizeof(*set));
}

static struct attach_proc *add_proc(struct attach_set *set,
				    const struct proc_stat *st, int pid)
{
	struct attach_proc *ap;

	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 16;
		set->procs = xrealloc(set->procs, set->cap * sizeof(*set->procs));
	}
	ap = &set->procs[set->n++];
	memset(ap, 0, sizeof(*ap));
	ap->pid = pid;
	ap->ppid = st->ppid;
	ap->state = st->state;
	ap->exit_code = st->exit_code;
	memcpy(ap->comm, st->comm, sizeof(ap->comm));
	return ap;
}

static bool has_tid(const struct attach_proc *ap, int tid)
{
	for (size_t i = 0; i < ap->ntids; i++)
		if (ap->tids[i] == tid)
			return true;
	return false;
}

struct seize_pass {
	struct attach_proc *ap;
	unsigned long options;
	int first_err;
	bool found_new;
};

static void seize_one(int tid, void *arg)
{
	struct seize_pass *sp = arg;
	struct attach_proc *ap = sp->ap;
	int err;

	if (has_tid(ap, tid))
		return;
	err = pt_seize(tid, sp->options);
	if (err < 0) {
		if (err != -ESRCH && !sp->first_err)
			sp->first_err = err;
		return;
	}
	if (ap->ntids == ap->cap) {
		ap->cap = ap->cap ? 2 * ap->cap : 8;
		ap->tids = xrealloc(ap->tids, ap->cap * sizeof(*ap->tids));
	}
	ap->tids[ap->ntids++] = tid;
	sp->found_new = true;
}

/* Seizes every thread of ap->pid; 0 or the first error if none could be. */
static int seize_threads(struct attach_proc *ap, unsigned long options)
{
	struct seize_pass sp = { ap, options, 0, true };

	while (sp.found_new) {
		sp.found_new = false;
		if (procfs_each_task(ap->pid, seize_one, &sp) < 0)
			break;
	}
	if (ap->ntids)
		return 0;
	return sp.first_err ? sp.first_err : -ESRCH;
}

struct queue {
	int *pids;
	size_t head, n, cap;
};

static void push(int pid, void *arg)
{
	struct queue *q = arg;

	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 16;
		q->pids = xrealloc(q->pids, q->cap * sizeof(*q->pids));
	}
	q->pids[q->n++] = pid;
}

/* A descendant that refuses to be seized because it is ours already was
 * born after its parent was seized: the fork event brings it. */
static bool already_ours(int pid)
{
	struct proc_status st;

	return procfs_status(pid, 0, &st) == 0 && st.tracer == getpid();
}

/* A descendant that could not be seized because it died after we looked
 * (seizing a zombie fails with EPERM): true if it is gone or a zombie now,
 * which then goes into the inventory as one. */
static bool died_meanwhile(struct attach_proc *ap)
{
	struct proc_stat st;

	if (procfs_stat(ap->pid, &st) < 0 || st.state == 'X')
		return true;
	if (st.state != 'Z')
		return false;
	ap->state = 'Z';
	ap->exit_code = st.exit_code;
	return true;
}

struct other_thread {
	int leader, tid;	/* tid: the first thread that is not leader */
};

static void note_other_thread(int tid, void *arg)
{
	struct other_thread *o = arg;

	if (tid != o->leader && !o->tid)
		o->tid = tid;
}

/* A leader that called pthread_exit() shows 'Z' in /proc while its other
 * threads run on: such a process is alive, its state is theirs. */
static char process_state(int pid, char leader_state)
{
	struct other_thread o = { pid, 0 };
	struct proc_stat st;

	if (leader_state != 'Z' ||
	    procfs_each_task(pid, note_other_thread, &o) < 0 || !o.tid ||
	    procfs_stat(o.tid, &st) < 0 || st.state == 'Z' || st.state == 'X')
		return leader_state;
	return st.state;
}

/* True (after a note) if p is one of set->skip. */
static bool skipped(const struct attach_set *set, int p, int pid)
{
	for (size_t i = 0; i < set->nskip; i++) {
		if (set->skip[i] != p)
			continue;
		if (i == 0)
			warnx_("not tracing %d, a descendant of %d: that is "
			       "zwatch itself", p, pid);
		else
			warnx_("not tracing %d, a descendant of %d: it traces "
			       "zwatch (each would wait for the other)", p, pid);
		return true;
	}
	return false;
}

int attach_tree(int pid, bool descendants, unsigned long options,
		struct attach_set *set)
{
	struct queue q = { 0 };
	int ret = 0;

	push(pid, &q);
	while (q.head < q.n) {
		int p = q.pids[q.head++], err;
		struct attach_proc *ap;
		struct proc_stat st;

		if (attach_set_has(set, p) || skipped(set, p, pid))
			continue;
		err = procfs_stat(p, &st);
		if (err == 0)
			st.state = process_state(p, st.state);
		if (err < 0 || (p == pid && st.state == 'Z')) {
			if (p == pid)
				ret = err < 0 ? -ESRCH : -EPERM;
			continue;
		}
		/* Kernel threads are never seized (kthreadd's children). */
		if (st.flags & PF_KTHREAD)
			continue;
		ap = add_proc(set, &st, p);
		if (st.state != 'Z') {
			err = seize_threads(ap, options);
			if (err < 0 && p != pid && !(err == -EPERM && already_ours(p)) &&
			    died_meanwhile(ap)) {
				if (ap->state == 'Z')
					continue;	/* a zombie of the inventory */
				err = -ESRCH;
			}
			if (err < 0) {
				set->n--;
				if (p == pid)
					ret = err;
				else if (err != -ESRCH &&
					 (err != -EPERM || !already_ours(p)))
					warn_errno(-err, "cannot attach to %d, a descendant of %d", p, pid);
				continue;
			}
		}
		if (descendants && st.state != 'Z')
			procfs_each_child(p, push, &q);
	}
	free(q.pids);
	return ret;
}
