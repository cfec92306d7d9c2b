/* arch.h - the registers zwatch reads at a stop: syscall number, return
 * value and arguments; and what running a call inside a tracee needs
 * (inject.c): the rt_sigreturn frame that is its fallback, and the
 * instructions that make that call.  One block per architecture (x86_64,
 * aarch64); the syscall numbers everywhere come from the target's own
 * <sys/syscall.h>.
 *
 * ARCH_REGSET(r) is what PTRACE_GETREGSET NT_PRSTATUS fills;
 * arch_regs_complete() then adds what the registers alone do not say on
 * that architecture (pt_getregs calls it).  ARCH_CAN_INJECT says whether
 * pt_inject_call() may run a call in a tracee.
 */
#ifndef ZWATCH_ARCH_H
#define ZWATCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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
/* The call is run at a syscall-entry stop (inject.c's steps). */
#define ARCH_INJECT_AT_ENTRY 1

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

/* ---- injection (inject.c) ------------------------------------------------
 *
 * At a syscall-entry stop the thread is made to run our call instead of
 * its own and to return, not to its code, but to an instruction sequence
 * of its own program that calls rt_sigreturn (libc's __restore_rt, which
 * every signal handler returns through), with the stack pointer on a
 * signal frame that holds the thread's own registers, rewound to make
 * its syscall again.  Released there by a tracer that dies, it runs that
 * sigreturn and goes on as if never stopped. */

/* "mov $15,%rax; syscall" (glibc's and musl's __restore_rt) and
 * "mov $15,%eax; syscall" (Go's runtime.sigreturn). */
#define ARCH_SIGRETURN_SEQS { \
	{ 9, "\x48\xc7\xc0\x0f\x00\x00\x00\x0f\x05" }, \
	{ 7, "\xb8\x0f\x00\x00\x00\x0f\x05" } }
#define ARCH_SIGRETURN_SEQ_MAX 9
/* x86_64's vdso has no rt_sigreturn. */
#define ARCH_SIGRETURN_IN_VDSO 0

/* The kernel's struct ucontext as rt_sigreturn reads it, at the stack
 * pointer (the rt_sigframe's return address is the 8 bytes below): flags,
 * link, stack_t, struct sigcontext (256 bytes), the 8-byte sigset. */
struct arch_ucontext {
	uint64_t uc_flags, uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved1[8];
	uint64_t sigmask;
};
_Static_assert(offsetof(struct arch_ucontext, r8) == 40, "uc_mcontext");
_Static_assert(offsetof(struct arch_ucontext, sigmask) == 296, "uc_sigmask");

#define ARCH_UC_FP_XSTATE 0x1
#define ARCH_UC_SIGCONTEXT_SS 0x2
#define ARCH_UC_STRICT_RESTORE_SS 0x4
/* An ss_flags mode that is neither 0, SS_ONSTACK nor SS_DISABLE: the
 * kernel's restore_altstack() then fails with EINVAL, which rt_sigreturn
 * ignores (it fails only on EFAULT), so the thread's alternate signal
 * stack, which we cannot read, stays as it is. */
#define ARCH_SS_KEEP 3

/* The FPU/vector state: NT_X86_XSTATE is the (standard) XSAVE layout a
 * signal frame holds, with the user feature mask (XCR0) where the frame
 * has its software bytes (offset 464, for gdb).  rt_sigreturn restores
 * the full state only if those bytes say so (magic1, sizes, features)
 * and magic2 follows the state; otherwise it restores x87/SSE only and
 * clears the AVX and later registers. */
#define ARCH_FP_REGSET 0x202	/* NT_X86_XSTATE */
#define ARCH_FP_MAX 16384
#define ARCH_FP_ALIGN 64
#define ARCH_FP_MAGIC1 0x46505853U
#define ARCH_FP_MAGIC2 0x46505845U

/* Turns the len bytes read from the regset into a signal frame's FPU
 * part (fp has 4 more bytes of room); returns its length, 0 if len is
 * not a plausible XSAVE size. */
