/* options.h - the command line, parsed once into one const struct. */
#ifndef ZWATCH_OPTIONS_H
#define ZWATCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
	const char *output;	/* -o FILE, NULL: stderr */
	const char *record;	/* -w FILE: a trace file for zwatch report */
	bool json;		/* --json */
	bool quiet;		/* -q: no per-event lines, records and summary only */
	bool summary;		/* text summary at the end (--no-summary clears) */
	enum color_mode color;
	char *const *argv;	/* PROG and its arguments, or NULL with -p */
	int argc;
	int *pids;		/* -p PID[,PID...]: processes to attach to */
	size_t npids;
	bool targets_only;	/* --targets-only: not their existing descendants */
	bool fail_on_leak;	/* --fail-on-leak: exit 3 if a zombie is left */
	double max_zombie_age;	/* --max-zombie-age: also a leak; NAN: none */
	bool stack;		/* -k: fork call sites */
	double diagnose;	/* --diagnose: explain zombies older than this; 0 off */
	bool tui;		/* --tui: the full-screen live view */
	const char *tui_log;	/* --tui-log: PROG's output meanwhile; NULL: none */
	double min_zombie;	/* --min-zombie: the view's noise threshold */
};

/* Fills *opts from argv.  Returns -1 to go on, or the exit status to end
 * with: 0 after --help/--version, 2 after a usage error (reported). */
int parse_options(int argc, char *argv[], struct options *opts);
void free_options(struct options *opts);

#endif
