/* select.h - which processes a report is about: --pid (and descendants),
 * --comm, --since/--until (a time window) and --zombies (zombies past the
 * noise threshold, which --min-zombie sets, or left over).
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
	double zombies;		/* NAN: any; else a zombie at least this
				 * long, or one at the end (--zombies) */
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
