/* sink_json.c - JSON Lines: one object per event, then one "lifecycle"
 * object per process.  The field names are a public contract documented
 * in zwatch(1); this file is the only place that produces them.
 */
#include "config.h"
#include "decode.h"
#include "sanitize.h"
#include "sink.h"
#include "stack.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

static void put_key(FILE *fp, const char *key)
{
	fprintf(fp, ",\"%s\":", key);
}

static void put_int_or_null(FILE *fp, const char *key, int v, bool null)
{
	put_key(fp, key);
	if (null)
		fputs("null", fp);
	else
		fprintf(fp, "%d", v);
}

static void put_str(FILE *fp, const char *key, const char *v)
{
	put_key(fp, key);
	json_put_string(fp, v);
}

static void put_flags(FILE *fp, const char *key, const struct flag_name *t,
		      unsigned long long v)
{
	const char *names[64];
	unsigned long long rest;
	size_t n = decode_flags(t, v, names, ARRAY_SIZE(names), &rest);

	put_key(fp, key);
	putc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', fp);
		json_put_string(fp, names[i]);
	}
	if (rest)
		fprintf(fp, "%s\"%#llx\"", n ? "," : "", rest);
	putc(']', fp);
}

static void put_signal(FILE *fp, const char *key, int sig)
{
	put_key(fp, key);
	if (!sig)
		fputs("null", fp);
	else
		json_put_string(fp, decode_signal_name(sig));
}

/* The parent's SIGCHLD disposition from its own rt_sigaction(): handler,
 * flags and mask; absent when it could not be asked. */
static void put_sigaction(FILE *fp, const struct zw_event *ev)
{
	unsigned long mask = ev->diagnosis.sigchld_mask;
	bool first = true;

	if (!ev->diagnosis.sigchld_known)
		return;
	put_str(fp, "sigchld_handler", ev->diagnosis.sigchld_handler);
	put_flags(fp, "sigchld_flags", decode_sa_flags,
		  ev->diagnosis.sigchld_flags);
	put_key(fp, "sigchld_mask");
	putc('[', fp);
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = decode_signal_name(sig);

		if (!(mask & (1UL << (sig - 1))) || !name)
			continue;
		if (!first)
			putc(',', fp);
		json_put_string(fp, name);
		first = false;
	}
	putc(']', fp);
}

static void put_stack(FILE *fp, const struct zw_stack *st)
{
	put_key(fp, "stack");
	putc('[', fp);
	for (size_t i = 0; i < st->n; i++) {
		const struct zw_frame *f = &st->frames[i];

		fprintf(fp, "%s{\"pc\":\"%#lx\"", i ? "," : "", f->pc);
		put_str(fp, "binary", f->binary);
		fprintf(fp, ",\"offset\":\"%#lx\"", f->offset);
		put_str(fp, "function", f->function);
		/* An offset from no function would be a lie about one. */
		if (f->function)
			fprintf(fp, ",\"func_offset\":\"%#lx\"", f->func_offset);
		if (f->file && f->line) {
			put_str(fp, "file", f->file);
			fprintf(fp, ",\"line\":%u", f->line);
		}
		put_str(fp, "build_id", f->build_id);
		putc('}', fp);
	}
	putc(']', fp);
}

/* Only when argv is not all there: how many arguments it had. */
static void put_argv_truncated(FILE *fp, const struct zw_event *ev)
{
	if (!ev->exec.argv_truncated)
		return;
	fputs(",\"argv_truncated\":true", fp);
	if (ev->exec.argc_total >= 0)
		fprintf(fp, ",\"argc\":%d", ev->exec.argc_total);
}

