/* test_tui_model.c - the live view's table (tui_model.c) without a
 * terminal: states from events, the reaper's name (a row's, or the
 * event's by_comm for zwatch and pid 1), the --min-zombie threshold and
 * "reaped at once", pruning, the rows in tree order with their guides,
 * folding, the filter, and the ring of recent events. */
#include "config.h"
#include "tui_model.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

static void spawn(struct tui_model *m, double t, int pid, int ppid,
		  const char *comm)
{
	struct zw_event ev = { .type = ZW_EV_SPAWN, .t = t, .pid = pid };

	ev.spawn.ppid = ev.spawn.creator = ppid;
	ev.spawn.comm = comm;
	tui_model_event(m, &ev, NULL);
}

static void exec_(struct tui_model *m, double t, int pid, const char *comm,
		  int argc, const char *const *argv)
{
	struct zw_event ev = { .type = ZW_EV_EXEC, .t = t, .pid = pid };

	ev.exec.comm = comm;
	ev.exec.argc = argc;
	ev.exec.argv = argv;
	tui_model_event(m, &ev, comm);
}

static void exit_(struct tui_model *m, double t, int pid, int code, int sig)
{
	struct zw_event ev = { .type = ZW_EV_EXIT, .t = t, .pid = pid };

	ev.exit.code = code;
	ev.exit.signal = sig;
	tui_model_event(m, &ev, NULL);
}

static void reap(struct tui_model *m, double t, int pid, int by,
		 enum zw_reaper kind, const char *by_comm)
{
	struct zw_event ev = { .type = ZW_EV_REAP, .t = t, .pid = pid };

	ev.reap.by = by;
	ev.reap.reaper = kind;
	ev.reap.by_comm = by_comm;
	tui_model_event(m, &ev, NULL);
}

/* 100 make -> 101 sh -> 102 cc; 100 -> 103 sh */
static void build(struct tui_model *m)
{
	static const char *const argv[] = { "make", "-j4" };

	spawn(m, 0.0, 100, 1, "zwatch");
	exec_(m, 0.001, 100, "make", 2, argv);
	spawn(m, 0.1, 101, 100, "make");
	exec_(m, 0.101, 101, "sh", 0, NULL);
	spawn(m, 0.2, 102, 101, "sh");
	exec_(m, 0.201, 102, "cc", 0, NULL);
	spawn(m, 0.3, 103, 100, "make");
	exec_(m, 0.301, 103, "sh", 0, NULL);
}

static void test_states_and_reapers(void)
{
	struct tui_model m;
	struct tui_counts c;
	struct tui_proc *p;

	tui_model_init(&m, 0.010);
	build(&m);
	CHECK_INT(m.n, 4);
	CHECK_INT(m.spawns, 4);
	p = tui_model_find(&m, 100);
	CHECK(p && p->state == TUI_RUNNING);
	CHECK_STR(p->comm, "make");
	CHECK_STR(p->argv, "make -j4");

	/* a leaf reaped at once by its parent, which has a row */
	exit_(&m, 1.0, 102, 0, 0);
	p = tui_model_find(&m, 102);
	CHECK(p->state == TUI_ZOMBIE);
	/* younger than the threshold: not counted, no alarm */
	CHECK(!tui_model_zombie_counts(&m, p, 1.005));
	tui_model_count(&m, 1.005, &c);
	CHECK_INT(c.zombies, 0);
	CHECK(c.oldest == NULL);
	CHECK_INT(c.alive, 3);
	reap(&m, 1.0001, 102, 101, ZW_REAPER_PARENT, NULL);
	CHECK(p->state == TUI_REAPED);
	CHECK_STR(p->by_comm, "sh");
	CHECK_INT(m.reaped_at_once, 1);
	CHECK_INT(m.by_reaper[ZW_REAPER_PARENT], 1);

	/* a zombie for 2 s: counted once past the threshold, the oldest */
	exit_(&m, 2.0, 103, 1, 0);
	p = tui_model_find(&m, 103);
	CHECK(tui_model_zombie_counts(&m, p, 2.5));
	tui_model_count(&m, 2.5, &c);
	CHECK_INT(c.zombies, 1);
	CHECK(c.oldest == p);
	CHECK_INT(p->code, 1);
	reap(&m, 4.0, 103, 100, ZW_REAPER_PARENT, NULL);
	CHECK_INT(m.reaped_at_once, 1);
	CHECK_STR(p->by_comm, "make");

	/* the root, reaped by zwatch, which has no row: the event names it */
	exit_(&m, 4.5, 101, 0, 0);
	reap(&m, 4.5, 101, 100, ZW_REAPER_PARENT, NULL);
	exit_(&m, 5.0, 100, 0, 0);
	reap(&m, 5.0, 100, 99, ZW_REAPER_PARENT, "zwatch");
	CHECK_STR(tui_model_find(&m, 100)->by_comm, "zwatch");
	CHECK_INT(m.reaped_at_once, 3);
	CHECK_INT(m.exits, 4);
	tui_model_count(&m, 5.0, &c);
	CHECK_INT(c.alive, 0);
	CHECK_INT(c.zombies, 0);
	tui_model_free(&m);
}

