/* sink_perfetto.c - Chrome trace-event JSON, for ui.perfetto.dev (or
 * chrome://tracing).  Times are microseconds since the trace start.
 *
 * One process track per process (pid = tid = the process), named
 * "comm (pid)".  Perfetto does not nest process tracks, so the tree is
 * shown by order instead: process_sort_index follows a depth-first walk,
 * so each child sits right under its parent, and a "parent N" label says
 * whose child it is.  On each track: a "running" slice, then a "zombie"
 * slice; signals, waits and execs are instant events.  A flow arrow runs
 * from a small "reap" slice on the reaper's track to the end of the
 * reaped child's zombie slice.  Flow ends bind to enclosing slices, so
 * zombie slices last at least MIN_DUR and flow points sit inside them.
 */
#include "config.h"
#include "decode.h"
#include "intmap.h"
#include "lifecycle.h"
#include "proctree.h"
#include "report_sinks.h"
#include "sink.h"
#include "util.h"

#include <math.h>
#include <stdint.h>

#define US(t) ((t) * 1e6)
#define MIN_DUR 1e-6	/* seconds: the shortest slice we draw */

struct perfetto {
	struct sink base;	/* first: sink_close frees the whole */
	struct proctree tree;
	struct intmap reapers;	/* pid -> pid of reapers: tracks to name */
	unsigned long flows;
	bool first;		/* nothing written into the array yet */
};

/* Decimal digits of v, by hand: printf costs more than the rest of an
 * event's output together. */
static void put_int(FILE *fp, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fputs(p, fp);
}

/* t seconds as microseconds with 3 decimals ("1234.567"): the hot path
 * of a large trace, so integers are formatted by hand, not by printf's
 * floating point. */
static void put_us(FILE *fp, double t)
{
	char buf[32], *p = buf + sizeof(buf);
	long long ns;
	bool neg = t < 0;

	if (!(fabs(t) < 9e9)) {		/* past what ns fit in a long long */
		fprintf(fp, "%.3f", US(t));
		return;
	}
	ns = llround(fabs(t) * 1e9);
	*--p = '\0';
	for (int i = 0; i < 3; i++, ns /= 10)
		*--p = (char)('0' + ns % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + ns % 10);
		ns /= 10;
	} while (ns);
	if (neg)
		*--p = '-';
	fputs(p, fp);
}

/* Most names are ours and plain ASCII: skip the escaper's byte-by-byte
 * walk for them (a million events write two million names). */
static void put_name(FILE *fp, const char *name)
{
	for (const char *c = name; *c; c++) {
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 ||
		    (unsigned char)*c >= 0x7f) {
			json_put_string(fp, name);
			return;
		}
	}
	putc('"', fp);
	fputs(name, fp);
	putc('"', fp);
}

/* Starts one trace event object: {"ph":..,"name":..,"pid":..,"tid":..,"ts":.. */
static void begin(struct perfetto *p, const char *ph, const char *name,
		  int pid, double t)
{
	FILE *fp = p->base.fp;

	fputs(p->first ? "\n" : ",\n", fp);
	p->first = false;
	fputs("{\"ph\":\"", fp);
	fputs(ph, fp);
	fputs("\",\"name\":", fp);
	put_name(fp, name);
	fputs(",\"pid\":", fp);
	put_int(fp, pid);
	fputs(",\"tid\":", fp);
	put_int(fp, pid);
	if (!isnan(t)) {
		fputs(",\"ts\":", fp);
		put_us(fp, t);
	}
}

/* "WNOHANG|__WALL": names from decode.h, plain ASCII. */
static void put_options(FILE *fp, unsigned options)
{
	const char *names[16];
	unsigned long long rest;
	size_t n = decode_flags(decode_wait_options, options, names,
				ARRAY_SIZE(names), &rest);

	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? "|" : "", names[i]);
	if (rest)
		fprintf(fp, "%s%#llx", n ? "|" : "", rest);
	if (!n && !rest)
		putc('0', fp);
}

