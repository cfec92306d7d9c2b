/* Unit test: the trace reader turns every event line back into the event
 * sink_json wrote (read, write again, compare byte for byte), rebuilds
 * the same lifecycle records, and reports damage as documented in
 * trace_reader.h: errors with line numbers, a warning for a cut-off last
 * line, unknown event types skipped; stacks read back or refused. */
#include "config.h"
#include "lifecycle.h"
#include "sink.h"
#include "stack.h"
#include "trace_reader.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#define HEADER "{\"event\":\"header\",\"format\":\"zwatch-trace\",\"version\":1," \
	"\"zwatch\":\"0.1.0\",\"kernel\":\"6.1\",\"host\":\"h\",\"start\":" \
	"\"2026-01-01T00:00:00Z\",\"start_unix\":1.5,\"command\":[\"sh\",\"-c\",\"x y\"]}\n"

/* Every event type and optional field, as sink_json writes them. */
static const char events[] =
	"{\"event\":\"spawn\",\"t\":0.000115,\"pid\":371,\"tid\":370,\"comm\":\"zwatch\",\"ppid\":370,\"creator\":370,\"syscall\":\"fork\",\"flags\":[]}\n"
	"{\"event\":\"exec\",\"t\":0.000433,\"pid\":371,\"tid\":371,\"path\":\"/usr/bin/dash\",\"comm\":\"sh\",\"argv\":[\"sh\",\"-c\",\"sleep 1 & \\\"q\\\"\"]}\n"
	"{\"event\":\"spawn\",\"t\":0.000991,\"pid\":372,\"tid\":371,\"comm\":\"sh\",\"ppid\":371,\"creator\":371,\"syscall\":\"clone\",\"flags\":[\"CLONE_PARENT\",\"CLONE_CHILD_CLEARTID\",\"0x40\"]}\n"
	"{\"event\":\"exec\",\"t\":0.001000,\"pid\":372,\"tid\":372,\"old_tid\":380,\"path\":\"/bin/x\",\"comm\":\"x\",\"argv\":[]}\n"
	"{\"event\":\"exit\",\t\"t\":0.102269,\"pid\":372,\"exit_code\":null,\"exit_signal\":\"SIGKILL\",\"core_dumped\":true}\n"
	"{\"event\":\"signal\",\"t\":0.102318,\"pid\":371,\"tid\":371,\"signal\":\"SIGCHLD\",\"si_code\":\"CLD_KILLED\",\"si_pid\":372,\"si_status\":9}\n"
	"{\"event\":\"signal\",\"t\":0.102319,\"pid\":371,\"tid\":371,\"signal\":\"SIGUSR1\",\"si_code\":null,\"si_pid\":0,\"si_status\":0}\n"
	"{\"event\":\"wait\",\"t\":0.102442,\"pid\":371,\"tid\":371,\"syscall\":\"waitid\",\"idtype\":\"P_PID\",\"id\":372,\"options\":[\"WEXITED\",\"WNOWAIT\"],\"result\":372}\n"
	"{\"event\":\"wait\",\"t\":0.102443,\"pid\":371,\"tid\":371,\"syscall\":\"wait4\",\"id\":-1,\"options\":[\"WNOHANG\",\"__WALL\"],\"result\":-10,\"error\":\"ECHILD\"}\n"
	"{\"event\":\"reap\",\"t\":0.102421,\"pid\":372,\"by\":371,\"tid\":371,\"reaper\":\"parent\",\"syscall\":\"wait4\"}\n"
	"{\"event\":\"attach\",\"t\":0.200000,\"pid\":500,\"ppid\":1,\"comm\":\"old\",\"state\":\"S\"}\n"
	"{\"event\":\"attach\",\"t\":0.200000,\"pid\":501,\"ppid\":500,\"comm\":\"dead\",\"state\":\"Z\",\"exit_code\":3,\"exit_signal\":null,\"core_dumped\":false}\n"
	"{\"event\":\"reparent\",\"t\":0.300000,\"pid\":501,\"from\":500,\"to\":1}\n"
	"{\"event\":\"reap\",\"t\":0.400000,\"pid\":501,\"by\":null,\"reaper\":\"autoreap\"}\n"
	"{\"event\":\"detach\",\"t\":0.500000,\"pid\":500}\n"
	"{\"event\":\"exit\",\"t\":0.600000,\"pid\":371,\"exit_code\":0,\"exit_signal\":null,\"core_dumped\":false}\n";

