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
#include "trace_reader.h"
#include "util.h"

#include <math.h>
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
	report_put_command(fp, h->command, true, put_clean);
	if (h->command_truncated)
		fprintf(fp, " [truncated: %lld arguments]", h->command_argc);
	fputs("\n  recorded: ", fp);
	report_put_recorded(fp, h, put_clean);
	putc('\n', fp);
}

/* One cell of the bar: the strongest state the process had in it. */
static char bar_cell(const struct zw_life *l, double from, double to,
		     double t_end)
{
	double born = isnan(l->born) ? 0 : l->born;
	double gone = !isnan(l->reaped) ? l->reaped : t_end;
	double zombie = isnan(l->zombie_since) ? INFINITY : l->zombie_since;

	if (zombie <= to && gone >= from && zombie < INFINITY) {
		double in = fmin(gone, to) - fmax(zombie, from);

		return in * 2 >= to - from ? 'Z' : 'z';
	}
	if (born <= to && (zombie < INFINITY ? zombie : gone) >= from)
		return '=';
	return ' ';
}

static void put_bar(FILE *fp, const struct zw_life *l, double t_end)
{
	double w = t_end > 0 ? t_end / BAR_WIDTH : 1;

	putc('|', fp);
	for (int c = 0; c < BAR_WIDTH; c++)
		putc(bar_cell(l, c * w, (c + 1) * w, t_end), fp);
	putc('|', fp);
}

static void fate(const struct zw_life *l, char *buf, size_t n)
{
	switch (l->final) {
	case ZW_FINAL_REAPED:
		snprintf(buf, n, "reaped by %d (%s)", l->reaped_by,
			 event_reaper_name(l->reaper) ? event_reaper_name(l->reaper) : "?");
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

static void put_row(FILE *fp, const struct zw_life *l, unsigned depth,
		    double t_end)
{
	char name[SANITIZE_COMM_BUF + 32], what[48], cb[SANITIZE_COMM_BUF];
	unsigned d = depth > MAX_INDENT ? MAX_INDENT : depth;

	if (depth)
		snprintf(name, sizeof(name), "%*s%s%s", 2 * (int)(d - 1), "",
			 depth > MAX_INDENT ? "+ " : "`- ", comm_of(l, cb));
	else
		snprintf(name, sizeof(name), "%s", comm_of(l, cb));
	fate(l, what, sizeof(what));
	fprintf(fp, "%7d %-26s", l->pid, name);
	put_time(fp, l->born);
	put_time(fp, l->exited);
	put_time(fp, life_zombie_seconds(l, t_end));
	fprintf(fp, " %-30s ", what);
	put_bar(fp, l, t_end);
	putc('\n', fp);
}

static void put_tree(FILE *fp, const struct proctree *t, double t_end)
{
	fprintf(fp, "\nprocess trees (0 to %.6f s; timeline: = running, "
		"Z zombie, z zombie briefly)\n", t_end);
	fprintf(fp, "%7s %-26s %10s %10s %10s %-30s %s\n", "PID", "COMM", "BORN",
		"EXITED", "ZOMBIE(s)", "FATE", "TIMELINE");
	for (size_t k = 0; k < t->len; k++) {
		size_t i = t->order[k];

		put_row(fp, t->recs[i], t->depth[i], t_end);
	}
}


static void put_leaks(FILE *fp, const struct proctree *t,
		      const struct report_stats *rs)
{
	char cb[SANITIZE_COMM_BUF], pb[SANITIZE_COMM_BUF];
	size_t shown = 0;

	if (!rs->leaked) {
		fputs("  leaks: none\n", fp);
		return;
	}
	fprintf(fp, "  leaks: %zu still a zombie at the end\n", rs->leaked);
	for (size_t i = 0; i < t->len && shown < MAX_LISTED; i++) {
		const struct zw_life *l = t->recs[i];

		if (l->final != ZW_FINAL_ZOMBIE)
			continue;
		shown++;
		fprintf(fp, "    %d (%s), zombie for %.6f s, parent %d (%s)\n",
			l->pid, comm_of(l, cb), life_zombie_seconds(l, rs->t_end),
			l->parent, comm_of(proctree_find(t, l->parent), pb));
	}
	if (rs->leaked > shown)
		fprintf(fp, "    and %zu more\n", rs->leaked - shown);
}

static void put_worst(FILE *fp, const struct report_stats *rs)
{
	char cb[SANITIZE_COMM_BUF];

	if (!rs->nworst)
		return;
	fputs("  worst parents (zombie-seconds of their children):\n", fp);
	for (size_t i = 0; i < rs->nworst; i++)
		fprintf(fp, "    %7d %-15s %12.6f s over %zu zombie%s\n",
			rs->worst[i].pid, comm_of(rs->worst[i].rec, cb),
			rs->worst[i].seconds, rs->worst[i].zombies,
			rs->worst[i].zombies == 1 ? "" : "s");
}

static void put_summary(FILE *fp, const struct proctree *t,
			const struct report_stats *rs)
{
	char cb[SANITIZE_COMM_BUF];

	fprintf(fp, "\nsummary\n  processes: %zu (%zu exited, %zu running at "
		"the end) in %.6f s\n", rs->processes, rs->exited, rs->running,
		rs->t_end);
	fprintf(fp, "  zombies: %zu, at most %zu at once", rs->zombies,
		rs->max_concurrent);
	if (rs->max_concurrent)
		fprintf(fp, " (at %.6f s)", rs->max_concurrent_at);
	putc('\n', fp);
	if (rs->zombies)
		fprintf(fp, "  zombie time: p50 %.6f s, p90 %.6f s, max %.6f s "
			"(%d %s), total %.6f s\n", rs->p50, rs->p90, rs->max,
			rs->longest->pid, comm_of(rs->longest, cb),
			rs->total_zombie_seconds);
	fprintf(fp, "  reaped by: parent %zu, subreaper %zu, init %zu, "
		"autoreap %zu\n", rs->by_reaper[ZW_REAPER_PARENT],
		rs->by_reaper[ZW_REAPER_SUBREAPER], rs->by_reaper[ZW_REAPER_INIT],
		rs->by_reaper[ZW_REAPER_AUTOREAP]);
	put_leaks(fp, t, rs);
	put_worst(fp, rs);
}

static void put_frames(FILE *fp, const struct report_view *v, unsigned id)
{
	struct zw_stack st;

	report_view_stack(v, id, &st);
	for (size_t i = 0; i < st.n; i++) {
		fprintf(fp, "      #%-2zu ", i);
		sink_put_frame(fp, &st.frames[i], put_clean);
		putc('\n', fp);
	}
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
	char cb[SANITIZE_COMM_BUF], what[48];

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
	put_tree(s->fp, &v->tree, v->t_end);
	put_summary(s->fp, &v->tree, &v->rs);
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
