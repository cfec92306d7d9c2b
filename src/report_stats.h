/* report_stats.h - the figures of a report's summary, computed from the
 * selected records alone (so a --pid report sums up that subtree).
 */
#ifndef ZWATCH_REPORT_STATS_H
#define ZWATCH_REPORT_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct proctree;
struct zw_life;

#define REPORT_WORST 5

/* A parent's share of the zombies that count (past the threshold, or
 * left over): the worst has the most leaks, then the most
 * zombie-seconds, then the most zombies. */
struct report_parent {
	int pid;
	const struct zw_life *rec;	/* NULL if the trace has none */
	const char *comm;		/* its name: the record's, or as the
					 * reaper of a child; NULL: unknown */
	double seconds;			/* zombie-seconds of its children */
	size_t zombies, leaks;
};

struct report_stats {
	double t_end;
	double threshold;		/* zombies shorter than this are noise */
	/* zombies: at least threshold long, or left over; brief: the rest,
	 * "reaped at once" */
	size_t processes, exited, running, zombies, brief, leaked;
	size_t by_reaper[5];		/* indexed by enum zw_reaper */
	size_t max_concurrent;		/* of zombies past the threshold */
	double max_concurrent_at;
	double p50, p90, max;		/* all zombie times; NAN if none */
	const struct zw_life *longest;
	double total_zombie_seconds;
	struct report_parent worst[REPORT_WORST];	/* worst first */
	size_t nworst;
};

/* Zombie time counts to the release, or to t_end for a zombie left over;
 * it is charged to the parent at the end (the one that had to reap). */
void report_stats_compute(const struct proctree *t, double t_end,
			  double threshold, struct report_stats *rs);
/* l was a zombie past the threshold, or is one at the end. */
bool report_zombie_counts(const struct zw_life *l, double t_end,
			  double threshold);

#endif
