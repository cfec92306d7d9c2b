/* arch.h - the registers zwatch reads at a stop: syscall number, return
 * value and arguments.  x86_64 only for now; a port adds a block here.
 */
#ifndef ZWATCH_ARCH_H
#define ZWATCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
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

static inline unsigned long arch_sp(const arch_regs *r)
{
	return r->rsp;
}

/* The syscall instruction, and where a blocked syscall stopped: the
 * kernel leaves the pc right after the instruction. */
#define ARCH_SYSCALL_INSN 0x050f	/* 0f 05, little-endian */
#define ARCH_SYSCALL_INSN_LEN 2

/* A 64-bit thread (user code segment 0x33), not a 32-bit or x32 one. */
static inline bool arch_is_native(const arch_regs *r)
{
	return r->cs == 0x33;
}

/* Up to ARCH_SCRATCH_MAX bytes below the stack pointer that the program
 * does not use: the 64 under the ABI's 128-byte red zone (which leaf
 * functions use without moving rsp), 16-aligned. */
#define ARCH_SCRATCH_MAX 64

static inline unsigned long arch_scratch(const arch_regs *r)
{
	return (r->rsp - 128 - ARCH_SCRATCH_MAX) & ~15UL;
}

/* Makes r run syscall nr(args) at the instruction it just returned
 * from.  orig_rax = -1 keeps the kernel's restart logic off r. */
static inline void arch_set_syscall(arch_regs *r, long nr,
				    const unsigned long args[6])
{
	r->rip -= ARCH_SYSCALL_INSN_LEN;
	r->rax = (unsigned long)nr;
	r->orig_rax = (unsigned long)-1;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
}
#else
#error "zwatch: unsupported architecture"
#endif

#endif
