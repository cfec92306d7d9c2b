/* Unit test: zwatch watch's metrics store (metrics.c): hostile label
 * bytes escaped into valid text, the series limit and its overflow
 * series, exit classes, cumulative histogram buckets. */
#include "config.h"
#include "metrics.h"
#include "check.h"

#include <stdlib.h>

static char *render(const struct metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	CHECK_INT(metrics_render(m, fp), 0);
	fclose(fp);
	return text;
}

static void test_escape(void)
{
	char out[METRICS_LABEL_MAX + 1], big[1000];

	metrics_escape_label(out, "plain-name_1");
	CHECK_STR(out, "plain-name_1");
	metrics_escape_label(out, "a\"b\\c");
	CHECK_STR(out, "a\\\"b\\\\c");
	metrics_escape_label(out, "x\ny\x01\xff");
	CHECK_STR(out, "x\\\\x0ay\\\\x01\\\\xff");
	memset(big, '\xfe', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	metrics_escape_label(out, big);
	CHECK(strlen(out) <= METRICS_LABEL_MAX);
	CHECK_INT(strlen(out) % 5, 0);	/* never half an escape */
}

static void test_series(void)
{
	struct metrics *m = metrics_new(2);
	int a = metrics_series(m, "svc", "/a"), b = metrics_series(m, "svc", "/b");
	char *text;

	CHECK(a > 0 && b > 0 && a != b);
	CHECK_INT(metrics_series(m, "svc", "/a"), a);
	CHECK_INT(metrics_series(m, "other", "/c"), 0);	/* overflow */
	metrics_exit(m, 0, 0);
	metrics_exit(m, a, 3 << 8);
	metrics_exit(m, a, 9);
	metrics_exit(m, a, 6 | 0x80);
	metrics_release(m, a, REAPER_SUBREAPER, 0.02);
	metrics_release(m, a, REAPER_PARENT, 7200);
	metrics_gauges_reset(m);
	metrics_gauge_zombie(m, b, 4.5);
	metrics_gauge_zombie(m, b, 1.5);
	text = render(m);
	CHECK(strstr(text, "zwatch_exits_total{parent=\"_overflow\",cgroup=\"_overflow\",status=\"success\"} 1\n"));
	CHECK(strstr(text, "zwatch_exits_total{parent=\"svc\",cgroup=\"/a\",status=\"failure\"} 1\n"));
	CHECK(strstr(text, "zwatch_exits_total{parent=\"svc\",cgroup=\"/a\",status=\"signal\"} 1\n"));
	CHECK(strstr(text, "zwatch_exits_total{parent=\"svc\",cgroup=\"/a\",status=\"coredump\"} 1\n"));
	CHECK(strstr(text, "zwatch_reaps_total{parent=\"svc\",cgroup=\"/a\",reaper=\"subreaper\"} 1\n"));
	CHECK(strstr(text, "zwatch_zombie_lifetime_seconds_bucket{parent=\"svc\",cgroup=\"/a\",le=\"0.01\"} 0\n"));
	CHECK(strstr(text, "zwatch_zombie_lifetime_seconds_bucket{parent=\"svc\",cgroup=\"/a\",le=\"0.05\"} 1\n"));
	CHECK(strstr(text, "zwatch_zombie_lifetime_seconds_bucket{parent=\"svc\",cgroup=\"/a\",le=\"3600\"} 1\n"));
	CHECK(strstr(text, "zwatch_zombie_lifetime_seconds_bucket{parent=\"svc\",cgroup=\"/a\",le=\"+Inf\"} 2\n"));
	CHECK(strstr(text, "zwatch_zombies{parent=\"svc\",cgroup=\"/b\"} 2\n"));
	CHECK(strstr(text, "zwatch_oldest_zombie_seconds{parent=\"svc\",cgroup=\"/b\"} 4.500000\n"));
	CHECK(strstr(text, "zwatch_series 2\n"));
	free(text);
	metrics_free(m);
}

int main(void)
{
	test_escape();
	test_series();
	return CHECK_DONE();
}
