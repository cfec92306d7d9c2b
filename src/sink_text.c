/* sink_text.c - the human timeline: one line per event, then a table of
 * lifecycles and a summary.  Lines are stable and greppable:
 *   T PID COMM EVENT details...
 */
#include "config.h"
#include "decode.h"
#include "sanitize.h"
#include "sink.h"
#include "stack.h"
#include "util.h"

#include <math.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BLUE "\033[34m"
#define C_DIM "\033[2m"

static const char *col(const struct sink *s, const char *code)
{
	return s->color ? code : "";
}

/* A normal exit 0 is no alarm: only a failure or a signal is coloured. */
static const char *event_color(const struct zw_event *ev)
{
	switch (ev->type) {
	case ZW_EV_SPAWN: return C_BLUE;
	case ZW_EV_EXIT:
		if (ev->exit.signal)
			return C_RED;
		return ev->exit.code ? C_YELLOW : "";
	case ZW_EV_REAP: return C_GREEN;
	case ZW_EV_REPARENT: return C_RED;
	case ZW_EV_DIAGNOSIS: return C_RED;
	default: return "";
	}
}

static void put_flags(FILE *fp, const struct flag_name *t, unsigned long long v)
{
	const char *names[64];
	unsigned long long rest;
	size_t n = decode_flags(t, v, names, ARRAY_SIZE(names), &rest);

	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? "|" : "", names[i]);
	if (rest)
		fprintf(fp, "%s%#llx", n ? "|" : "", rest);
	if (!n && !rest)
		fputs("0", fp);
}

static void put_status(FILE *fp, int code, int sig, bool core)
{
	if (sig)
		fprintf(fp, "killed by %s%s", decode_signal_name(sig),
			core ? " (core dumped)" : "");
	else
		fprintf(fp, "exit %d", code);
}

/* " COMM" of l's reaper, escaped into buf (SANITIZE_COMM_BUF + 1
 * bytes), or "". */
static const char *reaper_comm(const struct zw_life *l, char *buf)
{
	if (!l || !l->reaped_by_comm[0])
		return "";
	buf[0] = ' ';
	sanitize_str(buf + 1, SANITIZE_COMM_BUF, l->reaped_by_comm);
	return buf;
}