static void put_event_body(FILE *fp, const struct zw_event *ev,
			   const struct zw_life *subject)
{
	switch (ev->type) {
	case ZW_EV_SPAWN:
		put_int_or_null(fp, "tid", ev->tid, !ev->tid);
		if (subject && subject->comm[0])
			put_str(fp, "comm", subject->comm);
		put_int_or_null(fp, "ppid", ev->spawn.ppid, false);
		put_int_or_null(fp, "creator", ev->spawn.creator, false);
		put_str(fp, "syscall", ev->spawn.syscall);
		put_flags(fp, "flags", decode_clone_flags, ev->spawn.flags);
		if (ev->spawn.stack)
			put_stack(fp, ev->spawn.stack);
		break;
	case ZW_EV_EXEC:
		put_int_or_null(fp, "tid", ev->tid, !ev->tid);
		if (ev->exec.old_tid)
			put_int_or_null(fp, "old_tid", ev->exec.old_tid, false);
		put_str(fp, "path", ev->exec.path);
		put_str(fp, "comm", ev->exec.comm);
		put_key(fp, "argv");
		putc('[', fp);
		for (int i = 0; i < ev->exec.argc; i++) {
			if (i)
				putc(',', fp);
			json_put_string(fp, ev->exec.argv[i]);
		}
		putc(']', fp);
		put_argv_truncated(fp, ev);
		break;
	case ZW_EV_EXIT:
		put_int_or_null(fp, "exit_code", ev->exit.code, ev->exit.signal != 0);
		put_signal(fp, "exit_signal", ev->exit.signal);
		fprintf(fp, ",\"core_dumped\":%s", ev->exit.core_dumped ? "true" : "false");
		break;
	case ZW_EV_SIGNAL:
		put_int_or_null(fp, "tid", ev->tid, !ev->tid);
		put_signal(fp, "signal", ev->signal.signo);
		put_str(fp, "si_code", decode_si_code(ev->signal.signo, ev->signal.code));
		put_int_or_null(fp, "si_pid", ev->signal.sender, false);
		put_int_or_null(fp, "si_status", ev->signal.status, false);
		break;
	case ZW_EV_WAIT:
		put_int_or_null(fp, "tid", ev->tid, !ev->tid);
		put_str(fp, "syscall", ev->wait.syscall);
		if (ev->wait.idtype >= 0)
			put_str(fp, "idtype", decode_idtype(ev->wait.idtype));
		fprintf(fp, ",\"id\":%ld", ev->wait.id);
		put_flags(fp, "options", decode_wait_options, ev->wait.options);
		fprintf(fp, ",\"result\":%ld", ev->wait.result);
		if (ev->wait.result < 0)
			put_str(fp, "error", decode_errno((int)-ev->wait.result));
		break;
	case ZW_EV_REPARENT:
		put_int_or_null(fp, "from", ev->reparent.from, false);
		put_int_or_null(fp, "to", ev->reparent.to, false);
		break;
	case ZW_EV_REAP:
		put_int_or_null(fp, "by", ev->reap.by, !ev->reap.by);
		if (ev->reap.by_tid)
			put_int_or_null(fp, "tid", ev->reap.by_tid, false);
		put_str(fp, "reaper", event_reaper_name(ev->reap.reaper));
		if (ev->reap.syscall)
			put_str(fp, "syscall", ev->reap.syscall);
		if (ev->reap.via)
			put_str(fp, "via", ev->reap.via);
		if (ev->reap.by_comm)
			put_str(fp, "by_comm", ev->reap.by_comm);
		break;
	case ZW_EV_DIAGNOSIS:
		put_int_or_null(fp, "parent", ev->diagnosis.parent, false);
		put_str(fp, "text", ev->diagnosis.text);
		if (ev->diagnosis.parent_state)
			fprintf(fp, ",\"parent_state\":\"%c\"",
				ev->diagnosis.parent_state);
		else
			fputs(",\"parent_state\":null", fp);
		put_str(fp, "parent_syscall", ev->diagnosis.parent_syscall);
		fprintf(fp, ",\"waits_seen\":%u", ev->diagnosis.waits_seen);
		put_str(fp, "sigchld", ev->diagnosis.sigchld);
		fprintf(fp, ",\"sigchld_blocked\":%s",
			ev->diagnosis.sigchld_blocked ? "true" : "false");
		put_sigaction(fp, ev);
		if (ev->diagnosis.stack)
			put_stack(fp, ev->diagnosis.stack);
		break;
	case ZW_EV_ATTACH:
		put_int_or_null(fp, "ppid", ev->attach.ppid, false);
		put_str(fp, "comm", ev->attach.comm);
		fprintf(fp, ",\"state\":\"%c\"", ev->attach.state ? ev->attach.state : '?');
		if (ev->attach.state == 'Z') {
			int st = ev->attach.exit_code;

			put_int_or_null(fp, "exit_code", (st >> 8) & 0xff, (st & 0x7f) != 0);
			put_signal(fp, "exit_signal", st & 0x7f);
			fprintf(fp, ",\"core_dumped\":%s", (st & 0x80) ? "true" : "false");
		}
		break;
	default:
		break;
	}
}

