/* watch.c - zwatch watch: options, then one epoll loop over the proc
 * connector, the pidfds of current zombies, the HTTP server and a stop
 * signal.  No ptrace anywhere: the parts are proc_connector.c (events),
 * census.c (/proc scans), zomtab.c (the model), metrics.c (the store),
 * http_export.c and textfile_export.c (the outputs), zombie_alert.c (JSON
 * lines). */
#include "config.h"
#include "watch.h"

#include "duration.h"
#include "http_export.h"
#include "metrics.h"
#include "proc_connector.h"
#include "textfile_export.h"
#include "util.h"
#include "verdict.h"
#include "zombie_alert.h"
#include "zomtab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CMD "zwatch watch"
#define AGE_CHECK_S 0.1
#define SHORT_SLICE_NS 100000	/* the least the kernel accepts: 0.1 ms */
/* A storm's connector: at most one read per PCN_PAUSE_S once a read
 * brings PCN_BUSY events (see pause_connector). */
#define PCN_BUSY 16
#define PCN_PAUSE_S 0.002
/* Events handled per wake-up: a hang-up during their handling is timed
 * only at the next epoll_wait, so a long queue is taken in parts (~1 ms
 * each here). */
#define PCN_PART 256

struct watch_options {
	bool listen;
	struct http_addr addr;
	const char *textfile;	/* --textfile DIR */
	const char *cgroup;	/* --cgroup PATH, relative to the cgroup2 root */
	int pid;		/* -p PID */
	double max_age;		/* --max-zombie-age; NAN: none */
	double interval;	/* --interval: census period or spacing */
	size_t max_series;
	int event_buffer;	/* --event-buffer: the connector's SO_RCVBUF */
	bool log_releases;
	bool no_connector;
};

/* Everything the loop owns. */
struct watch {
	const struct watch_options *o;
	struct metrics *m;
	struct zomtab *zt;
	struct http_export *http;
	int epfd, sigfd, pcn;
	struct pcn_seq seq;	/* the connector's numbers: lost events */
	double pcn_resume;	/* paused until then (0: armed) */
	bool rescan;		/* events were lost: census when allowed */
	bool stop;
	double last_census, next_textfile, next_age;
	struct zombie_verdict_hook verdict;
};

/* Tokens in epoll_data.ptr for the fds that are not pidfds. */
static char tok_pcn, tok_sig, tok_http;

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " zwatch watch [options]\n"
	      "\n"
	      "Watch the zombies of the whole machine (or of a subtree or cgroup)\n"
	      "without ptrace, and export Prometheus metrics about them.\n"
	      "\n"
	      "Scope:\n"
	      " -p, --pid=PID           PID and its descendants only\n"
	      "     --cgroup=PATH       zombies whose parent is in cgroup PATH or below\n"
	      "\n"
	      "Output:\n"
	      "     --listen=[ADDR:]PORT  serve /metrics over HTTP (ADDR default\n"
	      "                         127.0.0.1; [::1]:PORT for IPv6)\n"
	      "     --textfile=DIR      write DIR/zwatch.prom every --interval, for\n"
	      "                         node_exporter's textfile collector\n"
	      "     --max-zombie-age=DUR  a JSON line on stdout for each zombie older\n"
	      "                         than DUR, with its parent's /proc facts\n"
	      "     --log-releases      a JSON line on stdout for each released zombie\n"
	      "     --max-series=N      label pairs (parent command, cgroup) before\n"
	      "                         the overflow series (default 200)\n"
	      "\n"
	      "Sources:\n"
	      "     --interval=DUR      /proc census period without the proc connector,\n"
	      "                         least time between censuses after lost events,\n"
	      "                         textfile period (default 1s)\n"
	      "     --no-connector      do not use the proc connector: /proc scans only\n"
	      "     --event-buffer=SIZE  the connector socket's buffer, bytes (default\n"
	      "                         8M; k and M suffixes); overflow: lost events\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\n"
	      "The proc connector needs CAP_NET_ADMIN; without it zwatch watch scans\n"
	      "/proc every --interval and says so.  Exit status: 0 after SIGINT or\n"
	      "SIGTERM, 1 if it could not start, 2 for a usage error.  See zwatch(1).\n",
	      fp);
}

