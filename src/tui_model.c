/* tui_model.c - the live view's table of processes, counters and recent
 * events; see tui_model.h. */
#include "config.h"
#include "tui_model.h"
#include "decode.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_model_init(struct tui_model *m, double threshold)
{
	memset(m, 0, sizeof(*m));
	m->threshold = threshold;
	intmap_init(&m->by_pid);
}

void tui_model_free(struct tui_model *m)
{
	free(m->procs);
	intmap_free(&m->by_pid);
	memset(m, 0, sizeof(*m));
}

struct tui_proc *tui_model_find(struct tui_model *m, int pid)
{
	uintptr_t i = (uintptr_t)intmap_get(&m->by_pid, pid);

	return i ? &m->procs[i - 1] : NULL;
}

/* A new entry for pid; an older one of a reused pid stays till pruned. */
static struct tui_proc *add(struct tui_model *m, int pid, int ppid, double t)
{
	struct tui_proc *p;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->procs = xrealloc(m->procs, m->cap * sizeof(*m->procs));
	}
	p = &m->procs[m->n++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->born = t;
	p->exited = p->reaped = NAN;
	p->seq = m->next_seq++;
	intmap_put(&m->by_pid, pid, (void *)(uintptr_t)m->n);
	return p;
}

static void copy_comm(char *dst, const char *src)
{
	snprintf(dst, 16, "%s", src ? src : "?");
}

