/* metrics.h - zwatch watch's counters and gauges, and their rendering in
 * the Prometheus text exposition format (0.0.4, which OpenMetrics
 * scrapers read too).
 *
 * Series are labelled by the parent's command and cgroup, never by pid:
 * at most max_series label pairs; later pairs all count in one overflow
 * series (parent="_overflow", cgroup="_overflow").
 */
#ifndef ZWATCH_METRICS_H
#define ZWATCH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum reaper_kind {
	REAPER_PARENT,		/* the parent at exit waited */
	REAPER_SUBREAPER,	/* an adopter (PR_SET_CHILD_SUBREAPER) */
	REAPER_INIT,		/* pid 1 of its pid namespace, as adopter */
	REAPER_AUTOREAP,	/* the kernel at exit: parent ignores SIGCHLD */
	REAPER_KINDS
};

enum exit_class {
	EXIT_SUCCESS,		/* exit(0) */
	EXIT_FAILURE,		/* exit(1..255) */
	EXIT_SIGNAL,		/* killed by a signal */
	EXIT_COREDUMP,		/* killed, core dumped */
	EXIT_CLASSES
};

#define METRICS_DEFAULT_MAX_SERIES 200
#define METRICS_LABEL_MAX 128	/* bytes of a label value, after escaping */

struct metrics;

struct metrics *metrics_new(size_t max_series);
void metrics_free(struct metrics *m);

/* The series of this parent command and cgroup (raw bytes: escaped
 * here), created if there is room, else the overflow series. */
int metrics_series(struct metrics *m, const char *parent_comm,
		   const char *cgroup);

const char *reaper_kind_name(enum reaper_kind k);
enum exit_class exit_class_of(int wait_status);

void metrics_exit(struct metrics *m, int series, int wait_status);
void metrics_release(struct metrics *m, int series, enum reaper_kind k,
		     double lifetime);
void metrics_overflow(struct metrics *m);	/* one ENOBUFS */
void metrics_set_lost(struct metrics *m, uint64_t events);	/* so far */
void metrics_census(struct metrics *m);	/* one full /proc scan */

/* The gauges are taken afresh before each rendering: reset, then one
 * call per current zombie. */
void metrics_gauges_reset(struct metrics *m);
void metrics_gauge_zombie(struct metrics *m, int series, double age);

/* How zwatch learns of exits, for zwatch_info: "connector" or "scan". */
void metrics_set_source(struct metrics *m, const char *source);

/* Writes every metric to fp; 0 or -EIO. */
int metrics_render(const struct metrics *m, FILE *fp);

/* A label value: printable ASCII kept, '\\' '"' escaped, every other
 * byte as "\\xNN" (text, so that the value stays UTF-8), cut at
 * METRICS_LABEL_MAX; dst has room for METRICS_LABEL_MAX + 1. */
void metrics_escape_label(char *dst, const char *src);

#endif
