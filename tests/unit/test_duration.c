/* Unit test: DUR arguments ("500ms", "0.5s", "2m", bare seconds). */
#include "config.h"
#include "duration.h"
#include "check.h"

#include <errno.h>
#include <math.h>

static void ok(const char *s, double want)
{
	double v = -1;
	int r = duration_parse(s, &v);

	if (r != 0 || fabs(v - want) > 1e-12 * (1 + want)) {
		fprintf(stderr, "duration_parse(\"%s\") = %d, %g; expected %g\n",
			s, r, v, want);
		check_failures++;
	}
}

static void bad(const char *s)
{
	double v = 42;

	if (duration_parse(s, &v) != -EINVAL || v != 42) {
		fprintf(stderr, "duration_parse(\"%s\") accepted (%g)\n", s, v);
		check_failures++;
	}
}

int main(void)
{
	ok("0", 0);
	ok("5", 5);
	ok("0.5", 0.5);
	ok(".25", 0.25);
	ok("500ms", 0.5);
	ok("0.5s", 0.5);
	ok("2m", 120);
	ok("1min", 60);
	ok("1h", 3600);
	ok("250us", 250e-6);
	ok("10ns", 10e-9);
	ok("1.5ms", 1.5e-3);
	bad(NULL);
	bad("");
	bad("ms");
	bad("-1");
	bad("-1s");
	bad(" 1");
	bad("1 s");
	bad("1s ");
	bad("+1");
	bad("1x");
	bad("1m30s");
	bad("inf");
	bad("nan");
	bad("0x10");
	bad("1e3");
	bad("1..2");
	bad("1S");
	return CHECK_DONE();
}
