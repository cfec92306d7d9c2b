/* tui_model.h - what the live view (--tui) shows, kept from the events
 * it is handed: each process's state now, counters, the latest events,
 * and the rows of the tree to draw.  Plain data, no curses, no locking:
 * sink_tui.c guards it with its mutex.  Strings are kept as the tracee
 * made them; whoever prints them escapes them.
 */
#ifndef ZWATCH_TUI_MODEL_H
#define ZWATCH_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "event.h"
#include "intmap.h"

#define TUI_RECENT 64		/* latest event lines kept */
#define TUI_KEEP_REAPED 10.0	/* seconds a released process stays listed */
#define TUI_ARGV_MAX 96

enum tui_state { TUI_RUNNING, TUI_ZOMBIE, TUI_REAPED, TUI_DETACHED };

struct tui_proc {
	int pid, ppid;
	char comm[16];
	char argv[TUI_ARGV_MAX];
	double born, exited, reaped;	/* trace time, NAN: unknown */
	int code, sig;			/* exit status, when exited */
	int reaped_by;
	char by_comm[16];		/* the reaper's name at the reap, or "" */
	enum zw_reaper reaper;
	enum tui_state state;
	bool folded;
	unsigned long seq;		/* order of appearance */
};

struct tui_line {
	double t;
	int pid;
	enum zw_event_type type;
	char comm[16];
	char text[96];
};

struct tui_row {
	const struct tui_proc *p;
	unsigned depth;
	bool last;		/* the last child shown of its parent */
	unsigned long pipes;	/* bit d: a guide goes on at depth d */
	bool has_kids;
};

struct tui_model {
	struct tui_proc *procs;
	size_t n, cap;
	struct intmap by_pid;		/* pid -> index + 1 */
	unsigned long next_seq;
	struct tui_line recent[TUI_RECENT];
	size_t nrecent, head;		/* ring: head is the next slot */
	size_t by_reaper[5], exits, spawns;
	/* released after less than threshold as a zombie: noise, counted
	 * apart from the zombies (as zwatch report does) */
	size_t reaped_at_once;
	double threshold;		/* --min-zombie, seconds */
	double t_last;			/* latest event time */
};

/* threshold: a zombie younger than this is not one to show (yet). */
void tui_model_init(struct tui_model *m, double threshold);
void tui_model_free(struct tui_model *m);
/* comm: the model's name for ev->pid now (the record's), or NULL. */
void tui_model_event(struct tui_model *m, const struct zw_event *ev,
		     const char *comm);
/* Forgets processes released more than TUI_KEEP_REAPED before now. */
void tui_model_prune(struct tui_model *m, double now);
/* The rows to draw, in tree order: folded subtrees skipped; with a
 * filter (a substring of comm, argv or pid), matches and their
 * ancestors.  Returns how many were written to rows (at most max). */
size_t tui_model_rows(struct tui_model *m, const char *filter,
		      struct tui_row *rows, size_t max);
/* p is a zombie at least the threshold old at trace time now. */
bool tui_model_zombie_counts(const struct tui_model *m,
			     const struct tui_proc *p, double now);
/* Counters over the processes listed now: zombies past the threshold,
 * and the oldest of them. */
struct tui_counts {
	size_t alive, zombies;
	const struct tui_proc *oldest;	/* oldest zombie, or NULL */
};
void tui_model_count(const struct tui_model *m, double now,
		     struct tui_counts *c);
struct tui_proc *tui_model_find(struct tui_model *m, int pid);
/* The i-th latest event line (0: newest), or NULL. */
const struct tui_line *tui_model_recent(const struct tui_model *m, size_t i);

#endif
