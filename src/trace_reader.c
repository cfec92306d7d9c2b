/* trace_reader.c - a recorded trace back into events: split lines, parse
 * each with json-c, turn names back into numbers (decode.h), feed the
 * model.  See trace_reader.h for what counts as damage.
 */
#include "config.h"
#include "trace_reader.h"
#include "decode.h"
#include "event.h"
#include "lifecycle.h"
#include "sanitize.h"
#include "stack.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ lines */

/* A block-buffered line splitter: one buffer, grown only for long lines,
 * so memory stays bounded whatever the file holds. */
struct line_in {
	FILE *fp;
	char *buf;
	size_t cap, start, end;	/* unread bytes are buf[start..end) */
	size_t scanned;		/* buf[start..scanned) holds no '\n' */
	bool eof;
};

enum { LINE_OK, LINE_END, LINE_TOO_LONG, LINE_READ_ERROR };

/* Makes room for more input; returns a LINE_* status. */
static int fill(struct line_in *in)
{
	size_t n;

	if (in->start) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->scanned -= in->start;
		in->start = 0;
	}
	if (in->end + 1 >= in->cap) {
		if (in->cap >= TRACE_LINE_MAX)
			return LINE_TOO_LONG;
		in->cap *= 2;
		in->buf = xrealloc(in->buf, in->cap);
	}
	n = fread(in->buf + in->end, 1, in->cap - 1 - in->end, in->fp);
	in->end += n;
	if (n == 0) {
		if (ferror(in->fp))
			return LINE_READ_ERROR;
		in->eof = true;
	}
	return LINE_OK;
}

/* The next line, NUL-terminated in place, without its '\n'. */
static int next_line(struct line_in *in, char **line, size_t *len,
		     bool *newline)
{
	for (;;) {
		char *nl = memchr(in->buf + in->scanned, '\n',
				  in->end - in->scanned);
		int r;

		if (nl || (in->eof && in->start < in->end)) {
			*line = in->buf + in->start;
			*len = (nl ? (size_t)(nl - in->buf) : in->end) - in->start;
			*newline = nl != NULL;
			(*line)[*len] = '\0';	/* cap > end: room for it */
			in->start = in->scanned = in->start + *len + (nl != NULL);
			return LINE_OK;
		}
		if (in->eof)
			return LINE_END;
		in->scanned = in->end;
		r = fill(in);
		if (r != LINE_OK)
			return r;
	}
}

/* ----------------------------------------------------------- fields */

/* Where we are, for messages. */
struct reader {
	const char *name;
	size_t line;
	struct json_tokener *tok;
	unsigned warned_types;	/* unknown event names already reported */
	char last_signal[24];	/* signal_number()'s memory */
	int last_signo;
	char why[160];
};

static int fail(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->why, sizeof(rd->why), fmt, ap);
	va_end(ap);
	return -1;
}

static struct json_object *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool is_null(struct json_object *v)
{
	return !v || json_object_is_type(v, json_type_null);
}

/* An integer field in [lo, hi]; absent or null gives dflt when null_ok. */
static int get_long(struct reader *rd, struct json_object *o, const char *key,
		    long long lo, long long hi, bool null_ok, long long dflt,
		    long long *out)
{
	struct json_object *v = field(o, key);
	int64_t x;

	if (is_null(v)) {
		if (!null_ok)
			return fail(rd, "\"%s\" is missing", key);
		*out = dflt;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return fail(rd, "\"%s\" is not an integer", key);
	errno = 0;
	x = json_object_get_int64(v);
	/* json-c saturates out-of-range values and says so in errno */
	if (errno || x < lo || x > hi)
		return fail(rd, "\"%s\" is out of range", key);
	*out = x;
	return 0;
}

static int get_int(struct reader *rd, struct json_object *o, const char *key,
		   bool null_ok, int dflt, int *out)
{
	long long x;

	if (get_long(rd, o, key, INT_MIN, INT_MAX, null_ok, dflt, &x) < 0)
		return -1;
	*out = (int)x;
	return 0;
}

static int get_pid(struct reader *rd, struct json_object *o, const char *key,
		   bool null_ok, int *out)
{
	if (get_int(rd, o, key, null_ok, 0, out) < 0)
		return -1;
	if (*out < 0)
		return fail(rd, "\"%s\" is not a process ID", key);
	return 0;
}

/* A string field, or NULL when absent or null; *bad if it is not one. */
static const char *get_str(struct reader *rd, struct json_object *o,
			   const char *key, bool *bad)
{
	struct json_object *v = field(o, key);

	if (is_null(v))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = true;
		fail(rd, "\"%s\" is not a string", key);
		return NULL;
	}
	return json_object_get_string(v);
}

