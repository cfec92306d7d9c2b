/* duration.h - parsing DUR arguments: "500ms", "0.5s", "2m", "1h", "250us",
 * or a bare number of seconds.  Shared by zwatch report and live mode
 * (--max-zombie-age, --since, --until, --min-zombie).
 */
#ifndef ZWATCH_DURATION_H
#define ZWATCH_DURATION_H

/* Stores the duration s means, in seconds, in *seconds.  Returns 0, or
 * -EINVAL when s is empty, negative, not finite, or has an unknown unit. */
int duration_parse(const char *s, double *seconds);

#endif
