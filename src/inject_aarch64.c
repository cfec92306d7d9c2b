/* inject_aarch64.c - pt_inject_call() on aarch64: a system call run
 * inside a traced thread, safe against zwatch's death (SIGKILL) at any
 * instant, as on x86_64 (inject.c says what a dying tracer leaves a
 * tracee in, by stop).
 *
 * x86_64's steps work at a syscall-entry stop.  On aarch64 they cannot:
 * at every syscall stop the kernel shows x7 as 0 (entry) or 1 (exit),
 * drops a tracer's writes to it and puts the real value back when the
 * stop ends (arch/arm64's ptrace_save_reg()).  The fallback frame would
 * hold a wrong x7, and the kernel's own code keeps values in x7 across
 * an svc.  And a syscall-entry stop needs two writes to run another
 * call (NT_PRSTATUS for the arguments, NT_ARM_SYSTEM_CALL for the
 * number), between which the thread would run its call with our
 * arguments, or ours with its.  So:
 *
 *   0. The thread is taken to an interrupt stop S (PTRACE_EVENT_STOP,
 *      registers all real) right after a system call N of its own whose
 *      entry E and exit X we saw, one after the other: at E,
 *      PTRACE_INTERRUPT, so that N, if it would block, returns at once
 *      to be restarted; at X, PTRACE_INTERRUPT again (a syscall stop
 *      takes a pending interrupt).  At S the pc is after N's svc (N
 *      done) or on it (N to be restarted, x0 its first argument again).
 *      What happens after S is known: the kernel restores the mask a
 *      ppoll() or sigsuspend() swapped (it was the mask at E) and, for a
 *      restart through restart_syscall(), sets x8.  Dying meanwhile:
 *      only resumes, nothing of ours in it.
 *   1. At S (registers R): below the stack, our buffer and an
 *      rt_sigframe holding R, the signal mask after S, the FP/SIMD
 *      registers and an ss_flags that makes rt_sigreturn leave the
 *      alternate stack alone.  Dying: S goes on as it would have.
 *   2. One NT_PRSTATUS write: pc = a "mov x8, #139; svc #0" of the
 *      thread's own (the vdso's __kernel_rt_sigreturn), sp = the frame.
 *      Dying: it runs that sigreturn and is back at R.  Resumed, it
 *      stops at that rt_sigreturn's entry, where one NT_PRSTATUS write
 *      puts our arguments in x0-x5 and the pc back on the svc (dying:
 *      rt_sigreturn still runs), then NT_ARM_SYSTEM_CALL makes the call
 *      ours (dying: our call runs, returns onto the svc, x8 is still
 *      139: rt_sigreturn).
 *   3. At our call's exit stop: the result, then the number set to -1
 *      (no restart logic on our result; dying: back to the svc) and R
 *      written (dying: it returns to R), then an interrupt stop at R.
 *
 * x7 is written only at S and at our call's exit, in both cases as the
 * thread's own (at the exit stop the kernel drops our write and puts
 * back the value the thread had, which is R's).  The thread ends at an
 * interrupt stop with R, at the same place as S; its own call is made
 * once, as it would have been.  Not exact: a thread at S to restart a
 * call through restart_syscall() gets, on the fallback, that call made
 * again from the start (rt_sigreturn resets the restart block), as on
 * x86_64; and a call that returns EINTR on any ptrace stop
 * (epoll_wait(), sigtimedwait(): signal(7)) does so on the interrupt at E.
 */
#include "config.h"
#include "inject.h"
#include "inject_int.h"
#include "killpoint.h"
#include "procfs.h"
#include "ptrace_util.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#if defined(__aarch64__)

#define NT_PRFPREG_ 2		/* struct user_fpsimd_state */
#define NT_ARM_SYSTEM_CALL_ 0x404
#define NT_ARM_GCS_ 0x410	/* Linux 6.13+ */
#define GCS_ENABLED 1UL		/* PR_SHADOW_STACK_ENABLE */
/* At most this many stops to reach S (a signal, an event on the way). */
#define MAX_STOPS 12

/* The kernel's struct rt_sigframe, which rt_sigreturn reads at sp: a
 * siginfo (unused), then struct ucontext: flags, link, stack_t, sigset
 * (8 bytes, padded to glibc's 128), struct sigcontext: fault address,
 * x0-x30, sp, pc, pstate and records (FP/SIMD, then an end marker). */
struct a64_sigframe {
	unsigned char info[128];
	uint64_t uc_flags, uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	uint64_t sigmask;
	unsigned char sigmask_pad[120];
	uint64_t fault_address __attribute__((aligned(16)));
	uint64_t regs[31];
	uint64_t sp, pc, pstate;
	unsigned char reserved[4096] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct a64_sigframe, sigmask) == 128 +
	       offsetof(ucontext_t, uc_sigmask), "uc_sigmask");
