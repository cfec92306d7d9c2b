/* tasks.h - the tracer's table of traced threads (tasks) and processes
 * (procs).  The only code that allocates or frees them.  This is ptrace
 * bookkeeping; the lifecycle records live in the model.
 */
#ifndef ZWATCH_TASKS_H
#define ZWATCH_TASKS_H

#include <stdbool.h>
#include "intmap.h"

struct proc;

struct list_link {
	struct list_link *prev, *next;
};

struct task {
	int tid;
	struct proc *proc;
	struct list_link in_proc;	/* proc->threads */
	bool startup;		/* its first (auto-attach) stop is still due */
	bool stopped;		/* held in a stop by zwatch right now */
	bool group_stopped;	/* in group-stop, resumed with PTRACE_LISTEN */
	bool syscall_mode;	/* last resumed with PTRACE_SYSCALL */
	bool in_syscall;	/* between a syscall-entry and its exit stop */
	bool detaching;		/* interrupted so that it can be detached */
	bool interrupting;	/* interrupted to switch it to syscall stops */
	bool exiting;		/* past its PTRACE_EVENT_EXIT stop */
	int pending_sig;	/* signal to re-inject when detaching */
	long sc_nr;		/* syscall entered (when in_syscall) */
	unsigned long sc_args[6];
};

enum proc_release {
	REL_NONE,		/* not released (or not exited) */
	REL_PENDING,		/* released, reaper not yet known */
};

struct proc {
	int pid;
	int parent;		/* current real parent (tgid) */
	int ppid_at_birth;
	int ns_pid;		/* its pid in its own pid namespace, if nested, else 0 */
	bool ns_known;		/* ns_pid has been read */
	int ns_init;		/* the init of its nested namespace, or 0 */
	double exit_t;		/* when its last thread went */
	int nthreads;		/* live traced threads */
	int zombies;		/* children exited and not yet released */
	int exiting;		/* threads past their PTRACE_EVENT_EXIT stop */
	int exiting_children;	/* children about to be zombies (prearmed) */
	int prearmed;		/* the parent counts it in exiting_children */
	double hold_deadline;	/* held at its exit stop until then at most */
	double exit_stop_t;	/* its last thread's exit stop: it waits no
				 * more from then on; 0 if not seen */
	struct list_link held;	/* tasks->held */
	int status;		/* wait status of its last thread */
	bool exited;		/* every thread is gone: it is a zombie */
	bool traced;		/* its threads are (or were) ptrace'd by us */
	bool stopped_once;	/* one of them has stopped for us: it was not
				 * already exiting when seized */
	bool quiet_reaper;	/* it reaps where we have no stop: interrupt it */
	bool sigblk_checked;	/* looked once whether it blocks SIGCHLD */
	bool threaded;		/* has had more than one thread */
	bool adopter;		/* seen adopting orphans: a subreaper or init */
	/* Its waits since its latest child became a zombie (--diagnose). */
	unsigned waits_seen;
	long last_wait_id;
	unsigned last_wait_options;
	double diag_next;	/* when to explain this zombie (again) */
	int pidfd;		/* watches release while it is a zombie, or -1 */
	int stat_fd;		/* its /proc/PID/stat kept open, or -1 */
	struct list_link threads;
	struct list_link children;
	struct list_link sibling;	/* in the parent's children, if tracked */
	/* Released, waiting to learn who did it (see tracer.c). */
	enum proc_release release;
	double released_at;
	double release_deadline;
	bool maybe_autoreap;
	bool fast_checked;	/* seen an unreleased zombie at a SIGCHLD
				 * stop of its parent: not autoreaped */
	double orphaned_at;	/* its parent, forgotten now, died then; or 0 */
	bool adopted_unseen;	/* released by an adopter /proc did not name */
	bool stays;		/* reap_parent_stays() at its exit stop */
	bool detached;		/* let go at its exit stop: its parent saw the
				 * zombie as without us; its pidfd watches it */
	bool vforked;		/* a vfork child that has not exec'd: its
				 * parent is suspended until it execs or dies */
	bool parent_dying;	/* its parent was exiting while it was still an
				 * unreleased zombie: it cannot be the reaper */
	signed char nocldwait;	/* SA_NOCLDWAIT or SIG_IGN, as it last said:
				 * 1, 0, or -1 not asked since its exec */
	int parent_ign;		/* its parent's SIGCHLD was ignored: 1 yes,
				 * 0 no, -1 not read (the parent died first) */
	struct list_link pending;	/* tasks->unattributed */
	struct list_link polled;	/* tasks->polled: a zombie without pidfd */
	/* Its zombies let go at their exit stop whose release is not watched
	 * yet: its own next signal stop shows it (reap_defer_watch). */
	struct list_link unwatched;
	struct list_link unwatched_link;	/* in the parent's unwatched */
	/* Its zombies let go at their exit stop and not fast_checked yet:
	 * its SIGCHLD stops look at these only, not at every child. */
	struct list_link unchecked;
	struct list_link unchecked_link;	/* in the parent's unchecked */
};

