/* report_sinks.h - the sinks of zwatch report: a text timeline per
 * process tree with a summary, Chrome trace-event JSON for Perfetto, and
 * a self-contained HTML page.  Like every sink they get const events and
 * records; they keep pointers to the records (owned by the model, which
 * must outlive them) and write at the summary, when the tree is known.
 */
#ifndef ZWATCH_REPORT_SINKS_H
#define ZWATCH_REPORT_SINKS_H

#include <stdbool.h>
#include <stdio.h>

struct forksites;
struct sink;
struct trace_header;

/* What the report is about, for titles, and what the records do not
 * say: where processes were forked.  Any field may be NULL. */
struct report_info {
	const char *file;
	const struct trace_header *hdr;
	const struct forksites *sites;	/* must outlive the summary */
	/* Zombies shorter than this are noise: not highlighted, counted
	 * apart as "reaped at once" (--min-zombie, default 10 ms). */
	double threshold;
	bool cut_short;		/* the trace has no end: the run crashed */
	bool all;		/* text: unfold what was only reaped at once */
};

#define REPORT_THRESHOLD_DEFAULT 0.010

struct sink *sink_report_text_new(FILE *fp, bool own_fp,
				  const struct report_info *info);
struct sink *sink_perfetto_new(FILE *fp, bool own_fp);
struct sink *sink_html_new(FILE *fp, bool own_fp,
			   const struct report_info *info);

#endif
