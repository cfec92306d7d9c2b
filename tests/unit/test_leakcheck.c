/* Unit test: the leak policy (leakcheck.h) as live mode will use it - a
 * sink next to the others - and the process tree the report sinks share
 * (proctree.h): depth-first order, parents of reused pids. */
#include "config.h"
#include "leakcheck.h"
#include "lifecycle.h"
#include "proctree.h"
#include "sink.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

static void feed(struct model *m, enum zw_event_type type, double t, int pid,
		 int a)
{
	struct zw_event e = { .type = type, .t = t, .pid = pid };

	if (type == ZW_EV_SPAWN) {
		e.spawn.ppid = e.spawn.creator = a;
		e.spawn.comm = "p";
	} else if (type == ZW_EV_REAP) {
		e.reap.by = a;
		e.reap.reaper = ZW_REAPER_PARENT;
	} else if (type == ZW_EV_REPARENT) {
		e.reparent.from = 0;
		e.reparent.to = a;
	}
	model_feed(m, &e);
}

/* 10 -> 11 (zombie 0.5 s, reaped), 10 -> 12 (left a zombie, adopted by 1),
 * 10 -> 13 (running); 11's pid reused by a child of 13. */
static struct model *scenario(struct sink **s, size_t n)
{
	struct model *m = model_new(s, n);

	feed(m, ZW_EV_SPAWN, 0.0, 10, 1);
	feed(m, ZW_EV_SPAWN, 0.1, 11, 10);
	feed(m, ZW_EV_SPAWN, 0.2, 12, 10);
	feed(m, ZW_EV_SPAWN, 0.3, 13, 10);
	feed(m, ZW_EV_EXIT, 0.4, 11, 0);
	feed(m, ZW_EV_REAP, 0.9, 11, 10);
	feed(m, ZW_EV_EXIT, 1.0, 12, 0);
	feed(m, ZW_EV_REPARENT, 1.1, 12, 1);
	feed(m, ZW_EV_SPAWN, 1.2, 11, 13);
	return m;
}

static void test_sink(double max_age, size_t want, const char *want_msg)
{
	char *msgs;
	size_t len;
	FILE *fp = open_memstream(&msgs, &len);
	struct sink *s = leakcheck_sink_new(max_age, fp);
	struct model *m = scenario(&s, 1);

	model_finish(m, 2.0);
	CHECK_INT(leakcheck_count(s), want);
	sink_close(s);
	model_free(m);
	fclose(fp);
	if (!strstr(msgs, want_msg)) {
		fprintf(stderr, "leak messages:\n%s\nlack: %s\n", msgs, want_msg);
		check_failures++;
	}
	free(msgs);
}

static void collect(struct sink *s, const struct zw_event *ev,
		    const struct zw_life *l)
{
	(void)s; (void)ev; (void)l;
}

static struct proctree tree;

static void add(struct sink *s, const struct zw_life *l, double t_end)
{
	(void)s; (void)t_end;
	proctree_add(&tree, l);
}

static void nothing(struct sink *s, const struct zw_summary *sum)
{
	(void)s; (void)sum;
}

static int no_close(struct sink *s)
{
	(void)s;
	return 0;
}

static void test_tree(void)
{
	static const struct sink_ops ops = { collect, add, nothing, no_close };
	struct sink s = { .ops = &ops };
	struct sink *sp = &s;
	struct model *m = scenario(&sp, 1);
	static const int want_pid[] = { 10, 11, 12, 13, 11 };
	static const unsigned want_depth[] = { 0, 1, 1, 1, 2 };

	proctree_init(&tree);
	model_finish(m, 2.0);
	proctree_build(&tree);
	CHECK_INT(tree.len, 5);
	for (size_t k = 0; k < tree.len && k < 5; k++) {
		size_t i = tree.order[k];

		CHECK_INT(tree.recs[i]->pid, want_pid[k]);
		CHECK_INT(tree.depth[i], want_depth[k]);
	}
	/* the reused pid 11 is found as its latest record, a child of 13 */
	CHECK_INT(proctree_find(&tree, 11)->ppid, 13);
	CHECK(proctree_find(&tree, 99) == NULL);
	proctree_free(&tree);
	model_free(m);
}

int main(void)
{
	double age;
	struct zw_life l = { .pid = 5, .zombie_since = 1.0, .reaped = NAN,
			     .final = ZW_FINAL_ZOMBIE };

	CHECK(leakcheck_offends(&l, 3.0, NAN, &age));
	CHECK(age == 2.0);
	l.final = ZW_FINAL_REAPED;
	l.reaped = 1.5;
	CHECK(!leakcheck_offends(&l, 3.0, NAN, &age));
	CHECK(leakcheck_offends(&l, 3.0, 0.4, &age));
	CHECK(!leakcheck_offends(&l, 3.0, 0.5, &age));
	test_sink(NAN, 1, "zwatch: leak: 12 (p) is still a zombie at the end "
		  "(1.000000 s); its parent 1 (?) never reaped it (it was born to 10)\n");
	test_sink(0.25, 2, "zwatch: leak: 11 (p) was a zombie for 0.500000 s, "
		  "longer than 0.25 s; its parent 10 (p) reaped it late\n");
	test_tree();
	return CHECK_DONE();
}
