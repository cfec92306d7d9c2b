/* trace_reader.h - reading a recorded trace (zwatch -w FILE) back into the
 * lifecycle model, event by event, so that zwatch report sees exactly what
 * live mode saw.
 *
 * The file is JSON Lines: a header line {"event":"header","format":
 * "zwatch-trace","version":1,...}, one line per event as --json writes
 * it, then "lifecycle" lines.  Lifecycle lines are ignored (the model
 * derives them again), as are unknown keys.  Reading streams: memory is
 * one line (at most TRACE_LINE_MAX bytes) plus what the model keeps.  An
 * event's strings and stack point into its line and are valid only while
 * the model is fed it: sinks copy what they keep.
 *
 * Damage is handled so: a last line cut short (the recorder was killed
 * mid-write) is a warning and what came before is kept; any other line
 * that is not a valid event is an error naming the file and line.  Event
 * types this version does not know are skipped with one warning each, so
 * that a newer version-1 writer can add events.
 */
#ifndef ZWATCH_TRACE_READER_H
#define ZWATCH_TRACE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct model;

#define TRACE_LINE_MAX (1024 * 1024)
/* Event times ("t", seconds since the trace began) beyond this (about 31
 * years), or negative, are damage. */
#define TRACE_T_MAX 1e9

struct trace_header {
	int version;
	char *zwatch;		/* version of the zwatch that recorded it */
	char *kernel;
	char *host;
	char *start;		/* ISO 8601 UTC */
	double start_unix;
	char **command;		/* the traced command, NULL-terminated */
	bool command_truncated;	/* command is only the start of it */
	long long command_argc;	/* how many arguments it had */
};

struct trace_stats {
	size_t lines;		/* lines read, header included */
	size_t events;		/* events fed to the model */
	size_t skipped;		/* lines of unknown event types */
	double t_end;		/* latest event time seen (0 if none) */
	size_t error_line;	/* line of the error, 0: none or not a line's */
	int warnings;		/* truncated last line, unknown event types */
	size_t lifecycles;	/* "lifecycle" lines: a run that ended writes
				 * them at the end, a crashed one none */
	bool cut_short;		/* the last line was cut short */
};

/* Reads the trace fp (called name in messages) and feeds its events to m;
 * does not call model_finish.  hdr and st may be NULL.  Returns 0, or -1
 * after printing an error "zwatch: NAME:LINE: what"; on -1 the events
 * before the bad line have been fed. */
int trace_read(FILE *fp, const char *name, struct model *m,
	       struct trace_header *hdr, struct trace_stats *st);
void trace_header_free(struct trace_header *hdr);

#endif
