/* sink_html.c - one self-contained HTML page, nothing fetched.  The top
 * answers the questions as plain tables that need no JavaScript (leaks,
 * the longest zombies and where they were forked, the worst parents, the
 * summary); below, a script draws an overview of the run that works as a
 * minimap and a virtualised process tree, from the records embedded once
 * as JSON (html_data.c), so that a 30,000-process page stays light.
 * Every string from the trace goes through put_html() here and through
 * html_data's one string writer: the trace file is untrusted input.
 */
#include "config.h"
#include "forksites.h"
#include "html_data.h"
#include "lifecycle.h"
#include "proctree.h"
#include "report_html_js.h"
#include "report_sinks.h"
#include "report_stats.h"
#include "report_view.h"
#include "sanitize.h"
#include "sink.h"
#include "trace_reader.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEAKS 50	/* rows of the leak table; the tree has them all */

/* Text or attribute content, escaped; what sanitize.h escapes is shown
 * as its \xNN text (valid in XML, and no raw control byte in the page). */
static void put_html(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			n = sanitize_char_len(s);
			if (n) {
				fwrite(s, 1, n, fp);
				s += n - 1;
			} else {
				fprintf(fp, "\\x%02x", c);
			}
		}
	}
}

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}"
	"h1{font-size:20px;margin:0 0 4px}.meta{color:#555;margin:0 0 10px}"
	"h2{font-size:16px;margin:18px 0 6px}"
	".headline{font-size:15px;margin:6px 0}.headline b{font-size:17px}"
	".bad{color:#c0392b}.warn{background:#fdecea;border:1px solid #e6a19a;"
	"padding:6px 10px}"
	".answers{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}"
	"table{border-collapse:collapse;margin:4px 0 8px}"
	"td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;"
	"vertical-align:top}th{background:#f5f5f5}"
	"td.n{text-align:right;font-family:ui-monospace,monospace}"
	"details pre{margin:2px 0;font:12px ui-monospace,monospace;"
	"white-space:pre-wrap}"
	".legend span{display:inline-block;margin-right:14px}"
	".legend i{display:inline-block;width:14px;height:10px;margin-right:4px;"
	"vertical-align:middle}"
	"#overview canvas{display:block;border:1px solid #ddd;margin:2px 0;"
	"cursor:crosshair}#ovl{display:flex;gap:10px;align-items:center}"
	"#ovl .cap{font-size:12px;color:#555}"
	"#treebar{display:flex;gap:8px;align-items:center;margin:6px 0}"
	"#filter{width:400px;padding:3px}"
	"#tree{position:relative;height:60vh;overflow:auto;border:1px solid #ddd;"
	"font:12px/20px ui-monospace,monospace}"
	".row{position:absolute;left:0;right:0;height:20px;white-space:pre;"
	"cursor:pointer}.row:hover,.row.sel{background:#eef3fa}"
	".row .lab{position:absolute;left:4px;width:396px;overflow:hidden;"
	"text-overflow:ellipsis}"
	".row .tl{position:absolute;left:410px;right:8px;top:5px;height:10px}"
	".row .tl i{position:absolute;top:0;height:10px;min-width:1px}"
	".g{color:#999}.tw{color:#555}.dim{color:#888}"
	".run{background:#4a90d9}.zombie{background:#e8871e}"
	".leak{background:#c0392b}.brief{background:#bbb}"
	".reaped{background:#2e9e4f}.autoreaped{background:#8e6bbf}"
	".hit{font-weight:bold}"
	"#details{position:fixed;right:12px;bottom:12px;width:460px;max-height:45vh;"
	"overflow:auto;background:#fff;border:1px solid #999;padding:8px 10px;"
	"box-shadow:0 2px 8px #0003;font:12px/1.4 ui-monospace,monospace;"
	"white-space:pre-wrap;display:none}"
	"#details b{font-family:system-ui,sans-serif}"
	"#axis span{position:absolute;white-space:nowrap}";

