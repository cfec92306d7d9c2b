/* sink_html.c - one self-contained HTML page (inline SVG, CSS and a few
 * lines of JS, nothing fetched): a bar per process in tree order, coloured
 * by state, details on hover, the summary table, and where the longest
 * zombies were forked.  Every string from the trace goes through
 * put_html(): the trace file is untrusted input.
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
#include <stdarg.h>
#include <string.h>

#define MAX_ROWS 2000	/* more rows make a page no browser scrolls well */
#define LABEL_W 280
#define CHART_W 820
#define ROW_H 20
#define TOP 28
#define INDENT 14
#define MAX_INDENT 12

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
	".legend span{display:inline-block;margin-right:14px}"
	".legend i{display:inline-block;width:14px;height:10px;margin-right:4px;"
	"vertical-align:middle}"
	"svg{display:block;border:1px solid #ddd;background:#fff}"
	"svg text{font:12px ui-monospace,monospace;fill:#222}"
	"svg .axis text{fill:#777;font-size:11px}svg .axis line{stroke:#eee}"
	".run{fill:#4a90d9}.zombie{fill:#e8871e}.leak{fill:#c0392b}"
	".reaped{fill:#2e9e4f}.autoreaped{fill:#8e6bbf}"
	".proc:hover rect.bg{fill:#f3f6fa}rect.bg{fill:transparent}"
	"table{border-collapse:collapse;margin-top:14px}"
	"td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
	"th{background:#f5f5f5}td.n{text-align:right;font-family:monospace}"
	"#tip{position:fixed;display:none;background:#222;color:#fff;"
	"padding:6px 8px;border-radius:4px;font:12px monospace;"
	"white-space:pre;pointer-events:none}"
	"h2{font-size:16px;margin:18px 0 6px}details.site{margin:3px 0}"
	"details.site pre{margin:2px 0 6px 18px;font:12px ui-monospace,monospace}";

/* Shows a row's data-tip next to the pointer; marks the page as run. */
static const char js[] =
	"(function(){var tip=document.getElementById('tip');"
	"document.querySelectorAll('.proc').forEach(function(g){"
	"g.addEventListener('mousemove',function(e){"
	"tip.textContent=g.getAttribute('data-tip');tip.style.display='block';"
	"tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+10)+'px';});"
	"g.addEventListener('mouseleave',function(){tip.style.display='none';});"
	"});document.body.setAttribute('data-zwatch-ready','1');})();";

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
		report_put_command(fp, hdr->command, false, put_html);
		if (hdr->command_truncated)
			fprintf(fp, " [truncated: %lld arguments]", hdr->command_argc);
		fputs("</b> &mdash; recorded ", fp);
		report_put_recorded(fp, hdr, put_html);
	}
	fputs("</p>\n<div class=\"legend\"><span><i "
	      "style=\"background:#4a90d9\"></i>running</span><span><i "
	      "style=\"background:#e8871e\"></i>zombie</span><span><i "
	      "style=\"background:#c0392b\"></i>zombie at the end (leak)</span>"
	      "<span><i style=\"background:#2e9e4f\"></i>reaped</span><span><i "
	      "style=\"background:#8e6bbf\"></i>autoreaped</span></div>\n", fp);
}

/* A round tick step giving about 8 ticks over [0, t_end]. */
static double tick_step(double t_end)
{
	double raw = t_end / 8, p = pow(10, floor(log10(raw)));

	return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

static void put_axis(FILE *fp, double t_end, int height)
{
	double step = tick_step(t_end);

	fputs("<g class=\"axis\">", fp);
	for (int i = 0; i <= 8 && i * step <= t_end * 1.0001; i++) {
		double x = LABEL_W + i * step / t_end * CHART_W;
		double v = i * step;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"16\">", x, TOP - 6, x, height, x + 2);
		if (t_end < 1)
			fprintf(fp, "%g ms", round(v * 1e6) / 1e3);
		else
			fprintf(fp, "%g s", round(v * 1e3) / 1e3);
		fputs("</text>", fp);
	}
	fputs("</g>\n", fp);
}

