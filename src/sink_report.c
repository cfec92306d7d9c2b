/* sink_report.c - zwatch report's text: a header, one line per process in
 * tree order with a timeline bar, then the summary.  Lines are stable
 * and greppable ("  key: value" in the summary).
 */
#include "config.h"
#include "decode.h"
#include "lifecycle.h"
#include "proctree.h"
#include "report_sinks.h"
#include "report_stats.h"
#include "sink.h"
#include "trace_reader.h"
#include "util.h"

#include <math.h>
#include <string.h>

#define BAR_WIDTH 40
#define MAX_INDENT 8
#define MAX_LISTED 10

struct report_text {
	struct sink base;	/* first: sink_close frees the whole */
	const struct report_info *info;
	struct proctree tree;
	double t_end;
};

static void rt_event(struct sink *s, const struct zw_event *ev,
		     const struct zw_life *subject)
{
	(void)s;
	(void)ev;
	(void)subject;
}

static void rt_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	struct report_text *r = (struct report_text *)s;

	r->t_end = t_end;
	proctree_add(&r->tree, l);
}

/* A comm from a trace file is untrusted: no control characters reach the
 * terminal.  Returns buf (16 bytes). */
static const char *comm_of(const struct zw_life *l, char *buf)
{
	size_t i = 0;

	for (const char *c = l && l->comm[0] ? l->comm : "?"; *c && i < 15; c++)
		buf[i++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
	buf[i] = '\0';
	return buf;
}

static void put_clean(FILE *fp, const char *s)
{
	for (; s && *s; s++)
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
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
	for (size_t i = 0; h->command && h->command[i]; i++) {
		const char *a = h->command[i];
		bool quote = !*a || strpbrk(a, " \t'\"\\$&|;<>()*?[]#~`!{}");

		fputs(quote ? " '" : " ", fp);
		put_clean(fp, a);
		if (quote)
			putc('\'', fp);
	}
	fputs("\n  recorded: ", fp);
	put_clean(fp, h->start);
	fputs(" on ", fp);
	put_clean(fp, h->host);
	fputs(" (Linux ", fp);
	put_clean(fp, h->kernel);
	fputs(") by zwatch ", fp);
	put_clean(fp, h->zwatch);
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
	char name[48], what[48], cb[16];
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
	char cb[16], pb[16];
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
	char cb[16];

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
	char cb[16];

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

static void rt_summary(struct sink *s, const struct zw_summary *sum)
{
	struct report_text *r = (struct report_text *)s;
	struct report_stats rs;

	if (!r->tree.len)
		r->t_end = sum->duration;
	proctree_build(&r->tree);
	report_stats_compute(&r->tree, r->t_end, &rs);
	put_header(s->fp, r->info);
	put_tree(s->fp, &r->tree, r->t_end);
	put_summary(s->fp, &r->tree, &rs);
	sink_check(s);
}

static int rt_close(struct sink *s)
{
	proctree_free(&((struct report_text *)s)->tree);
	return 0;
}

static const struct sink_ops report_text_ops = {
	.event = rt_event,
	.lifecycle = rt_lifecycle,
	.summary = rt_summary,
	.close = rt_close,
};

struct sink *sink_report_text_new(FILE *fp, bool own_fp,
				  const struct report_info *info)
{
	struct report_text *r = xcalloc(1, sizeof(*r));

	r->base.ops = &report_text_ops;
	r->base.fp = fp;
	r->base.own_fp = own_fp;
	r->info = info;
	proctree_init(&r->tree);
	return &r->base;
}