static int get_bool(struct reader *rd, struct json_object *o, const char *key,
		    bool *out)
{
	struct json_object *v = field(o, key);

	if (is_null(v)) {
		*out = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return fail(rd, "\"%s\" is not true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* decode_signal_number() walks the whole table; a trace names the same
 * few signals over and over, so remember the last answer. */
static int signal_number(struct reader *rd, const char *name)
{
	if (strcmp(name, rd->last_signal)) {
		snprintf(rd->last_signal, sizeof(rd->last_signal), "%s", name);
		rd->last_signo = decode_signal_number(name);
		if (strlen(name) >= sizeof(rd->last_signal))
			rd->last_signal[0] = '\0';	/* truncated: never matches */
	}
	return rd->last_signo;
}

/* "SIGCHLD" -> 17; absent or null -> 0. */
static int get_signal(struct reader *rd, struct json_object *o,
		      const char *key, int *out)
{
	bool bad = false;
	const char *s = get_str(rd, o, key, &bad);

	if (bad)
		return -1;
	*out = s ? signal_number(rd, s) : 0;
	if (s && !*out)
		return fail(rd, "\"%s\": unknown signal", key);
	return 0;
}

/* ["CLONE_VM","0x40"] -> bits: names from the table, the rest as hex,
 * as sink_json writes them. */
static int get_flags(struct reader *rd, struct json_object *o, const char *key,
		     const struct flag_name *table, unsigned long long *out)
{
	struct json_object *v = field(o, key);
	size_t n;

	*out = 0;
	if (is_null(v))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return fail(rd, "\"%s\" is not a list", key);
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s = json_object_is_type(e, json_type_string) ?
				json_object_get_string(e) : NULL;
		const struct flag_name *f;
		char *end;

		if (!s)
			return fail(rd, "\"%s\" holds a non-string", key);
		for (f = table; f->name && strcmp(f->name, s); f++)
			;
		if (f->name) {
			*out |= f->bit;
			continue;
		}
		if (strncmp(s, "0x", 2))
			return fail(rd, "\"%s\": unknown flag", key);
		errno = 0;
		*out |= strtoull(s + 2, &end, 16);
		if (errno || *end || end == s + 2)
			return fail(rd, "\"%s\": bad flag value", key);
	}
	return 0;
}

/* "CLD_EXITED" -> 1.  INT_MIN for null: decode_si_code() names no such
 * code, so the value is written back as null. */
static int si_code_number(int signo, const char *name)
{
	if (!name)
		return INT_MIN;
	for (int code = -8; code <= 8; code++) {
		const char *n = decode_si_code(signo, code);

		if (n && !strcmp(n, name))
			return code;
	}
	if (!strcmp(name, "SI_KERNEL"))
		return 0x80;
	return INT_MIN;
}

/* An address as sink_json writes it: "0x7f..." (%#lx, so "0" for zero). */
static int get_addr(struct reader *rd, struct json_object *o, const char *key,
		    unsigned long *out)
{
	struct json_object *v = field(o, key);
	const char *s, *hex;
	char *end;

	if (!v || !json_object_is_type(v, json_type_string))
		return fail(rd, "\"%s\" is not an address string", key);
	s = json_object_get_string(v);
	hex = strncmp(s, "0x", 2) ? s : s + 2;
	/* strtoul would take a sign or blanks */
	if (!isxdigit((unsigned char)*hex))
		return fail(rd, "\"%s\" is not a hex address", key);
	errno = 0;
	*out = strtoul(hex, &end, 16);
	if (errno || *end)
		return fail(rd, "\"%s\" is not a hex address", key);
	return 0;
}

/* "file" and "line", both or neither: where the frame is in the
 * source, as sink_json writes it when the binary has line info. */
static int get_srcline(struct reader *rd, struct json_object *o,
		       struct zw_frame *f)
{
	bool bad = false;
	long long line;

	f->file = get_str(rd, o, "file", &bad);
	if (bad || get_long(rd, o, "line", 1, UINT_MAX, true, 0, &line) < 0)
		return -1;
	f->line = (unsigned)line;
	if (f->file && !*f->file)
		return fail(rd, "\"file\" is empty");
	if (!f->file != !f->line)
		return fail(rd, f->line ? "\"line\" without \"file\"" :
				"\"file\" without \"line\"");
	return 0;
}

static int read_frame(struct reader *rd, struct json_object *o,
		      struct zw_frame *f)
{
	bool bad = false;

	if (!json_object_is_type(o, json_type_object))
		return fail(rd, "not an object");
	f->binary = get_str(rd, o, "binary", &bad);
	f->function = get_str(rd, o, "function", &bad);
	f->build_id = get_str(rd, o, "build_id", &bad);
	f->func_offset = 0;
	/* A frame without a function has no offset into one (older
	 * writers wrote "0"): read only where it can mean something. */
	if (bad || get_addr(rd, o, "pc", &f->pc) < 0 ||
	    get_addr(rd, o, "offset", &f->offset) < 0 ||
	    ((f->function || field(o, "func_offset")) &&
	     get_addr(rd, o, "func_offset", &f->func_offset) < 0) ||
	    get_srcline(rd, o, f) < 0)
		return -1;
	return 0;
}

/* "stack": [frame...] into st, *out = st; absent or null: *out = NULL.
 * Frames past ZW_STACK_MAX are dropped unread, as argv past ZW_ARGV_MAX:
 * a newer writer may unwind deeper. */
static int read_stack(struct reader *rd, struct json_object *o,
		      struct zw_stack *st, const struct zw_stack **out)
{
	struct json_object *v = field(o, "stack");
	size_t n;

	*out = NULL;
	if (is_null(v))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return fail(rd, "\"stack\" is not a list");
	n = json_object_array_length(v);
	st->n = 0;
	for (size_t i = 0; i < n && i < ZW_STACK_MAX; i++) {
		char why[sizeof(rd->why)];

		if (read_frame(rd, json_object_array_get_idx(v, i),
			       &st->frames[st->n]) < 0) {
			memcpy(why, rd->why, sizeof(why));
			return fail(rd, "\"stack\" frame %zu: %s", i, why);
		}
		st->n++;
	}
	*out = st;
	return 0;
}

/* --------------------------------------------------- event payloads */

static int read_spawn(struct reader *rd, struct json_object *o,
		      struct zw_event *ev, struct zw_stack *st)
{
	bool bad = false;

	ev->spawn.comm = get_str(rd, o, "comm", &bad);
	ev->spawn.syscall = get_str(rd, o, "syscall", &bad);
	if (bad || get_pid(rd, o, "tid", true, &ev->tid) < 0 ||
	    get_pid(rd, o, "ppid", false, &ev->spawn.ppid) < 0 ||
	    get_pid(rd, o, "creator", true, &ev->spawn.creator) < 0 ||
	    read_stack(rd, o, st, &ev->spawn.stack) < 0)
		return -1;
	return get_flags(rd, o, "flags", decode_clone_flags, &ev->spawn.flags);
}

static int read_exec(struct reader *rd, struct json_object *o,
		     struct zw_event *ev, const char **argv)
{
	struct json_object *a = field(o, "argv");
	bool bad = false;
	size_t n;

	ev->exec.path = get_str(rd, o, "path", &bad);
	ev->exec.comm = get_str(rd, o, "comm", &bad);
	if (bad || get_pid(rd, o, "tid", true, &ev->tid) < 0 ||
	    get_pid(rd, o, "old_tid", true, &ev->exec.old_tid) < 0)
		return -1;
	ev->exec.argv = argv;
	if (get_bool(rd, o, "argv_truncated", &ev->exec.argv_truncated) < 0 ||
	    get_int(rd, o, "argc", true, -1, &ev->exec.argc_total) < 0)
		return -1;
	if (ev->exec.argc_total < -1)
		return fail(rd, "\"argc\" is negative");
	if (is_null(a))
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return fail(rd, "\"argv\" is not a list");
	n = json_object_array_length(a);
	for (size_t i = 0; i < n && i < ZW_ARGV_MAX; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);

		if (!json_object_is_type(s, json_type_string))
			return fail(rd, "\"argv\" holds a non-string");
		argv[ev->exec.argc++] = json_object_get_string(s);
	}
	/* more than this zwatch keeps: as if the writer had cut them */
	if (n > ZW_ARGV_MAX) {
		ev->exec.argv_truncated = true;
		if (ev->exec.argc_total < (int)(n > INT_MAX ? INT_MAX : n))
			ev->exec.argc_total = (int)(n > INT_MAX ? INT_MAX : n);
	}
	return 0;
}

static int read_exit(struct reader *rd, struct json_object *o,
		     struct zw_event *ev)
{
	if (get_int(rd, o, "exit_code", true, -1, &ev->exit.code) < 0 ||
	    get_signal(rd, o, "exit_signal", &ev->exit.signal) < 0 ||
	    get_bool(rd, o, "core_dumped", &ev->exit.core_dumped) < 0)
		return -1;
	if (ev->exit.signal)
		ev->exit.code = -1;
	return 0;
}

static int read_signal(struct reader *rd, struct json_object *o,
		       struct zw_event *ev)
{
	bool bad = false;
	const char *code = get_str(rd, o, "si_code", &bad);

	if (bad || get_pid(rd, o, "tid", true, &ev->tid) < 0 ||
	    get_signal(rd, o, "signal", &ev->signal.signo) < 0 ||
	    get_int(rd, o, "si_pid", true, 0, &ev->signal.sender) < 0 ||
	    get_int(rd, o, "si_status", true, 0, &ev->signal.status) < 0)
		return -1;
	ev->signal.code = si_code_number(ev->signal.signo, code);
	return 0;
}

/* "P_PID" -> 1 (as sink_json writes it), or a bare number; -1 if absent
 * (wait4 has none). */
static int get_idtype(struct reader *rd, struct json_object *o, int *out)
{
	struct json_object *v = field(o, "idtype");
	const char *s;

	if (!v || !json_object_is_type(v, json_type_string))
		return get_int(rd, o, "idtype", true, -1, out);
	s = json_object_get_string(v);
	for (int t = 0; t < 16; t++) {
		const char *n = decode_idtype(t);

		if (n && !strcmp(n, s)) {
			*out = t;
			return 0;
		}
	}
	return fail(rd, "\"idtype\": unknown");
}

static int read_wait(struct reader *rd, struct json_object *o,
		     struct zw_event *ev)
{
	unsigned long long opts;
	long long id, result;
	bool bad = false;

	ev->wait.syscall = get_str(rd, o, "syscall", &bad);
	/* result: a pid, 0, or -errno (the kernel's are above -4096) */
	if (bad || get_pid(rd, o, "tid", true, &ev->tid) < 0 ||
	    get_idtype(rd, o, &ev->wait.idtype) < 0 ||
	    get_long(rd, o, "id", LONG_MIN, LONG_MAX, true, 0, &id) < 0 ||
	    get_long(rd, o, "result", -4095, INT_MAX, true, 0, &result) < 0 ||
	    get_flags(rd, o, "options", decode_wait_options, &opts) < 0)
		return -1;
	ev->wait.id = (long)id;
	ev->wait.result = (long)result;
	ev->wait.options = (unsigned)opts;
	return 0;
}

static int read_reap(struct reader *rd, struct json_object *o,
		     struct zw_event *ev)
{
	bool bad = false;
	const char *reaper = get_str(rd, o, "reaper", &bad);

	ev->reap.syscall = get_str(rd, o, "syscall", &bad);
	ev->reap.via = get_str(rd, o, "via", &bad);
	ev->reap.by_comm = get_str(rd, o, "by_comm", &bad);
	if (bad || get_pid(rd, o, "by", true, &ev->reap.by) < 0 ||
	    get_pid(rd, o, "tid", true, &ev->reap.by_tid) < 0)
		return -1;
	ev->reap.reaper = ZW_REAPER_NONE;
	for (int r = ZW_REAPER_PARENT; reaper && r <= ZW_REAPER_AUTOREAP; r++)
		if (!strcmp(reaper, event_reaper_name(r)))
			ev->reap.reaper = r;
	if (reaper && ev->reap.reaper == ZW_REAPER_NONE)
		return fail(rd, "\"reaper\": unknown kind");
	return 0;
}

/* The wait status is rebuilt from the fields sink_json split it into. */
static int read_attach(struct reader *rd, struct json_object *o,
		       struct zw_event *ev)
{
	const char *state;
	bool bad = false, core;
	int code, sig;

	ev->attach.comm = get_str(rd, o, "comm", &bad);
	state = get_str(rd, o, "state", &bad);
	if (bad || get_pid(rd, o, "ppid", true, &ev->attach.ppid) < 0 ||
	    get_int(rd, o, "exit_code", true, 0, &code) < 0 ||
	    get_signal(rd, o, "exit_signal", &sig) < 0 ||
	    get_bool(rd, o, "core_dumped", &core) < 0)
		return -1;
	ev->attach.state = state && state[0] ? state[0] : '?';
	ev->attach.exit_code = ((code & 0xff) << 8) | (sig & 0x7f) | (core ? 0x80 : 0);
	return 0;
}

/* Optional: the parent's SIGCHLD handler and flags, in traces where
 * zwatch could ask it (sigchld_mask is not read back). */
static int read_sigaction(struct reader *rd, struct json_object *o,
			  struct zw_event *ev)
{
	unsigned long long flags;
	bool bad = false;

	if (is_null(field(o, "sigchld_flags")))
		return 0;
	ev->diagnosis.sigchld_handler = get_str(rd, o, "sigchld_handler", &bad);
	if (bad || get_flags(rd, o, "sigchld_flags", decode_sa_flags, &flags) < 0)
		return -1;
	ev->diagnosis.sigchld_known = true;
	ev->diagnosis.sigchld_flags = (unsigned long)flags;
	return 0;
}

static int read_diagnosis(struct reader *rd, struct json_object *o,
			  struct zw_event *ev, struct zw_stack *st)
{
	const char *state;
	bool bad = false;
	int waits;

	ev->diagnosis.text = get_str(rd, o, "text", &bad);
	state = get_str(rd, o, "parent_state", &bad);
	ev->diagnosis.parent_syscall = get_str(rd, o, "parent_syscall", &bad);
	ev->diagnosis.sigchld = get_str(rd, o, "sigchld", &bad);
	if (bad || get_pid(rd, o, "parent", true, &ev->diagnosis.parent) < 0 ||
	    get_int(rd, o, "waits_seen", true, 0, &waits) < 0 ||
	    get_bool(rd, o, "sigchld_blocked", &ev->diagnosis.sigchld_blocked) < 0 ||
	    read_stack(rd, o, st, &ev->diagnosis.stack) < 0)
		return -1;
	if (!ev->diagnosis.text)
		return fail(rd, "\"text\": missing");
	ev->diagnosis.parent_state = state && state[0] ? state[0] : 0;
	ev->diagnosis.waits_seen = waits < 0 ? 0 : (unsigned)waits;
	return read_sigaction(rd, o, ev);
}

/* ------------------------------------------------------------ lines */

static int event_type(const char *name)
{
	for (int t = 0; t < ZW_EV_NTYPES; t++)
		if (!strcmp(name, event_type_name(t)))
			return t;
	return -1;
}

/* argv and st hold what ev points to; like its strings, they live as
 * long as the line's JSON object, until the model has been fed. */
static int read_payload(struct reader *rd, struct json_object *o,
			struct zw_event *ev, const char **argv,
			struct zw_stack *st)
{
	switch (ev->type) {
	case ZW_EV_SPAWN: return read_spawn(rd, o, ev, st);
	case ZW_EV_EXEC: return read_exec(rd, o, ev, argv);
	case ZW_EV_EXIT: return read_exit(rd, o, ev);
	case ZW_EV_SIGNAL: return read_signal(rd, o, ev);
	case ZW_EV_WAIT: return read_wait(rd, o, ev);
	case ZW_EV_REPARENT:
		return get_pid(rd, o, "from", true, &ev->reparent.from) < 0 ||
		       get_pid(rd, o, "to", false, &ev->reparent.to) < 0 ? -1 : 0;
	case ZW_EV_REAP: return read_reap(rd, o, ev);
	case ZW_EV_ATTACH: return read_attach(rd, o, ev);
	case ZW_EV_DIAGNOSIS: return read_diagnosis(rd, o, ev, st);
	default: return 0;
	}
}

/* A newer writer may add many event types: name the first few only. */
static void warn_unknown(struct reader *rd, const char *name)
{
	char shown[41];

	if (rd->warned_types++ >= 3)
		return;
	sanitize_str(shown, sizeof(shown), name);
	warnx_("%s:%zu: skipping unknown event \"%s\"", rd->name, rd->line,
	       shown);
}

/* Feeds one event object to m.  Returns 1 if fed, 0 if skipped, -1 if
 * the object is not a valid event. */
static int feed_object(struct reader *rd, struct json_object *o,
		       struct model *m, struct trace_stats *st)
{
	const char *argv[ZW_ARGV_MAX];
	struct zw_stack stack;
	struct zw_event ev = { 0 };
	struct json_object *t = field(o, "t");
	bool bad = false;
	const char *name = get_str(rd, o, "event", &bad);
	int type;

	if (!name)
		return bad ? -1 : fail(rd, "no \"event\" name");
	if (!strcmp(name, "lifecycle")) {
		st->lifecycles++;
		return 0;	/* the model derives these again */
	}
	if (!strcmp(name, "header"))
		return fail(rd, "a second header line (two traces in one file?)");
	type = event_type(name);
	if (type < 0) {
		warn_unknown(rd, name);
		st->warnings++;
		st->skipped++;
		return 0;
	}
	ev.type = type;
	if (!t || !(json_object_is_type(t, json_type_double) ||
		    json_object_is_type(t, json_type_int)))
		return fail(rd, "\"t\" is missing or not a number");
	ev.t = json_object_get_double(t);
	/* zwatch writes seconds since the trace began: a negative or absurd
	 * time is damage (it made negative zombie times, 309-digit numbers) */
	if (!isfinite(ev.t) || ev.t < 0 || ev.t > TRACE_T_MAX)
		return fail(rd, "\"t\" is out of range (0 to %g s)", TRACE_T_MAX);
	if (get_pid(rd, o, "pid", false, &ev.pid) < 0 ||
	    read_payload(rd, o, &ev, argv, &stack) < 0)
		return -1;
	model_feed(m, &ev);
	if (ev.t > st->t_end)
		st->t_end = ev.t;
	st->events++;
	return 1;
}

/* Parses one line into an object; NULL with rd->why set if it is not
 * one.  *partial says the JSON just stopped (a cut-off line). */
static struct json_object *parse_line(struct reader *rd, const char *line,
				      size_t len, bool *partial)
{
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t end;

	*partial = false;
	json_tokener_reset(rd->tok);
	o = json_tokener_parse_ex(rd->tok, line, (int)len);
	jerr = json_tokener_get_error(rd->tok);
	if (jerr == json_tokener_continue) {
		*partial = true;
		fail(rd, "incomplete JSON");
		json_object_put(o);
		return NULL;
	}
	if (!o || jerr != json_tokener_success) {
		fail(rd, "not JSON (%s)", json_tokener_error_desc(jerr));
		json_object_put(o);
		return NULL;
	}
	end = json_tokener_get_parse_end(rd->tok);
	while (end < len && (line[end] == ' ' || line[end] == '\t' ||
			     line[end] == '\r'))
		end++;
	if (end < len || !json_object_is_type(o, json_type_object)) {
		fail(rd, end < len ? "text after the JSON object" :
		     "not a JSON object");
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ----------------------------------------------------------- header */

static char *dup_field(struct json_object *o, const char *key)
{
	struct json_object *v = field(o, key);

	return xstrdup(json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : "");
}

static void fill_header(struct json_object *o, struct trace_header *hdr)
{
	struct json_object *cmd = field(o, "command");
	size_t n = json_object_is_type(cmd, json_type_array) ?
		   json_object_array_length(cmd) : 0;
	struct json_object *su = field(o, "start_unix");

	hdr->zwatch = dup_field(o, "zwatch");
	hdr->kernel = dup_field(o, "kernel");
	hdr->host = dup_field(o, "host");
	hdr->start = dup_field(o, "start");
	hdr->start_unix = su ? json_object_get_double(su) : 0;
	struct json_object *tr = field(o, "command_truncated");
	struct json_object *argc = field(o, "command_argc");

	hdr->command = xcalloc(n + 1, sizeof(*hdr->command));
	for (size_t i = 0, k = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(cmd, i);

		if (json_object_is_type(a, json_type_string))
			hdr->command[k++] = xstrdup(json_object_get_string(a));
	}
	hdr->command_truncated = json_object_is_type(tr, json_type_boolean) &&
				 json_object_get_boolean(tr);
	hdr->command_argc = json_object_is_type(argc, json_type_int) ?
			    json_object_get_int64(argc) : -1;
	if (hdr->command_argc < (long long)n)
		hdr->command_argc = (long long)n;
}

/* The first line must say "this is a zwatch trace of a version we read". */
static int check_header(struct reader *rd, struct json_object *o,
			struct trace_header *hdr)
{
	struct json_object *fmt = field(o, "format"), *ver = field(o, "version");
	struct json_object *ev = field(o, "event");
	int version;

	if (!ev || !json_object_is_type(ev, json_type_string) ||
	    strcmp(json_object_get_string(ev), "header") ||
	    !fmt || !json_object_is_type(fmt, json_type_string) ||
	    strcmp(json_object_get_string(fmt), "zwatch-trace"))
		return fail(rd, "not a zwatch trace (no zwatch-trace header "
			    "line; record one with zwatch -w FILE)");
	if (!ver || !json_object_is_type(ver, json_type_int))
		return fail(rd, "zwatch trace header has no version");
	version = json_object_get_int(ver);
	if (version != ZW_TRACE_VERSION)
		return fail(rd, "zwatch trace version %d is not supported "
			    "(this zwatch reads version %d)", version,
			    ZW_TRACE_VERSION);
	if (hdr) {
		memset(hdr, 0, sizeof(*hdr));
		hdr->version = version;
		fill_header(o, hdr);
	}
	return 0;
}

void trace_header_free(struct trace_header *hdr)
{
	if (!hdr)
		return;
	free(hdr->zwatch);
	free(hdr->kernel);
	free(hdr->host);
	free(hdr->start);
	for (size_t i = 0; hdr->command && hdr->command[i]; i++)
		free(hdr->command[i]);
	free(hdr->command);
	memset(hdr, 0, sizeof(*hdr));
}

/* ------------------------------------------------------------- main */

/* Handles one non-blank line; returns -1 to stop with an error. */
static int read_one(struct reader *rd, char *line, size_t len, bool last,
		    struct model *m, struct trace_header *hdr,
		    struct trace_stats *st, bool *have_header)
{
	bool partial;
	struct json_object *o = parse_line(rd, line, len, &partial);
	int r;

	if (!o && partial && last && *have_header) {
		warnx_("%s:%zu: the last line is cut short (was the recording "
		       "interrupted?); using the %zu events before it",
		       rd->name, rd->line, st->events);
		st->warnings++;
		st->cut_short = true;
		return 0;
	}
	if (!o)
		return -1;
	if (!*have_header) {
		r = check_header(rd, o, hdr);
		*have_header = r == 0;
	} else {
		r = feed_object(rd, o, m, st);
	}
	json_object_put(o);
	return r < 0 ? -1 : 0;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

static int read_lines(struct reader *rd, struct line_in *in, struct model *m,
		      struct trace_header *hdr, struct trace_stats *st)
{
	bool have_header = false, newline;
	size_t len;
	char *line;
	int r;

	while ((r = next_line(in, &line, &len, &newline)) == LINE_OK) {
		rd->line = ++st->lines;
		if (strlen(line) != len)
			return fail(rd, "binary data (a NUL byte)");
		if (blank(line))
			continue;
		if (read_one(rd, line, len, !newline, m, hdr, st,
			     &have_header) < 0)
			return -1;
	}
	rd->line = r == LINE_END ? 0 : st->lines + 1;
	if (r == LINE_TOO_LONG)
		return fail(rd, "line longer than %d KiB", TRACE_LINE_MAX / 1024);
	if (r == LINE_READ_ERROR)
		return fail(rd, "read error: %s", strerror(errno ? errno : EIO));
	if (!have_header)
		return fail(rd, st->lines ? "not a zwatch trace (no header line)" :
			    "empty file, not a zwatch trace");
	return 0;
}

int trace_read(FILE *fp, const char *name, struct model *m,
	       struct trace_header *hdr, struct trace_stats *st)
{
	struct trace_stats dummy;
	struct reader rd = { .name = name };
	struct line_in in = { .fp = fp, .cap = 64 * 1024 };
	int r;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (hdr)
		memset(hdr, 0, sizeof(*hdr));
	rd.tok = json_tokener_new();
	if (!rd.tok)
		die("out of memory");
	in.buf = xmalloc(in.cap);
	r = read_lines(&rd, &in, m, hdr, st);
	if (r < 0) {
		st->error_line = rd.line;
		if (rd.line)
			warnx_("%s:%zu: %s", name, rd.line, rd.why);
		else
			warnx_("%s: %s", name, rd.why);
	}
	free(in.buf);
	json_tokener_free(rd.tok);
	return r;
}
