/* sink_report.c - zwatch report's text: a header, one line per process in
 * tree order with a timeline bar, the summary, then where the longest
 * zombies were forked.  Lines are stable and greppable ("  key: value"
 * in the summary).
 */
#include "config.h"
#include "decode.h"
#include "forksites.h"
#include "lifecycle.h"
#include "proctree.h"
#include "report_sinks.h"
#include "report_stats.h"
#include "report_view.h"
#include "sanitize.h"
#include "sink.h"
#include "stack.h"
#include "term.h"
#include "trace_reader.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAR_WIDTH 40
#define MAX_INDENT 8
#define MAX_LISTED 10

/* A comm from a trace file is untrusted: no control characters reach the
 * terminal.  Returns buf (SANITIZE_COMM_BUF bytes). */
static const char *comm_of(const struct zw_life *l, char *buf)
{
	return sanitize_str(buf, SANITIZE_COMM_BUF,
			    l && l->comm[0] ? l->comm : "?");
}

static void put_clean(FILE *fp, const char *s)
{
	sanitize_put(fp, s);
}

static void put_header(FILE *fp, const struct report_info *info)
{
	const struct trace_header *h = info ? info->hdr : NULL;

	fputs("zwatch report of ", fp);
	put_clean(fp, info && info->file ? info->file : "a trace");
	if (!h) {
		putc('\n', fp);
		return;
	}
	fputs("\n  command:", fp);
	report_put_command(fp, h, true, put_clean);
	fputs("\n  recorded: ", fp);
	report_put_recorded(fp, h, put_clean);
	putc('\n', fp);
	if (info->cut_short)
		fputs("  CUT OFF: the trace has no end records (the recording zwatch "
		      "crashed or was killed);\n  states are as of the cut\n", fp);
}

/* One cell of the bar: the strongest state the process had in it.  A
 * zombie under the threshold is noise: drawn as running till released. */
static char bar_cell(const struct zw_life *l, double from, double to,
		     double t_end, double thr)
{
	double born = isnan(l->born) ? 0 : l->born;
	double gone = !isnan(l->reaped) ? l->reaped : t_end;
	double zombie = isnan(l->zombie_since) ||
			!report_zombie_counts(l, t_end, thr) ? INFINITY :
			l->zombie_since;

	if (zombie <= to && gone >= from && zombie < INFINITY) {
		double in = fmin(gone, to) - fmax(zombie, from);

		return in * 2 >= to - from ? 'Z' : 'z';
	}
	if (born <= to && (zombie < INFINITY ? zombie : gone) >= from)
		return '=';
	return ' ';
}

static void put_bar(FILE *fp, const struct zw_life *l, double t_end,
		    double thr)
{
	double w = t_end > 0 ? t_end / BAR_WIDTH : 1;

	putc('|', fp);
	for (int c = 0; c < BAR_WIDTH; c++)
		putc(bar_cell(l, c * w, (c + 1) * w, t_end, thr), fp);
	putc('|', fp);
}

/* "reaped by PID COMM (kind)": the reaper's name when zwatch saw it
 * (its record, or /proc for one known only as a reaper). */
static void fate(const struct zw_life *l, char *buf, size_t n)
{
	const char *by = l->reaped_by_comm;
	char cb[SANITIZE_COMM_BUF];

	switch (l->final) {
	case ZW_FINAL_REAPED:
		if (l->reaper == ZW_REAPER_NONE)
			snprintf(buf, n, "reaped by unknown");
		else
			snprintf(buf, n, "reaped by %d%s%s (%s)", l->reaped_by,
				 *by ? " " : "",
				 *by ? sanitize_str(cb, sizeof(cb), by) : "",
				 event_reaper_text(l->reaper));
		break;
	case ZW_FINAL_AUTOREAPED:
		snprintf(buf, n, "autoreaped");
		break;
	case ZW_FINAL_ZOMBIE:
		snprintf(buf, n, "STILL A ZOMBIE (parent %d)", l->parent);
		break;
	default:
		snprintf(buf, n, "running");
		break;
	}
}

static void put_time(FILE *fp, double t)
{
	if (isnan(t))
		fprintf(fp, " %10s", "-");
	else
		fprintf(fp, " %10.6f", t);
}

/* What the text tree shows, worked out once: which rows, their guides,
 * and how many processes each row folds away. */