static FILE *mem(const char *s)
{
	FILE *fp = fmemopen((void *)s, strlen(s), "r");

	if (!fp)
		abort();
	return fp;
}

/* Reads text through the model into sink_json; returns trace_read's
 * result, the JSON written in *out (malloc'd). */
static int run(const char *text, char **out, struct trace_stats *st,
	       struct trace_header *hdr)
{
	size_t len;
	FILE *o = open_memstream(out, &len);
	struct sink *s = sink_json_new(o, true);
	struct model *m = model_new(&s, 1);
	FILE *in = mem(text);
	int r = trace_read(in, "test.jsonl", m, hdr, st);

	if (r == 0)
		model_finish(m, st->t_end);
	sink_close(s);
	model_free(m);
	fclose(in);
	return r;
}

static void test_round_trip(void)
{
	static char text[sizeof(HEADER) + sizeof(events)];
	struct trace_header hdr;
	struct trace_stats st;
	char *out;

	snprintf(text, sizeof(text), "%s%s", HEADER, events);
	CHECK_INT(run(text, &out, &st, &hdr), 0);
	/* everything but the tab in the exit line is byte-exact */
	CHECK(!strncmp(out, events, strstr(events, "\t") - events));
	CHECK(strstr(out, "{\"event\":\"exit\",\"t\":0.102269,\"pid\":372,\"exit_code\":null,"
		      "\"exit_signal\":\"SIGKILL\",\"core_dumped\":true}\n"
		      "{\"event\":\"signal\"") != NULL);
	CHECK(!strncmp(strstr(out, "{\"event\":\"signal\""),
		       strstr(events, "{\"event\":\"signal\""),
		       strlen(strstr(events, "{\"event\":\"signal\""))));
	CHECK(strstr(out, "{\"event\":\"lifecycle\",\"pid\":372,\"ppid\":371,\"creator\":371,"
		      "\"comm\":\"x\",\"born\":0.000991,\"exited\":0.102269,\"exit_code\":null,"
		      "\"exit_signal\":\"SIGKILL\",\"core_dumped\":true,\"reaped\":0.102421,"
		      "\"reaped_by\":371,\"reaper\":\"parent\"") != NULL);
	CHECK(strstr(out, "\"event\":\"lifecycle\",\"pid\":501,\"ppid\":500,") != NULL);
	CHECK(strstr(out, "\"parent\":1,\"comm\":\"dead\"") != NULL);
	CHECK(strstr(out, "\"exit_code\":3,\"exit_signal\":null,\"core_dumped\":false,"
		      "\"reaped\":0.400000,\"reaped_by\":null,\"reaper\":\"autoreap\"") != NULL);
	CHECK_INT(st.events, 16);
	CHECK_INT(st.lines, 17);
	CHECK_INT(st.warnings, 0);
	CHECK(st.t_end == 0.6);
	CHECK_INT(hdr.version, 1);
	CHECK_STR(hdr.host, "h");
	CHECK_STR(hdr.command[2], "x y");
	CHECK(hdr.command[3] == NULL);
	CHECK(hdr.start_unix == 1.5);
	trace_header_free(&hdr);
	free(out);
}

/* r: expected result; line: expected error line (or 0) */
static void damaged(const char *text, int r, size_t line, size_t events_fed,
		    int warnings)
{
	struct trace_stats st;
	char *out;

	CHECK_INT(run(text, &out, &st, NULL), r);
	CHECK_INT(st.error_line, line);
	CHECK_INT(st.events, events_fed);
	CHECK_INT(st.warnings, warnings);
	free(out);
}

#define EV1 "{\"event\":\"spawn\",\"t\":0.1,\"pid\":2,\"tid\":1,\"ppid\":1,\"creator\":1,\"syscall\":\"fork\",\"flags\":[]}\n"

