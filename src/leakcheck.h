/* leakcheck.h - zombie leak policy, for zwatch report and live mode:
 * a process is a leak if it was still a zombie at the end, or (with a
 * limit) was a zombie longer than max_age seconds.
 *
 * Live mode: add leakcheck_sink_new(limit, stderr) to the model's sinks;
 * after model_finish, exit with LEAKCHECK_EXIT if leakcheck_count() > 0.
 */
#ifndef ZWATCH_LEAKCHECK_H
#define ZWATCH_LEAKCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sink;
struct zw_life;

#define LEAKCHECK_EXIT 3

/* True if l is a leak at t_end; *age gets its zombie time.  max_age is
 * NAN for "no limit": only zombies left at the end count then. */
bool leakcheck_offends(const struct zw_life *l, double t_end, double max_age,
		       double *age);
/* One line to msgs naming l and its parent (parent may be NULL when the
 * trace has no record of it). */
void leakcheck_print(FILE *msgs, const struct zw_life *l,
		     const struct zw_life *parent, double t_end, double max_age);

/* A sink that checks every record and prints a line per leak to msgs at
 * the summary. */
struct sink *leakcheck_sink_new(double max_age, FILE *msgs);
size_t leakcheck_count(const struct sink *s);

#endif
