/* inject_int.h - what inject.c shares with an architecture's own
 * injection steps (inject_aarch64.c); not for other callers.
 */
#ifndef ZWATCH_INJECT_INT_H
#define ZWATCH_INJECT_INT_H

#include "ptrace_util.h"

/* How long a thread may take to reach a system call (it may be busy in
 * user code) before we give up on it. */
#define ENTRY_WAIT_NS 20000000L
/* Below the stack pointer, left alone (x86_64's red zone; aarch64 has
 * none, but leaf code that uses one costs nothing to respect). */
#define RED_ZONE 128
/* The kernel's "restart through restart_syscall()" (not in errno.h). */
#define ERESTART_RESTARTBLOCK 516

/* waitpid for tid, giving up after ns nanoseconds (0: forever). */
int inject_wait_tid(int tid, int *status, long ns);

/* err from a ptrace request on a stopped thread: for -ESRCH (killed in
 * our hands) waits for its exit into *status.  Returns err. */
int inject_gone(int tid, int err, int *status);

/* Runs tid from the entry stop of the call set up in its registers to
 * that call's exit stop (killpoint point, if any, once it runs).  0
 * there; -ESRCH if it died (*status: its exit), -EPROTO, or err. */
int inject_run_to_exit(int tid, const char *point, int *status);

/* The signal a restart of tid's current stop delivers as it came: that
 * of a signal-delivery stop, none for event, group and syscall stops. */
int inject_stop_signal(int tid, const struct pt_syscall *sc);

/* Where pid's own program has a sigreturn sequence (ARCH_SIGRETURN_SEQS),
 * 0 if none was found. */
unsigned long inject_find_sigreturn(int pid);

#endif
