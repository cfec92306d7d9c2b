/* textfile_export.h - metrics for node_exporter's textfile collector:
 * DIR/zwatch.prom, replaced atomically so that a scrape never reads half
 * a file. */
#ifndef ZWATCH_TEXTFILE_EXPORT_H
#define ZWATCH_TEXTFILE_EXPORT_H

#include <stdio.h>

/* Writes render(fp, arg)'s output to DIR/.zwatch.prom.PID, then renames
 * it to DIR/zwatch.prom (same directory: rename(2) is atomic).  0 or
 * -errno; on failure the old file stays. */
int textfile_write(const char *dir, int (*render)(FILE *fp, void *arg),
		   void *arg);

#endif
