/* forksites.h - for zwatch report: where each process was forked (the
 * stack its spawn event carries, zwatch -k) and the latest diagnosis of
 * it as a zombie (--diagnose), gathered from the events by a sink of its
 * own, kept for the report sinks, which see only records.
 *
 * Kept compactly, since a -k trace has a stack per fork: strings are
 * stored once, frames are compared as the text shows them (a binary's
 * frames by offset, so that ASLR does not make every process's stack
 * differ) and equal stacks are stored once.  A trace without stacks or
 * diagnoses costs little: the command lines of execs, interned.  Records
 * are named by their seq.
 */
#ifndef ZWATCH_FORKSITES_H
#define ZWATCH_FORKSITES_H

#include <stdbool.h>

struct forksites;
struct sink;
struct zw_life;
struct zw_stack;

/* Longer command lines are cut to this many bytes. */
#define FORKSITE_ARGV_MAX 512
/* Longer diagnosis texts (a hostile trace) are cut to this many bytes. */
#define FORKSITE_TEXT_MAX 1024

struct forksite_diag {
	double t;		/* when it was made */
	const char *text;
	int parent;
	unsigned stack;		/* the parent's, a forksites stack id; 0: none */
};

struct forksites *forksites_new(void);
void forksites_free(struct forksites *fs);
/* A sink that records spawn stacks and diagnoses into fs; it must see the
 * events before any filter.  fs must outlive it. */
struct sink *forksites_sink_new(struct forksites *fs);
/* True once any stack or diagnosis was recorded. */
bool forksites_any(const struct forksites *fs);
/* The id of l's spawn stack, 0 if none: ids are equal for stacks that
 * print the same. */
unsigned forksites_spawn(const struct forksites *fs, const struct zw_life *l);
/* Fills out with stack id (nonzero, from this fs).  Its strings stay
 * valid until forksites_free. */
void forksites_stack(const struct forksites *fs, unsigned id,
		     struct zw_stack *out);
/* The command line of l's latest exec, its words joined by spaces (the
 * bytes as recorded: escape them), or NULL if no exec was seen. */
const char *forksites_argv(const struct forksites *fs,
			   const struct zw_life *l);
/* The latest diagnosis of l, or NULL. */
const struct forksite_diag *forksites_diag(const struct forksites *fs,
					   const struct zw_life *l);

#endif