_Static_assert(offsetof(struct a64_sigframe, fault_address) == 128 +
	       offsetof(ucontext_t, uc_mcontext), "uc_mcontext");
_Static_assert(offsetof(struct a64_sigframe, reserved) == 128 +
	       offsetof(ucontext_t, uc_mcontext.__reserved), "__reserved");
_Static_assert(sizeof(struct a64_sigframe) == 128 + sizeof(ucontext_t),
	       "rt_sigframe");

/* See ARCH_SS_KEEP on x86_64: an ss_flags rt_sigreturn fails to apply
 * (EINVAL, ignored), leaving the alternate signal stack as it is. */
#define SS_KEEP 3

/* The calls that swap the signal mask for their duration
 * (set_user_sigmask(), sigsuspend()): interrupted, the kernel restores
 * the mask after the stop that follows. */
static bool swaps_mask(long nr)
{
	return nr == SYS_ppoll || nr == SYS_pselect6 || nr == SYS_epoll_pwait ||
#ifdef SYS_epoll_pwait2
	       nr == SYS_epoll_pwait2 ||
#endif
#ifdef SYS_io_pgetevents
	       nr == SYS_io_pgetevents ||
#endif
	       nr == SYS_io_uring_enter || nr == SYS_rt_sigsuspend;
}

struct a64_injection {
	int tid;
	arch_regs regs;		/* at S: the thread's own, x7 too */
	uint64_t mask;		/* its signal mask once S is left */
	bool restart_block;	/* at S on an svc to resume by restart_syscall */
	long restarted;		/* the call restart_syscall resumes, -1 unknown */
	unsigned long seq;	/* "mov x8, #139; svc #0" of its own */
	unsigned long frame, buf;
};

/* What the thread did since step 0 began, one stop after the other: E
 * seen, then X; reset by any other stop. */
struct a64_path {
	bool entry, exit;
	long nr;		/* E's call */
	uint64_t mask;		/* SigBlk at E */
	long ret;		/* X's result */
};

static int set_nr(int tid, int nr)
{
	struct iovec iov = { &nr, sizeof(nr) };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL_, &iov) < 0)
		return -errno;
	return 0;
}

static int sig_blocked(int tid, uint64_t *mask)
{
	struct proc_status st;
	int err = procfs_status(tid, tid, &st);

	if (err < 0)
		return err;
	*mask = st.sig_blk;
	return 0;
}

/* The kind of a stop that is no syscall stop, from its siginfo: an
 * interrupt (PTRACE_INTERRUPT: SIGTRAP, PTRACE_EVENT_STOP in si_code), a
 * group-stop (a stop signal there), or another (a signal's delivery, an
 * event). */
enum a64_stop { A64_INTERRUPT, A64_GROUP, A64_OTHER };

static enum a64_stop stop_kind(int tid)
{
	siginfo_t si;

	if (pt_getsiginfo(tid, &si) < 0)
		return A64_GROUP;
	if ((si.si_code >> 8) != PTRACE_EVENT_STOP)
		return A64_OTHER;
	return si.si_signo == SIGTRAP ? A64_INTERRUPT : A64_GROUP;
}

/* Resumes tid (with PTRACE_INTERRUPT first if interrupt) and waits for
 * its next stop, at most ns (0: forever; on a timeout it is interrupted).
 * -ESRCH if it exited. */
static int move_on(int tid, int sig, bool interrupt, long ns, int *status)
{
	int err;

	if (interrupt && (err = pt_interrupt(tid)) < 0)
		return inject_gone(tid, err, status);
	err = pt_syscall(tid, sig);
	if (err < 0)
		return inject_gone(tid, err, status);
	killpoint("inject-move");
	err = inject_wait_tid(tid, status, ns);
	if (err == -ETIMEDOUT) {
		pt_interrupt(tid);
		err = inject_wait_tid(tid, status, 0);
	}
	if (err < 0)
		return err;
	return WIFSTOPPED(*status) ? 0 : -ESRCH;
}

/* At an interrupt stop after E then X: fills in (registers, mask after
 * S, restart).  0, or -EOPNOTSUPP when this S will not do. */
static int take_s(struct a64_injection *in, const struct a64_path *p)
{
	int err = pt_getregs(in->tid, &in->regs);

	if (err < 0)
		return err;
	/* The pc is just after N's svc, or on it (N restarted). */
	if (in->regs.nr != p->nr)
		return -EOPNOTSUPP;
	in->restart_block = in->regs.at_svc && p->ret == -ERESTART_RESTARTBLOCK;
	if (swaps_mask(p->nr) || (p->nr == SYS_restart_syscall &&
				  swaps_mask(in->restarted))) {
		in->mask = p->mask;
		return 0;
	}
	return sig_blocked(in->tid, &in->mask);
}