/* "[ADDR:]PORT", "[ADDR6]:PORT". */
static int parse_listen(const char *s, struct http_addr *a)
{
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(s, ':'), *port = s;
	char *end;
	long p;

	memset(a, 0, sizeof(*a));
	if (colon) {
		size_t n = (size_t)(colon - s);

		if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
			s++;
			n -= 2;
		}
		if (n == 0 || n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		port = colon + 1;
	}
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end || p < 1 || p > 65535)
		return -EINVAL;
	a->port = (unsigned)p;
	if (inet_pton(AF_INET, host, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/* /sys/fs/cgroup/x (or .../unified/x, the hybrid layout) and /x name
 * the same cgroup. */
static const char *cgroup_relative(const char *path)
{
	static const char *const roots[] = {
		"/sys/fs/cgroup/unified", "/sys/fs/cgroup",
	};

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		size_t n = strlen(roots[i]);

		if (!strncmp(path, roots[i], n) &&
		    (path[n] == '/' || path[n] == '\0'))
			return path[n] ? path + n : "/";
	}
	return path;
}

static int parse_one(int c, const char *arg, struct watch_options *o)
{
	char *end;
	long n;

	switch (c) {
	case 'p':
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end || n < 1 || n > 1 << 22)
			return usage_error(CMD, "invalid process ID '%s'", arg);
		o->pid = (int)n;
		return -1;
	case 'c':
		if (arg[0] != '/')
			return usage_error(CMD, "--cgroup needs an absolute path, not '%s'", arg);
		o->cgroup = cgroup_relative(arg);
		return -1;
	case 'l':
		if (parse_listen(arg, &o->addr) < 0)
			return usage_error(CMD, "invalid --listen '%s' (use [ADDR:]PORT)", arg);
		o->listen = true;
		return -1;
	case 't':
		o->textfile = arg;
		return -1;
	case 'a':
	case 'i':
		if (duration_parse(arg, c == 'a' ? &o->max_age : &o->interval) < 0 ||
		    (c == 'i' && o->interval < 0.01))
			return usage_error(CMD, "invalid duration '%s' (e.g. 500ms, 2s, 1m)", arg);
		return -1;
	case 's':
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end || n < 1 || n > 100000)
			return usage_error(CMD, "invalid --max-series '%s' (1 to 100000)", arg);
		o->max_series = (size_t)n;
		return -1;
	case 'r':
		o->log_releases = true;
		return -1;
	case 'n':
		o->no_connector = true;
		return -1;
	case 'b':
		n = strtol(arg, &end, 10);
		if (*end == 'k' || *end == 'K')
			n <<= 10, end++;
		else if (*end == 'M')
			n <<= 20, end++;
		if (*arg == '\0' || *end || n < 4096 || n > 1 << 30)
			return usage_error(CMD, "invalid --event-buffer '%s' (4k to 1024M)", arg);
		o->event_buffer = (int)n;
		return -1;
	}
	return usage_error(CMD, "unknown option '%s'", arg);
}

static int parse_watch_options(int argc, char *argv[], struct watch_options *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "textfile", required_argument, NULL, 't' },
		{ "max-zombie-age", required_argument, NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' },
		{ "max-series", required_argument, NULL, 's' },
		{ "log-releases", no_argument, NULL, 'r' },
		{ "no-connector", no_argument, NULL, 'n' },
		{ "event-buffer", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->max_age = NAN;
	o->interval = 1;
	o->max_series = METRICS_DEFAULT_MAX_SERIES;
	o->event_buffer = 8 << 20;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == ':')
			return usage_error(CMD, "option '%s' needs an argument",
					   argv[optind - 1]);
		ret = parse_one(c == '?' ? 0 : c, c == '?' ? argv[optind - 1] : optarg, o);
		if (ret >= 0)
			return ret;
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!o->listen && !o->textfile && isnan(o->max_age) && !o->log_releases)
		return usage_error(CMD, "%snothing to report: give --listen, "
				   "--textfile, --max-zombie-age or --log-releases", "");
	return -1;
}

