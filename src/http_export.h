/* http_export.h - /metrics over HTTP with libmicrohttpd, driven from the
 * caller's own epoll loop (no thread: the metrics are never shared).
 * Without libmicrohttpd the functions are stubs and start fails with
 * -ENOTSUP. */
#ifndef ZWATCH_HTTP_EXPORT_H
#define ZWATCH_HTTP_EXPORT_H

#include "config.h"

#include <errno.h>
#include <stdio.h>

struct http_export;

/* Where to listen: parsed from --listen by the front end. */
struct http_addr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned port;
};

#ifdef HAVE_LIBMICROHTTPD
/* Listens on a; GET /metrics answers with render(fp, arg)'s output.
 * Returns NULL and *err = -errno on failure. */
struct http_export *http_export_start(const struct http_addr *a,
				      int (*render)(FILE *fp, void *arg),
				      void *arg, int *err);
/* An fd to wait on for readability (libmicrohttpd's own epoll fd). */
int http_export_fd(const struct http_export *h);
/* Serves what is ready; never blocks. */
void http_export_run(struct http_export *h);
/* Milliseconds until it needs http_export_run() again, -1: no limit. */
int http_export_timeout(const struct http_export *h);
void http_export_stop(struct http_export *h);
#else
static inline struct http_export *http_export_start(const struct http_addr *a,
		int (*render)(FILE *fp, void *arg), void *arg, int *err)
{
	(void)a, (void)render, (void)arg;
	*err = -ENOTSUP;
	return NULL;
}
static inline int http_export_fd(const struct http_export *h)
{
	(void)h;
	return -1;
}
static inline void http_export_run(struct http_export *h)
{
	(void)h;
}
static inline int http_export_timeout(const struct http_export *h)
{
	(void)h;
	return -1;
}
static inline void http_export_stop(struct http_export *h)
{
	(void)h;
}
#endif

#endif