/* Step 0: takes tid to an interrupt stop S right after a syscall entry
 * and exit of its own (see the head of this file).  0 there, in filled
 * in; -EINTR when it stopped where the caller must look (an event, a
 * signal, a group-stop), -EOPNOTSUPP, -ESRCH.  Only the stops it made
 * itself (syscall stops, interrupts) are passed through: a wait that
 * returned on the way is left in the registers (pc after the svc, x8,
 * x0), where the caller finds it at the stop it is given back. */
static int reach_s(struct a64_injection *in, int *status)
{
	struct a64_path p = { .entry = false };
	int tid = in->tid, err;

	for (int i = 0; i < MAX_STOPS; i++) {
		struct pt_syscall sc;
		enum a64_stop kind;
		arch_regs r;

		err = pt_syscall_info(tid, &sc);
		if (err < 0)
			return err;
		switch (sc.op) {
		case PTRACE_SYSCALL_INFO_SECCOMP:
			return -EOPNOTSUPP;
		case PTRACE_SYSCALL_INFO_ENTRY:
			p = (struct a64_path){ .entry = true, .nr = sc.nr };
			if ((err = sig_blocked(tid, &p.mask)) < 0)
				return err;
			err = move_on(tid, 0, true, 0, status);
			break;
		case PTRACE_SYSCALL_INFO_EXIT:
			p.exit = p.entry;
			p.ret = sc.ret;
			/* Which call restart_syscall() would resume. */
			if (sc.ret == -ERESTART_RESTARTBLOCK &&
			    pt_getregs(tid, &r) == 0 && r.nr >= 0 &&
			    r.nr != SYS_restart_syscall)
				in->restarted = r.nr;
			err = move_on(tid, 0, true, 0, status);
			break;
		default:
			kind = stop_kind(tid);
			if (kind == A64_INTERRUPT && p.exit && take_s(in, &p) == 0)
				return 0;
			/* A group-stop is left as it is; an event or a signal
			 * met on the way is the tracer's to handle. */
			if (kind == A64_GROUP || (kind == A64_OTHER && *status))
				return -EINTR;
			p.entry = p.exit = false;
			/* On to its next call, its signal delivered as it came. */
			err = move_on(tid, inject_stop_signal(tid, &sc), false,
				      ENTRY_WAIT_NS, status);
			break;
		}
		if (err < 0)
			return err;
	}
	return -EINTR;
}

/* ---- steps 1 to 3 --------------------------------------------------------- */

/* Whether tid may run a call: native, no seccomp filter (it could kill
 * the thread for a call it never made), no guarded control stack
 * (rt_sigreturn would want a token on it). */
static int check_thread(int tid, const arch_regs *r)
{
	struct { uint64_t enabled, locked, gcspr; } gcs;
	struct iovec iov = { &gcs, sizeof(gcs) };
	struct proc_status st;
	int err;

	if (!arch_is_native(r))
		return -EOPNOTSUPP;
	err = procfs_status(tid, tid, &st);
	if (err < 0)
		return err;
	if (st.seccomp != 0)
		return -EOPNOTSUPP;
	/* Kernels before 6.13 and CPUs without GCS have no such regset. */
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_ARM_GCS_, &iov) == 0 &&
	    (gcs.enabled & GCS_ENABLED))
		return -EOPNOTSUPP;
	return 0;
}

/* Step 1: the call's buffer and the fallback frame below sp. */
static int write_frame(struct a64_injection *in, const struct pt_call *call)
{
	static struct a64_sigframe f;
	/* The record (<asm/sigcontext.h>), from NT_PRFPREG's state. */
	struct fpsimd_context fp = { .head = { FPSIMD_MAGIC, sizeof(fp) } };
	struct user_fpsimd_struct u;
	struct iovec iov = { &u, sizeof(u) };
	const arch_regs *r = &in->regs;
	unsigned long top = arch_sp(r) - RED_ZONE;
	int err;

	if (ptrace(PTRACE_GETREGSET, in->tid, (void *)NT_PRFPREG_, &iov) < 0)
		return -errno;
	memset(&f, 0, sizeof(f));
	memcpy(f.regs, r->u.regs, sizeof(f.regs));
	/* restart_syscall() would fail (EINTR) after rt_sigreturn reset its
	 * block: the interrupted call is made again from the start. */
	if (in->restart_block && r->u.regs[8] == SYS_restart_syscall) {
		if (in->restarted < 0)
			return -EOPNOTSUPP;
		f.regs[8] = (uint64_t)in->restarted;
	}
	f.sp = r->u.sp;
	f.pc = r->u.pc;
	f.pstate = r->u.pstate;
	f.sigmask = in->mask;
	f.ss_flags = SS_KEEP;
	fp.fpsr = u.fpsr;
	fp.fpcr = u.fpcr;
	memcpy(fp.vregs, u.vregs, sizeof(fp.vregs));
	/* The record, then the end marker (zeros). */
	memcpy(f.reserved, &fp, sizeof(fp));
	in->buf = (top - (call->buf ? call->len : 0)) & ~15UL;
	in->frame = (in->buf - sizeof(f)) & ~15UL;
	if (call->buf && (err = pt_write(in->tid, in->buf, call->buf, call->len)) < 0)
		return err;
	return pt_write(in->tid, in->frame, &f, sizeof(f));
}