/* --- the loop --- */

static int render(FILE *fp, void *arg)
{
	struct watch *w = arg;

	zomtab_gauges(w->zt, w->m);
	return metrics_render(w->m, fp);
}

static void on_event(const struct pcn_event *ev, void *arg)
{
	zomtab_event(arg, ev);
}

/* Drains the connector, or takes PCN_PART events of it; after ENOBUFS
 * the rest of the queue is still good, and a census will find what was
 * lost.  A gap in the event numbers without ENOBUFS also asks for one:
 * an overflowing netlink socket says ENOBUFS once, then drops events
 * silently until its queue has been read empty (the gaps then equal the
 * socket's Drops in /proc/net/netlink: make stress-watch checks it). */
static int read_connector(struct watch *w)
{
	uint64_t lost = w->seq.lost;
	int n, total = 0;
	bool drain = false;

	while ((n = pcn_read(w->pcn, &w->seq, drain ? INT_MAX : PCN_PART - total,
			     on_event, w->zt)) != 0) {
		if (n > 0)
			total += n;
		if (n > 0 && total >= PCN_PART && !drain)
			break;	/* more: epoll reports it again at once */
		if (n == -ENOBUFS) {
			/* The socket drops everything until it has been
			 * read empty: no parts then. */
			metrics_overflow(w->m);
			w->rescan = true;
			drain = true;
			continue;
		}
		if (n < 0) {
			warn_errno(-n, "reading the proc connector");
			w->stop = true;
		}
		break;
	}
	if (w->seq.lost != lost)
		w->rescan = true;
	metrics_set_lost(w->m, w->seq.lost);
	return total;
}

static void arm_connector(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &tok_pcn };

	epoll_ctl(w->epfd, EPOLL_CTL_MOD, w->pcn, &ev);
}

/* In a fork storm every event would wake us: measured with 2 x 20,000
 * vforks, 27,000 wake-ups, each paid by the forking process (the
 * wake-up, and our preemption of it), which ran 1.4x longer, where
 * forkstat, never idle long enough to sleep, woke 900 times.  So once a
 * read brings PCN_BUSY events, the connector is left unarmed for
 * PCN_PAUSE_S (the kernel queues meanwhile: 8 MB hold thousands) while
 * the pidfds stay armed, so releases are still timed at once; an exit
 * is then handled up to PCN_PAUSE_S later, and a zombie released
 * meanwhile has its lifetime that much more of an upper bound.  A quiet
 * machine never pauses, and neither does a queue left unread. */
static void pause_connector(struct watch *w, int events, double now)
{
	if (events < PCN_BUSY || events >= PCN_PART)
		return;
	arm_connector(w, 0);
	w->pcn_resume = now + PCN_PAUSE_S;
}

static void on_age(const struct zombie *z, double age, void *arg)
{
	struct watch *w = arg;

	zombie_alert_age(stdout, z, age, &w->verdict);
}

static int add_fd(int epfd, int fd, void *ptr)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ptr };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void census(struct watch *w, bool after_loss)
{
	int err = zomtab_census(w->zt, after_loss);

	if (err < 0)
		warn_errno(-err, "cannot scan /proc");
	w->last_census = clock_now();
	w->rescan = false;
}

