/* sink.h - output sinks behind one small ops struct.  Sinks receive const
 * events and records; they never look into the tracer or the model.
 */
#ifndef ZWATCH_SINK_H
#define ZWATCH_SINK_H

#include <stdbool.h>
#include <stdio.h>
#include "event.h"
#include "lifecycle.h"

struct sink;
struct zw_frame;

struct sink_ops {
	/* subject is the record of ev->pid after the model applied ev */
	void (*event)(struct sink *s, const struct zw_event *ev,
		      const struct zw_life *subject);
	void (*lifecycle)(struct sink *s, const struct zw_life *l, double t_end);
	void (*summary)(struct sink *s, const struct zw_summary *sum);
	/* flush and close; returns 0 or -errno of the first write error */
	int (*close)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	FILE *fp;
	bool own_fp;
	bool color;
	bool quiet;		/* text: no per-event lines */
	bool no_summary;	/* text: no summary lines */
	bool flush_each;	/* flush after every line: a crash loses nothing */
	bool table_started;
	int err;		/* first write error, as -errno */
};

struct sink *sink_text_new(FILE *fp, bool own_fp, bool color, bool quiet);
struct sink *sink_json_new(FILE *fp, bool own_fp);
/* A recorded trace: a header line, then what sink_json writes, flushed
 * line by line.  argv is the traced command. */
struct sink *sink_record_new(FILE *fp, char *const *argv);
/* Notes a write error of s->fp in s->err; true if s has failed. */
bool sink_check(struct sink *s);
/* Returns 0 or the first write error as -errno; frees the sink. */
int sink_close(struct sink *s);

/* One stack frame as the text outputs show it: "binary+0xoff
 * (function+0xoff) at file.c:42 [build-id]" (the source file's base name;
 * each part only when known), the bare pc where no file maps it.  put
 * writes the strings: a report escapes what a trace file holds. */
void sink_put_frame(FILE *fp, const struct zw_frame *f,
		    void (*put)(FILE *fp, const char *s));

/* JSON helpers shared by the sinks that write JSON. */
void json_put_string(FILE *fp, const char *s);
void json_put_time(FILE *fp, double t);	/* a number, or null for NAN */

#endif
