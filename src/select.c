/* select.c - the report's process selection. */
#include "config.h"
#include "select.h"
#include "lifecycle.h"
#include "proctree.h"

#include <math.h>
#include <string.h>

void select_init(struct select_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since = o->until = o->zombies = NAN;
}

bool select_active(const struct select_opts *o)
{
	return o->pid || o->comm || !isnan(o->since) || !isnan(o->until) ||
	       !isnan(o->zombies);
}

bool select_time(const struct select_opts *o, double t)
{
	return !(t < o->since) && !(t > o->until);	/* NAN compares false */
}

/* Its life, from birth (or the trace start) to release (or the end),
 * overlaps the window. */
static bool in_window(const struct select_opts *o, const struct zw_life *l,
		      double t_end)
{
	double from = isnan(l->born) ? 0 : l->born;
	double to = !isnan(l->reaped) ? l->reaped : t_end;

	return !(to < o->since) && !(from > o->until);
}

static bool matches(const struct select_opts *o, const struct zw_life *l,
		    double t_end)
{
	double z = life_zombie_seconds(l, t_end);

	if (o->comm && strcmp(o->comm, l->comm))
		return false;
	if (!isnan(o->zombies) && !(z >= o->zombies) &&
	    l->final != ZW_FINAL_ZOMBIE)
		return false;
	return in_window(o, l, t_end);
}

void select_mark(const struct select_opts *o, const struct proctree *t,
		 double t_end, bool *sel)
{
	/* First the --pid subtree: in depth-first order a parent is marked
	 * before its children. */
	for (size_t k = 0; k < t->len; k++) {
		size_t i = t->order[k];
		long p = t->parent[i];

		sel[i] = !o->pid || t->recs[i]->pid == o->pid || (p >= 0 && sel[p]);
	}
	for (size_t i = 0; i < t->len; i++)
		sel[i] = sel[i] && matches(o, t->recs[i], t_end);
}