/* The nearest deadline, in epoll_wait milliseconds. */
static int next_timeout(const struct watch *w, double now)
{
	double due = now + 60;
	int ms, t;

	if (w->pcn < 0 || w->rescan)
		due = fmin(due, w->last_census + w->o->interval);
	if (w->o->textfile)
		due = fmin(due, w->next_textfile);
	if (!isnan(w->o->max_age))
		due = fmin(due, w->next_age);
	if (w->pcn_resume > 0)
		due = fmin(due, w->pcn_resume);
	ms = due <= now ? 0 : (int)ceil((due - now) * 1000);
	t = zomtab_poll_timeout(w->zt);
	if (t >= 0 && t < ms)
		ms = t;
	t = w->http ? http_export_timeout(w->http) : -1;
	if (t >= 0 && t < ms)
		ms = t;
	return ms;
}

static void do_due(struct watch *w)
{
	double now = clock_now();
	int err;

	if (w->pcn_resume > 0 && now >= w->pcn_resume) {
		w->pcn_resume = 0;
		arm_connector(w, EPOLLIN);
	}
	if ((w->pcn < 0 || w->rescan) && now >= w->last_census + w->o->interval)
		census(w, true);
	zomtab_poll(w->zt);
	if (!isnan(w->o->max_age) && now >= w->next_age) {
		zomtab_each_old(w->zt, w->o->max_age, on_age, w);
		w->next_age = now + AGE_CHECK_S;
	}
	if (w->o->textfile && now >= w->next_textfile) {
		err = textfile_write(w->o->textfile, render, w);
		if (err < 0)
			warn_errno(-err, "cannot write %s/zwatch.prom", w->o->textfile);
		w->next_textfile = now + w->o->interval;
	}
}

/* now: when epoll_wait returned.  A hang-up in this batch happened
 * before it; timed after the connector's events are handled (a fork
 * storm's queue: milliseconds), it would be as much late. */
static void handle(struct watch *w, struct epoll_event *evs, int n, double now)
{
	struct signalfd_siginfo si;

	/* The connector first: an exit creates the entry whose pidfd the
	 * same batch may already report on. */
	for (int i = 0; i < n; i++)
		if (evs[i].data.ptr == &tok_pcn)
			pause_connector(w, read_connector(w), now);
	for (int i = 0; i < n; i++) {
		void *p = evs[i].data.ptr;

		if (p == &tok_pcn)
			continue;
		if (p == &tok_http) {
			http_export_run(w->http);
		} else if (p == &tok_sig) {
			if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				/* a census now */
				w->rescan = true;
				w->last_census = 0;
			} else {
				w->stop = true;
			}
		} else {
			zomtab_pidfd_ready(w->zt, p, evs[i].events, now);
		}
	}
}

static void run(struct watch *w)
{
	struct epoll_event evs[256];

	while (!w->stop) {
		int n = epoll_wait(w->epfd, evs, 256, next_timeout(w, clock_now()));
		double now = clock_now();

		if (n < 0 && errno != EINTR) {
			warn_errno(errno, "epoll_wait");
			return;
		}
		if (n > 0)
			handle(w, evs, n, now);
		else if (n == 0 && w->http)	/* its timeout, maybe */
			http_export_run(w->http);
		zomtab_batch_end(w->zt);
		do_due(w);
	}
}

/* --- start and stop --- */

