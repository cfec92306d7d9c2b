/* lifecycle.c - the lifecycle model.  Every change of a process's state
 * happens here, from events alone, so that live tracing and a recorded
 * trace give the same records.
 */
#include "config.h"
#include "lifecycle.h"
#include "sanitize.h"
#include "intmap.h"
#include "sink.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct model {
	struct sink *const *sinks;
	size_t nsinks;
	struct intmap by_pid;
	struct zw_life **order;	/* records in order of first appearance */
	size_t len, cap;
	struct zw_summary sum;
};

struct model *model_new(struct sink *const *sinks, size_t nsinks)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->sinks = sinks;
	m->nsinks = nsinks;
	intmap_init(&m->by_pid);
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->len; i++)
		free(m->order[i]);
	free(m->order);
	intmap_free(&m->by_pid);
	free(m);
}

bool model_failed(const struct model *m)
{
	for (size_t i = 0; i < m->nsinks; i++)
		if (m->sinks[i]->err)
			return true;
	return false;
}

const struct zw_life *model_lookup(const struct model *m, int pid)
{
	return intmap_get(&m->by_pid, pid);
}

/* A new record replaces any older one for a reused pid. */
static struct zw_life *new_life(struct model *m, int pid)
{
	struct zw_life *l = xcalloc(1, sizeof(*l));

	l->pid = pid;
	l->born = l->exited = l->zombie_since = l->reaped = NAN;
	l->exit_code = -1;
	l->final = ZW_FINAL_RUNNING;
	l->seq = (unsigned)m->len;
	if (m->len == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->order = xrealloc(m->order, m->cap * sizeof(*m->order));
	}
	m->order[m->len++] = l;
	intmap_put(&m->by_pid, pid, l);
	return l;
}

static struct zw_life *get_life(struct model *m, int pid)
{
	struct zw_life *l = intmap_get(&m->by_pid, pid);

	return l ? l : new_life(m, pid);
}

/* dst is ZW_COMM_BUF bytes; a longer src (a crafted trace) is cut
 * between characters. */