static void test_damage(void)
{
	damaged("", -1, 0, 0, 0);
	damaged("\n\n", -1, 0, 0, 0);
	damaged("hello\n", -1, 1, 0, 0);
	damaged("{\"event\":\"spawn\"}\n", -1, 1, 0, 0);
	damaged("{\"event\":\"header\",\"format\":\"other\",\"version\":1}\n", -1, 1, 0, 0);
	damaged("{\"event\":\"header\",\"format\":\"zwatch-trace\",\"version\":2}\n" EV1, -1, 1, 0, 0);
	damaged("{\"event\":\"header\",\"format\":\"zwatch-trace\"}\n", -1, 1, 0, 0);
	/* header only: a valid, empty trace */
	damaged(HEADER, 0, 0, 0, 0);
	damaged(HEADER "\r\n" EV1 "\n  \n" EV1, 0, 0, 2, 0);
	/* cut off: warning, the events before it kept */
	damaged(HEADER EV1 "{\"event\":\"exit\",\"t\":0.2,\"pi", 0, 0, 1, 1);
	/* the same in the middle is an error */
	damaged(HEADER EV1 "{\"event\":\"exit\",\"t\":0.2,\"pi\n" EV1, -1, 3, 1, 0);
	damaged(HEADER EV1 "garbage\n" EV1, -1, 3, 1, 0);
	damaged(HEADER EV1 HEADER EV1, -1, 3, 1, 0);
	damaged(HEADER EV1 EV1 "[1,2]\n", -1, 4, 2, 0);
	damaged(HEADER "{} {}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"exit\",\"t\":\"x\",\"pid\":1}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"exit\",\"t\":1,\"pid\":-4}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"exit\",\"t\":1,\"pid\":99999999999}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"exit\",\"t\":1,\"pid\":3,\"exit_signal\":\"SIGNOPE\"}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"wait\",\"t\":1,\"pid\":3,\"result\":-9223372036854775808}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"spawn\",\"t\":1,\"pid\":3,\"ppid\":1,\"flags\":[\"CLONE_BOGUS\"]}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"reap\",\"t\":1,\"pid\":3,\"reaper\":\"grandma\"}\n", -1, 2, 0, 0);
	damaged(HEADER "{\"event\":\"exit\",\"t\":1e999,\"pid\":3}\n", -1, 2, 0, 0);
	/* binary junk */
	damaged(HEADER "\x01\x02\xff\xfe\n", -1, 2, 0, 0);
	{
		static const char nul[] = HEADER "{\"event\":\0\"exit\"}\n";
		struct trace_stats st;
		FILE *in = fmemopen((void *)nul, sizeof(nul) - 1, "r");
		struct model *m = model_new(NULL, 0);

		CHECK_INT(trace_read(in, "nul", m, NULL, &st), -1);
		CHECK_INT(st.error_line, 2);
		model_free(m);
		fclose(in);
	}
	/* unknown events are skipped with a warning; lifecycle lines too, silently */
	damaged(HEADER "{\"event\":\"teleport\",\"t\":1,\"pid\":3}\n" EV1
		"{\"event\":\"lifecycle\",\"pid\":2}\n", 0, 0, 1, 1);
}

#define FRAME_A "{\"pc\":\"0x55d0c0de14a8\",\"binary\":\"/t/forksite\",\"offset\":\"0x14a8\",\"function\":\"spawn_worker\",\"func_offset\":\"0x8\",\"build_id\":\"7474\"}"
/* With the source line, where the binary has DWARF line info. */
#define FRAME_L "{\"pc\":\"0x55d0c0de14c9\",\"binary\":\"/t/forksite\",\"offset\":\"0x14c9\",\"function\":\"start_pool\",\"func_offset\":\"0x9\",\"file\":\"/src/../tests/forksite.c\",\"line\":21,\"build_id\":\"7474\"}"
/* No function, no func_offset (older writers wrote "0": still read). */
#define FRAME_B "{\"pc\":\"0x7ffd1000\",\"binary\":null,\"offset\":\"0\",\"function\":null,\"build_id\":null}"
#define FRAME_B_OLD "{\"pc\":\"0x7ffd1000\",\"binary\":null,\"offset\":\"0\",\"function\":null,\"func_offset\":\"0\",\"build_id\":null}"
#define SPAWN_K(stack) "{\"event\":\"spawn\",\"t\":0.100000,\"pid\":2,\"tid\":1,\"ppid\":1,\"creator\":1,\"syscall\":\"fork\",\"flags\":[]" stack "}\n"

/* Stacks on spawn and diagnosis events come back as sink_json wrote them,
 * source lines too. */
