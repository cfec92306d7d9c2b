/* Unit test: the lifecycle model turns event sequences into the right
 * records, and the JSON sink writes them as the contract says. */
#include "config.h"
#include "lifecycle.h"
#include "sink.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

static struct zw_event ev(enum zw_event_type type, double t, int pid)
{
	struct zw_event e = { .type = type, .t = t, .pid = pid };

	return e;
}

static void feed_spawn(struct model *m, double t, int pid, int ppid, int creator)
{
	struct zw_event e = ev(ZW_EV_SPAWN, t, pid);

	e.spawn.ppid = ppid;
	e.spawn.creator = creator;
	e.spawn.syscall = "clone";
	model_feed(m, &e);
}

static void feed_exit(struct model *m, double t, int pid, int code, int sig)
{
	struct zw_event e = ev(ZW_EV_EXIT, t, pid);

	e.exit.code = code;
	e.exit.signal = sig;
	model_feed(m, &e);
}

static void feed_reap(struct model *m, double t, int pid, int by, enum zw_reaper r)
{
	struct zw_event e = ev(ZW_EV_REAP, t, pid);

	e.reap.by = by;
	e.reap.reaper = r;
	model_feed(m, &e);
}

static void test_records(void)
{
	struct model *m = model_new(NULL, 0);
	const struct zw_life *l;
	struct zw_event e;

	feed_spawn(m, 0.0, 100, 1, 1);
	e = ev(ZW_EV_EXEC, 0.1, 100);
	e.exec.comm = "server";
	model_feed(m, &e);
	feed_spawn(m, 0.2, 101, 100, 100);
	feed_spawn(m, 0.3, 102, 1, 100);	/* CLONE_PARENT */
	feed_exit(m, 0.5, 101, 9, 0);
	feed_exit(m, 0.6, 102, -1, 9);
	feed_reap(m, 0.8, 101, 100, ZW_REAPER_PARENT);

	l = model_lookup(m, 101);
	CHECK_STR(l->comm, "server");
	CHECK_INT(l->ppid, 100);
	CHECK_INT(l->exit_code, 9);
	CHECK_INT(l->final, ZW_FINAL_REAPED);
	CHECK(fabs(life_zombie_seconds(l, 9) - 0.3) < 1e-9);

	l = model_lookup(m, 102);
	CHECK_INT(l->ppid, 1);
	CHECK_INT(l->creator, 100);
	CHECK_INT(l->exit_signal, 9);
	CHECK_INT(l->final, ZW_FINAL_ZOMBIE);
	CHECK(fabs(life_zombie_seconds(l, 1.0) - 0.4) < 1e-9);

	e = ev(ZW_EV_ATTACH, 1.0, 200);
	e.attach.ppid = 100;
	e.attach.state = 'Z';
	e.attach.exit_code = 3 << 8;
	model_feed(m, &e);
	l = model_lookup(m, 200);
	CHECK(isnan(l->born));
	CHECK(isnan(l->exited));
	CHECK_INT(l->exit_code, 3);
	CHECK_INT(l->final, ZW_FINAL_ZOMBIE);
	feed_reap(m, 1.5, 200, 0, ZW_REAPER_AUTOREAP);
	CHECK_INT(l->final, ZW_FINAL_AUTOREAPED);
	CHECK(fabs(life_zombie_seconds(l, 9) - 0.5) < 1e-9);

	/* An exit seen and then autoreaped: released inside that exit. */
	feed_spawn(m, 2.0, 201, 100, 100);
	feed_exit(m, 2.1, 201, 0, 0);
	feed_reap(m, 2.102, 201, 0, ZW_REAPER_AUTOREAP);
	l = model_lookup(m, 201);
	CHECK_INT(l->final, ZW_FINAL_AUTOREAPED);
	CHECK(fabs(l->reaped - 2.1) < 1e-9);
	CHECK(fabs(life_zombie_seconds(l, 9)) < 1e-9);

	/* Handed to an adopter that ignores SIGCHLD, autoreaped then: it
	 * was a zombie from its exit to that moment. */
	feed_spawn(m, 3.0, 202, 100, 100);
	feed_exit(m, 3.1, 202, 0, 0);
	e = ev(ZW_EV_REPARENT, 3.6, 202);
	e.reparent.from = 100;
	e.reparent.to = 1;
	model_feed(m, &e);
	feed_reap(m, 3.6, 202, 0, ZW_REAPER_AUTOREAP);
	l = model_lookup(m, 202);
	CHECK(fabs(life_zombie_seconds(l, 9) - 0.5) < 1e-9);
	model_free(m);
}

static void test_summary_and_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct sink *s = sink_json_new(fp, true);
	struct model *m = model_new(&s, 1);

	feed_spawn(m, 0.0, 10, 1, 1);
	feed_spawn(m, 0.1, 11, 10, 10);
	feed_spawn(m, 0.1, 12, 10, 10);
	feed_exit(m, 0.2, 11, 0, 0);
	feed_exit(m, 0.3, 12, 1, 0);
	feed_reap(m, 1.3, 12, 10, ZW_REAPER_PARENT);
	model_finish(m, 2.0);
	CHECK_INT(sink_close(s), 0);
	CHECK(strstr(buf, "{\"event\":\"exit\",\"t\":0.200000,\"pid\":11,"
		      "\"exit_code\":0,\"exit_signal\":null,\"core_dumped\":false}\n"));
	CHECK(strstr(buf, "{\"event\":\"lifecycle\",\"pid\":12,\"ppid\":10,"
		      "\"creator\":10,\"comm\":\"\",\"born\":0.100000,"
		      "\"exited\":0.300000,\"exit_code\":1,\"exit_signal\":null,"
		      "\"core_dumped\":false,\"reaped\":1.300000,\"reaped_by\":10,"
		      "\"reaper\":\"parent\",\"zombie_seconds\":1.000000,"
		      "\"final\":\"reaped\"}\n"));
	CHECK(strstr(buf, "\"pid\":11,") && strstr(buf, "\"final\":\"zombie\""));
	model_free(m);
	free(buf);
}

static void test_json_escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	json_put_string(fp, "a\"b\\c\n\x01\xc3\xa9\xff");
	fclose(fp);
	CHECK_STR(buf, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\u00ff\"");
	free(buf);
}

int main(void)
{
	test_records();
	test_summary_and_json();
	test_json_escape();
	return CHECK_DONE();
}