static void copy_comm(char *dst, const char *src)
{
	size_t n = strnlen(src, ZW_COMM_BUF);

	if (n == ZW_COMM_BUF)
		n = utf8_cut(src, n - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void set_comm(struct zw_life *l, const char *comm)
{
	if (comm && *comm)
		copy_comm(l->comm, comm);
}

static void become_zombie(struct zw_life *l, double t)
{
	l->zombie_since = t;
	l->final = ZW_FINAL_ZOMBIE;
}

static void apply_spawn(struct model *m, const struct zw_event *ev)
{
	const struct zw_life *creator = intmap_get(&m->by_pid, ev->spawn.creator);
	struct zw_life *l = new_life(m, ev->pid);

	l->born = ev->t;
	l->ppid = l->parent = ev->spawn.ppid;
	l->creator = ev->spawn.creator;
	/* A child starts as a copy of its creator, name included. */
	set_comm(l, ev->spawn.comm ? ev->spawn.comm : creator ? creator->comm : NULL);
}

static void apply_exit(struct zw_life *l,
		       const struct zw_event *ev)
{
	l->exited = ev->t;
	l->exit_code = ev->exit.code;
	l->exit_signal = ev->exit.signal;
	l->core_dumped = ev->exit.core_dumped;
	l->has_status = true;
	become_zombie(l, ev->t);
}

static void apply_reap(struct model *m, struct zw_life *l,
		       const struct zw_event *ev)
{
	const struct zw_life *by = ev->reap.by ?
				   intmap_get(&m->by_pid, ev->reap.by) : NULL;

	l->reaped = ev->t;
	l->reaped_by = ev->reap.by;
	if (by && by->comm[0])
		copy_comm(l->reaped_by_comm, by->comm);
	else if (ev->reap.by && ev->reap.by_comm && *ev->reap.by_comm)
		copy_comm(l->reaped_by_comm, ev->reap.by_comm);
	l->reaper = ev->reap.reaper;
	l->final = ev->reap.reaper == ZW_REAPER_AUTOREAP ?
		   ZW_FINAL_AUTOREAPED : ZW_FINAL_REAPED;
	/* An exit we saw end in an autoreap by its own parent: the kernel
	 * released it inside that exit (exit_notify), so it never was a
	 * zombie; the event's time is when we learnt it.  Not so for a
	 * zombie found at attach, nor for one autoreaped when it was handed
	 * to an adopter that ignores SIGCHLD: a zombie until then. */
	if (l->final == ZW_FINAL_AUTOREAPED && !isnan(l->exited) &&
	    l->parent == l->ppid && l->exited < l->reaped)
		l->reaped = l->exited;
}

static void apply_attach(struct zw_life *l,
			 const struct zw_event *ev)
{
	l->ppid = l->parent = ev->attach.ppid;
	set_comm(l, ev->attach.comm);
	if (ev->attach.state == 'Z') {
		int st = ev->attach.exit_code;

		/* Its exit time is unknown; its zombie time counts from now. */
		l->has_status = true;
		l->exit_code = (st & 0x7f) ? -1 : (st >> 8) & 0xff;
		l->exit_signal = st & 0x7f;
		l->core_dumped = st & 0x80;
		become_zombie(l, ev->t);
	}
}

void model_feed(struct model *m, const struct zw_event *ev)
{
	struct zw_life *l;

	if (ev->type == ZW_EV_SPAWN) {
		apply_spawn(m, ev);
		l = intmap_get(&m->by_pid, ev->pid);
	} else {
		l = ev->type == ZW_EV_SIGNAL || ev->type == ZW_EV_WAIT ?
		    intmap_get(&m->by_pid, ev->pid) : get_life(m, ev->pid);
	}
	switch (ev->type) {
	case ZW_EV_EXEC:
		set_comm(l, ev->exec.comm);
		break;
	case ZW_EV_EXIT:
		apply_exit(l, ev);
		break;
	case ZW_EV_REPARENT:
		l->parent = ev->reparent.to;
		break;
	case ZW_EV_REAP:
		apply_reap(m, l, ev);
		break;
	case ZW_EV_ATTACH:
		apply_attach(l, ev);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < m->nsinks; i++)
		m->sinks[i]->ops->event(m->sinks[i], ev, l);
}

double life_zombie_seconds(const struct zw_life *l, double now)
{
	if (isnan(l->zombie_since))
		return NAN;
	return (isnan(l->reaped) ? now : l->reaped) - l->zombie_since;
}

const char *life_final_name(enum zw_final f)
{
	static const char *const names[] = {
		[ZW_FINAL_RUNNING] = "running", [ZW_FINAL_ZOMBIE] = "zombie",
		[ZW_FINAL_REAPED] = "reaped", [ZW_FINAL_AUTOREAPED] = "autoreaped",
	};

	return names[f];
}

struct edge {
	double t;
	int delta;	/* +1 becomes a zombie, -1 is released */
};

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta;	/* releases first at equal times */
}

/* Events may arrive slightly out of time order (a release is attributed
 * after the fact), so the peak is found by a sweep over the intervals. */
static void find_peak(struct model *m, struct zw_summary *s)
{
	struct edge *e = xmalloc(2 * m->len * sizeof(*e));
	size_t n = 0;
	long now = 0;

	for (size_t i = 0; i < m->len; i++) {
		const struct zw_life *l = m->order[i];

		if (isnan(l->zombie_since))
			continue;
		e[n++] = (struct edge){ l->zombie_since, +1 };
		if (!isnan(l->reaped))
			e[n++] = (struct edge){ l->reaped, -1 };
	}
	qsort(e, n, sizeof(*e), edge_cmp);
	for (size_t i = 0; i < n; i++) {
		now += e[i].delta;
		if (now > (long)s->max_concurrent_zombies) {
			s->max_concurrent_zombies = (size_t)now;
			s->max_concurrent_at = e[i].t;
		}
	}
	free(e);
}

static void summarize(struct model *m, double t_end)
{
	struct zw_summary *s = &m->sum;

	s->processes = m->len;
	s->duration = t_end;
	find_peak(m, s);
	for (size_t i = 0; i < m->len; i++) {
		const struct zw_life *l = m->order[i];
		double z = life_zombie_seconds(l, t_end);

		if (!isnan(l->zombie_since))
			s->zombies++;
		if (l->final == ZW_FINAL_ZOMBIE)
			s->leaked++;
		if (l->final == ZW_FINAL_REAPED || l->final == ZW_FINAL_AUTOREAPED)
			s->by_reaper[l->reaper]++;
		if (!isnan(z) && (!s->longest || z > s->longest_seconds)) {
			s->longest = l;
			s->longest_seconds = z;
		}
	}
}

void model_finish(struct model *m, double t_end)
{
	for (size_t i = 0; i < m->len; i++)
		for (size_t k = 0; k < m->nsinks; k++)
			m->sinks[k]->ops->lifecycle(m->sinks[k], m->order[i], t_end);
	summarize(m, t_end);
	for (size_t k = 0; k < m->nsinks; k++)
		m->sinks[k]->ops->summary(m->sinks[k], &m->sum);
}