/* One pidfd per zombie: as many as the hard limit allows. */
static void raise_nofile(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* struct sched_attr, first version (48 bytes): older C libraries do not
 * have it, newer ones clash with <linux/sched/types.h>. */
struct watch_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

/* A release is timed when epoll_wait returns, so a lifetime is late by
 * our wake-up latency, which at nice 0 on a busy machine is the
 * scheduler's: EEVDF (Linux 6.12+) lets a SCHED_OTHER task ask for a
 * shorter time slice (sched_runtime), no privilege needed, and a task
 * woken with a shorter slice than the running one preempts it
 * (PREEMPT_SHORT).  Same share of the CPU, earlier turns.  Older kernels
 * ignore the field; a real-time or batch policy is left alone. */
static void ask_short_slice(void)
{
	struct watch_sched_attr a = {
		.size = sizeof(a),
		.policy = SCHED_OTHER,
		.runtime = SHORT_SLICE_NS,
	};

	if (sched_getscheduler(0) != SCHED_OTHER)
		return;
	errno = 0;
	a.nice = getpriority(PRIO_PROCESS, 0);
	if (errno == 0)
		syscall(SYS_sched_setattr, 0, &a, 0);
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void open_connector(struct watch *w)
{
	w->pcn = w->o->no_connector ? -ENOTSUP : pcn_open(w->o->event_buffer);
	if (w->pcn >= 0 && add_fd(w->epfd, w->pcn, &tok_pcn) == 0)
		return;
	if (w->pcn >= 0)
		pcn_close(w->pcn);
	else if (!w->o->no_connector)
		warnx_("no proc connector (%s): falling back to a /proc scan "
		       "every %gs; exits and zombies released between scans "
		       "are not seen", w->pcn == -EPERM ? "needs CAP_NET_ADMIN" :
		       w->pcn == -ETIMEDOUT ? "no events arrive: not in the "
		       "initial network, user and pid namespaces?" :
		       strerror(-w->pcn), w->o->interval);
	w->pcn = -1;
	metrics_set_source(w->m, "scan");
}

static int start_http(struct watch *w)
{
	int err = 0;

	if (!w->o->listen)
		return 0;
	w->http = http_export_start(&w->o->addr, render, w, &err);
	if (!w->http) {
		if (err == -ENOTSUP)
			warnx_("--listen: built without libmicrohttpd");
		else
			warnx_("--listen: cannot listen on port %u", w->o->addr.port);
		return -1;
	}
	return add_fd(w->epfd, http_export_fd(w->http), &tok_http);
}

static int watch_start(struct watch *w)
{
	struct zomtab_config cfg = {
		.scope_pid = w->o->pid,
		.cgroup = w->o->cgroup,
		.releases = w->o->log_releases ? stdout : NULL,
	};

	raise_nofile();
	ask_short_slice();
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a line at a time: journald */
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->sigfd = open_signals();
	if (w->epfd < 0 || w->sigfd < 0 || add_fd(w->epfd, w->sigfd, &tok_sig) < 0) {
		warn_errno(errno, "cannot set up the event loop");
		return -1;
	}
	w->m = metrics_new(w->o->max_series);
	open_connector(w);
	w->zt = zomtab_new(&cfg, w->m, w->epfd);
	/* Subscribed first, then the census: nothing falls between. */
	census(w, false);
	if (start_http(w) < 0)
		return -1;
	w->next_textfile = w->next_age = clock_now();
	if (w->o->log_releases || !isnan(w->o->max_age))
		printf("{\"event\":\"start\",\"pid\":%d,\"source\":\"%s\"}\n",
		       (int)getpid(), w->pcn >= 0 ? "connector" : "scan");
	return 0;
}

static void watch_stop(struct watch *w)
{
	http_export_stop(w->http);
	pcn_close(w->pcn);
	pcn_seq_free(&w->seq);
	zomtab_free(w->zt);
	metrics_free(w->m);
	if (w->sigfd >= 0)
		close(w->sigfd);
	if (w->epfd >= 0)
		close(w->epfd);
}

/* zwatch ps's verdict on a parent, from /proc only: watch never stops a
 * process (its unit forbids ptrace).  "kind: why". */
static int ps_verdict(int parent, char *buf, size_t len, void *arg)
{
	struct verdict v;

	(void)arg;
	if (verdict_of(parent, 0, NULL, &v) < 0)
		return -ESRCH;
	snprintf(buf, len, "%s: %s", verdict_name(v.kind), v.why);
	return 0;
}

int watch_main(int argc, char *argv[])
{
	struct watch_options o;
	struct watch w = { .o = &o, .epfd = -1, .sigfd = -1, .pcn = -1,
			  .verdict = { .fn = ps_verdict } };
	int ret = parse_watch_options(argc, argv, &o);

	if (ret >= 0)
		return ret;
	ret = watch_start(&w) < 0 ? 1 : 0;
	if (ret == 0)
		run(&w);
	watch_stop(&w);
	return ret;
}
