/* ptrace_util.h - thin ptrace wrappers.  Each returns 0 or -errno; -ESRCH
 * means the tracee is gone (or not stopped), which callers treat as news,
 * not as an error.
 */
#ifndef ZWATCH_PTRACE_UTIL_H
#define ZWATCH_PTRACE_UTIL_H

#include <signal.h>
#include <stddef.h>
#include "arch.h"

int pt_seize(int tid, unsigned long options);
int pt_interrupt(int tid);
int pt_cont(int tid, int sig);
int pt_syscall(int tid, int sig);
int pt_listen(int tid);
int pt_detach(int tid, int sig);
int pt_geteventmsg(int tid, unsigned long *msg);
int pt_getregs(int tid, arch_regs *regs);
int pt_getsiginfo(int tid, siginfo_t *si);
int pt_setregs(int tid, const arch_regs *regs);
int pt_setsiginfo(int tid, const siginfo_t *si);
int pt_singlestep(int tid, int sig);

/* The syscall a tracee is stopped in, from PTRACE_GET_SYSCALL_INFO. */
struct pt_syscall {
	int op;			/* PTRACE_SYSCALL_INFO_ENTRY/EXIT/NONE/SECCOMP */
	long nr;		/* entry only */
	unsigned long args[6];	/* entry only */
	long ret;		/* exit only */
};
int pt_syscall_info(int tid, struct pt_syscall *sc);

/* Reads len bytes at addr in the tracee; 0 or -errno. */
int pt_read(int pid, unsigned long addr, void *buf, size_t len);
/* Writes len bytes at addr in the tracee; 0 or -errno. */
int pt_write(int pid, unsigned long addr, const void *buf, size_t len);

/* Running a syscall inside a tracee: pt_inject_call, pt_inject_syscall. */
#include "inject.h"

#endif
