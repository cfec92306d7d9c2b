/* util.h - error reporting, allocation that exits on failure, clocks. */
#ifndef ZWATCH_UTIL_H
#define ZWATCH_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Messages are "zwatch: ..." on stderr; the *_errno forms append strerror. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_errno(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "CMD: <message>" and a pointer to --help on stderr; returns 2, the
 * exit status of a usage error. */
int usage_error(const char *cmd, const char *fmt, const char *arg)
	__attribute__((format(printf, 2, 0)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* A pid given on the command line: a decimal number in 1..INT_MAX.
 * 0, or -1 if s is not one. */
int parse_pid(const char *s, int *pid);

/* Appends to the string in buf (of size len) like printf, cut to fit. */
void strappendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC in seconds. */
double clock_now(void);
/* A timeout for poll/epoll_wait: seconds as milliseconds, rounded up
 * past the deadline (1 ms more), 0 stays 0, negative or NaN gives -1 (no timeout), and anything past
 * INT_MAX ms (24.8 days) gives INT_MAX. */
int seconds_to_ms_ceil(double seconds);

/* A pidfd's poll bits now: POLLIN once its process is a zombie (the
 * whole group exited, the parent notified), POLLHUP too once it is
 * released (Linux 6.9+); 0 before either. */
short pidfd_state(int fd);

/* pidfd_open(2) for pid (Linux 5.3+): the descriptor, or -1 and errno
 * (ESRCH: no such process, released already). */
int pidfd_open_pid(int pid);

#endif
