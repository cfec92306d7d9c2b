/* report_stats.c - percentiles, peak, reapers and worst parents. */
#include "config.h"
#include "report_stats.h"
#include "intmap.h"
#include "lifecycle.h"
#include "proctree.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);

	return n ? v[rank ? rank - 1 : 0] : NAN;
}

struct edge {
	double t;
	int delta;
};

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta;	/* releases first at equal times */
}

bool report_zombie_counts(const struct zw_life *l, double t_end,
			  double threshold)
{
	double z = life_zombie_seconds(l, t_end);

	return l->final == ZW_FINAL_ZOMBIE || (!isnan(z) && z >= threshold);
}

/* The most zombies at once: a sweep over [zombie_since, reaped). */
static void find_peak(const struct proctree *t, struct report_stats *rs)
{
	struct edge *e = xmalloc((2 * t->len + 1) * sizeof(*e));
	size_t n = 0;
	long now = 0;

	for (size_t i = 0; i < t->len; i++) {
		const struct zw_life *l = t->recs[i];

		if (isnan(l->zombie_since) ||
		    !report_zombie_counts(l, rs->t_end, rs->threshold))
			continue;
		e[n++] = (struct edge){ l->zombie_since, +1 };
		if (!isnan(l->reaped))
			e[n++] = (struct edge){ l->reaped, -1 };
	}
	qsort(e, n, sizeof(*e), cmp_edge);
	for (size_t i = 0; i < n; i++) {
		now += e[i].delta;
		if (now > (long)rs->max_concurrent) {
			rs->max_concurrent = (size_t)now;
			rs->max_concurrent_at = e[i].t;
		}
	}
	free(e);
}

/* Worst first: leaks are the bug whatever their age, then the time
 * its children spent as zombies, then how many. */
static int cmp_parent(const void *a, const void *b)
{
	const struct report_parent *x = a, *y = b;

	if (x->leaks != y->leaks)
		return x->leaks > y->leaks ? -1 : 1;
	if (x->seconds != y->seconds)
		return x->seconds > y->seconds ? -1 : 1;
	if (x->zombies != y->zombies)
		return x->zombies > y->zombies ? -1 : 1;
	return x->pid - y->pid;
}

/* Who should have reaped recs[i]: the parent it had when it died.  An
 * orphan is adopted only when its parent dies, so if the birth parent
 * outlived its exit, the zombie time is the birth parent's doing. */
static int culprit(const struct proctree *t, size_t i)
{
	const struct zw_life *l = t->recs[i], *bp;
	double gone;

	if (l->parent == l->ppid || t->parent[i] < 0)
		return l->parent;
	bp = t->recs[t->parent[i]];
	gone = !isnan(bp->exited) ? bp->exited : bp->zombie_since;
	return isnan(gone) || gone > l->zombie_since ? l->ppid : l->parent;
}

/* Sums the zombies that count per culprit, keeps the REPORT_WORST
 * worst: a parent whose children were only reaped at once is not one. */
static void find_worst(const struct proctree *t, double t_end,
		       struct report_stats *rs)
{
	struct report_parent *p = xcalloc(t->len + 1, sizeof(*p));
	struct intmap at;
	size_t n = 0;

	intmap_init(&at);
	for (size_t i = 0; i < t->len; i++) {
		const struct zw_life *l = t->recs[i];
		double z = life_zombie_seconds(l, t_end);
		struct report_parent *w;
		uintptr_t k;
		int who;

		if (isnan(z) || !report_zombie_counts(l, t_end, rs->threshold))
			continue;
		who = culprit(t, i);
		k = (uintptr_t)intmap_get(&at, who);
		if (!k) {
			p[n] = (struct report_parent){ .pid = who,
				.rec = proctree_find(t, who) };
			k = ++n;
			intmap_put(&at, who, (void *)k);
		}
		w = &p[k - 1];
		w->seconds += z;
		w->zombies++;
		w->leaks += l->final == ZW_FINAL_ZOMBIE;
		if (w->rec && w->rec->comm[0])
			w->comm = w->rec->comm;
		else if (!w->comm && l->reaped_by == who && l->reaped_by_comm[0])
			w->comm = l->reaped_by_comm;
	}
	qsort(p, n, sizeof(*p), cmp_parent);
	rs->nworst = n < REPORT_WORST ? n : REPORT_WORST;
	memcpy(rs->worst, p, rs->nworst * sizeof(*p));
	intmap_free(&at);
	free(p);
}

static void count(const struct zw_life *l, double z, struct report_stats *rs)
{
	rs->processes++;
	if (!isnan(l->exited) || l->final != ZW_FINAL_RUNNING)
		rs->exited++;
	if (l->final == ZW_FINAL_RUNNING)
		rs->running++;
	if (l->final == ZW_FINAL_ZOMBIE)
		rs->leaked++;
	if (l->final == ZW_FINAL_REAPED || l->final == ZW_FINAL_AUTOREAPED)
		rs->by_reaper[(unsigned)l->reaper % 5]++;
	if (!isnan(z)) {
		if (report_zombie_counts(l, rs->t_end, rs->threshold))
			rs->zombies++;
		else
			rs->brief++;
		rs->total_zombie_seconds += z;
		if (!rs->longest || z > rs->max) {
			rs->longest = l;
			rs->max = z;
		}
	}
}

void report_stats_compute(const struct proctree *t, double t_end,
			  double threshold, struct report_stats *rs)
{
	double *z = xmalloc((t->len + 1) * sizeof(*z));
	size_t nz = 0;

	memset(rs, 0, sizeof(*rs));
	rs->t_end = t_end;
	rs->threshold = threshold;
	rs->max = NAN;
	for (size_t i = 0; i < t->len; i++) {
		double zs = life_zombie_seconds(t->recs[i], t_end);

		count(t->recs[i], zs, rs);
		if (!isnan(zs))
			z[nz++] = zs;
	}
	qsort(z, nz, sizeof(*z), cmp_double);
	rs->p50 = percentile(z, nz, 0.5);
	rs->p90 = percentile(z, nz, 0.9);
	find_peak(t, rs);
	find_worst(t, t_end, rs);
	free(z);
}