static void test_stack_round_trip(void)
{
	static const char ev[] =
		SPAWN_K(",\"stack\":[" FRAME_A "," FRAME_L "," FRAME_B "]")
		"{\"event\":\"exit\",\"t\":0.200000,\"pid\":2,\"exit_code\":0,\"exit_signal\":null,\"core_dumped\":false}\n"
		"{\"event\":\"diagnosis\",\"t\":0.300000,\"pid\":2,\"parent\":1,\"text\":\"why\",\"parent_state\":\"S\",\"parent_syscall\":\"wait4\",\"waits_seen\":0,\"sigchld\":\"default\",\"sigchld_blocked\":false,\"stack\":[" FRAME_B "]}\n"
		SPAWN_K(",\"stack\":[]");
	static char text[sizeof(HEADER) + sizeof(ev)];
	struct trace_stats st;
	char *out;

	snprintf(text, sizeof(text), "%s%s", HEADER, ev);
	CHECK_INT(run(text, &out, &st, NULL), 0);
	CHECK(!strncmp(out, ev, strlen(ev)));
	free(out);
	/* The old form reads, and is written the new way. */
	snprintf(text, sizeof(text), "%s%s", HEADER,
		 SPAWN_K(",\"stack\":[" FRAME_B_OLD "]"));
	CHECK_INT(run(text, &out, &st, NULL), 0);
	CHECK(strstr(out, FRAME_B) != NULL);
	free(out);
}

/* Frames past ZW_STACK_MAX are dropped unread, not an error. */
static void test_stack_too_deep(void)
{
	size_t cap = sizeof(HEADER) + 40 * sizeof(FRAME_A) + 512, n;
	char *text = malloc(cap), *out, *p;
	struct trace_stats st;

	n = (size_t)snprintf(text, cap, "%s{\"event\":\"spawn\",\"t\":0.1,"
			     "\"pid\":2,\"ppid\":1,\"stack\":[", HEADER);
	for (int i = 0; i < ZW_STACK_MAX + 4; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s%s", i ? "," : "",
				      i <= ZW_STACK_MAX ? FRAME_A : "17");
	snprintf(text + n, cap - n, "]}\n");
	CHECK_INT(run(text, &out, &st, NULL), 0);
	n = 0;
	for (p = out; (p = strstr(p, "spawn_worker")); p++)
		n++;
	CHECK_INT(n, ZW_STACK_MAX);
	free(out);
	free(text);
}

static void test_stack_damage(void)
{
	static const char *const bad[] = {
		SPAWN_K(",\"stack\":{}"),
		SPAWN_K(",\"stack\":\"main\""),
		SPAWN_K(",\"stack\":[1]"),
		SPAWN_K(",\"stack\":[" FRAME_A ",[]]"),
		SPAWN_K(",\"stack\":[{\"pc\":12,\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"0xzz\",\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"-0x1\",\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\" 1\",\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"0x\",\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"0x10000000000000000\",\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"offset\":\"0\",\"func_offset\":\"0\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"binary\":5}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"function\":[]}]"),
		"{\"event\":\"diagnosis\",\"t\":0.3,\"pid\":2,\"text\":\"why\",\"stack\":[null]}\n",
		/* "file" a non-empty string, "line" from 1, both or neither */
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":0}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":-3}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":\"12\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":12.5}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":4294967296}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":true}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":7,\"line\":12}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"\",\"line\":12}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"line\":12}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\"}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":null}]"),
	};
	char text[1024];
	static const char *const good[] = {
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":null,\"line\":null}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"a.c\",\"line\":4294967295}]"),
		SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"file\":\"rel/a.c\",\"line\":1}]"),
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", HEADER, good[i]);
		damaged(text, 0, 0, 1, 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s%s", HEADER, EV1, bad[i]);
		damaged(text, -1, 3, 1, 0);
	}
	/* null is no stack; unknown frame keys are ignored */
	damaged(HEADER SPAWN_K(",\"stack\":null"), 0, 0, 1, 0);
	damaged(HEADER SPAWN_K(",\"stack\":[{\"pc\":\"1\",\"offset\":\"0\",\"func_offset\":\"0\",\"inlined\":true}]"), 0, 0, 1, 0);
}

static void test_long_line(void)
{
	size_t n = TRACE_LINE_MAX + 100;
	char *big = malloc(sizeof(HEADER) + n + 2);
	struct trace_stats st;
	struct model *m = model_new(NULL, 0);
	FILE *in;

	strcpy(big, HEADER);
	memset(big + strlen(HEADER), 'x', n);
	strcpy(big + strlen(HEADER) + n, "\n");
	in = mem(big);
	CHECK_INT(trace_read(in, "big", m, NULL, &st), -1);
	CHECK_INT(st.error_line, 2);
	fclose(in);
	model_free(m);
	free(big);
}

int main(void)
{
	test_round_trip();
	test_damage();
	test_stack_round_trip();
	test_stack_too_deep();
	test_stack_damage();
	test_long_line();
	return CHECK_DONE();
}