static void put_details(struct sink *s, const struct zw_event *ev,
			const struct zw_life *l)
{
	FILE *fp = s->fp;
	const char *si_code;
	char rb[SANITIZE_COMM_BUF + 1];

	switch (ev->type) {
	case ZW_EV_SPAWN:
		fprintf(fp, "by %d via %s", ev->spawn.creator,
			ev->spawn.syscall ? ev->spawn.syscall : "?");
		if (ev->spawn.ppid != ev->spawn.creator)
			fprintf(fp, ", parent %d", ev->spawn.ppid);
		if (ev->spawn.flags & ~0xffULL) {
			fputs(" [", fp);
			put_flags(fp, decode_clone_flags, ev->spawn.flags);
			fputc(']', fp);
		}
		break;
	case ZW_EV_EXEC:
		sanitize_put(fp, ev->exec.path ? ev->exec.path : "?");
		for (int i = 1; i < ev->exec.argc; i++) {
			putc(' ', fp);
			sanitize_put(fp, ev->exec.argv[i]);
		}
		if (ev->exec.argv_truncated && ev->exec.argc_total >= 0)
			fprintf(fp, " [argv truncated: %d arguments]",
				ev->exec.argc_total);
		else if (ev->exec.argv_truncated)
			fputs(" [argv truncated]", fp);
		if (ev->exec.old_tid)
			fprintf(fp, " (from thread %d)", ev->exec.old_tid);
		break;
	case ZW_EV_EXIT:
		put_status(fp, ev->exit.code, ev->exit.signal, ev->exit.core_dumped);
		/* every exit makes a zombie for a moment: nothing to shout */
		fprintf(fp, ", %szombie%s", col(s, C_DIM), col(s, C_RESET));
		break;
	case ZW_EV_SIGNAL:
		si_code = decode_si_code(ev->signal.signo, ev->signal.code);
		fprintf(fp, "%s %s from %d status %d (thread %d)",
			decode_signal_name(ev->signal.signo),
			si_code ? si_code : "?", ev->signal.sender,
			ev->signal.status, ev->tid);
		break;
	case ZW_EV_WAIT:
		fprintf(fp, "%s(", ev->wait.syscall);
		if (ev->wait.idtype >= 0 && decode_idtype(ev->wait.idtype))
			fprintf(fp, "%s, ", decode_idtype(ev->wait.idtype));
		fprintf(fp, "%ld, ", ev->wait.id);
		put_flags(fp, decode_wait_options, ev->wait.options);
		if (ev->wait.result < 0 && decode_errno((int)-ev->wait.result))
			fprintf(fp, ") = -1 %s", decode_errno((int)-ev->wait.result));
		else
			fprintf(fp, ") = %ld", ev->wait.result);
		fprintf(fp, " (thread %d)", ev->tid);
		break;
	case ZW_EV_REPARENT:
		fprintf(fp, "from %d to %d", ev->reparent.from, ev->reparent.to);
		break;
	case ZW_EV_REAP:
		if (ev->reap.reaper == ZW_REAPER_AUTOREAP)
			fputs("by the kernel (autoreap: SIGCHLD ignored or SA_NOCLDWAIT)", fp);
		else if (ev->reap.reaper == ZW_REAPER_NONE)
			fputs("by unknown (no wait seen, its parent gone)", fp);
		else
			fprintf(fp, "by %d%s (%s", ev->reap.by,
				reaper_comm(l, rb), event_reaper_name(ev->reap.reaper));
		if (ev->reap.reaper != ZW_REAPER_AUTOREAP &&
		    ev->reap.reaper != ZW_REAPER_NONE) {
			if (ev->reap.syscall)
				fprintf(fp, ", %s in thread %d", ev->reap.syscall,
					ev->reap.by_tid);
			fputc(')', fp);
		}
		if (l && !isnan(life_zombie_seconds(l, ev->t)))
			fprintf(fp, " after %.6f s as a zombie",
				life_zombie_seconds(l, ev->t));
		break;
	case ZW_EV_ATTACH:
		fprintf(fp, "state %c, parent %d", ev->attach.state, ev->attach.ppid);
		break;
	case ZW_EV_DIAGNOSIS:
		sanitize_put(fp, ev->diagnosis.text);
		break;
	default:
		break;
	}
}

/* Frames under the spawn line: "#0 binary+0xoff (function+0xoff)". */
static void put_stack(FILE *fp, const struct zw_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		fprintf(fp, "%32s#%-2zu ", "", i);
		sink_put_frame(fp, &st->frames[i], sanitize_put);
		fputc('\n', fp);
	}
}

static void text_event(struct sink *s, const struct zw_event *ev,
		       const struct zw_life *l)
{
	char cb[SANITIZE_COMM_BUF];

	/* A diagnosis is worth reading even in a quiet run. */
	if (s->quiet && ev->type != ZW_EV_DIAGNOSIS)
		return;
	fprintf(s->fp, "%11.6f %7d %-15s %s%-8s%s ", ev->t, ev->pid,
		sanitize_str(cb, sizeof(cb), l ? l->comm : "?"), col(s, event_color(ev)),
		event_type_name(ev->type), col(s, C_RESET));
	put_details(s, ev, l);
	fputc('\n', s->fp);
	if (ev->type == ZW_EV_SPAWN && ev->spawn.stack)
		put_stack(s->fp, ev->spawn.stack);
	if (ev->type == ZW_EV_DIAGNOSIS && ev->diagnosis.stack)
		put_stack(s->fp, ev->diagnosis.stack);
}

static void put_time_cell(FILE *fp, double t)
{
	if (isnan(t))
		fprintf(fp, " %10s", "-");
	else
		fprintf(fp, " %10.6f", t);
}

