/* zomtab.h - zwatch watch's model: the current zombies of the watched
 * scope, each with a pidfd, and the facts needed to label and classify
 * it when it is released.  Fed by proc connector events and /proc
 * censuses; feeds the metrics and the JSON lines.
 *
 * A process counts as a zombie once its whole thread group has exited
 * (its pidfd is readable) until it is released (its pidfd hangs up,
 * Linux 6.9+; before that, or without a pidfd, /proc is polled).
 */
#ifndef ZWATCH_ZOMTAB_H
#define ZWATCH_ZOMTAB_H

#include "metrics.h"
#include "proc_connector.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct zomtab_config {
	int scope_pid;		/* -p: PID and its descendants; 0: all */
	const char *cgroup;	/* --cgroup: zombies whose parent is in it */
	FILE *releases;		/* --log-releases: a JSON line each, or NULL */
};

struct zombie {
	int pid;
	int parent;		/* the kernel's parent now (tgid) */
	int orig_parent;	/* the parent at exit */
	int series;		/* metrics series: the parent at exit */
	int pidfd;		/* -1: none, polled through /proc */
	int exit_code;		/* wait status */
	double exit_ts;		/* CLOCK_MONOTONIC seconds */
	bool exited;		/* the whole thread group: a zombie now */
	bool estimated;		/* exit_ts from /proc/PID/sched (census) */
	bool counted;		/* its exit is in the metrics already */
	bool adopter_init;	/* parent is a pid namespace's init */
	bool alerted;		/* --max-zombie-age line written */
	bool parent_gone;	/* its parent at exit had died when the
				 * release was seen (see zombie_released) */
	bool dead;		/* released; freed at zomtab_batch_end() */
	struct zombie *next_dead;
	char parent_comm[16];
};

struct zomtab;

struct zomtab *zomtab_new(const struct zomtab_config *cfg, struct metrics *m,
			  int epfd);
void zomtab_free(struct zomtab *zt);

/* One proc connector event. */
void zomtab_event(struct zomtab *zt, const struct pcn_event *ev);

/* A full /proc scan: finds zombies not yet known (exit time estimated),
 * re-reads the parents of known ones, rebuilds the -p scope.  after_loss:
 * events were lost, so a zombie found now also counts as an exit.
 * 0 or -errno. */
int zomtab_census(struct zomtab *zt, bool after_loss);

/* epoll reported events on a zombie's pidfd (data.ptr is the zombie);
 * now: when epoll_wait returned, the release time of a hang-up.  The
 * zombie may have been released by an earlier event of the same batch
 * (its pid reused, a new exit seen): then nothing happens. */
void zomtab_pidfd_ready(struct zomtab *zt, struct zombie *z, uint32_t events,
			double now);

/* Frees the zombies released since the last call: after each epoll
 * batch, whose events may still point to them. */
void zomtab_batch_end(struct zomtab *zt);

/* Milliseconds until zomtab_poll() is due; -1 if nothing is polled. */
int zomtab_poll_timeout(const struct zomtab *zt);
/* Checks the zombies that have no working pidfd hang-up. */
void zomtab_poll(struct zomtab *zt);

/* Puts the current zombies into the metrics' gauges. */
void zomtab_gauges(const struct zomtab *zt, struct metrics *m);

/* Calls fn once per zombie older than age (and never again for it). */
void zomtab_each_old(struct zomtab *zt, double age,
		     void (*fn)(const struct zombie *z, double age, void *arg),
		     void *arg);

#endif
