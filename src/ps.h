/* ps.h - zwatch ps: every zombie in view, grouped by parent, with the
 * verdict on each parent and, when asked, a nudge or a reap.
 */
#ifndef ZWATCH_PS_H
#define ZWATCH_PS_H

#include "remedy.h"
#include "verdict.h"
#include "zombies.h"

#include <stdbool.h>
#include <stdio.h>

#define PS_EXIT_NONE 0
#define PS_EXIT_ZOMBIES 3
#define PS_EXIT_CANNOT 1

/* One parent and its zombies (pointers into the scan). */
struct ps_group {
	int parent;
	int parent_nspid;	/* its pid in its own namespace, 0: same */
	int parent_depth;	/* NSpid levels */
	int uid;
	char user[64];
	char cgroup[256];
	char cmdline[512];	/* arguments joined by spaces, escaped */
	struct zombie **zombies;
	size_t n;
	double oldest;		/* NAN: unknown */
	struct verdict v;
	const char *action;	/* "nudge", "reap" or NULL */
	int action_err;		/* -errno when the action could not start */
	struct remedy_result *results;	/* n of them, after an action */
};

struct ps_view {
	struct ps_group *groups;
	size_t ngroups;
	size_t nzombies;
	int *leaders;		/* Z leaders with live threads, in scope */
	size_t nleaders;
	size_t over_age;	/* zombies older than --max-zombie-age */
	double max_age;		/* NAN: none */
	bool acted;
	size_t left;		/* zombies still there after the actions */
};

int ps_main(int argc, char *argv[]);

/* Text (a table, worst parent first) and JSON (zwatch(1)). */
void ps_print_text(FILE *fp, const struct ps_view *pv);
void ps_print_json(FILE *fp, const struct ps_view *pv);


#endif