static void test_autoreap_and_detach(void)
{
	struct tui_model m;
	struct zw_event ev = { .type = ZW_EV_DETACH, .t = 2.0, .pid = 10 };

	tui_model_init(&m, 0.010);
	spawn(&m, 0.0, 10, 1, "p");
	spawn(&m, 0.1, 11, 10, "p");
	exit_(&m, 0.5, 11, 0, 9);
	reap(&m, 0.5, 11, 0, ZW_REAPER_AUTOREAP, NULL);
	CHECK_INT(m.by_reaper[ZW_REAPER_AUTOREAP], 1);
	CHECK_STR(tui_model_find(&m, 11)->by_comm, "");
	CHECK_STR(tui_model_recent(&m, 0)->text,
		  "by the kernel (autoreap) after 0.000 s");
	CHECK_INT(m.reaped_at_once, 1);
	CHECK_INT(tui_model_find(&m, 11)->sig, 9);
	tui_model_event(&m, &ev, NULL);
	CHECK(tui_model_find(&m, 10)->state == TUI_DETACHED);
	/* an event for a pid never seen is ignored */
	exit_(&m, 3.0, 4242, 0, 0);
	CHECK(tui_model_find(&m, 4242) == NULL);
	CHECK_INT(m.exits, 1);
	tui_model_free(&m);
}

static void test_attach_zombie(void)
{
	struct tui_model m;
	struct zw_event ev = { .type = ZW_EV_ATTACH, .t = 0.0, .pid = 20 };

	tui_model_init(&m, 0.010);
	ev.attach.ppid = 1;
	ev.attach.comm = "z";
	ev.attach.state = 'Z';
	tui_model_event(&m, &ev, NULL);
	CHECK(tui_model_find(&m, 20)->state == TUI_ZOMBIE);
	CHECK(isnan(tui_model_find(&m, 20)->born));
	CHECK(tui_model_zombie_counts(&m, tui_model_find(&m, 20), 1.0));
	tui_model_free(&m);
}

static void test_prune(void)
{
	struct tui_model m;

	tui_model_init(&m, 0.010);
	build(&m);
	exit_(&m, 1.0, 102, 0, 0);
	reap(&m, 1.0, 102, 101, ZW_REAPER_PARENT, NULL);
	tui_model_prune(&m, 1.0 + TUI_KEEP_REAPED - 0.5);
	CHECK_INT(m.n, 4);
	tui_model_prune(&m, 1.0 + TUI_KEEP_REAPED + 0.5);
	CHECK_INT(m.n, 3);
	CHECK(tui_model_find(&m, 102) == NULL);
	/* the index is rebuilt: the others are still found */
	CHECK(tui_model_find(&m, 103) && tui_model_find(&m, 103)->pid == 103);
	CHECK(tui_model_find(&m, 100) && tui_model_find(&m, 100)->pid == 100);
	tui_model_free(&m);
}

static size_t rows_of(struct tui_model *m, const char *filter,
		      struct tui_row *rows)
{
	return tui_model_rows(m, filter, rows, 16);
}

static void test_rows(void)
{
	struct tui_model m;
	struct tui_row rows[16];
	size_t n;

	tui_model_init(&m, 0.010);
	build(&m);
	/* depth first, in order of birth: 100, 101, 102, 103 */
	n = rows_of(&m, NULL, rows);
	CHECK_INT(n, 4);
	CHECK_INT(rows[0].p->pid, 100);
	CHECK_INT(rows[1].p->pid, 101);
	CHECK_INT(rows[2].p->pid, 102);
	CHECK_INT(rows[3].p->pid, 103);
	CHECK_INT(rows[0].depth, 0);
	CHECK_INT(rows[1].depth, 1);
	CHECK_INT(rows[2].depth, 2);
	CHECK(rows[0].has_kids && rows[1].has_kids && !rows[2].has_kids);
	/* 101 is not its parent's last child: a guide goes on under it */
	CHECK(!rows[1].last && rows[3].last && rows[2].last);
	CHECK(rows[2].pipes & (1UL << 1));
	CHECK(!(rows[3].pipes & (1UL << 1)));

	/* folding 101 hides 102 */
	tui_model_find(&m, 101)->folded = true;
	n = rows_of(&m, NULL, rows);
	CHECK_INT(n, 3);
	CHECK_INT(rows[2].p->pid, 103);

	/* a filter keeps the matches and their ancestors, folded or not */
	n = rows_of(&m, "cc", rows);
	CHECK_INT(n, 3);
	CHECK_INT(rows[0].p->pid, 100);
	CHECK_INT(rows[1].p->pid, 101);
	CHECK_INT(rows[2].p->pid, 102);
	n = rows_of(&m, "103", rows);
	CHECK_INT(n, 2);
	CHECK_INT(rows[1].p->pid, 103);
	n = rows_of(&m, "-j4", rows);	/* argv */
	CHECK_INT(n, 1);
	n = rows_of(&m, "nothing-like-it", rows);
	CHECK_INT(n, 0);

	/* max bounds what is written */
	tui_model_find(&m, 101)->folded = false;
	CHECK_INT(tui_model_rows(&m, NULL, rows, 2), 2);
	tui_model_free(&m);
}