/* The registers the thread goes on with after S: R, and x8 set as the
 * kernel sets it after S for restart_syscall() (it does so only while
 * the pc is on the svc, and ours was elsewhere). */
static arch_regs regs_after_s(const struct a64_injection *in)
{
	arch_regs r = in->regs;

	if (in->restart_block)
		r.u.regs[8] = SYS_restart_syscall;
	return r;
}

/* Step 2: at S, on to the sigreturn sequence's entry stop; there, our
 * call instead, run to its exit stop. */
static int run_call(struct a64_injection *in, const struct pt_call *call,
		    int *status)
{
	struct pt_syscall sc;
	arch_regs r = in->regs;
	int err;

	r.u.pc = in->seq;
	r.u.sp = in->frame;
	err = pt_setregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-regs");
	err = pt_syscall(in->tid, 0);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-call");
	err = inject_wait_tid(in->tid, status, 0);
	if (err < 0)
		return err;
	if (!WIFSTOPPED(*status))
		return -ESRCH;
	if (pt_syscall_info(in->tid, &sc) < 0 || sc.op != PTRACE_SYSCALL_INFO_ENTRY ||
	    sc.nr != SYS_rt_sigreturn) {
		/* A signal came first (a stop on the way to the svc): the
		 * thread is put back at S to take it; the call is not made. */
		r = regs_after_s(in);
		err = pt_setregs(in->tid, &r);
		return err < 0 ? inject_gone(in->tid, err, status) : -EINTR;
	}
	err = pt_getregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	for (int i = 0; i < 6; i++)
		r.u.regs[i] = call->args[i];
	if (call->buf)
		r.u.regs[call->buf_arg] = in->buf;
	r.u.pc = in->seq + 4;		/* the svc again, x8 still 139 */
	err = pt_setregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-args");
	err = set_nr(in->tid, (int)call->nr);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-nr");
	return inject_run_to_exit(in->tid, NULL, status);
}

/* Step 3: the result, then R back and an interrupt stop there. */
static int put_back(struct a64_injection *in, const struct pt_call *call,
		    long *ret, int *status)
{
	arch_regs r;
	int err;

	killpoint("inject-exit");
	err = pt_getregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	*ret = (long)r.u.regs[0];
	if (call->buf)
		pt_read(in->tid, in->buf, call->buf, call->len);
	err = set_nr(in->tid, -1);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-nonr");
	r = regs_after_s(in);
	err = pt_setregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-restored");
	err = pt_interrupt(in->tid);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	err = pt_syscall(in->tid, 0);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-back");
	err = inject_wait_tid(in->tid, status, 0);
	if (err < 0)
		return err;
	return WIFSTOPPED(*status) ? 0 : -ESRCH;
}

int pt_inject_call(int tid, const struct pt_call *call, long *ret,
		   int *status)
{
	struct a64_injection in = { .tid = tid, .restarted = -1 };
	int err;

	*status = 0;
	if (call->buf && (call->len > PT_CALL_BUF_MAX || call->buf_arg < 0 ||
			  call->buf_arg > 5))
		return -EINVAL;
	err = reach_s(&in, status);
	if (err < 0)
		return err;
	killpoint("inject-entry");
	err = check_thread(tid, &in.regs);
	if (err < 0)
		return err;
	in.seq = inject_find_sigreturn(tid);
	if (!in.seq)
		return -EOPNOTSUPP;
	err = write_frame(&in, call);
	if (err < 0)
		return err == -EFAULT ? -EOPNOTSUPP : err;
	killpoint("inject-frame");
	err = run_call(&in, call, status);
	if (err < 0)
		return err;
	return put_back(&in, call, ret, status);
}

#endif
