/* test_limits.c - sizes and times bounded on the way in and out (issue 12,
 * items 7-9): the trace header's command and an exec's argv are cut with
 * a marker, between UTF-8 characters, and read back; the reader takes
 * everything the writer writes and refuses negative or absurd times;
 * timeouts and DUR values never overflow an int. */
#include "config.h"
#include "duration.h"
#include "execinfo.h"
#include "lifecycle.h"
#include "sink.h"
#include "trace_reader.h"
#include "util.h"
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "{\"event\":\"header\",\"format\":\"zwatch-trace\",\"version\":1," \
	"\"command\":[\"x\"]}\n"

static void test_split(void)
{
	struct exec_info xi;
	static const char args[] = "a\0bb\0\xc3\xa9\xc3\xa9";

	/* all there */
	memcpy(xi.args, "a\0bb\0c", 7);
	execinfo_split(&xi, 7, 3);
	CHECK_INT(xi.argc, 3);
	CHECK(!xi.truncated);
	CHECK_STR(xi.argv[2], "c");
	/* the buffer ends inside the last one, mid-character */
	memcpy(xi.args, args, sizeof(args));
	xi.args[8] = '\0';	/* as the callers leave it */
	execinfo_split(&xi, 8, 3);
	CHECK_INT(xi.argc, 3);
	CHECK(xi.truncated);
	CHECK_STR(xi.argv[2], "\xc3\xa9");
	CHECK_INT(xi.argc_total, 3);
	/* entries missing */
	memcpy(xi.args, "a\0bb\0c", 7);
	execinfo_split(&xi, 7, 1500);
	CHECK_INT(xi.argc, 3);
	CHECK(xi.truncated);
	/* more than ZW_ARGV_MAX, count unknown (from /proc) */
	memset(xi.args, 0, sizeof(xi.args));
	execinfo_split(&xi, ZW_ARGV_MAX + 10, -1);
	CHECK_INT(xi.argc, ZW_ARGV_MAX);
	CHECK(xi.truncated);
	CHECK_INT(xi.argc_total, -1);
}

static void test_timeouts(void)
{
	double v;
	char huge[320];

	CHECK_INT(seconds_to_ms_ceil(0), 0);
	CHECK_INT(seconds_to_ms_ceil(-1), -1);
	CHECK_INT(seconds_to_ms_ceil(NAN), -1);
	CHECK_INT(seconds_to_ms_ceil(0.0004), 1);
	CHECK_INT(seconds_to_ms_ceil(1.5), 1501);
	CHECK_INT(seconds_to_ms_ceil(2000 * 3600.0), INT_MAX);
	CHECK_INT(seconds_to_ms_ceil(INFINITY), INT_MAX);
	CHECK_INT(seconds_to_ms_ceil(1e308), INT_MAX);
	CHECK_INT(duration_parse("2000h", &v), 0);
	CHECK(v == 2000 * 3600.0);
	/* finite as a number, infinite in seconds */
	memset(huge, '0', sizeof(huge));
	huge[0] = '1';
	strcpy(huge + 308, "h");
	CHECK_INT(duration_parse(huge, &v), -EINVAL);
}

/* Reads text; returns trace_read's result and the error line. */
static int read_text(const char *text, size_t *line, char **json,
		     struct trace_header *hdr)
{
	size_t len;
	FILE *out = open_memstream(json, &len);
	struct sink *s = sink_json_new(out, true);
	struct model *m = model_new(&s, 1);
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct trace_stats st;
	int r = trace_read(in, "t", m, hdr, &st);

	*line = st.error_line;
	sink_close(s);
	model_free(m);
	fclose(in);
	return r;
}

static void test_times(void)
{
	static const char *bad[] = { "-0.5", "-1e-9", "1e308", "1000000001" };
	static const char *good[] = { "0", "-0.0", "1e9", "0.000001" };
	char text[512], *json;
	size_t line;

	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), HEADER "{\"event\":\"exit\",\"t\":%s,"
			 "\"pid\":3,\"exit_code\":0}\n", bad[i]);
		CHECK_INT(read_text(text, &line, &json, NULL), -1);
		CHECK_INT(line, 2);
		free(json);
		snprintf(text, sizeof(text), HEADER "{\"event\":\"exit\",\"t\":%s,"
			 "\"pid\":3,\"exit_code\":0}\n", good[i]);
		CHECK_INT(read_text(text, &line, &json, NULL), 0);
		free(json);
	}
}

/* Exec markers read back and written again unchanged; more entries than
 * this zwatch keeps read as a truncated argv. */
static void test_exec_marker(void)
{
	static const char ev[] = "{\"event\":\"exec\",\"t\":0.100000,\"pid\":2,"
		"\"tid\":2,\"path\":\"/bin/x\",\"comm\":\"x\",\"argv\":[\"x\",\"a\"],"
		"\"argv_truncated\":true,\"argc\":1500}\n";
	char text[8192], *json;
	size_t line, n;

	snprintf(text, sizeof(text), HEADER "%s", ev);
	CHECK_INT(read_text(text, &line, &json, NULL), 0);
	CHECK(!strncmp(json, ev, strlen(ev)));
	free(json);
	n = snprintf(text, sizeof(text), HEADER "{\"event\":\"exec\",\"t\":0.1,"
		     "\"pid\":2,\"path\":\"/bin/x\",\"argv\":[\"x\"");
	for (int i = 0; i < ZW_ARGV_MAX + 5; i++)
		n += snprintf(text + n, sizeof(text) - n, ",\"%d\"", i);
	snprintf(text + n, sizeof(text) - n, "]}\n");
	CHECK_INT(read_text(text, &line, &json, NULL), 0);
	CHECK(strstr(json, "\"argv_truncated\":true,\"argc\":38}") != NULL);
	free(json);
}

/* 1,500 arguments of 1,000 bytes (two-byte characters): the header keeps
 * ZW_COMMAND_MAX bytes, cut between characters, says so, and the reader
 * takes it. */
static void test_big_command(void)
{
	enum { N = 1500, LEN = 1000 };
	char **argv = xcalloc(N + 2, sizeof(*argv));
	struct trace_header hdr;
	size_t len, line, total = 0;
	char *trace, *json;
	FILE *fp = open_memstream(&trace, &len);

	argv[0] = "prog";
	for (int i = 1; i <= N; i++) {
		argv[i] = xmalloc(LEN + 1);
		for (int k = 0; k < LEN; k += 2)
			memcpy(argv[i] + k, "\xc3\xa9", 2);
		argv[i][LEN] = '\0';
	}
	sink_close(sink_record_new(fp, argv));
	CHECK(len < TRACE_LINE_MAX);
	CHECK(strstr(trace, "\"command_truncated\":true,\"command_argc\":1501") != NULL);
	CHECK_INT(read_text(trace, &line, &json, &hdr), 0);
	CHECK(hdr.command_truncated);
	CHECK_INT(hdr.command_argc, N + 1);
	for (size_t i = 0; hdr.command[i]; i++) {
		total += strlen(hdr.command[i]);
		/* whole characters only: no \u00c3 from a cut one */
		CHECK(i == 0 || strlen(hdr.command[i]) % 2 == 0);
	}
	CHECK(total <= ZW_COMMAND_MAX);
	CHECK(total > ZW_COMMAND_MAX - 4);
	trace_header_free(&hdr);
	free(json);
	free(trace);
	for (int i = 1; i <= N; i++)
		free(argv[i]);
	free(argv);
}

int main(void)
{
	test_split();
	test_timeouts();
	test_times();
	test_exec_marker();
	test_big_command();
	return CHECK_DONE();
}