static void put_tip(FILE *fp, const struct zw_life *l, double t_end)
{
	char buf[160];
	double z = life_zombie_seconds(l, t_end);

	fputs(" data-tip=\"", fp);
	put_html(fp, l->comm);
	fprintf(fp, " (%d)&#10;parent %d", l->pid, l->ppid);
	if (l->parent != l->ppid)
		fprintf(fp, ", reparented to %d", l->parent);
	if (!isnan(l->born))
		fprintf(fp, "&#10;born %.6f s", l->born);
	if (!isnan(l->exited))
		fprintf(fp, "&#10;exited %.6f s", l->exited);
	if (l->has_status && l->exit_signal)
		fprintf(fp, " (killed by %s%s)", decode_signal_name(l->exit_signal) ?
			decode_signal_name(l->exit_signal) : "a signal",
			l->core_dumped ? ", core dumped" : "");
	else if (l->has_status)
		fprintf(fp, " (exit %d)", l->exit_code);
	if (!isnan(z))
		fprintf(fp, "&#10;zombie %.6f s", z);
	if (l->final == ZW_FINAL_REAPED && l->reaper == ZW_REAPER_NONE)
		snprintf(buf, sizeof(buf), "reaped by unknown");
	else if (l->final == ZW_FINAL_REAPED)
		snprintf(buf, sizeof(buf), "reaped by %d (%s)", l->reaped_by,
			 event_reaper_text(l->reaper));
	else
		snprintf(buf, sizeof(buf), "%s", l->final == ZW_FINAL_ZOMBIE ?
			 "still a zombie at the end" : life_final_name(l->final));
	fprintf(fp, "&#10;%s\"", buf);
}

static double x_of(double t, double t_end)
{
	return LABEL_W + (t_end > 0 ? t / t_end * CHART_W : 0);
}

static void put_rect(FILE *fp, const char *cls, double x0, double x1, int y)
{
	fprintf(fp, "<rect class=\"%s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
		"height=\"%d\"/>", cls, x0, y + 4, x1 - x0 < 1 ? 1 : x1 - x0,
		ROW_H - 8);
}

static void put_bars(FILE *fp, const struct zw_life *l, double t_end, int y)
{
	double born = isnan(l->born) ? 0 : l->born;
	double zs = l->zombie_since;
	double gone = isnan(l->reaped) ? t_end : l->reaped;

	if (!(isnan(l->exited) && !isnan(zs) && isnan(l->born)))
		put_rect(fp, "run", x_of(born, t_end),
			 x_of(isnan(zs) ? t_end : zs, t_end), y);
	if (!isnan(zs))
		put_rect(fp, l->final == ZW_FINAL_ZOMBIE ? "leak" : "zombie",
			 x_of(zs, t_end), x_of(gone, t_end), y);
	if (l->final == ZW_FINAL_REAPED || l->final == ZW_FINAL_AUTOREAPED)
		fprintf(fp, "<rect class=\"%s\" x=\"%.2f\" y=\"%d\" width=\"3\" "
			"height=\"%d\"/>", life_final_name(l->final),
			x_of(gone, t_end), y + 1, ROW_H - 2);
}

static void put_row(FILE *fp, const struct zw_life *l, unsigned depth,
		    double t_end, int y)
{
	unsigned d = depth > MAX_INDENT ? MAX_INDENT : depth;

	fputs("<g class=\"proc\"", fp);
	put_tip(fp, l, t_end);
	fprintf(fp, "><rect class=\"bg\" x=\"0\" y=\"%d\" width=\"%d\" "
		"height=\"%d\"/><text x=\"%u\" y=\"%d\">", y, LABEL_W + CHART_W + 10,
		ROW_H, 6 + d * INDENT, y + ROW_H - 6);
	if (depth)
		fputs(depth > MAX_INDENT ? "&#8230; " : "&#9492; ", fp);
	put_html(fp, l->comm[0] ? l->comm : "?");
	fprintf(fp, " (%d)</text>", l->pid);
	put_bars(fp, l, t_end, y);
	fputs("</g>\n", fp);
}

