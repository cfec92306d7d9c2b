/* remedy.h - making a parent reap, when asked (zwatch ps --nudge,
 * --reap).  Nothing here kills anything.
 */
#ifndef ZWATCH_REMEDY_H
#define ZWATCH_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

struct remedy_result {
	int pid;		/* the zombie, as we see it */
	int nspid;		/* the same in its parent's pid namespace */
	bool collected;		/* gone: reaped by its parent */
	int status;		/* the wait status its parent collected */
	int err;		/* -errno when not collected */
};

/* Sends SIGCHLD to parent, one at a time, each once the previous one
 * made a zombie go (SIGCHLDs coalesce: a handler that reaps one per
 * signal needs one per zombie).  Returns how many of the n zombies are
 * gone (res[i].collected; the status is the one /proc showed). */
int remedy_nudge(int parent, struct remedy_result *res, size_t n);

/* Runs waitid(P_PID, nspid, &si, WEXITED | WNOHANG, NULL) inside parent,
 * thread tid, for each zombie, by ptrace (peek.h: registers and memory
 * put back, the call it was blocked in restarts).  Its later wait for
 * one of these pids gets ECHILD.  Returns how many were collected, or
 * -errno when the parent could not be stopped (-EBUSY traced, -EAGAIN
 * stopped, -EPERM, -ESRCH gone, -ETIMEDOUT). */
int remedy_reap(int parent, int tid, struct remedy_result *res, size_t n);

#endif