struct text_tree {
	const struct proctree *t;
	const struct report_info *info;
	double t_end, thr;
	bool *shown;
	long *last_kid;		/* per record: its last shown child, or -1 */
	long last_root;
	size_t *folded;		/* per record: processes folded under it */
	const char *const *glyph;	/* branch, last branch, pipe, blank */
	int width;		/* of the output, 0: unlimited */
};

/* Worth a row of its own: a zombie past the threshold or a leak, a
 * failure, or a process still running. */
static bool notable(const struct zw_life *l, double t_end, double thr)
{
	return report_zombie_counts(l, t_end, thr) ||
	       l->final == ZW_FINAL_RUNNING ||
	       (l->has_status && (l->exit_signal || l->exit_code != 0));
}

static void tree_plan(struct text_tree *tt)
{
	const struct proctree *t = tt->t;
	size_t n = t->len + 1;
	bool *keep = xcalloc(n, sizeof(*keep));
	size_t *size = xcalloc(n, sizeof(*size));

	tt->shown = xcalloc(n, sizeof(*tt->shown));
	tt->last_kid = xmalloc(n * sizeof(*tt->last_kid));
	tt->folded = xcalloc(n, sizeof(*tt->folded));
	tt->last_root = -1;
	/* children come after their parent in recs: sum up backwards */
	for (size_t i = t->len; i-- > 0;) {
		size[i]++;
		keep[i] = keep[i] || (tt->info && tt->info->all) ||
			  notable(t->recs[i], tt->t_end, tt->thr);
		tt->last_kid[i] = -1;
		if (t->parent[i] >= 0) {
			size[t->parent[i]] += size[i];
			keep[t->parent[i]] |= keep[i];
		}
	}
	for (size_t k = 0; k < t->len; k++) {
		size_t i = t->order[k];
		long p = t->parent[i];

		if (p >= 0 && !tt->shown[p])
			continue;
		tt->shown[i] = p < 0 || keep[i];
		if (!tt->shown[i])
			tt->folded[p] += size[i];
		else if (p >= 0)
			tt->last_kid[p] = (long)i;
		else
			tt->last_root = (long)i;
	}
	free(keep);
	free(size);
}

static void tree_free(struct text_tree *tt)
{
	free(tt->shown);
	free(tt->last_kid);
	free(tt->folded);
}

static bool last_shown(const struct text_tree *tt, size_t i)
{
	long p = tt->t->parent[i];

	return (p < 0 ? tt->last_root : tt->last_kid[p]) == (long)i;
}

/* The guides before a name: a pipe or a blank per ancestor (the nearest
 * MAX_INDENT), then the branch.  Returns the columns written. */
static int put_guides(FILE *fp, const struct text_tree *tt, size_t i)
{
	const struct proctree *t = tt->t;
	long up[MAX_INDENT];
	size_t n = 0;
	long a = t->parent[i];

	int cols = 3;

	if (a < 0)
		return 0;
	for (; a >= 0 && t->parent[a] >= 0 && n < MAX_INDENT; a = t->parent[a])
		up[n++] = a;
	if (a >= 0 && t->parent[a] >= 0) {
		fputs("... ", fp);
		cols += 4;
	}
	cols += 3 * (int)n;
	while (n-- > 0)
		fputs(tt->glyph[last_shown(tt, (size_t)up[n]) ? 3 : 2], fp);
	fputs(tt->glyph[last_shown(tt, i) ? 1 : 0], fp);
	return cols;
}

/* s cleaned, in at most max columns' bytes; "..." marks a cut, made
 * between whole characters and escapes. */
static void put_cut(FILE *fp, const char *s, size_t max)
{
	char buf[4096];

	sanitize_str(buf, sizeof(buf), s);
	if (strlen(buf) <= max) {
		fputs(buf, fp);
		return;
	}
	fputs(sanitize_str(buf, max > 3 ? max - 3 + 1 : 1, s), fp);
	fputs("...", fp);
}

#define ROW_FIXED 121	/* columns before the tree: pid .. timeline */

