/* sink_filter.c - passes on the selected processes' events and records. */
#include "config.h"
#include "sink_filter.h"
#include "proctree.h"
#include "select.h"
#include "sink.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>

struct filter {
	struct sink base;	/* first: sink_close frees the whole */
	const struct select_opts *opts;
	struct sink *const *inner;
	size_t ninner;
	bool events;
	const bool *by_seq;	/* from an earlier pass, or NULL */
	size_t nseq;
	struct proctree tree;
	double t_end;
	bool *selected;		/* by seq, after the summary */
	size_t nselected;
};

static bool pass_event(const struct filter *f, const struct zw_event *ev,
		       const struct zw_life *subject)
{
	if (!f->events)
		return false;
	if (!select_active(f->opts))
		return true;
	if (!f->by_seq || !subject || subject->seq >= f->nseq)
		return false;
	return f->by_seq[subject->seq] && select_time(f->opts, ev->t);
}

static void filter_event(struct sink *s, const struct zw_event *ev,
			 const struct zw_life *subject)
{
	struct filter *f = (struct filter *)s;

	if (pass_event(f, ev, subject))
		for (size_t i = 0; i < f->ninner; i++)
			f->inner[i]->ops->event(f->inner[i], ev, subject);
}

static void filter_lifecycle(struct sink *s, const struct zw_life *l,
			     double t_end)
{
	struct filter *f = (struct filter *)s;

	f->t_end = t_end;
	proctree_add(&f->tree, l);
}

/* Marks the selection by seq (records come in seq order, but say so
 * nowhere: index by the seq itself). */
static void decide(struct filter *f)
{
	const struct proctree *t = &f->tree;
	bool *sel = xcalloc(t->len + 1, sizeof(*sel));

	if (select_active(f->opts))
		select_mark(f->opts, t, f->t_end, sel);
	else
		for (size_t i = 0; i < t->len; i++)
			sel[i] = true;
	f->nselected = 0;
	for (size_t i = 0; i < t->len; i++)
		if (t->recs[i]->seq >= f->nselected)
			f->nselected = t->recs[i]->seq + 1;
	f->selected = xcalloc(f->nselected + 1, sizeof(*f->selected));
	for (size_t i = 0; i < t->len; i++)
		f->selected[t->recs[i]->seq] = sel[i];
	free(sel);
}

static void filter_summary(struct sink *s, const struct zw_summary *sum)
{
	struct filter *f = (struct filter *)s;

	if (!f->tree.len)
		f->t_end = sum->duration;
	proctree_build(&f->tree);
	decide(f);
	for (size_t k = 0; k < f->ninner; k++) {
		struct sink *in = f->inner[k];

		for (size_t i = 0; i < f->tree.len; i++)
			if (f->selected[f->tree.recs[i]->seq])
				in->ops->lifecycle(in, f->tree.recs[i], f->t_end);
		in->ops->summary(in, sum);
	}
}

static int filter_close(struct sink *s)
{
	struct filter *f = (struct filter *)s;

	proctree_free(&f->tree);
	free(f->selected);
	return 0;
}

static const struct sink_ops filter_ops = {
	.event = filter_event,
	.lifecycle = filter_lifecycle,
	.summary = filter_summary,
	.close = filter_close,
};

struct sink *sink_filter_new(const struct select_opts *opts,
			     struct sink *const *inner, size_t ninner,
			     bool events, const bool *by_seq, size_t nseq)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	f->base.ops = &filter_ops;
	f->opts = opts;
	f->inner = inner;
	f->ninner = ninner;
	f->events = events;
	f->by_seq = by_seq;
	f->nseq = nseq;
	proctree_init(&f->tree);
	return &f->base;
}

const bool *sink_filter_selection(const struct sink *s, size_t *n)
{
	const struct filter *f = (const struct filter *)s;

	*n = f->nselected;
	return f->selected;
}
