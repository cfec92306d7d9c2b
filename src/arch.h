/* arch.h - the registers zwatch reads at a stop: syscall number, return
 * value and arguments, and the syscall injection needs.  One block per
 * architecture (x86_64, aarch64); the syscall numbers everywhere come
 * from the target's own <sys/syscall.h>.
 *
 * ARCH_REGSET(r) is what PTRACE_GETREGSET NT_PRSTATUS fills;
 * arch_regs_complete() then adds what the registers alone do not say on
 * that architecture (pt_getregs calls it).  ARCH_CAN_INJECT says whether
 * pt_inject_syscall() may run a call in a tracee.
 */
#ifndef ZWATCH_ARCH_H
#define ZWATCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/user.h>

#include <sys/syscall.h>

/* aarch64 has no fork or vfork syscall (glibc uses clone): -2 matches
 * no number. */
#ifdef SYS_fork
#define ARCH_SYS_fork SYS_fork
#else
#define ARCH_SYS_fork (-2L)
#endif
#ifdef SYS_vfork
#define ARCH_SYS_vfork SYS_vfork
#else
#define ARCH_SYS_vfork (-2L)
#endif

#if defined(__x86_64__)
typedef struct user_regs_struct arch_regs;

#define ARCH_REGSET(r) (r)
#define ARCH_CAN_INJECT 1

/* orig_rax already says whether a stop is in a syscall (-1: no). */
static inline int arch_regs_complete(int tid, arch_regs *r)
{
	(void)tid;
	(void)r;
	return 0;
}

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
#define ARCH_SYSCALL_INSN_MASK 0xffff
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
#elif defined(__aarch64__)
/* At an aarch64 stop the registers do not say whether the thread is in
 * a syscall: x8 (the number) is an ordinary register, and the kernel has
 * forgotten the call (syscallno) before a signal-delivery stop.  So
 * arch_regs_complete() looks at the instruction words around pc: after
 * an svc the thread is in, or just back from, the call in x8 (x0 is then
 * its result: the first argument is lost); at an svc it is about to run
 * it, as after an interrupted call the kernel restarts (x0 is again the
 * first argument, the result is not known yet). */
struct arch_regs_aarch64 {
	struct user_regs_struct u;	/* NT_PRSTATUS */
	long nr;		/* the syscall, -1: none (user code) */
	bool at_svc;		/* about to run it: no result yet */
};
typedef struct arch_regs_aarch64 arch_regs;

#define ARCH_REGSET(r) (&(r)->u)
/* Injection stays off: the death-safe injection is being rewritten, and
 * aarch64 changes a syscall's number only through NT_ARM_SYSTEM_CALL.
 * What needs it (--diagnose's SA_NOCLDWAIT probe) says it could not. */
#define ARCH_CAN_INJECT 0

int arch_regs_complete(int tid, arch_regs *r);

static inline long arch_syscall_nr(const arch_regs *r)
{
	return r->nr;
}

/* -ERESTARTNOINTR: a result that says "not finished". */
static inline long arch_syscall_ret(const arch_regs *r)
{
	return r->at_svc ? -513 : (long)r->u.regs[0];
}

static inline unsigned long arch_syscall_arg(const arch_regs *r, int i)
{
	return r->u.regs[i < 0 || i > 5 ? 5 : i];
}

static inline unsigned long arch_pc(const arch_regs *r)
{
	return r->u.pc;
}

static inline unsigned long arch_sp(const arch_regs *r)
{
	return r->u.sp;
}

#define ARCH_SYSCALL_INSN 0xd4000001	/* svc #0 */
#define ARCH_SYSCALL_INSN_MASK 0xffffffff
#define ARCH_SYSCALL_INSN_LEN 4

/* A 64-bit thread: PSR_MODE32_BIT clear. */
static inline bool arch_is_native(const arch_regs *r)
{
	return !(r->u.pstate & 0x10);
}

/* No red zone in the aarch64 ABI: below sp is free. */
#define ARCH_SCRATCH_MAX 64

static inline unsigned long arch_scratch(const arch_regs *r)
{
	return (r->u.sp - ARCH_SCRATCH_MAX) & ~15UL;
}

/* Makes r run syscall nr(args) at the svc it just returned from.  Unused
 * while ARCH_CAN_INJECT is 0. */
static inline void arch_set_syscall(arch_regs *r, long nr,
				    const unsigned long args[6])
{
	r->u.pc -= ARCH_SYSCALL_INSN_LEN;
	r->u.regs[8] = (unsigned long)nr;
	for (int i = 0; i < 6; i++)
		r->u.regs[i] = args[i];
}
#else
#error "zwatch: unsupported architecture"
#endif

#endif
