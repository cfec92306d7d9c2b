/* tasks.c - the tracer's table of traced threads and processes. */
#include "config.h"
#include "tasks.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

void list_init(struct list_link *head)
{
	head->prev = head->next = head;
}

void list_add(struct list_link *head, struct list_link *l)
{
	l->next = head->next;
	l->prev = head;
	head->next->prev = l;
	head->next = l;
}

void list_add_tail(struct list_link *head, struct list_link *l)
{
	list_add(head->prev, l);
}

void list_del(struct list_link *l)
{
	if (!l->next)
		return;
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->prev = l->next = NULL;
}

bool list_linked(const struct list_link *l)
{
	return l->next != NULL;
}

bool list_empty(const struct list_link *head)
{
	return head->next == head;
}

void tasks_init(struct tasks *t)
{
	intmap_init(&t->by_tid);
	intmap_init(&t->by_pid);
	intmap_init(&t->early);
	list_init(&t->unattributed);
	list_init(&t->held);
	list_init(&t->polled);
	t->live_threads = 0;
}

void tasks_free(struct tasks *t)
{
	void *val;
	size_t i;

	for (i = 0; intmap_next(&t->by_tid, &i, &val);)
		free(val);
	for (i = 0; intmap_next(&t->by_pid, &i, &val);) {
		struct proc *p = val;

		if (p->pidfd >= 0)
			close(p->pidfd);
		free(p);
	}
	intmap_free(&t->by_tid);
	intmap_free(&t->by_pid);
	intmap_free(&t->early);
}

struct task *tasks_task(const struct tasks *t, int tid)
{
	return intmap_get(&t->by_tid, tid);
}

struct proc *tasks_proc(const struct tasks *t, int pid)
{
	return intmap_get(&t->by_pid, pid);
}

struct proc *tasks_add_proc(struct tasks *t, int pid, int parent)
{
	struct proc *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	p->ppid_at_birth = parent;
	p->pidfd = -1;
	p->stat_fd = -1;
	p->parent_ign = -1;
	p->nocldwait = -1;
	list_init(&p->threads);
	list_init(&p->children);
	list_init(&p->unwatched);
	list_init(&p->unchecked);
	intmap_put(&t->by_pid, pid, p);
	tasks_set_parent(t, p, parent);
	return p;
}

struct task *tasks_add_thread(struct tasks *t, struct proc *p, int tid)
{
	struct task *task = xcalloc(1, sizeof(*task));

	task->tid = tid;
	task->proc = p;
	list_add(&p->threads, &task->in_proc);
	p->nthreads++;
	p->threaded |= p->nthreads > 1;
	p->traced = true;
	t->live_threads++;
	intmap_put(&t->by_tid, tid, task);
	return task;
}

void tasks_rekey_thread(struct tasks *t, struct task *task, int tid)
{
	intmap_del(&t->by_tid, task->tid);
	task->tid = tid;
	intmap_put(&t->by_tid, tid, task);
}

void tasks_del_thread(struct tasks *t, struct task *task)
{
	list_del(&task->in_proc);
	task->proc->nthreads--;
	if (task->exiting)
		task->proc->exiting--;
	t->live_threads--;
	intmap_del(&t->by_tid, task->tid);
	free(task);
}

void tasks_watch_pidfd(struct tasks *t, struct proc *p, int fd)
{
	list_del(&p->unwatched_link);
	p->pidfd = fd;
	t->pidfds++;
}

void tasks_watch_poll(struct tasks *t, struct proc *p)
{
	list_del(&p->unwatched_link);
	if (list_linked(&p->polled))
		return;
	list_add_tail(&t->polled, &p->polled);
	t->npolled++;
}

void tasks_unwatch(struct tasks *t, struct proc *p)
{
	list_del(&p->unwatched_link);
	if (p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
		t->pidfds--;
	}
	if (list_linked(&p->polled)) {
		list_del(&p->polled);
		t->npolled--;
	}
}

void tasks_del_proc(struct tasks *t, struct proc *p)
{
	struct list_link *pos, *n;

	list_for_each_safe(pos, n, &p->threads)
		tasks_del_thread(t, container_of(pos, struct task, in_proc));
	list_for_each_safe(pos, n, &p->children)
		list_del(pos);
	list_for_each_safe(pos, n, &p->unwatched)
		list_del(pos);
	list_for_each_safe(pos, n, &p->unchecked)
		list_del(pos);
	list_del(&p->unwatched_link);
	list_del(&p->unchecked_link);
	list_del(&p->sibling);
	list_del(&p->pending);
	list_del(&p->held);
	tasks_unwatch(t, p);
	if (p->stat_fd >= 0) {
		close(p->stat_fd);
		t->stat_fds--;
	}
	intmap_del(&t->by_pid, p->pid);
	free(p);
}

void tasks_defer_watch(struct proc *parent, struct proc *p)
{
	list_del(&p->unwatched_link);
	list_add_tail(&parent->unwatched, &p->unwatched_link);
}

void tasks_uncheck(struct tasks *t, struct proc *p)
{
	struct proc *parent = tasks_proc(t, p->parent);

	list_del(&p->unchecked_link);
	if (parent && !p->fast_checked)
		list_add_tail(&parent->unchecked, &p->unchecked_link);
}

void tasks_checked(struct proc *p)
{
	p->fast_checked = true;
	list_del(&p->unchecked_link);
}

void tasks_set_parent(struct tasks *t, struct proc *p, int parent)
{
	struct proc *pp = tasks_proc(t, parent);

	list_del(&p->sibling);
	list_del(&p->unwatched_link);
	list_del(&p->unchecked_link);
	p->parent = parent;
	p->parent_dying = false;
	if (pp)
		list_add(&pp->children, &p->sibling);
	/* An adopter's SIGCHLD stops check an adopted zombie, as its
	 * parent's did (SA_NOCLDWAIT releases it at the adoption too). */
	if (pp && p->detached && !p->fast_checked)
		list_add_tail(&pp->unchecked, &p->unchecked_link);
}
