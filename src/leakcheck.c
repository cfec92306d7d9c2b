/* leakcheck.c - --fail-on-leak and --max-zombie-age. */
#include "config.h"
#include "leakcheck.h"
#include "lifecycle.h"
#include "sanitize.h"
#include "proctree.h"
#include "sink.h"
#include "util.h"

#include <math.h>

bool leakcheck_offends(const struct zw_life *l, double t_end, double max_age,
		       double *age)
{
	*age = life_zombie_seconds(l, t_end);
	if (l->final == ZW_FINAL_ZOMBIE)
		return true;
	return !isnan(max_age) && !isnan(*age) && *age > max_age;
}

/* A comm is whatever the process (or a trace file) says: no control
 * characters reach the terminal. */
static const char *clean(const char *comm, char *buf)
{
	return comm[0] ? sanitize_str(buf, SANITIZE_COMM_BUF, comm) : "?";
}

void leakcheck_print(FILE *msgs, const struct zw_life *l,
		     const struct zw_life *parent, double t_end, double max_age)
{
	double age = life_zombie_seconds(l, t_end);
	char cb[SANITIZE_COMM_BUF], pb[SANITIZE_COMM_BUF];
	const char *comm = clean(l->comm, cb);
	const char *pcomm = clean(parent ? parent->comm : "", pb);

	if (l->final == ZW_FINAL_ZOMBIE)
		fprintf(msgs, "zwatch: leak: %d (%s) is still a zombie at the end "
			"(%.6f s); its parent %d (%s) never reaped it",
			l->pid, comm, age, l->parent, pcomm);
	else
		fprintf(msgs, "zwatch: leak: %d (%s) was a zombie for %.6f s, "
			"longer than %g s; its parent %d (%s) reaped it late",
			l->pid, comm, age, max_age, l->parent, pcomm);
	if (l->parent != l->ppid)
		fprintf(msgs, " (it was born to %d)", l->ppid);
	putc('\n', msgs);
}

struct leak_sink {
	struct sink base;	/* first: sink_close frees the whole */
	double max_age;
	FILE *msgs;
	struct proctree tree;
	double t_end;
	size_t count;
};

static void leak_event(struct sink *s, const struct zw_event *ev,
		       const struct zw_life *subject)
{
	(void)s;
	(void)ev;
	(void)subject;
}

static void leak_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	struct leak_sink *k = (struct leak_sink *)s;

	k->t_end = t_end;
	proctree_add(&k->tree, l);
}

/* At the end, when every parent's record is there to be named. */
static void leak_summary(struct sink *s, const struct zw_summary *sum)
{
	struct leak_sink *k = (struct leak_sink *)s;
	double age;

	(void)sum;
	for (size_t i = 0; i < k->tree.len; i++) {
		const struct zw_life *l = k->tree.recs[i];

		if (!leakcheck_offends(l, k->t_end, k->max_age, &age))
			continue;
		k->count++;
		if (k->msgs)
			leakcheck_print(k->msgs, l, proctree_find(&k->tree, l->parent),
					k->t_end, k->max_age);
	}
}

static int leak_close(struct sink *s)
{
	proctree_free(&((struct leak_sink *)s)->tree);
	return 0;
}

static const struct sink_ops leak_ops = {
	.event = leak_event,
	.lifecycle = leak_lifecycle,
	.summary = leak_summary,
	.close = leak_close,
};

struct sink *leakcheck_sink_new(double max_age, FILE *msgs)
{
	struct leak_sink *k = xcalloc(1, sizeof(*k));

	k->base.ops = &leak_ops;
	k->max_age = max_age;
	k->msgs = msgs;
	proctree_init(&k->tree);
	return &k->base;
}

size_t leakcheck_count(const struct sink *s)
{
	return ((const struct leak_sink *)s)->count;
}