static void put_head(FILE *fp, const struct report_info *info)
{
	const struct trace_header *hdr = info ? info->hdr : NULL;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>zwatch report", fp);
	if (info && info->file) {
		fputs(": ", fp);
		put_html(fp, info->file);
	}
	fprintf(fp, "</title>\n<style>%s</style></head>\n<body>\n"
		"<h1>zwatch report</h1>\n<p class=\"meta\">", css);
	if (hdr) {
		fputs("<b>", fp);
		report_put_command(fp, hdr, false, put_html);
		fputs("</b> &mdash; recorded ", fp);
		report_put_recorded(fp, hdr, put_html);
	}
	fputs("</p>\n", fp);
	if (info && info->cut_short)
		fputs("<p class=\"warn\" id=\"cut\"><b>This trace was cut off</b>: "
		      "it has no end records, so the recording zwatch was killed "
		      "or crashed. Processes are shown as it last saw them; "
		      "&ldquo;running&rdquo; and &ldquo;zombie at the end&rdquo; "
		      "mean at the cut.</p>\n", fp);
}

/* A duration in a unit that suits it. */
static void put_dur(FILE *fp, double s)
{
	if (isnan(s))
		fputs("-", fp);
	else if (s < 1e-3)
		fprintf(fp, "%.0f&#8239;&micro;s", s * 1e6);
	else if (s < 1)
		fprintf(fp, "%.1f&#8239;ms", s * 1e3);
	else
		fprintf(fp, "%.3f&#8239;s", s);
}

/* A record's pid, linked to its row in the tree. */
static void put_link(FILE *fp, const struct zw_life *l)
{
	fprintf(fp, "<a href=\"#p%u\" class=\"pl\">%d</a> ", l->seq, l->pid);
	put_html(fp, l && l->comm[0] ? l->comm : "?");
}

static void put_headline(FILE *fp, const struct report_stats *rs)
{
	fputs("<p class=\"headline\" id=\"headline\">", fp);
	fprintf(fp, "<b%s>%zu</b> zombie%s of at least ",
		rs->zombies ? " class=\"bad\"" : "", rs->zombies,
		rs->zombies == 1 ? "" : "s");
	put_dur(fp, rs->threshold);
	fprintf(fp, " (at most %zu at once), <b%s>%zu</b> still a zombie at "
		"the end; %zu processes, %zu reaped at once (a zombie for less "
		"than ", rs->max_concurrent, rs->leaked ? " class=\"bad\"" : "",
		rs->leaked, rs->processes, rs->brief);
	put_dur(fp, rs->threshold);
	fputs(").</p>\n", fp);
}

/* The oldest leak first: all last till the end, so the one that became
 * a zombie first; then in order of appearance. */
