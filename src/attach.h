/* attach.h - seizing running processes: every thread of a target, and
 * (unless told otherwise) its existing descendants, with an inventory of
 * what was found, zombies included.
 */
#ifndef ZWATCH_ATTACH_H
#define ZWATCH_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

struct attach_proc {
	int pid;
	int ppid;
	char comm[16];
	char state;		/* /proc state letter; 'Z' for a zombie */
	int exit_code;		/* a zombie's wait status (stat field 52) */
	int *tids;		/* seized threads */
	size_t ntids, cap;
};

struct attach_set {
	struct attach_proc *procs;	/* parents before their children */
	size_t n, cap;
	/* In: processes never seized, nor their descendants, with a note
	 * where one is met among the descendants: skip[0] is zwatch itself
	 * (it cannot trace itself), the others its tracer, its tracer's
	 * tracer... (each stopped by the other: a deadlock). */
	const int *skip;
	size_t nskip;
};

/* Seizes pid and, with descendants, its children, grandchildren...
 * Appends them to set.  Returns 0, or -errno if pid itself could not be
 * seized (already seized entries stay in set, to be detached). */
int attach_tree(int pid, bool descendants, unsigned long options,
		struct attach_set *set);
bool attach_set_has(const struct attach_set *set, int pid);
/* True if pid is a kernel thread (PF_KTHREAD): there is no program in
 * it to trace, and -p refuses it before any ptrace call. */
bool attach_is_kthread(int pid);
void attach_set_free(struct attach_set *set);

#endif
