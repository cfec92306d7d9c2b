/* lifecycle.h - the lifecycle model: the only code that moves a process
 * through running -> zombie -> reaped.  Fed by the tracer live, or by a
 * recorded trace; forwards every event, and at the end every record, to
 * the sinks.
 */
#ifndef ZWATCH_LIFECYCLE_H
#define ZWATCH_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include "event.h"

struct sink;

enum zw_final {
	ZW_FINAL_RUNNING,
	ZW_FINAL_ZOMBIE,
	ZW_FINAL_REAPED,
	ZW_FINAL_AUTOREAPED,
};

#define ZW_COMM_BUF 32

/* One process's life.  Times are seconds since trace start; NAN = unknown. */
struct zw_life {
	int pid;
	int ppid;		/* real parent at birth */
	int creator;		/* who called fork/clone (differs with CLONE_PARENT) */
	int parent;		/* current parent (after reparenting) */
	/* 15 bytes live; read back from a trace, a byte that was not UTF-8
	 * comes as a two-byte character (U+0080..U+00FF): room for those */
	char comm[ZW_COMM_BUF];
	double born;		/* NAN: existed before tracing */
	double exited;		/* NAN: not exited, or exited before tracing */
	double zombie_since;	/* exited, or attach time for a pre-existing zombie */
	double reaped;
	int exit_code;		/* -1: killed by a signal or unknown */
	int exit_signal;	/* 0: none */
	bool core_dumped;
	bool has_status;	/* exit_code/exit_signal are known */
	int reaped_by;		/* 0: nobody yet (or the kernel) */
	/* The reaper's comm at the release: its record's, or the event's
	 * by_comm for one known only as a reaper; "" if unknown. */
	char reaped_by_comm[ZW_COMM_BUF];
	enum zw_reaper reaper;
	enum zw_final final;
	unsigned seq;		/* order of first appearance */
};

struct zw_summary {
	size_t processes;
	size_t zombies;		/* processes that were zombies at some point */
	size_t leaked;		/* still zombies at the end */
	size_t max_concurrent_zombies;
	double max_concurrent_at;
	const struct zw_life *longest;	/* longest zombie time, or NULL */
	double longest_seconds;
	size_t by_reaper[5];	/* indexed by enum zw_reaper */
	double duration;
};

struct model;

struct model *model_new(struct sink *const *sinks, size_t nsinks);
void model_free(struct model *m);
/* Feed one event: updates the records it concerns, then passes it on. */
void model_feed(struct model *m, const struct zw_event *ev);
/* Emit one lifecycle record per process, then the summary. */
void model_finish(struct model *m, double t_end);
/* True once a sink failed to write (e.g. the disk is full). */
bool model_failed(const struct model *m);
const struct zw_life *model_lookup(const struct model *m, int pid);
/* Seconds a record spent as a zombie (until now if still one), or NAN. */
double life_zombie_seconds(const struct zw_life *l, double now);
const char *life_final_name(enum zw_final f);

#endif