struct tasks {
	struct intmap by_tid;
	struct intmap by_pid;
	struct intmap early;	/* tid -> wait status of a child stopped before
				 * its creator's fork event was seen */
	struct list_link unattributed;
	struct list_link held;	/* procs held at their last exit stop until
				 * their parent's waits are watched */
	struct list_link polled;	/* zombies watched by polling */
	size_t npolled;
	int live_threads;
	int stat_fds;		/* procs with a stat_fd */
	int pidfds;		/* procs with a pidfd */
	int max_pidfds;		/* beyond these, zombies are polled */
};

void tasks_init(struct tasks *t);
void tasks_free(struct tasks *t);

struct task *tasks_task(const struct tasks *t, int tid);
struct proc *tasks_proc(const struct tasks *t, int pid);

/* A new tracked process (not traced yet: threads come with tasks_add_thread). */
struct proc *tasks_add_proc(struct tasks *t, int pid, int parent);
/* A new traced thread of p. */
struct task *tasks_add_thread(struct tasks *t, struct proc *p, int tid);
/* A thread took over another tid (a non-leader's execve takes the pid). */
void tasks_rekey_thread(struct tasks *t, struct task *task, int tid);
/* Forgets a thread (exited, or vanished at exec). */
void tasks_del_thread(struct tasks *t, struct task *task);
/* Forgets a process; its children stay, detached from it. */
void tasks_del_proc(struct tasks *t, struct proc *p);
/* The zombie p's release is watched by a pidfd, or polled for; unwatch
 * ends either (these keep the counts of both). */
void tasks_watch_pidfd(struct tasks *t, struct proc *p, int fd);
void tasks_watch_poll(struct tasks *t, struct proc *p);
void tasks_unwatch(struct tasks *t, struct proc *p);
/* p's release is to be watched from its parent's next stop on; done
 * with unwatched (in the parent's list) and tasks_watch_*. */
void tasks_defer_watch(struct proc *parent, struct proc *p);
/* p, let go at its exit stop, is to be fast-checked at its parent's
 * SIGCHLD stops (reap.c's note_fast_detached) until tasks_checked(). */
void tasks_uncheck(struct tasks *t, struct proc *p);
void tasks_checked(struct proc *p);
/* Moves p under a new parent (which may be untracked); a deferred watch
 * is dropped (the caller watches p if it has to). */
void tasks_set_parent(struct tasks *t, struct proc *p, int parent);

/* Intrusive lists. */
void list_init(struct list_link *head);
void list_add(struct list_link *head, struct list_link *l);	/* first */
void list_add_tail(struct list_link *head, struct list_link *l);	/* last */
void list_del(struct list_link *l);
bool list_linked(const struct list_link *l);
bool list_empty(const struct list_link *head);

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)

#endif
