/* zombie_alert.h - zwatch watch's JSON lines on stdout: one per zombie
 * that passes --max-zombie-age (with its parent's /proc facts and the
 * diagnosis), and one per release with --log-releases.  Field names are
 * documented in zwatch(1), WATCH JSON. */
#ifndef ZWATCH_ZOMBIE_ALERT_H
#define ZWATCH_ZOMBIE_ALERT_H

#include "metrics.h"
#include "zomtab.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where a verdict on a parent can be plugged in (e.g. zwatch ps's
 * diagnosis, once it exists): fn writes a short verdict string about
 * process parent into buf and returns 0, or returns -errno if it has
 * none.  With fn NULL the line has "verdict": null. */
struct zombie_verdict_hook {
	int (*fn)(int parent, char *buf, size_t len, void *arg);
	void *arg;
};

/* The line for a zombie older than --max-zombie-age. */
void zombie_alert_age(FILE *fp, const struct zombie *z, double age,
		      const struct zombie_verdict_hook *hook);

/* The line for a release: at_exit says it was released before zwatch
 * saw it as a zombie (its lifetime is then an upper bound). */
void zombie_alert_release(FILE *fp, const struct zombie *z, double now,
			  enum reaper_kind kind, bool at_exit);

#endif
