/* select.h - which processes a report is about: --pid (and descendants),
 * --comm, --since/--until (a time window) and --min-zombie.
 */
#ifndef ZWATCH_SELECT_H
#define ZWATCH_SELECT_H

#include <stdbool.h>

struct proctree;
struct zw_life;

struct select_opts {
	int pid;		/* 0: any; else that process and its descendants */
	const char *comm;	/* NULL: any */
	double since, until;	/* seconds since trace start; NAN: open */
	double min_zombie;	/* NAN: any; else zombie at least this long */
};

void select_init(struct select_opts *o);
/* True if any criterion is set. */
bool select_active(const struct select_opts *o);
/* An event at time t is inside the window. */
bool select_time(const struct select_opts *o, double t);
/* Fills sel[i] for t->recs[i]; t must be built (proctree_build). */
void select_mark(const struct select_opts *o, const struct proctree *t,
		 double t_end, bool *sel);

#endif
