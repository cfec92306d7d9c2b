/* inject.h - running a system call inside a traced thread, safely even
 * if zwatch dies (SIGKILL) at any moment of it.
 */
#ifndef ZWATCH_INJECT_H
#define ZWATCH_INJECT_H

#include <stddef.h>

/* A call to make: nr(args), and optionally a buffer in the thread's
 * memory whose address replaces args[buf_arg]: len bytes of buf (at most
 * PT_CALL_BUF_MAX, on the thread's stack) are copied in before the call
 * and read back into buf after it. */
#define PT_CALL_BUF_MAX 4096
struct pt_call {
	long nr;
	unsigned long args[6];
	void *buf;
	size_t len;
	int buf_arg;		/* 0..5; ignored when buf is NULL */
};

/* Runs call inside thread tid, which must be in a ptrace stop, and puts
 * everything back so that the program does not notice.  *ret gets the
 * call's return value (-errno on failure).  The call must not block.
 *
 * The call is made at a syscall-entry stop: if tid is in another stop it
 * is first resumed to its next system call (PTRACE_SYSCALL; the signal of
 * a signal-delivery stop is delivered, as it came); the thread's own call
 * is then made again afterwards.  On aarch64 the thread's next call is
 * made (or, if it would block, interrupted to be restarted) first, and
 * the thread ends at an interrupt stop (PTRACE_EVENT_STOP) at the same
 * place (inject_aarch64.c).  The program's own code never runs on our
 * registers: see inject.c for why a tracer killed at any moment leaves
 * it whole.
 *
 * Returns 0 when the call ran; -EINVAL for a bad buffer; -EOPNOTSUPP,
 * the call not made, when it cannot be done safely (a 32-bit,
 * seccomp-filtered or shadow-stack (aarch64: guarded control stack)
 * thread, no sigreturn sequence found,
 * no room on its stack, a restart_syscall() not seen interrupted);
 * -ESRCH when it exited; -EINTR (call not made) when it stopped
 * elsewhere first; other -errno when ptrace failed.  When *status is 0 the
 * thread is still in the stop it was in, with its own registers, to be
 * restarted as the caller would have restarted that stop.  Otherwise it
 * has moved on: *status is the wait status of the stop it is in now (or
 * of its exit), to be handled like any other waitpid() result. */
int pt_inject_call(int tid, const struct pt_call *call, long *ret,
		   int *status);

/* The same without a buffer.  Pointer arguments must not point into the
 * thread's stack: it may run (a signal handler) before the call. */
int pt_inject_syscall(int tid, long nr, const unsigned long args[6],
		      long *ret, int *status);

#endif
