/* linger.c - why a zombie is still there: zombies older than --diagnose
 * are explained from their parent's state (diagnose.c), with its stack
 * and SIGCHLD disposition taken at a stop made for that purpose.
 */
#include "config.h"
#include "tracer_int.h"
#include "diagnose.h"
#include "event.h"
#include "ptrace_util.h"
#include "stack.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

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

static bool pending_for(const struct tracer *tr, int zombie)
{
	const struct list_link *pos;

	for (pos = tr->diags.next; pos != &tr->diags; pos = pos->next)
		if (container_of(pos, struct pending_diag, link)->zombie == zombie)
			return true;
	return false;
}

/* The parent's other zombies due by now are explained at this stop too,
 * from the facts read just before it was interrupted (d0's: at the stop
 * /proc shows only our stop).  The stop can come long after the pass
 * that asked for it (0.2 s in an emulated VM), and asking again at a
 * second stop costs a second interrupt, or fails: on aarch64 a thread
 * left resuming its sleep through restart_syscall() by the first cannot
 * run a call at the second (inject_aarch64.c). */
static void add_due_siblings(struct tracer *tr, const struct pending_diag *d0)
{
	struct proc *parent = tasks_proc(&tr->tasks, d0->parent);
	struct list_link *pos;
	double t = now(tr);

	if (!parent)
		return;
	for (pos = parent->children.next; pos != &parent->children;
	     pos = pos->next) {
		struct proc *c = container_of(pos, struct proc, sibling);
		double age = t - c->exit_t;
		struct pending_diag *d;

		if (!c->exited || c->release != REL_NONE ||
		    age < tr->diagnose_after || t < c->diag_next ||
		    pending_for(tr, c->pid))
			continue;
		d = xmalloc(sizeof(*d));
		*d = *d0;
		d->zombie = c->pid;
		d->age = age;
		procfs_comm(c->pid, d->comm, sizeof(d->comm));
		list_add(&tr->diags, &d->link);
		c->diag_next = c->exit_t + 10 * age;
	}
}

/* The parent is in a ptrace stop: unwind it, and ask it for its SIGCHLD
 * handler, for the diagnoses waiting.  Says how to restart it: as run,
 * or RESUME_MOVED when the thread left that stop to be asked (it is asked
 * at its next system call; it may also have exited or stopped for a
 * signal first): tracer.c handles the new stop like any other. */
struct resume linger_at_stop(struct tracer *tr, struct task *task,
			     struct resume run)
{
	struct list_link *pos, *n;
	struct zw_stack stack;
	struct diag_sigaction sa = { .known = false };
	int pid = task->proc->pid, tid = task->tid, status = 0;
	bool asked = false, have = false;

	list_for_each_safe(pos, n, &tr->diags) {
		struct pending_diag *d = container_of(pos, struct pending_diag, link);

		if (d->parent == pid) {
			add_due_siblings(tr, d);
			break;
		}
	}
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
			verdict_where_in_program(&stack, d->f.where,
						 sizeof(d->f.where));
		diagnose_set_sigaction(&d->f, &sa);
		emit_diagnosis(tr, d, have ? &stack : NULL);
	}
	if (!status)
		return run;
	return (struct resume){ .how = RESUME_MOVED, .status = status };
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
		d->f.args[0] = reap_own_view_pid(tr, parent, (int)d->f.args[0]);
	if (parent && d->f.syscall == SYS_waitid && d->f.args[0] == P_PID)
		d->f.args[1] = reap_own_view_pid(tr, parent, (int)d->f.args[1]);
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
double linger_settle(struct tracer *tr, bool flush)
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
double linger_scan(struct tracer *tr)
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
