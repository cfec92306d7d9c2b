/* report_view.h - what the text and HTML reports share: a sink that keeps
 * the records it is handed and, at the summary, builds the process tree,
 * the figures, and the list of zombies whose fork sites are shown.  Each
 * report supplies only its summary function, which writes.
 */
#ifndef ZWATCH_REPORT_VIEW_H
#define ZWATCH_REPORT_VIEW_H

#include <stdbool.h>
#include <stdio.h>
#include "proctree.h"
#include "report_stats.h"
#include "sink.h"

struct forksite_diag;
struct report_info;

/* Zombies whose fork sites a report shows. */
#define REPORT_SITES 10

struct report_site {
	const struct zw_life *rec;
	double zombie;			/* seconds */
	unsigned spawn;			/* forksites stack id, 0: none */
	const struct forksite_diag *diag;	/* latest, or NULL */
};

struct report_view {
	struct sink base;		/* first: sink_close frees the whole */
	const struct report_info *info;
	struct proctree tree;
	double t_end;
	/* filled by report_view_finish: */
	struct report_stats rs;
	struct report_site sites[REPORT_SITES];
	size_t nsites;
	bool have_sites;		/* the trace has stacks or diagnoses */
};

/* A report sink whose ops use report_view_event, _lifecycle and _close
 * and a summary of its own that calls report_view_finish. */
struct sink *report_view_new(const struct sink_ops *ops, FILE *fp,
			     bool own_fp, const struct report_info *info);
void report_view_event(struct sink *s, const struct zw_event *ev,
		       const struct zw_life *subject);
void report_view_lifecycle(struct sink *s, const struct zw_life *l,
			   double t_end);
int report_view_close(struct sink *s);
/* At the summary: tree, figures, sites.  The sites are the zombies that
 * count (past the threshold, or left over), worst first: leaks, then
 * the longest. */
struct report_view *report_view_finish(struct sink *s,
				       const struct zw_summary *sum);
/* The stack of a site (id nonzero) into out. */
void report_view_stack(const struct report_view *v, unsigned id,
		       struct zw_stack *out);
/* The frames of stack id, each as "BEFORE#N  FRAMEAFTER", frames as
 * the live output writes them; put escapes for the format. */
void report_view_put_frames(FILE *fp, const struct report_view *v,
			    unsigned id, const char *before, const char *after,
			    void (*put)(FILE *fp, const char *s));

struct trace_header;
/* The recorded command of h, each word shell-quoted where it needs it,
 * after a space (the first one too if lead), and what a cut left out;
 * put escapes for the format. */
void report_put_command(FILE *fp, const struct trace_header *h, bool lead,
			void (*put)(FILE *fp, const char *s));
/* "START on HOST (Linux KERNEL) by zwatch VERSION" of a trace header. */
void report_put_recorded(FILE *fp, const struct trace_header *h,
			 void (*put)(FILE *fp, const char *s));

#endif
