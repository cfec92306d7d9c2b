/* duration.c - DUR arguments: a non-negative decimal number and an
 * optional unit.  One unit per value ("1m30s" is refused): it keeps the
 * syntax small enough to explain in one line of the man page.
 */
#include "config.h"
#include "duration.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *unit;
	double seconds;
} units[] = {
	{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
	{ "m", 60 }, { "min", 60 }, { "h", 3600 },
};

int duration_parse(const char *s, double *seconds)
{
	const char *unit = s;
	char *end;
	double v;

	/* strtod alone would accept " 5", "-0", "inf", "0x10" and "nan". */
	if (!s || !(isdigit((unsigned char)s[0]) || s[0] == '.'))
		return -EINVAL;
	for (; *unit && !isalpha((unsigned char)*unit); unit++)
		if (!isdigit((unsigned char)*unit) && *unit != '.')
			return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	/* end != unit: "1e3" (an exponent) or "1..2" */
	if (errno || end != unit || !isfinite(v) || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			/* "1<308 zeros>h" is finite, times 3600 it is not */
			if (!isfinite(v * units[i].seconds))
				return -EINVAL;
			*seconds = v * units[i].seconds;
			return 0;
		}
	}
	return -EINVAL;
}
