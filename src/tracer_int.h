/* tracer_int.h - what the tracer's own files share: the tracer state and
 * how a stop is to be restarted.  tracer.c holds the event loop (classify
 * a stop, dispatch it, restart the tracee), reap.c who released each
 * zombie, linger.c the diagnoses of zombies that stay.  Nothing else
 * includes this header.
 */
#ifndef ZWATCH_TRACER_INT_H
#define ZWATCH_TRACER_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "execinfo.h"
#include "intmap.h"
#include "lifecycle.h"
#include "procfs.h"
#include "tasks.h"
#include "util.h"

#ifndef __WALL
#define __WALL 0x40000000
#endif

/* How long a release may wait for the stop that tells who did it. */
#define ATTRIBUTION_DELAY 0.05
#define RUNNABLE_GRACE 1.0	/* reap_parent_on_its_way */
/* Polling period for releases when pidfds are unavailable. */
#define POLL_PERIOD 0.02
/* /proc/PID/stat files kept open at most (reap.c). */
#define MAX_STAT_FDS 256

enum resume_how {
	RESUME_RUN,		/* PTRACE_CONT or PTRACE_SYSCALL, as needed */
	RESUME_LISTEN,		/* group-stop: stay stopped, keep reporting */
	RESUME_HOLD,		/* leave it stopped for now */
	RESUME_MOVED,		/* it left this stop for another (a call run
				 * in it): handle that one, status */
};

/* How a handler wants the thread it was given restarted: handlers never
 * restart a thread themselves, tracer.c does (resume()). */
struct resume {
	enum resume_how how;
	int sig;
	int status;		/* RESUME_MOVED: the wait status of the new stop */
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

static inline double now(const struct tracer *tr)
{
	return clock_now() - tr->t0;
}

static inline void emit(struct tracer *tr, struct zw_event *ev)
{
	model_feed(tr->model, ev);
}

/* reap.c: who released each zombie. */
int reap_ns_pid(struct tracer *tr, struct proc *p);
void reap_learn_ns_pid(struct tracer *tr, struct proc *p);
bool reap_is_ns_init(struct tracer *tr, int pid);
bool reap_parent_stays(struct tracer *tr, struct proc *p);
bool reap_sigchld_ignored(struct tracer *tr, int pid);
enum zw_reaper reap_classify(struct tracer *tr, const struct proc *p, int by);
void reap_finish(struct tracer *tr, struct proc *p, double t, int by,
		 int by_tid, enum zw_reaper reaper, const char *syscall,
		 const char *via);
void reap_attribute_unseen(struct tracer *tr, struct proc *p);
bool reap_parent_on_its_way(struct tracer *tr, const struct proc *p, double t);
bool reap_runnable(struct tracer *tr, int pid);
void reap_released(struct tracer *tr, struct proc *p, double t, bool at_exit);
bool reap_watch(struct tracer *tr, struct proc *p, bool at_exit);
bool reap_defer_watch(struct tracer *tr, struct proc *p);
void reap_watch_deferred(struct tracer *tr, struct proc *parent, bool fast);
double reap_poll(struct tracer *tr);
bool reap_is_wait(long nr);
int reap_own_view_pid(struct tracer *tr, struct proc *parent, int pid);
void reap_wait_done(struct tracer *tr, struct task *task, long nr,
		    const unsigned long *args, long ret, bool fresh);
long reap_check_finished_wait(struct tracer *tr, struct task *task);
bool reap_wants_wait_watch(const struct proc *p);
bool reap_parent_watched(const struct proc *p);
bool reap_exit_stop(struct tracer *tr, struct task *task);
void reap_exit_done(struct tracer *tr, struct proc *p);
bool reap_hold_over(struct tracer *tr, const struct proc *p, double t);
void reap_arm_wait_watch(struct proc *p, bool force);
struct resume reap_at_sigchld(struct tracer *tr, struct task *task,
			      const siginfo_t *si, long nr, struct resume r);

/* linger.c: why a zombie is still there. */
struct resume linger_at_stop(struct tracer *tr, struct task *task,
			     struct resume run);
double linger_settle(struct tracer *tr, bool flush);
double linger_scan(struct tracer *tr);

#endif