static void put_instant_args(FILE *fp, const struct zw_event *ev)
{
	fputs(",\"args\":{", fp);
	switch (ev->type) {
	case ZW_EV_SIGNAL:
		fputs("\"si_code\":", fp);
		json_put_string(fp, decode_si_code(ev->signal.signo, ev->signal.code));
		fprintf(fp, ",\"si_pid\":%d,\"si_status\":%d", ev->signal.sender,
			ev->signal.status);
		break;
	case ZW_EV_WAIT:
		fprintf(fp, "\"id\":%ld,\"options\":\"", ev->wait.id);
		put_options(fp, ev->wait.options);
		fprintf(fp, "\",\"result\":%ld,\"tid\":%d", ev->wait.result,
			ev->tid);
		break;
	case ZW_EV_EXEC:
		fputs("\"path\":", fp);
		json_put_string(fp, ev->exec.path);
		break;
	default:
		break;
	}
	fputs("}}", fp);
}

static void instant(struct perfetto *p, const struct zw_event *ev)
{
	char name[64];

	switch (ev->type) {
	case ZW_EV_SIGNAL:
		snprintf(name, sizeof(name), "%s",
			 decode_signal_name(ev->signal.signo) ?
			 decode_signal_name(ev->signal.signo) : "signal");
		break;
	case ZW_EV_WAIT:
		snprintf(name, sizeof(name), "%s = %ld",
			 ev->wait.syscall ? ev->wait.syscall : "wait",
			 ev->wait.result);
		break;
	default:
		snprintf(name, sizeof(name), "exec %.40s",
			 ev->exec.comm ? ev->exec.comm : "");
		break;
	}
	begin(p, "i", name, ev->pid, ev->t);
	fprintf(p->base.fp, ",\"s\":\"t\",\"cat\":\"%s\"",
		event_type_name(ev->type));
	put_instant_args(p->base.fp, ev);
}

/* Where the zombie slice of l ends, as drawn. */
static double zombie_end(const struct zw_life *l, double t_end)
{
	double end = isnan(l->reaped) ? t_end : l->reaped;

	return end < l->zombie_since + MIN_DUR ? l->zombie_since + MIN_DUR : end;
}

/* reaper's "reap" slice -> flow -> the end of the child's zombie slice */
static void reap_flow(struct perfetto *p, const struct zw_event *ev,
		      const struct zw_life *child)
{
	FILE *fp = p->base.fp;
	char name[32];
	unsigned long id = ++p->flows;
	double end;

	if (!ev->reap.by || !child || isnan(child->zombie_since))
		return;
	intmap_put(&p->reapers, ev->reap.by, (void *)(uintptr_t)ev->reap.by);
	end = zombie_end(child, ev->t);
	snprintf(name, sizeof(name), "reap %d", ev->pid);
	begin(p, "X", name, ev->reap.by, ev->t);
	fprintf(fp, ",\"dur\":1,\"cat\":\"reap\",\"args\":{\"child\":%d}}",
		ev->pid);
	begin(p, "s", "reap", ev->reap.by, ev->t + MIN_DUR / 2);
	fputs(",\"cat\":\"reap\",\"id\":", fp);
	put_int(fp, (long long)id);
	fputs("}", fp);
	begin(p, "f", "reap", ev->pid, end - MIN_DUR / 2);
	fputs(",\"cat\":\"reap\",\"id\":", fp);
	put_int(fp, (long long)id);
	fputs(",\"bp\":\"e\"}", fp);
}

static void pf_event(struct sink *s, const struct zw_event *ev,
		     const struct zw_life *subject)
{
	struct perfetto *p = (struct perfetto *)s;

	switch (ev->type) {
	case ZW_EV_SIGNAL:
	case ZW_EV_WAIT:
	case ZW_EV_EXEC:
		instant(p, ev);
		break;
	case ZW_EV_REAP:
		reap_flow(p, ev, subject);
		break;
	default:
		return;
	}
	sink_check(s);
}

static void put_status(FILE *fp, const struct zw_life *l)
{
	fputs(",\"status\":", fp);
	if (!l->has_status)
		fputs("null", fp);
	else if (l->exit_signal)
		json_put_string(fp, decode_signal_name(l->exit_signal));
	else
		fprintf(fp, "\"exit %d\"", l->exit_code);
}