static void join_argv(char *dst, const struct zw_event *ev)
{
	size_t n = 0;

	dst[0] = '\0';
	for (int i = 0; i < ev->exec.argc && ev->exec.argv && n + 1 < TUI_ARGV_MAX;
	     i++) {
		int w = snprintf(dst + n, TUI_ARGV_MAX - n, "%s%s", i ? " " : "",
				 ev->exec.argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* "by PID COMM (kind) after S s", what is known of it. */
static void reap_text(char *buf, size_t n, const struct zw_event *ev,
		      const struct tui_proc *p)
{
	const char *comm = p && p->by_comm[0] ? p->by_comm : NULL;
	int w;

	if (ev->reap.reaper == ZW_REAPER_AUTOREAP)
		w = snprintf(buf, n, "by the kernel (autoreap)");
	else
		w = snprintf(buf, n, "by %d%s%s (%s)", ev->reap.by,
			     comm ? " " : "", comm ? comm : "",
			     event_reaper_text(ev->reap.reaper));
	if (w >= 0 && (size_t)w < n && p && !isnan(p->exited))
		snprintf(buf + w, n - (size_t)w, " after %.3f s",
			 ev->t - p->exited);
}

/* One short line per event, as the timeline says it. */
static void remember(struct tui_model *m, const struct zw_event *ev,
		     const struct tui_proc *p)
{
	struct tui_line *l = &m->recent[m->head];

	m->head = (m->head + 1) % TUI_RECENT;
	if (m->nrecent < TUI_RECENT)
		m->nrecent++;
	l->t = ev->t;
	l->pid = ev->pid;
	l->type = ev->type;
	copy_comm(l->comm, p ? p->comm : "?");
	l->text[0] = '\0';
	switch (ev->type) {
	case ZW_EV_SPAWN:
		snprintf(l->text, sizeof(l->text), "by %d", ev->spawn.creator);
		break;
	case ZW_EV_EXEC:
		snprintf(l->text, sizeof(l->text), "%s", p ? p->argv : "");
		break;
	case ZW_EV_EXIT:
		if (ev->exit.signal)
			snprintf(l->text, sizeof(l->text), "killed by %s",
				 decode_signal_name(ev->exit.signal));
		else
			snprintf(l->text, sizeof(l->text), "exit %d", ev->exit.code);
		break;
	case ZW_EV_REAP:
		reap_text(l->text, sizeof(l->text), ev, p);
		break;
	case ZW_EV_REPARENT:
		snprintf(l->text, sizeof(l->text), "from %d to %d",
			 ev->reparent.from, ev->reparent.to);
		break;
	case ZW_EV_DIAGNOSIS:
		snprintf(l->text, sizeof(l->text), "%s",
			 ev->diagnosis.text ? ev->diagnosis.text : "");
		break;
	default:
		break;
	}
}

/* The reaper's name now: its entry's, or the one zwatch read from /proc
 * for a reaper it does not trace (pid 1, zwatch itself). */
static void on_reap(struct tui_model *m, const struct zw_event *ev,
		    struct tui_proc *p)
{
	const struct tui_proc *by = ev->reap.by ?
				    tui_model_find(m, ev->reap.by) : NULL;

	p->state = TUI_REAPED;
	p->reaped = ev->t;
	p->reaped_by = ev->reap.by;
	p->reaper = ev->reap.reaper;
	p->by_comm[0] = '\0';
	if (by)
		copy_comm(p->by_comm, by->comm);
	else if (ev->reap.by && ev->reap.by_comm)
		copy_comm(p->by_comm, ev->reap.by_comm);
	m->by_reaper[(unsigned)ev->reap.reaper % 5]++;
	if (!isnan(p->exited) && ev->t - p->exited < m->threshold)
		m->reaped_at_once++;
}

void tui_model_event(struct tui_model *m, const struct zw_event *ev,
		     const char *comm)
{
	struct tui_proc *p = tui_model_find(m, ev->pid);

	m->t_last = ev->t;
	switch (ev->type) {
	case ZW_EV_SPAWN:
		p = add(m, ev->pid, ev->spawn.ppid, ev->t);
		copy_comm(p->comm, ev->spawn.comm);
		m->spawns++;
		break;
	case ZW_EV_ATTACH:
		p = add(m, ev->pid, ev->attach.ppid, NAN);
		copy_comm(p->comm, ev->attach.comm);
		if (ev->attach.state == 'Z') {
			p->state = TUI_ZOMBIE;
			p->exited = ev->t;
		}
		break;
	default:
		if (!p)
			return;
		break;
	}
	switch (ev->type) {
	case ZW_EV_EXEC:
		copy_comm(p->comm, ev->exec.comm);
		join_argv(p->argv, ev);
		break;
	case ZW_EV_EXIT:
		p->state = TUI_ZOMBIE;
		p->exited = ev->t;
		p->code = ev->exit.code;
		p->sig = ev->exit.signal;
		m->exits++;
		break;
	case ZW_EV_REAP:
		on_reap(m, ev, p);
		break;
	case ZW_EV_REPARENT:
		p->ppid = ev->reparent.to;
		break;
	case ZW_EV_DETACH:
		p->state = TUI_DETACHED;
		break;
	default:
		break;
	}
	if (comm && *comm)
		copy_comm(p->comm, comm);
	if (ev->type != ZW_EV_SIGNAL && ev->type != ZW_EV_WAIT)
		remember(m, ev, p);
}

void tui_model_prune(struct tui_model *m, double now)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct tui_proc *p = &m->procs[i];

		if (p->state == TUI_REAPED && now - p->reaped > TUI_KEEP_REAPED)
			continue;
		m->procs[k++] = *p;
	}
	if (k == m->n)
		return;
	m->n = k;
	intmap_free(&m->by_pid);
	intmap_init(&m->by_pid);
	for (size_t i = 0; i < m->n; i++)
		intmap_put(&m->by_pid, m->procs[i].pid, (void *)(uintptr_t)(i + 1));
}

/* Index of p's parent among the entries before it, or -1. */
static long parent_of(struct tui_model *m, size_t i)
{
	struct tui_proc *pp = tui_model_find(m, m->procs[i].ppid);
	long j = pp ? pp - m->procs : -1;

	return j >= 0 && (size_t)j < i ? j : -1;
}

static bool matches(const struct tui_proc *p, const char *f)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", p->pid);
	return strstr(p->comm, f) || strstr(p->argv, f) || strstr(pid, f);
}