static int cmp_leak(const void *a, const void *b)
{
	const struct zw_life *x = *(const struct zw_life *const *)a;
	const struct zw_life *y = *(const struct zw_life *const *)b;

	if (x->zombie_since != y->zombie_since)
		return x->zombie_since < y->zombie_since ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_leaks(FILE *fp, const struct proctree *t,
		      const struct report_stats *rs)
{
	const struct zw_life **leaks;
	size_t n = 0, shown;

	if (!rs->leaked)
		return;
	leaks = xmalloc(rs->leaked * sizeof(*leaks));
	for (size_t i = 0; i < t->len && n < rs->leaked; i++)
		if (t->recs[i]->final == ZW_FINAL_ZOMBIE)
			leaks[n++] = t->recs[i];
	qsort(leaks, n, sizeof(*leaks), cmp_leak);
	fputs("<div><h2>Leaks: still a zombie at the end, oldest first</h2>\n"
	      "<table id=\"leaks\"><tr><th>zombie</th><th>for</th><th>parent "
	      "(should reap it)</th></tr>\n", fp);
	for (shown = 0; shown < n && shown < MAX_LEAKS; shown++) {
		const struct zw_life *l = leaks[shown], *p;

		fputs("<tr><td>", fp);
		put_link(fp, l);
		fputs("</td><td class=\"n\">", fp);
		put_dur(fp, life_zombie_seconds(l, rs->t_end));
		fputs("</td><td>", fp);
		p = proctree_find(t, l->parent);
		if (p)
			put_link(fp, p);
		else
			fprintf(fp, "%d", l->parent);
		fputs("</td></tr>\n", fp);
	}
	if (rs->leaked > shown)
		fprintf(fp, "<tr><td colspan=\"3\">and %zu more</td></tr>\n",
			rs->leaked - shown);
	fputs("</table></div>\n", fp);
	free(leaks);
}

/* Where a site was forked and its diagnosis, folded. */
static void put_site_details(FILE *fp, const struct report_view *v,
			     const struct report_site *site)
{
	const struct forksite_diag *d = site->diag;

	if (!site->spawn && !d) {
		fputs(isnan(site->rec->born) ? "forked before tracing" :
		      v->have_sites ? "not recorded" : "not in this trace "
		      "(<code>zwatch -k</code>)", fp);
		return;
	}
	fprintf(fp, "<details class=\"site\" id=\"site-%d\"><summary>",
		site->rec->pid);
	fputs(site->spawn ? "fork stack" : "", fp);
	fputs(d ? (site->spawn ? ", diagnosis" : "diagnosis") : "", fp);
	fputs("</summary><pre>", fp);
	if (site->spawn) {
		fputs("forked at:", fp);
		report_view_put_frames(fp, v, site->spawn, "\n", "", put_html);
	}
	if (d) {
		fprintf(fp, "%sdiagnosed at %.6f s: ", site->spawn ? "\n\n" : "",
			d->t);
		put_html(fp, d->text);
		if (d->stack) {
			fprintf(fp, "\nparent %d was at:", d->parent);
			report_view_put_frames(fp, v, d->stack, "\n", "",
					       put_html);
		}
	}
	fputs("</pre></details>", fp);
}

/* "reaped by PID comm (kind)", the comm when zwatch saw it. */
static void put_reaper(FILE *fp, const struct zw_life *l)
{
	if (l->reaper == ZW_REAPER_NONE) {
		fputs("</td><td>reaped by unknown", fp);
		return;
	}
	fprintf(fp, "</td><td>reaped by %d", l->reaped_by);
	if (l->reaped_by_comm[0]) {
		putc(' ', fp);
		put_html(fp, l->reaped_by_comm);
	}
	fprintf(fp, " (%s)", event_reaper_text(l->reaper));
}

/* The sites: zombies past the threshold, leaks first, then the longest. */
static void put_longest(FILE *fp, const struct report_view *v)
{
	if (!v->nsites)
		return;
	fputs("<div><h2>Longest zombies</h2>\n<table id=\"longest\"><tr>"
	      "<th>zombie</th><th>for</th><th>fate</th><th>where it was forked"
	      "</th></tr>\n", fp);
	for (size_t k = 0; k < v->nsites; k++) {
		const struct report_site *site = &v->sites[k];
		const struct zw_life *l = site->rec;

		fputs("<tr><td>", fp);
		put_link(fp, l);
		fputs("</td><td class=\"n\">", fp);
		put_dur(fp, site->zombie);
		if (l->final == ZW_FINAL_ZOMBIE)
			fputs("</td><td>still a zombie", fp);
		else if (l->final == ZW_FINAL_REAPED)
			put_reaper(fp, l);
		else
			fputs("</td><td>autoreaped", fp);
		fputs("</td><td>", fp);
		put_site_details(fp, v, site);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

static void put_worst(FILE *fp, const struct report_stats *rs)
{
	if (!rs->nworst || !rs->zombies)
		return;
	fputs("<div><h2>Worst parents</h2>\n<table id=\"worst\"><tr><th>parent"
	      "</th><th>zombie time of its children</th><th>zombies</th>"
	      "<th>leaks</th></tr>\n", fp);
	for (size_t i = 0; i < rs->nworst; i++) {
		const struct report_parent *w = &rs->worst[i];

		fputs("<tr><td>", fp);
		if (w->rec) {
			put_link(fp, w->rec);
		} else {
			fprintf(fp, "%d ", w->pid);
			put_html(fp, w->comm ? w->comm : "?");
		}
		fputs("</td><td class=\"n\">", fp);
		put_dur(fp, w->seconds);
		fprintf(fp, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
			"</td></tr>\n", w->zombies, w->leaks);
	}
	fputs("</table></div>\n", fp);
}

static void row(FILE *fp, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void row(FILE *fp, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(fp, "<tr><th>%s</th><td>", key);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputs("</td></tr>\n", fp);
}

static void put_summary(FILE *fp, const struct report_stats *rs)
{
	fputs("<div><h2>Summary</h2>\n<table class=\"summary\" id=\"summary\">\n",
	      fp);
	row(fp, "processes", "%zu (%zu exited, %zu running at the end) in %.6f s",
	    rs->processes, rs->exited, rs->running, rs->t_end);
	row(fp, "zombies", "%zu of at least %g ms, at most %zu at once",
	    rs->zombies, rs->threshold * 1e3, rs->max_concurrent);
	row(fp, "reaped at once", "%zu (a zombie for less than %g ms)",
	    rs->brief, rs->threshold * 1e3);
	if (rs->zombies + rs->brief)
		row(fp, "zombie time", "p50 %.6f s, p90 %.6f s, max %.6f s, "
		    "total %.6f s (all zombies)", rs->p50, rs->p90, rs->max,
		    rs->total_zombie_seconds);
	row(fp, "reaped by", "parent %zu, subreaper %zu, init %zu, autoreap %zu",
	    rs->by_reaper[ZW_REAPER_PARENT], rs->by_reaper[ZW_REAPER_SUBREAPER],
	    rs->by_reaper[ZW_REAPER_INIT], rs->by_reaper[ZW_REAPER_AUTOREAP]);
	row(fp, "leaks", "%zu still a zombie at the end", rs->leaked);
	fputs("</table></div>\n", fp);
}

static void put_answers(FILE *fp, const struct report_view *v)
{
	fputs("<section id=\"answers\">\n", fp);
	put_headline(fp, &v->rs);
	fputs("<div class=\"answers\">\n", fp);
	put_leaks(fp, &v->tree, &v->rs);
	put_longest(fp, v);
	put_worst(fp, &v->rs);
	put_summary(fp, &v->rs);
	fputs("</div></section>\n", fp);
}

/* The script fills these; without it the tables above are the report. */
static void put_views(FILE *fp)
{
	fputs("<noscript><p><i>The overview and the process tree need "
	      "JavaScript; the tables above do not.</i></p></noscript>\n"
	      "<section id=\"overview\" hidden><h2>Overview</h2>\n"
	      "<div id=\"ovl\"><span class=\"cap\">drag across a chart to zoom "
	      "the tree's timeline</span><button id=\"reset\">reset zoom</button>"
	      "<span id=\"range\" class=\"cap\"></span></div>\n"
	      "<div class=\"cap\">processes alive (blue) and zombies (orange) "
	      "over time</div><canvas id=\"c-alive\" height=\"90\"></canvas>\n"
	      "<div class=\"cap\">exits over time</div>"
	      "<canvas id=\"c-exits\" height=\"60\"></canvas>\n"
	      "<div class=\"cap\">zombie lifetimes (count per decade; grey: below "
	      "the threshold)</div><canvas id=\"c-hist\" height=\"90\"></canvas>\n"
	      "</section>\n"
	      "<section id=\"treesec\" hidden><h2>Processes</h2>\n"
	      "<div class=\"legend\"><span><i class=\"run\"></i>running</span>"
	      "<span><i class=\"zombie\"></i>zombie</span><span><i class=\"leak\">"
	      "</i>zombie at the end (leak)</span><span><i class=\"brief\"></i>"
	      "reaped at once</span><span><i class=\"reaped\"></i>reaped</span>"
	      "<span><i class=\"autoreaped\"></i>autoreaped</span></div>\n"
	      "<div id=\"treebar\"><input id=\"filter\" type=\"search\" "
	      "placeholder=\"filter: comm, pid, argv, exit status (e.g. exit 1, "
	      "SIGKILL)\"><button id=\"expand\">expand all</button>"
	      "<button id=\"collapse\">collapse</button>"
	      "<span id=\"count\" class=\"cap\"></span></div>\n"
	      "<div id=\"tree\"><div id=\"rows\"></div></div>\n</section>\n"
	      "<div id=\"details\"></div>\n", fp);
}

static void html_summary(struct sink *s, const struct zw_summary *sum)
{
	struct report_view *v = report_view_finish(s, sum);
	FILE *fp = s->fp;

	put_head(fp, v->info);
	put_answers(fp, v);
	put_views(fp);
	fputs("<script type=\"application/json\" id=\"zw-data\">", fp);
	html_data_put(fp, v);
	fprintf(fp, "</script>\n<script>%s</script>\n</body></html>\n",
		report_html_js);
	sink_check(s);
}

static const struct sink_ops html_ops = {
	.event = report_view_event,
	.lifecycle = report_view_lifecycle,
	.summary = html_summary,
	.close = report_view_close,
};

struct sink *sink_html_new(FILE *fp, bool own_fp, const struct report_info *info)
{
	return report_view_new(&html_ops, fp, own_fp, info);
}