static void put_chart(FILE *fp, const struct proctree *t, double t_end)
{
	size_t rows = t->len < MAX_ROWS ? t->len : MAX_ROWS;
	int height = TOP + (int)rows * ROW_H + 4;

	fprintf(fp, "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\">\n", LABEL_W + CHART_W + 50, height);
	put_axis(fp, t_end > 0 ? t_end : 1e-6, height);
	for (size_t k = 0; k < rows; k++) {
		size_t i = t->order[k];

		put_row(fp, t->recs[i], t->depth[i], t_end, TOP + (int)k * ROW_H);
	}
	fputs("</svg>\n", fp);
	if (rows < t->len)
		fprintf(fp, "<p>%zu more processes are not drawn; see the "
			"text or JSON report.</p>\n", t->len - rows);
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
	fputs("<table class=\"summary\" id=\"summary\">\n", fp);
	row(fp, "processes", "%zu (%zu exited, %zu running at the end) in %.6f s",
	    rs->processes, rs->exited, rs->running, rs->t_end);
	row(fp, "zombies", "%zu, at most %zu at once", rs->zombies,
	    rs->max_concurrent);
	if (rs->zombies)
		row(fp, "zombie time", "p50 %.6f s, p90 %.6f s, max %.6f s, "
		    "total %.6f s", rs->p50, rs->p90, rs->max,
		    rs->total_zombie_seconds);
	row(fp, "reaped by", "parent %zu, subreaper %zu, init %zu, autoreap %zu",
	    rs->by_reaper[ZW_REAPER_PARENT], rs->by_reaper[ZW_REAPER_SUBREAPER],
	    rs->by_reaper[ZW_REAPER_INIT], rs->by_reaper[ZW_REAPER_AUTOREAP]);
	row(fp, "leaks", "%zu still a zombie at the end", rs->leaked);
	fputs("</table>\n", fp);
}

static void put_worst(FILE *fp, const struct report_stats *rs)
{
	if (!rs->nworst)
		return;
	fputs("<table id=\"worst\"><tr><th>parent</th><th>comm</th>"
	      "<th>zombie-seconds of its children</th><th>zombies</th></tr>\n", fp);
	for (size_t i = 0; i < rs->nworst; i++) {
		fprintf(fp, "<tr><td class=\"n\">%d</td><td>", rs->worst[i].pid);
		put_html(fp, rs->worst[i].rec ? rs->worst[i].rec->comm : "?");
		fprintf(fp, "</td><td class=\"n\">%.6f</td><td class=\"n\">%zu"
			"</td></tr>\n", rs->worst[i].seconds, rs->worst[i].zombies);
	}
	fputs("</table>\n", fp);
}

static void put_frames(FILE *fp, const struct report_view *v, unsigned id)
{
	struct zw_stack st;

	report_view_stack(v, id, &st);
	for (size_t i = 0; i < st.n; i++) {
		fprintf(fp, "\n#%-2zu ", i);
		sink_put_frame(fp, &st.frames[i], put_html);
	}
}

static void put_site(FILE *fp, const struct report_view *v,
		     const struct report_site *site)
{
	const struct forksite_diag *d = site->diag;
	const struct zw_life *l = site->rec;

	fprintf(fp, "<details class=\"site\" id=\"site-%d\"><summary>%d ",
		l->pid, l->pid);
	put_html(fp, l->comm[0] ? l->comm : "?");
	fprintf(fp, ", zombie %.6f s%s</summary><pre>", site->zombie,
		l->final == ZW_FINAL_ZOMBIE ? ", still a zombie at the end" : "");
	if (site->spawn) {
		fputs("forked at:", fp);
		put_frames(fp, v, site->spawn);
	} else {
		fputs(isnan(l->born) ? "forked before tracing began" :
		      "fork site not recorded", fp);
	}
	if (d) {
		fprintf(fp, "\n\ndiagnosed at %.6f s: ", d->t);
		put_html(fp, d->text);
		if (d->stack) {
			fprintf(fp, "\nparent %d was at:", d->parent);
			put_frames(fp, v, d->stack);
		}
	}
	fputs("</pre></details>\n", fp);
}

static void put_sites(FILE *fp, const struct report_view *v)
{
	if (!v->nsites)
		return;
	if (!v->have_sites) {
		fputs("<p id=\"forksites\">Fork sites are not in this trace "
		      "(<code>zwatch -k -w FILE</code> records them).</p>\n", fp);
		return;
	}
	fputs("<h2>Fork sites of the longest zombies</h2>\n"
	      "<div id=\"forksites\">\n", fp);
	for (size_t k = 0; k < v->nsites; k++)
		put_site(fp, v, &v->sites[k]);
	fputs("</div>\n", fp);
}

static void html_summary(struct sink *s, const struct zw_summary *sum)
{
	struct report_view *v = report_view_finish(s, sum);
	FILE *fp = s->fp;

	put_head(fp, v->info);
	put_chart(fp, &v->tree, v->t_end);
	put_summary(fp, &v->rs);
	put_worst(fp, &v->rs);
	put_sites(fp, v);
	fprintf(fp, "<div id=\"tip\"></div>\n<script>%s</script>\n"
		"</body></html>\n", js);
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
