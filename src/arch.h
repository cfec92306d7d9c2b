/* arch.h - the registers zwatch reads at a stop: syscall number, return
 * value and arguments.  x86_64 only for now; a port adds a block here.
 */
#ifndef ZWATCH_ARCH_H
#define ZWATCH_ARCH_H

#include <sys/user.h>

#if defined(__x86_64__)
typedef struct user_regs_struct arch_regs;

static inline long arch_syscall_nr(const arch_regs *r)
{
	return (long)r->orig_rax;
}

static inline long arch_syscall_ret(const arch_regs *r)
{
	return (long)r->rax;
}

static inline unsigned long arch_syscall_arg(const arch_regs *r, int i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->r10;
	case 4: return r->r8;
	default: return r->r9;
	}
}

static inline unsigned long arch_pc(const arch_regs *r)
{
	return r->rip;
}
#else
#error "zwatch: unsupported architecture"
#endif

#endif
