/* http_export.c - libmicrohttpd in "external epoll" mode: its epoll fd
 * sits in zwatch watch's loop, MHD_run() serves whatever is ready, and
 * each GET /metrics renders afresh. */
#include "config.h"
#include "http_export.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct http_export {
	struct MHD_Daemon *d;
	int (*render)(FILE *fp, void *arg);
	void *arg;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code,
			     const char *type, char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *data,
			      size_t *data_len, void **state)
{
	struct http_export *h = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *fp;

	(void)version, (void)data, (void)data_len, (void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     strdup("GET /metrics\n"), 13);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain",
			     strdup("zwatch: see /metrics\n"), 21);
	fp = open_memstream(&body, &len);
	if (!fp)
		return MHD_NO;
	if (h->render(fp, h->arg) < 0 || fclose(fp) != 0) {
		free(body);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     strdup("render failed\n"), 14);
	}
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
		     body, len);
}

struct http_export *http_export_start(const struct http_addr *a,
				      int (*render)(FILE *fp, void *arg),
				      void *arg, int *err)
{
	struct http_export *h = calloc(1, sizeof(*h));
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	const struct sockaddr *sa;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (!h) {
		*err = -ENOMEM;
		return NULL;
	}
	h->render = render;
	h->arg = arg;
	if (a->family == AF_INET6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)a->port);
		memcpy(&sin6.sin6_addr, a->addr, 16);
		sa = (const struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)a->port);
		memcpy(&sin.sin_addr, a->addr, 4);
		sa = (const struct sockaddr *)&sin;
	}
	h->d = MHD_start_daemon(flags, (uint16_t)a->port, NULL, NULL, answer, h,
				MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_CONNECTION_LIMIT, 16u,
				MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				MHD_OPTION_END);
	if (!h->d) {
		*err = -EADDRINUSE;	/* MHD does not say which */
		free(h);
		return NULL;
	}
	return h;
}

int http_export_fd(const struct http_export *h)
{
	const union MHD_DaemonInfo *i =
		MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void http_export_run(struct http_export *h)
{
	MHD_run(h->d);
}

int http_export_timeout(const struct http_export *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->d, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

void http_export_stop(struct http_export *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
