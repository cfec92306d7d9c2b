/* peek.h - stop a process for a moment: seize one of its threads,
 * interrupt it, look (unwind, run a syscall inside it), and detach,
 * leaving it as it was.  No event loop: the caller owns nothing but the
 * struct peek, and every wait for the thread is done here.
 *
 * "As it was": a blocked call the interrupt broke is restarted by the
 * kernel at detach (read, wait4, pause, poll, nanosleep...), except the
 * calls the kernel never restarts after a stop (epoll_wait, semop,
 * sigtimedwait: they return EINTR, as after Ctrl-Z and fg, or strace -p);
 * a signal that arrived meanwhile is delivered at detach; a group-stop
 * that began meanwhile goes on.  A process already traced by another is
 * not touched (-EBUSY), nor is a stopped one (-EAGAIN: resuming it for a
 * look would end its stop).
 */
#ifndef ZWATCH_PEEK_H
#define ZWATCH_PEEK_H

#include <stdbool.h>
#include <stddef.h>

struct peek {
	int pid, tid;
	int sig;	/* a signal to deliver at detach, or 0 */
	bool held;	/* seized, in a ptrace stop of ours */
	bool moved;	/* left the stop we made: no more syscalls */
	bool gone;	/* it exited while we looked */
};

/* Seizes thread tid of process pid and waits up to timeout seconds for
 * it to stop.  0, or -errno: -EBUSY traced by another (see TracerPid),
 * -EAGAIN stopped, -EPERM not allowed (by Yama's ptrace_scope, checked
 * first, or by the kernel: yama_explain() says why), -ESRCH
 * gone, -ETIMEDOUT it did not stop in time (an uninterruptible sleep):
 * it stays seized until peek_end() finds it stopped or zwatch exits, and
 * the kernel lets it go then. */
int peek_begin(struct peek *pk, int pid, int tid, double timeout);

/* Runs syscall nr(args) inside the held thread (pt_inject_syscall()).
 * 0 with *ret, or -errno; -ESRCH once it is gone, -EAGAIN once it has
 * left the stop we made (a signal or a group-stop came first). */
int peek_syscall(struct peek *pk, long nr, const unsigned long args[6],
		 long *ret);

/* The same, with args[out_arg] pointing at len bytes (at most
 * PEEK_OUT_MAX) of the thread's stack (pt_inject_call()'s buffer), copied
 * from out before the call and back into out after it. */
#define PEEK_OUT_MAX 256
int peek_syscall_out(struct peek *pk, long nr, unsigned long args[6],
		     int out_arg, void *out, size_t len, long *ret);

/* Takes a wait status pt_inject_syscall() (or diagnose_sigaction())
 * returned for the held thread: where the thread is now. */
void peek_note_status(struct peek *pk, int status);

/* Detaches, delivering the signal that came meanwhile.  0 or -errno. */
int peek_end(struct peek *pk);

#endif