static void put_row(FILE *fp, const struct text_tree *tt, size_t i)
{
	const struct zw_life *l = tt->t->recs[i];
	const struct forksites *fs = tt->info ? tt->info->sites : NULL;
	const char *argv = forksites_argv(fs, l);
	char what[192], cb[SANITIZE_COMM_BUF];
	int used;

	fate(l, what, sizeof(what));
	fprintf(fp, "%7d", l->pid);
	put_time(fp, l->born);
	put_time(fp, l->exited);
	put_time(fp, life_zombie_seconds(l, tt->t_end));
	fprintf(fp, " %-36s ", what);
	put_bar(fp, l, tt->t_end, tt->thr);
	putc(' ', fp);
	used = ROW_FIXED + put_guides(fp, tt, i);
	used += fprintf(fp, "%s", comm_of(l, cb));
	if (tt->folded[i])
		used += fprintf(fp, " [+%zu reaped at once]", tt->folded[i]);
	/* the command line in what is left of the width, if anything */
	if (argv && !tt->width) {
		fputs("  ", fp);
		put_clean(fp, argv);
	} else if (argv && tt->width >= used + 10) {
		fputs("  ", fp);
		put_cut(fp, argv, (size_t)(tt->width - used - 2));
	}
	putc('\n', fp);
}

static const char *const glyph_utf8[] = {
	"\u251c\u2500 ", "\u2514\u2500 ", "\u2502  ", "   " };
static const char *const glyph_ascii[] = { "|- ", "`- ", "|  ", "   " };

static void put_tree(FILE *fp, const struct report_view *v)
{
	struct text_tree tt = {
		.t = &v->tree, .info = v->info, .t_end = v->t_end,
		.thr = v->rs.threshold,
		.glyph = term_utf8() ? glyph_utf8 : glyph_ascii,
		.width = term_width(fp),
	};
	size_t folded = 0;

	tree_plan(&tt);
	fprintf(fp, "\nprocess trees (0 to %.6f s; timeline: = running, "
		"Z zombie, z zombie part of the cell; zombies under %g ms "
		"are not drawn)\n", v->t_end, tt.thr * 1e3);
	fprintf(fp, "%7s %10s %10s %10s %-36s %-42s %s\n", "PID", "BORN",
		"EXITED", "ZOMBIE(s)", "FATE", "TIMELINE", "PROCESS  COMMAND");
	for (size_t k = 0; k < v->tree.len; k++) {
		size_t i = v->tree.order[k];

		if (tt.shown[i])
			put_row(fp, &tt, i);
		folded += tt.folded[i];
	}
	if (folded)
		fprintf(fp, "(%zu processes that were only reaped at once are "
			"folded: --all lists them)\n", folded);
	tree_free(&tt);
}

/* The leaks, oldest first: the sites list them first, in that order. */
static void put_leaks(FILE *fp, const struct report_view *v)
{
	const struct report_stats *rs = &v->rs;
	char cb[SANITIZE_COMM_BUF], pb[SANITIZE_COMM_BUF];
	size_t shown = 0;

	if (!rs->leaked) {
		fputs("  leaks: none\n", fp);
		return;
	}
	fprintf(fp, "  leaks: %zu still a zombie at the end\n", rs->leaked);
	for (size_t k = 0; k < v->nsites && shown < MAX_LISTED; k++) {
		const struct zw_life *l = v->sites[k].rec;

		if (l->final != ZW_FINAL_ZOMBIE)
			break;
		shown++;
		fprintf(fp, "    %d (%s), zombie for %.6f s, parent %d (%s)\n",
			l->pid, comm_of(l, cb), v->sites[k].zombie, l->parent,
			comm_of(proctree_find(&v->tree, l->parent), pb));
	}
	if (rs->leaked > shown)
		fprintf(fp, "    and %zu more\n", rs->leaked - shown);
}

/* Worst first (report_stats.h says how); only zombies that count. */
static void put_worst(FILE *fp, const struct report_stats *rs)
{
	char cb[SANITIZE_COMM_BUF];

	if (!rs->nworst)
		return;
	fprintf(fp, "  worst parents (leaks, then zombie-seconds of their "
		"children; zombies of at least %g ms):\n", rs->threshold * 1e3);
	for (size_t i = 0; i < rs->nworst; i++) {
		const struct report_parent *w = &rs->worst[i];

		fprintf(fp, "    %7d %-15s %12.6f s over %zu zombie%s",
			w->pid, sanitize_str(cb, sizeof(cb), w->comm ? w->comm : "?"),
			w->seconds, w->zombies, w->zombies == 1 ? "" : "s");
		if (w->leaks)
			fprintf(fp, ", %zu still a zombie at the end", w->leaks);
		putc('\n', fp);
	}
}

