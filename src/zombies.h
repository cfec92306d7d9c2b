/* zombies.h - every zombie in /proc, with what /proc knows of it: its
 * parent, wait status, pids in each pid namespace, and its age.
 *
 * The age: now minus its last run, which is its exit (schedclock.h),
 * within a few ms (measured: 1.5 ms at 1, 2 and 3 s; the tests hold it to
 * ZOMBIE_AGE_BOUND).  Without CONFIG_SCHED_DEBUG there is no sched file
 * and the age is NAN: unknown, never guessed.
 */
#ifndef ZWATCH_ZOMBIES_H
#define ZWATCH_ZOMBIES_H

#include <stdbool.h>
#include <stddef.h>

/* The documented bound of an age, in seconds (zwatch(1), README). */
#define ZOMBIE_AGE_BOUND 0.05
#define ZOMBIE_NS_MAX 8

struct zombie {
	int pid;
	int ppid;
	char comm[16];
	int status;		/* wait status, /proc/PID/stat field 52 */
	bool status_known;	/* the kernel shows 0 to those who may not
				 * ptrace-read it: another user's */
	double age;		/* seconds, NAN: unknown */
	int nspid[ZOMBIE_NS_MAX];	/* NSpid: ours first, its own last */
	int nsdepth;		/* 0: not read yet (zombie_pid_at reads it) */
};

struct zombie_proc {
	int pid, ppid;
};

struct zombie_scan {
	struct zombie *zombies;
	size_t n;
	/* Every process seen, for subtrees. */
	struct zombie_proc *procs;
	size_t nprocs;
	/* Leaders in state Z whose threads live on (pthread_exit()): no
	 * zombies, not counted. */
	int *leaders;
	size_t nleaders;
};

/* Reads all of /proc; 0 or -errno when /proc cannot be listed. */
int zombie_scan(struct zombie_scan *zs);
void zombie_scan_free(struct zombie_scan *zs);

/* A zombie's age from its sched file, NAN when unknown. */
double zombie_age(int pid);

/* Its pid in the pid namespace of a process whose NSpid has depth
 * levels (as seen from ours), or 0 if it is not visible there. */
int zombie_pid_at(struct zombie *z, int depth);

#endif