/* A reused pid: the new entry is found; its parent link goes to an
 * earlier entry only, so no cycle can form. */
static void test_reused_pid(void)
{
	struct tui_model m;
	struct tui_row rows[16];

	tui_model_init(&m, 0.010);
	spawn(&m, 0.0, 5, 1, "a");
	spawn(&m, 0.1, 6, 5, "b");
	exit_(&m, 0.2, 6, 0, 0);
	reap(&m, 0.2, 6, 5, ZW_REAPER_PARENT, NULL);
	spawn(&m, 0.3, 6, 5, "c");
	CHECK_STR(tui_model_find(&m, 6)->comm, "c");
	CHECK(tui_model_find(&m, 6)->state == TUI_RUNNING);
	CHECK_INT(tui_model_rows(&m, NULL, rows, 16), 3);
	tui_model_free(&m);
}

static void test_recent(void)
{
	struct tui_model m;
	const struct tui_line *l;
	struct zw_event sig = { .type = ZW_EV_SIGNAL, .t = 0.5, .pid = 1 };

	tui_model_init(&m, 0.010);
	spawn(&m, 0.0, 1, 0, "init");
	spawn(&m, 0.1, 2, 1, "kid");
	exit_(&m, 0.2, 2, 3, 0);
	reap(&m, 0.4, 2, 1, ZW_REAPER_PARENT, NULL);
	tui_model_event(&m, &sig, NULL);	/* signals are not listed */
	l = tui_model_recent(&m, 0);
	CHECK(l && l->type == ZW_EV_REAP);
	CHECK_STR(l->text, "by 1 init (parent) after 0.200 s");
	CHECK_STR(tui_model_recent(&m, 1)->text, "exit 3");
	CHECK_STR(tui_model_recent(&m, 2)->text, "by 1");
	CHECK(tui_model_recent(&m, 4) == NULL);
	/* the ring keeps the latest TUI_RECENT */
	for (int i = 0; i < 2 * TUI_RECENT; i++)
		spawn(&m, 1.0 + i, 100 + i, 1, "x");
	CHECK_INT(m.nrecent, TUI_RECENT);
	CHECK_INT(tui_model_recent(&m, 0)->pid, 100 + 2 * TUI_RECENT - 1);
	CHECK_INT(tui_model_recent(&m, TUI_RECENT - 1)->pid, 100 + TUI_RECENT);
	CHECK(tui_model_recent(&m, TUI_RECENT) == NULL);
	tui_model_free(&m);
}

/* Names are kept as given (the view escapes them), cut to fit. */
static void test_long_names(void)
{
	struct tui_model m;
	char arg[300];
	const char *argv[2] = { "prog", arg };

	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	tui_model_init(&m, 0.010);
	spawn(&m, 0.0, 7, 1, "a-very-long-command-name");
	CHECK_INT(strlen(tui_model_find(&m, 7)->comm), 15);
	exec_(&m, 0.1, 7, "prog", 2, argv);
	CHECK(strlen(tui_model_find(&m, 7)->argv) < TUI_ARGV_MAX);
	CHECK(!strncmp(tui_model_find(&m, 7)->argv, "prog aaa", 8));
	reap(&m, 0.2, 8, 7, ZW_REAPER_PARENT, NULL);	/* unknown pid */
	exit_(&m, 0.3, 7, 0, 0);
	reap(&m, 0.3, 7, 1, ZW_REAPER_INIT, "a-very-long-init-name");
	CHECK_INT(strlen(tui_model_find(&m, 7)->by_comm), 15);
	tui_model_free(&m);
}

int main(void)
{
	test_states_and_reapers();
	test_autoreap_and_detach();
	test_attach_zombie();
	test_prune();
	test_rows();
	test_reused_pid();
	test_recent();
	test_long_names();
	return CHECK_DONE();
}