struct walk {
	long *first, *next;
	bool *keep;
	struct tui_row *rows;
	size_t n, max;
	bool filtering;
};

/* Depth first with an explicit stack; meta holds what a pushed entry
 * learnt from its parent: depth, last, pipes.  Each entry is pushed at
 * most once, so the stack needs room for all. */
static void walk_tree(struct tui_model *m, struct walk *w, const long *parent,
		      long *stack, struct tui_row *meta)
{
	size_t sp = 0, nroots = 0;

	for (long r = (long)m->n - 1; r >= 0; r--) {
		if (parent[r] >= 0 || !w->keep[r])
			continue;
		meta[r] = (struct tui_row){ .last = nroots++ == 0 };
		stack[sp++] = r;
	}
	while (sp && w->n < w->max) {
		long i = stack[--sp];
		struct tui_row row = meta[i];
		size_t nk = 0, idx = 0, top = sp;

		row.p = &m->procs[i];
		for (long c = w->first[i]; c >= 0; c = w->next[c])
			nk += w->keep[c];
		row.has_kids = nk > 0;
		w->rows[w->n++] = row;
		if (!nk || (m->procs[i].folded && !w->filtering))
			continue;
		sp += nk;
		for (long c = w->first[i]; c >= 0; c = w->next[c]) {
			if (!w->keep[c])
				continue;
			meta[c] = (struct tui_row){
				.depth = row.depth + 1, .last = idx == nk - 1,
				.pipes = row.pipes | (row.depth && !row.last &&
						      row.depth < 64 ?
						      1UL << row.depth : 0),
			};
			stack[top + nk - 1 - idx++] = c;
		}
	}
}

size_t tui_model_rows(struct tui_model *m, const char *filter,
		      struct tui_row *rows, size_t max)
{
	size_t n = m->n + 1;
	struct walk w = { .rows = rows, .max = max,
			  .filtering = filter && *filter };
	long *parent = xmalloc(n * sizeof(*parent)), *stack;
	struct tui_row *meta = xcalloc(n, sizeof(*meta));

	w.first = xmalloc(n * sizeof(long));
	w.next = xmalloc(n * sizeof(long));
	w.keep = xcalloc(n, sizeof(bool));
	stack = xmalloc(n * sizeof(*stack));
	for (size_t i = 0; i < m->n; i++) {
		parent[i] = parent_of(m, i);
		w.first[i] = -1;
		w.next[i] = -1;
	}
	/* backwards: child lists in order, filter matches up to the roots */
	for (size_t i = m->n; i-- > 0;) {
		w.keep[i] |= !w.filtering || matches(&m->procs[i], filter);
		if (parent[i] >= 0) {
			w.next[i] = w.first[parent[i]];
			w.first[parent[i]] = (long)i;
			w.keep[parent[i]] |= w.keep[i];
		}
	}
	walk_tree(m, &w, parent, stack, meta);
	free(parent);
	free(meta);
	free(stack);
	free(w.first);
	free(w.next);
	free(w.keep);
	return w.n;
}

bool tui_model_zombie_counts(const struct tui_model *m,
			     const struct tui_proc *p, double now)
{
	return p->state == TUI_ZOMBIE && !(now - p->exited < m->threshold);
}

void tui_model_count(const struct tui_model *m, double now,
		     struct tui_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < m->n; i++) {
		const struct tui_proc *p = &m->procs[i];

		if (p->state == TUI_RUNNING)
			c->alive++;
		if (!tui_model_zombie_counts(m, p, now))
			continue;
		c->zombies++;
		if (!c->oldest || p->exited < c->oldest->exited)
			c->oldest = p;
	}
}

const struct tui_line *tui_model_recent(const struct tui_model *m, size_t i)
{
	if (i >= m->nrecent)
		return NULL;
	return &m->recent[(m->head + TUI_RECENT - 1 - i) % TUI_RECENT];
}