static void json_event(struct sink *s, const struct zw_event *ev,
		       const struct zw_life *subject)
{
	fprintf(s->fp, "{\"event\":\"%s\",\"t\":", event_type_name(ev->type));
	json_put_time(s->fp, ev->t);
	fprintf(s->fp, ",\"pid\":%d", ev->pid);
	put_event_body(s->fp, ev, subject);
	fputs("}\n", s->fp);
	sink_check(s);
}

static void json_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	FILE *fp = s->fp;
	double z = isnan(l->reaped) ? NAN : life_zombie_seconds(l, t_end);

	(void)t_end;
	fprintf(fp, "{\"event\":\"lifecycle\",\"pid\":%d", l->pid);
	put_int_or_null(fp, "ppid", l->ppid, false);
	put_int_or_null(fp, "creator", l->creator, !l->creator);
	if (l->parent != l->ppid)
		put_int_or_null(fp, "parent", l->parent, false);
	put_str(fp, "comm", l->comm);
	put_key(fp, "born");
	json_put_time(fp, l->born);
	put_key(fp, "exited");
	json_put_time(fp, l->exited);
	put_int_or_null(fp, "exit_code", l->exit_code,
			!l->has_status || l->exit_signal || l->exit_code < 0);
	put_signal(fp, "exit_signal", l->exit_signal);
	fprintf(fp, ",\"core_dumped\":%s", l->core_dumped ? "true" : "false");
	put_key(fp, "reaped");
	json_put_time(fp, l->reaped);
	put_int_or_null(fp, "reaped_by", l->reaped_by, !l->reaped_by);
	put_str(fp, "reaper", event_reaper_name(l->reaper));
	put_key(fp, "zombie_seconds");
	json_put_time(fp, z);
	put_str(fp, "final", life_final_name(l->final));
	fputs("}\n", fp);
	sink_check(s);
}

static void json_summary(struct sink *s, const struct zw_summary *sum)
{
	(void)s;
	(void)sum;
}

static int json_close(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops json_ops = {
	.event = json_event,
	.lifecycle = json_lifecycle,
	.summary = json_summary,
	.close = json_close,
};

/* The traced command, at most ZW_COMMAND_MAX bytes of it (a reader takes
 * lines of up to 1 MiB): whole arguments while they fit, then the start
 * of the next one, cut between UTF-8 characters, and the marker. */
static void put_command(FILE *fp, char *const *argv)
{
	size_t left = ZW_COMMAND_MAX;
	int argc = 0, shown = 0;
	bool cut = false;

	put_key(fp, "command");
	putc('[', fp);
	for (; argv && argv[argc]; argc++) {
		size_t len = strlen(argv[argc]);
		char *part;

		if (cut)
			continue;
		if (shown)
			putc(',', fp);
		shown++;
		if (len <= left) {
			json_put_string(fp, argv[argc]);
			left -= len;
			continue;
		}
		part = xstrdup(argv[argc]);
		part[utf8_cut(part, left)] = '\0';
		json_put_string(fp, part);
		free(part);
		cut = true;
	}
	putc(']', fp);
	if (cut)
		fprintf(fp, ",\"command_truncated\":true,\"command_argc\":%d", argc);
}

/* The first line of a recorded trace says what it is and where it came
 * from; readers check "format" and "version". */
static void put_header(FILE *fp, char *const *argv)
{
	struct utsname u;
	struct timespec ts;
	char stamp[64];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	fprintf(fp, "{\"event\":\"header\",\"format\":\"zwatch-trace\","
		"\"version\":%d,\"zwatch\":\"%s\"", ZW_TRACE_VERSION, PACKAGE_VERSION);
	put_str(fp, "kernel", u.release);
	put_str(fp, "host", u.nodename);
	put_str(fp, "start", stamp);
	fprintf(fp, ",\"start_unix\":%.6f", ts.tv_sec + ts.tv_nsec / 1e9);
	put_command(fp, argv);
	fputs("}\n", fp);
}

struct sink *sink_record_new(FILE *fp, char *const *argv)
{
	struct sink *s = sink_json_new(fp, true);

	s->flush_each = true;
	put_header(fp, argv);
	sink_check(s);
	return s;
}

struct sink *sink_json_new(FILE *fp, bool own_fp)
{
	struct sink *s = xcalloc(1, sizeof(*s));

	s->ops = &json_ops;
	s->fp = fp;
	s->own_fp = own_fp;
	return s;
}