static void running_slice(struct perfetto *p, const struct zw_life *l,
			  double t_end)
{
	double from = isnan(l->born) ? 0 : l->born;
	double to = !isnan(l->exited) ? l->exited :
		    !isnan(l->zombie_since) ? l->zombie_since : t_end;

	if (isnan(l->exited) && !isnan(l->zombie_since) && isnan(l->born))
		return;		/* already a zombie when tracing began */
	begin(p, "X", "running", l->pid, from);
	fputs(",\"dur\":", p->base.fp);
	put_us(p->base.fp, to > from ? to - from : 0.0);
	fprintf(p->base.fp, ",\"cat\":\"process\",\"args\":{\"ppid\":%d",
		l->ppid);
	put_status(p->base.fp, l);
	fputs("}}", p->base.fp);
}

static void zombie_slice(struct perfetto *p, const struct zw_life *l,
			 double t_end)
{
	FILE *fp = p->base.fp;

	if (isnan(l->zombie_since))
		return;
	begin(p, "X", l->final == ZW_FINAL_ZOMBIE ? "zombie (never reaped)" :
		  "zombie", l->pid, l->zombie_since);
	fputs(",\"dur\":", fp);
	put_us(fp, zombie_end(l, t_end) - l->zombie_since);
	fprintf(fp, ",\"cat\":\"zombie\",\"args\":{\"zombie_seconds\":%.6f,"
		"\"reaper\":", life_zombie_seconds(l, t_end));
	json_put_string(fp, event_reaper_name(l->reaper));
	if (l->reaped_by)
		fprintf(fp, ",\"reaped_by\":%d", l->reaped_by);
	else
		fputs(",\"reaped_by\":null", fp);
	fprintf(fp, ",\"parent\":%d}}", l->parent);
}

static void pf_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	struct perfetto *p = (struct perfetto *)s;

	proctree_add(&p->tree, l);
	running_slice(p, l, t_end);
	zombie_slice(p, l, t_end);
	sink_check(s);
}

static void name_track(struct perfetto *p, int pid, const char *comm,
		       size_t order, int parent)
{
	FILE *fp = p->base.fp;
	char name[40];

	snprintf(name, sizeof(name), "%s (%d)", comm, pid);
	begin(p, "M", "process_name", pid, NAN);
	fputs(",\"args\":{\"name\":", fp);
	json_put_string(fp, name);
	fputs("}}", fp);
	begin(p, "M", "thread_name", pid, NAN);
	fputs(",\"args\":{\"name\":", fp);
	json_put_string(fp, comm);
	fputs("}}", fp);
	begin(p, "M", "process_sort_index", pid, NAN);
	fprintf(fp, ",\"args\":{\"sort_index\":%zu}}", order);
	if (parent > 0) {
		begin(p, "M", "process_labels", pid, NAN);
		fprintf(fp, ",\"args\":{\"labels\":\"parent %d\"}}", parent);
	}
}

/* Names and orders the tracks once the whole tree is known. */
static void pf_summary(struct sink *s, const struct zw_summary *sum)
{
	struct perfetto *p = (struct perfetto *)s;
	size_t i = 0;
	void *v;

	(void)sum;
	proctree_build(&p->tree);
	for (size_t k = 0; k < p->tree.len; k++) {
		const struct zw_life *l = p->tree.recs[p->tree.order[k]];

		name_track(p, l->pid, l->comm[0] ? l->comm : "?", k + 1, l->ppid);
	}
	while (intmap_next(&p->reapers, &i, &v)) {
		int pid = (int)(uintptr_t)v;

		if (!proctree_find(&p->tree, pid))
			name_track(p, pid, "untraced", 0, 0);
	}
	sink_check(s);
}

static int pf_close(struct sink *s)
{
	struct perfetto *p = (struct perfetto *)s;

	fputs("\n]}\n", s->fp);
	proctree_free(&p->tree);
	intmap_free(&p->reapers);
	return 0;
}

static const struct sink_ops perfetto_ops = {
	.event = pf_event,
	.lifecycle = pf_lifecycle,
	.summary = pf_summary,
	.close = pf_close,
};

struct sink *sink_perfetto_new(FILE *fp, bool own_fp)
{
	struct perfetto *p = xcalloc(1, sizeof(*p));

	p->base.ops = &perfetto_ops;
	p->base.fp = fp;
	p->base.own_fp = own_fp;
	p->first = true;
	proctree_init(&p->tree);
	intmap_init(&p->reapers);
	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":"
	      "\"zwatch " PACKAGE_VERSION "\"},\"traceEvents\":[", fp);
	return &p->base;
}