static void text_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	FILE *fp = s->fp;
	double z = life_zombie_seconds(l, t_end);
	char status[48] = "-", cb[SANITIZE_COMM_BUF];
	char rb[SANITIZE_COMM_BUF + 1];

	if (!s->table_started) {
		s->table_started = true;
		fprintf(fp, "\n%s%7s %7s %-15s %10s %10s %-18s %10s %s%s\n",
			col(s, C_BOLD), "PID", "PPID", "COMM", "BORN", "EXITED",
			"STATUS", "ZOMBIE(s)", "FATE", col(s, C_RESET));
	}
	if (l->has_status && l->exit_signal)
		snprintf(status, sizeof(status), "%s%s",
			 decode_signal_name(l->exit_signal),
			 l->core_dumped ? " (core)" : "");
	else if (l->has_status)
		snprintf(status, sizeof(status), "exit %d", l->exit_code);
	fprintf(fp, "%7d %7d %-15s", l->pid, l->ppid,
		sanitize_str(cb, sizeof(cb), l->comm));
	put_time_cell(fp, l->born);
	put_time_cell(fp, l->exited);
	fprintf(fp, " %-18s", status);
	if (isnan(z))
		fprintf(fp, " %10s", "-");
	else
		fprintf(fp, " %10.6f", z);
	switch (l->final) {
	case ZW_FINAL_REAPED:
		if (l->reaper == ZW_REAPER_NONE)
			fputs(" reaped by unknown\n", fp);
		else
			fprintf(fp, " reaped by %d%s (%s)\n", l->reaped_by,
				reaper_comm(l, rb), event_reaper_name(l->reaper));
		break;
	case ZW_FINAL_AUTOREAPED:
		fputs(" autoreaped\n", fp);
		break;
	case ZW_FINAL_ZOMBIE:
		fprintf(fp, " %sSTILL A ZOMBIE%s (parent %d)\n", col(s, C_RED),
			col(s, C_RESET), l->parent);
		break;
	default:
		fputs(" running\n", fp);
		break;
	}
}

static void text_summary(struct sink *s, const struct zw_summary *sum)
{
	FILE *fp = s->fp;
	char cb[SANITIZE_COMM_BUF];

	if (s->no_summary)
		return;
	fprintf(fp, "\n%ssummary:%s %zu process%s in %.3f s, %zu exited, "
		"at most %zu zombie%s at once",
		col(s, C_BOLD), col(s, C_RESET), sum->processes,
		sum->processes == 1 ? "" : "es", sum->duration, sum->zombies,
		sum->max_concurrent_zombies,
		sum->max_concurrent_zombies == 1 ? "" : "s");
	if (sum->max_concurrent_zombies)
		fprintf(fp, " (at %.6f s)", sum->max_concurrent_at);
	fputs("\n", fp);
	if (sum->longest && sum->longest_seconds >= 1e-6)
		fprintf(fp, "longest zombie: %d (%s) for %.6f s\n",
			sum->longest->pid,
			sanitize_str(cb, sizeof(cb), sum->longest->comm),
			sum->longest_seconds);
	event_put_reaper_counts(fp, sum->by_reaper);
	if (sum->leaked)
		fprintf(fp, "%sstill zombies at the end: %zu%s\n", col(s, C_RED),
			sum->leaked, col(s, C_RESET));
}

static int text_close(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops text_ops = {
	.event = text_event,
	.lifecycle = text_lifecycle,
	.summary = text_summary,
	.close = text_close,
};

struct sink *sink_text_new(FILE *fp, bool own_fp, bool color, bool quiet)
{
	struct sink *s = xcalloc(1, sizeof(*s));

	s->ops = &text_ops;
	s->fp = fp;
	s->own_fp = own_fp;
	s->color = color;
	s->quiet = quiet;
	/* stderr, shared with the traced program's own output, is unbuffered:
	 * each piece of a line would be a write() of its own, and the
	 * program's output would land in the middle of our lines.  Whole
	 * lines, each one write(), cannot be cut so (-o FILE avoids sharing
	 * at all). */
	if (!own_fp)
		setvbuf(fp, NULL, _IOLBF, 1 << 14);
	return s;
}
