/* report_view.c - the records, tree, figures and fork sites that the text
 * and HTML reports both write. */
#include "config.h"
#include "report_view.h"
#include "forksites.h"
#include "lifecycle.h"
#include "report_sinks.h"
#include "stack.h"
#include "trace_reader.h"
#include "util.h"

#include <math.h>
#include <string.h>

struct sink *report_view_new(const struct sink_ops *ops, FILE *fp,
			     bool own_fp, const struct report_info *info)
{
	struct report_view *v = xcalloc(1, sizeof(*v));

	v->base.ops = ops;
	v->base.fp = fp;
	v->base.own_fp = own_fp;
	v->info = info;
	proctree_init(&v->tree);
	return &v->base;
}

/* Reports write at the summary; the events they need are forksites'. */
void report_view_event(struct sink *s, const struct zw_event *ev,
		       const struct zw_life *subject)
{
	(void)s;
	(void)ev;
	(void)subject;
}

void report_view_lifecycle(struct sink *s, const struct zw_life *l,
			   double t_end)
{
	struct report_view *v = (struct report_view *)s;

	v->t_end = t_end;
	proctree_add(&v->tree, l);
}

int report_view_close(struct sink *s)
{
	proctree_free(&((struct report_view *)s)->tree);
	return 0;
}

/* A leak is the bug whatever its age; then the longer, then the older. */
static bool shown_before(const struct report_site *a,
			 const struct report_site *b)
{
	bool la = a->rec->final == ZW_FINAL_ZOMBIE;
	bool lb = b->rec->final == ZW_FINAL_ZOMBIE;

	if (la != lb)
		return la;
	if (a->zombie != b->zombie)
		return a->zombie > b->zombie;
	return a->rec->seq < b->rec->seq;
}

/* Keeps the REPORT_SITES first in that order, sorted: one pass, and
 * most records lose to the last kept at once. */
static void offer(struct report_view *v, const struct report_site *c)
{
	size_t i = v->nsites;

	if (i == REPORT_SITES) {
		if (!shown_before(c, &v->sites[i - 1]))
			return;
		i--;
	} else {
		v->nsites++;
	}
	for (; i > 0 && shown_before(c, &v->sites[i - 1]); i--)
		v->sites[i] = v->sites[i - 1];
	v->sites[i] = *c;
}

static void pick_sites(struct report_view *v)
{
	const struct forksites *fs = v->info ? v->info->sites : NULL;

	v->nsites = 0;
	v->have_sites = forksites_any(fs);
	for (size_t i = 0; i < v->tree.len; i++) {
		const struct zw_life *l = v->tree.recs[i];
		struct report_site c = {
			.rec = l, .zombie = life_zombie_seconds(l, v->t_end),
		};

		/* one reaped at once (under the threshold) is noise */
		if (isnan(c.zombie) ||
		    !report_zombie_counts(l, v->t_end, v->rs.threshold))
			continue;
		c.spawn = forksites_spawn(fs, l);
		c.diag = forksites_diag(fs, l);
		offer(v, &c);
	}
}

struct report_view *report_view_finish(struct sink *s,
				       const struct zw_summary *sum)
{
	struct report_view *v = (struct report_view *)s;

	if (!v->tree.len)
		v->t_end = sum->duration;
	proctree_build(&v->tree);
	report_stats_compute(&v->tree, v->t_end,
			     v->info ? v->info->threshold : 0, &v->rs);
	pick_sites(v);
	return v;
}

void report_view_stack(const struct report_view *v, unsigned id,
		       struct zw_stack *out)
{
	forksites_stack(v->info->sites, id, out);
}

void report_view_put_frames(FILE *fp, const struct report_view *v,
			    unsigned id, const char *before, const char *after,
			    void (*put)(FILE *fp, const char *s))
{
	struct zw_stack st;

	report_view_stack(v, id, &st);
	for (size_t i = 0; i < st.n; i++) {
		fprintf(fp, "%s#%-2zu ", before, i);
		sink_put_frame(fp, &st.frames[i], put);
		fputs(after, fp);
	}
}

void report_put_command(FILE *fp, const struct trace_header *h, bool lead,
			void (*put)(FILE *fp, const char *s))
{
	char *const *argv = h->command;

	for (size_t i = 0; argv && argv[i]; i++) {
		const char *a = argv[i];
		bool quote = !*a || strpbrk(a, " \t'\"\\$&|;<>()*?[]#~`!{}");

		if (i || lead)
			putc(' ', fp);
		if (quote)
			putc('\'', fp);
		put(fp, a);
		if (quote)
			putc('\'', fp);
	}
	if (h->command_truncated)
		fprintf(fp, " [truncated: %lld arguments]", h->command_argc);
}

void report_put_recorded(FILE *fp, const struct trace_header *h,
			 void (*put)(FILE *fp, const char *s))
{
	put(fp, h->start);
	fputs(" on ", fp);
	put(fp, h->host);
	fputs(" (Linux ", fp);
	put(fp, h->kernel);
	fputs(") by zwatch ", fp);
	put(fp, h->zwatch);
}