static inline size_t arch_fp_prepare(unsigned char *fp, size_t len)
{
	struct {
		uint32_t magic1, extended_size;
		uint64_t xfeatures;
		uint32_t xstate_size, padding[7];
	} sw;
	uint32_t magic2 = ARCH_FP_MAGIC2;

	if (len < 512 + 64 || len + 4 > ARCH_FP_MAX)
		return 0;
	memset(&sw, 0, sizeof(sw));
	memcpy(&sw.xfeatures, fp + 464, 8);
	if ((sw.xfeatures & 3) != 3)
		return 0;
	sw.magic1 = ARCH_FP_MAGIC1;
	sw.xstate_size = (uint32_t)len;
	sw.extended_size = (uint32_t)len + 4;
	memcpy(fp + 464, &sw, sizeof(sw));
	memcpy(fp + len, &magic2, 4);
	return len + 4;
}

/* r at a syscall-entry stop, rewound to make that call again: what the
 * fallback frame restores and what is put back when our call is done. */
static inline void arch_rewind_entry(arch_regs *r)
{
	r->rip -= ARCH_SYSCALL_INSN_LEN;
	r->rax = r->orig_rax;
	r->orig_rax = (unsigned long)-1;	/* no restart logic on it */
}

/* r, rewound, makes call nr instead. */
static inline void arch_set_call_nr(arch_regs *r, long nr)
{
	r->rax = (unsigned long)nr;
}

/* The frame rt_sigreturn turns into the registers r, the signal mask
 * blocked and the FPU state at fp_addr. */
static inline void arch_fill_frame(struct arch_ucontext *uc, const arch_regs *r,
				   uint64_t blocked, unsigned long fp_addr)
{
	memset(uc, 0, sizeof(*uc));
	uc->uc_flags = ARCH_UC_FP_XSTATE | ARCH_UC_SIGCONTEXT_SS |
		       ARCH_UC_STRICT_RESTORE_SS;
	uc->ss_flags = ARCH_SS_KEEP;
	uc->r8 = r->r8; uc->r9 = r->r9; uc->r10 = r->r10; uc->r11 = r->r11;
	uc->r12 = r->r12; uc->r13 = r->r13; uc->r14 = r->r14; uc->r15 = r->r15;
	uc->rdi = r->rdi; uc->rsi = r->rsi; uc->rbp = r->rbp; uc->rbx = r->rbx;
	uc->rdx = r->rdx; uc->rax = r->rax; uc->rcx = r->rcx; uc->rsp = r->rsp;
	uc->rip = r->rip; uc->eflags = r->eflags;
	uc->cs = (uint16_t)r->cs;
	uc->ss = (uint16_t)r->ss;
	uc->fpstate = fp_addr;
	uc->sigmask = blocked;
}

/* At a syscall-entry stop: run nr(args) instead, returning to pc (the
 * sigreturn sequence) with the stack pointer on the frame at sp. */
static inline void arch_load_call(arch_regs *r, long nr,
				  const unsigned long args[6], unsigned long pc,
				  unsigned long sp)
{
	r->orig_rax = (unsigned long)nr;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
	r->rip = pc;
	r->rsp = sp;
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
/* Injection has steps of its own (inject_aarch64.c): at a syscall stop
 * the kernel shows x7 as 0 or 1 and drops writes to it, so the signal
 * frame is written at an interrupt stop instead, where x7 is real. */
#define ARCH_CAN_INJECT 1
#define ARCH_INJECT_AT_ENTRY 0

/* "mov x8, #139 (rt_sigreturn); svc #0": the vdso's
 * __kernel_rt_sigreturn (glibc's handlers return through it), musl's
 * __restore_rt, Go's runtime.sigreturn. */
#define ARCH_SIGRETURN_SEQS { { 8, "\x68\x11\x80\xd2\x01\x00\x00\xd4" } }
#define ARCH_SIGRETURN_SEQ_MAX 8
#define ARCH_SIGRETURN_IN_VDSO 1

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

#else
#error "zwatch: unsupported architecture"
#endif

#endif
