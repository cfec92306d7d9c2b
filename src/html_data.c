/* html_data.c - the HTML report's records as JSON for its script.
 *
 * One array per process, in tree order (depth first), so the page needs
 * no sorting; field names once in "cols".  A 30,000-process trace gives
 * about 2 MB, a million-event one (150,000 processes) about 12 MB, well
 * under the trace itself.  Strings are written by json_put_string() into
 * a buffer, which is then copied out with '<', '>' and '&' escaped, so no
 * string of the trace can close the <script> element it sits in.
 */
#include "config.h"
#include "html_data.h"
#include "decode.h"
#include "forksites.h"
#include "lifecycle.h"
#include "proctree.h"
#include "report_sinks.h"
#include "report_view.h"
#include "sink.h"
#include "stack.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSIG_NAMES 65

static const char cols[] =
	"[\"pid\",\"par\",\"comm\",\"born\",\"exited\",\"zsince\",\"reaped\","
	"\"status\",\"by\",\"byrow\",\"reaper\",\"final\",\"argv\",\"spawn\","
	"\"diag\",\"seq\",\"bycomm\"]";

/* Microseconds, -1 for unknown. */
static long long us(double t)
{
	return isnan(t) ? -1 : llround(t * 1e6);
}

/* exit code >= 0; -signal if killed, -1000-signal with a core; null. */
static void put_status(FILE *fp, const struct zw_life *l, bool *sigs)
{
	if (!l->has_status) {
		fputs("null", fp);
	} else if (l->exit_signal > 0 && l->exit_signal < NSIG_NAMES) {
		sigs[l->exit_signal] = true;
		fprintf(fp, "%d", -l->exit_signal - (l->core_dumped ? 1000 : 0));
	} else {
		fprintf(fp, "%d", l->exit_code);
	}
}

static void put_diag(FILE *fp, const struct forksite_diag *d,
		     unsigned *max_stack)
{
	if (!d) {
		putc('0', fp);
		return;
	}
	fprintf(fp, "[%lld,", us(d->t));
	json_put_string(fp, d->text);
	fprintf(fp, ",%d,%u]", d->parent, d->stack);
	if (d->stack > *max_stack)
		*max_stack = d->stack;
}

/* Row k of the tree: the record at t->order[k]; pos maps a record's
 * index to its row. */
static void put_proc(FILE *fp, const struct report_view *v, size_t k,
		     const size_t *pos, bool *sigs, unsigned *max_stack)
{
	const struct proctree *t = &v->tree;
	const struct forksites *fs = v->info ? v->info->sites : NULL;
	size_t i = t->order[k];
	const struct zw_life *l = t->recs[i];
	long par = t->parent[i] >= 0 ? (long)pos[t->parent[i]] : -1;
	/* the latest record of the reaper's pid; -1 if it has none */
	long by = l->reaped_by ? proctree_index(t, l->reaped_by) : -1;
	long byrow = by >= 0 ? (long)pos[by] : -1;
	unsigned spawn = forksites_spawn(fs, l);

	fprintf(fp, "%s[%d,%ld,", k ? ",\n" : "", l->pid, par);
	json_put_string(fp, l->comm);
	fprintf(fp, ",%lld,%lld,%lld,%lld,", us(l->born), us(l->exited),
		us(l->zombie_since), us(l->reaped));
	put_status(fp, l, sigs);
	fprintf(fp, ",%d,%ld,%d,%d,", l->reaped_by, byrow, (int)l->reaper,
		(int)l->final);
	if (forksites_argv(fs, l))
		json_put_string(fp, forksites_argv(fs, l));
	else
		putc('0', fp);
	fprintf(fp, ",%u,", spawn);
	put_diag(fp, forksites_diag(fs, l), max_stack);
	fprintf(fp, ",%u,", l->seq);
	/* the reaper's name where it has no row (zwatch, pid 1) */
	if (byrow < 0 && l->reaped_by_comm[0])
		json_put_string(fp, l->reaped_by_comm);
	else
		putc('0', fp);
	putc(']', fp);
	if (spawn > *max_stack)
		*max_stack = spawn;
}

static void put_raw(FILE *fp, const char *s)
{
	fputs(s, fp);
}

/* Each frame as the text report prints it. */
static void put_stacks(FILE *fp, const struct report_view *v, unsigned n)
{
	struct zw_stack st;

	fputs(",\"s\":[", fp);
	for (unsigned id = 1; id <= n; id++) {
		report_view_stack(v, id, &st);
		fputs(id > 1 ? ",\n[" : "[", fp);
		for (size_t f = 0; f < st.n; f++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *ms = open_memstream(&buf, &len);

			if (!ms)
				die("out of memory");
			sink_put_frame(ms, &st.frames[f], put_raw);
			fclose(ms);
			if (f)
				putc(',', fp);
			json_put_string(fp, buf);
			free(buf);
		}
		putc(']', fp);
	}
	putc(']', fp);
}

static void put_names(FILE *fp, const bool *sigs)
{
	bool first = true;

	fputs(",\"sig\":{", fp);
	for (int s = 1; s < NSIG_NAMES; s++) {
		if (!sigs[s] || !decode_signal_name(s))
			continue;
		fprintf(fp, "%s\"%d\":", first ? "" : ",", s);
		json_put_string(fp, decode_signal_name(s));
		first = false;
	}
	fputs("},\"reapers\":[", fp);
	for (int r = ZW_REAPER_NONE; r <= ZW_REAPER_AUTOREAP; r++) {
		fputs(r ? "," : "", fp);
		json_put_string(fp, event_reaper_text((enum zw_reaper)r));
	}
	fputs("],\"finals\":[", fp);
	for (int f = ZW_FINAL_RUNNING; f <= ZW_FINAL_AUTOREAPED; f++) {
		fputs(f ? "," : "", fp);
		json_put_string(fp, life_final_name((enum zw_final)f));
	}
	putc(']', fp);
}

static void put_object(FILE *fp, const struct report_view *v)
{
	const struct proctree *t = &v->tree;
	size_t *pos = xmalloc((t->len + 1) * sizeof(*pos));
	bool sigs[NSIG_NAMES] = { false };
	unsigned max_stack = 0;

	for (size_t k = 0; k < t->len; k++)
		pos[t->order[k]] = k;
	fprintf(fp, "{\"v\":1,\"end\":%lld,\"thr\":%lld,\"cut\":%d,\"cols\":%s,"
		"\"p\":[\n", us(v->t_end),
		us(v->info ? v->info->threshold : 0),
		v->info && v->info->cut_short, cols);
	for (size_t k = 0; k < t->len; k++)
		put_proc(fp, v, k, pos, sigs, &max_stack);
	fputs("]", fp);
	put_stacks(fp, v, max_stack);
	put_names(fp, sigs);
	fputs("}", fp);
	free(pos);
}

void html_data_put(FILE *fp, const struct report_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);

	if (!ms)
		die("out of memory");
	put_object(ms, v);
	if (fclose(ms) != 0)
		die("out of memory");
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '<')
			fputs("\\u003c", fp);
		else if (c == '>')
			fputs("\\u003e", fp);
		else if (c == '&')
			fputs("\\u0026", fp);
		else
			putc(c, fp);
	}
	free(buf);
}