static void put_summary(FILE *fp, const struct report_view *v)
{
	const struct report_stats *rs = &v->rs;
	char cb[SANITIZE_COMM_BUF];

	fprintf(fp, "\nsummary\n  processes: %zu (%zu exited, %zu running at "
		"the end) in %.6f s\n", rs->processes, rs->exited, rs->running,
		rs->t_end);
	fprintf(fp, "  zombies: %zu of at least %g ms, at most %zu at once",
		rs->zombies, rs->threshold * 1e3, rs->max_concurrent);
	if (rs->max_concurrent)
		fprintf(fp, " (at %.6f s)", rs->max_concurrent_at);
	fprintf(fp, "\n  reaped at once: %zu (a zombie for less than %g ms)\n",
		rs->brief, rs->threshold * 1e3);
	if (rs->longest)
		fprintf(fp, "  zombie time: p50 %.6f s, p90 %.6f s, max %.6f s "
			"(%d %s), total %.6f s\n", rs->p50, rs->p90, rs->max,
			rs->longest->pid, comm_of(rs->longest, cb),
			rs->total_zombie_seconds);
	fputs("  ", fp);
	event_put_reaper_counts(fp, rs->by_reaper);
	put_leaks(fp, v);
	put_worst(fp, rs);
}

/* Frames indented under the site they belong to. */
static void put_frames(FILE *fp, const struct report_view *v, unsigned id)
{
	report_view_put_frames(fp, v, id, "      ", "\n", put_clean);
}

/* Where site k was forked: its frames, or a word on why there are none;
 * a stack already shown is named, not repeated. */
static void put_forked_at(FILE *fp, const struct report_view *v, size_t k)
{
	const struct report_site *site = &v->sites[k];

	if (!site->spawn) {
		fputs(isnan(site->rec->born) ? ", forked before tracing began\n" :
		      ", fork site not recorded\n", fp);
		return;
	}
	for (size_t j = 0; j < k; j++) {
		if (v->sites[j].spawn == site->spawn) {
			fprintf(fp, ", forked at the same site as %d\n",
				v->sites[j].rec->pid);
			return;
		}
	}
	fputs(", forked at:\n", fp);
	put_frames(fp, v, site->spawn);
}

static void put_site(FILE *fp, const struct report_view *v, size_t k)
{
	const struct report_site *site = &v->sites[k];
	const struct forksite_diag *d = site->diag;
	char cb[SANITIZE_COMM_BUF], what[192];

	fate(site->rec, what, sizeof(what));
	fprintf(fp, "  %d %s, zombie %.6f s, %s", site->rec->pid,
		comm_of(site->rec, cb), site->zombie, what);
	put_forked_at(fp, v, k);
	if (!d)
		return;
	fprintf(fp, "    diagnosed at %.6f s: ", d->t);
	put_clean(fp, d->text);
	putc('\n', fp);
	if (d->stack) {
		fprintf(fp, "    parent %d was at:\n", d->parent);
		put_frames(fp, v, d->stack);
	}
}

static void put_sites(FILE *fp, const struct report_view *v)
{
	if (!v->nsites)
		return;
	if (!v->have_sites) {
		fputs("\nfork sites: not in this trace (zwatch -k -w FILE records "
		      "them)\n", fp);
		return;
	}
	fputs("\nfork sites of the longest zombies\n", fp);
	for (size_t k = 0; k < v->nsites; k++)
		put_site(fp, v, k);
}

static void rt_summary(struct sink *s, const struct zw_summary *sum)
{
	struct report_view *v = report_view_finish(s, sum);

	put_header(s->fp, v->info);
	put_tree(s->fp, v);
	put_summary(s->fp, v);
	put_sites(s->fp, v);
	sink_check(s);
}

static const struct sink_ops report_text_ops = {
	.event = report_view_event,
	.lifecycle = report_view_lifecycle,
	.summary = rt_summary,
	.close = report_view_close,
};

struct sink *sink_report_text_new(FILE *fp, bool own_fp,
				  const struct report_info *info)
{
	return report_view_new(&report_text_ops, fp, own_fp, info);
}
