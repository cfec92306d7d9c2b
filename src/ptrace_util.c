/* ptrace_util.c - thin ptrace wrappers returning 0 or -errno. */
#include "config.h"
#include "ptrace_util.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int req(int request, int tid, unsigned long addr, unsigned long data)
{
	if (ptrace(request, tid, (void *)addr, (void *)data) < 0)
		return -errno;
	return 0;
}

int pt_seize(int tid, unsigned long options)
{
	return req(PTRACE_SEIZE, tid, 0, options);
}

int pt_interrupt(int tid)
{
	return req(PTRACE_INTERRUPT, tid, 0, 0);
}

int pt_cont(int tid, int sig)
{
	return req(PTRACE_CONT, tid, 0, (unsigned long)sig);
}

int pt_syscall(int tid, int sig)
{
	return req(PTRACE_SYSCALL, tid, 0, (unsigned long)sig);
}

int pt_listen(int tid)
{
	return req(PTRACE_LISTEN, tid, 0, 0);
}

int pt_detach(int tid, int sig)
{
	return req(PTRACE_DETACH, tid, 0, (unsigned long)sig);
}

int pt_geteventmsg(int tid, unsigned long *msg)
{
	return req(PTRACE_GETEVENTMSG, tid, 0, (unsigned long)msg);
}

int pt_getregs(int tid, arch_regs *regs)
{
	struct iovec iov = { ARCH_REGSET(regs), sizeof(*ARCH_REGSET(regs)) };
	int err = req(PTRACE_GETREGSET, tid, NT_PRSTATUS, (unsigned long)&iov);

	return err < 0 ? err : arch_regs_complete(tid, regs);
}

int pt_getsiginfo(int tid, siginfo_t *si)
{
	return req(PTRACE_GETSIGINFO, tid, 0, (unsigned long)si);
}

int pt_setregs(int tid, const arch_regs *regs)
{
	struct iovec iov = { (void *)ARCH_REGSET(regs),
			     sizeof(*ARCH_REGSET(regs)) };

	return req(PTRACE_SETREGSET, tid, NT_PRSTATUS, (unsigned long)&iov);
}

int pt_setsiginfo(int tid, const siginfo_t *si)
{
	return req(PTRACE_SETSIGINFO, tid, 0, (unsigned long)si);
}

int pt_singlestep(int tid, int sig)
{
	return req(PTRACE_SINGLESTEP, tid, 0, (unsigned long)sig);
}

int pt_syscall_info(int tid, struct pt_syscall *sc)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);

	if (n < 0)
		return -errno;
	sc->op = info.op;
	sc->nr = -1;
	sc->ret = 0;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		sc->nr = (long)info.entry.nr;
		for (int i = 0; i < 6; i++)
			sc->args[i] = (unsigned long)info.entry.args[i];
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		sc->ret = (long)info.exit.rval;
	}
	return 0;
}

int pt_read(int pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int pt_write(int pid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* ---- running a syscall inside a tracee ----------------------------------
 *
 * A thread we interrupted in a blocked call (or that just returned from
 * one) is in a ptrace stop inside the kernel's get_signal(), with the pc
 * right after its syscall instruction, orig_rax = the call and rax = its
 * result, often -ERESTARTSYS, -ERESTARTNOHAND or -ERESTART_RESTARTBLOCK.
 * When get_signal() returns, the kernel decides from those registers, as
 * they are then, whether to restart the call (rip -= 2, rax = orig_rax or
 * restart_syscall), fail it with -EINTR (a handler runs without
 * SA_RESTART), and whether to put back a sigsuspend()'s mask.
 *
 * So: point the pc back at the syscall instruction, load our call, and
 * single-step it.  orig_rax = -1 while ours is loaded, so that leaving
 * the stop does not run that restart logic on our registers.  The step's
 * trap after the instruction is a SIGTRAP delivery stop: inside
 * get_signal() again.  Put the saved registers back there and the kernel
 * takes the same decision from the same registers as it would have at
 * the original stop; the trap itself is discarded by restarting with
 * signal 0.  It must be a signal stop: PTRACE_SYSCALL would end at a
 * syscall-exit stop, after which no restart logic runs unless a signal
 * happens to be pending, and the program's call fails with errno 516.
 * The smallest program that shows it, traced by a tracer that seizes it,
 * interrupts it, runs a call with PTRACE_SYSCALL and restores at the exit
 * stop:
 *
 *	int main(void)
 *	{
 *		struct timespec ts = { 2, 0 };
 *
 *		printf("%d\n", nanosleep(&ts, NULL) ? errno : 0);
 *	}
 *
 * prints 516 (ERESTART_RESTARTBLOCK) at once instead of 0 after 2 s.
 *
 * Signals: the thread may dequeue a pending signal before it reaches our
 * instruction; that delivery stop is ours to swallow (restart with 0),
 * so we keep its siginfo and, once the registers are back, put it in
 * place of the trap's with PTRACE_SETSIGINFO: the final stop is then that
 * signal's delivery stop, with its own siginfo, as if we had never been
 * there, and is reported as such to the caller.  A second signal, or a
 * group-stop, before our call ran: put the registers back at that stop and
 * hand it over; the first signal is sent again with tkill (same signal,
 * a siginfo that says SI_TKILL).  A group-stop after our call ran but
 * before its trap (a SIGSTOP from elsewhere in that instant) is stepped
 * through: that thread then runs until its next stop.
 */

struct injection {
	int tid;
	arch_regs regs;		/* the thread's own */
	siginfo_t carried;	/* a signal it dequeued while we stepped */
	bool carrying;
	sigset_t resend;	/* others, sent again when done */
};

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

static int after_syscall_insn(int tid, const arch_regs *r)
{
	struct pt_syscall sc;
	long word;
	int err = pt_syscall_info(tid, &sc);

	if (err < 0)
		return err;
	if (!ARCH_CAN_INJECT)
		return -EOPNOTSUPP;
	/* At a syscall-entry (or seccomp) stop the kernel is about to run
	 * the call in orig_rax: it is not ours to replace. */
	if (sc.op == PTRACE_SYSCALL_INFO_ENTRY ||
	    sc.op == PTRACE_SYSCALL_INFO_SECCOMP)
		return -EOPNOTSUPP;
	/* orig_rax is -1 when it was stopped in user code. */
	if (!arch_is_native(r) || arch_syscall_nr(r) < 0)
		return -EOPNOTSUPP;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid,
		      (void *)(arch_pc(r) - ARCH_SYSCALL_INSN_LEN), NULL);
	if (errno)
		return -errno;
	return ((unsigned long)word & ARCH_SYSCALL_INSN_MASK) ==
	       ARCH_SYSCALL_INSN ? 0 : -EOPNOTSUPP;
}

/* The thread was killed while in our hands: its exit is on its way. */
static int wait_gone(int tid, int *status)
{
	while (waitpid(tid, status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return -ESRCH;
}

static void resend(const struct injection *in, bool carried)
{
	if (carried && in->carrying)
		syscall(SYS_tkill, in->tid, in->carried.si_signo);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&in->resend, sig) == 1)
			syscall(SYS_tkill, in->tid, sig);
}

enum step_next { STEP_AGAIN, STEP_DONE, STEP_LEFT };

/* What the stop st, met while our call runs, means. */
static enum step_next on_step_stop(struct injection *in, int st, long *ret)
{
	int sig = WSTOPSIG(st), event = (unsigned)st >> 16;
	unsigned long pc = arch_pc(&in->regs);
	arch_regs now;
	bool ran;

	if (!WIFSTOPPED(st) || pt_getregs(in->tid, &now) < 0)
		return STEP_LEFT;
	ran = arch_pc(&now) != pc - ARCH_SYSCALL_INSN_LEN;
	if (!event && sig == SIGTRAP && arch_pc(&now) == pc) {
		*ret = arch_syscall_ret(&now);
		return STEP_DONE;
	}
	/* Our own PTRACE_INTERRUPT's trap, when a syscall-exit stop came
	 * first: taken here instead of by the caller. */
	if (event == PTRACE_EVENT_STOP && !is_stop_signal(sig))
		return STEP_AGAIN;
	if (event && event != PTRACE_EVENT_STOP)
		return STEP_AGAIN;
	if (ran) {
		/* The trap is synchronous and dequeued before any other
		 * signal; anything else here is sent again afterwards. */
		if (!event)
			sigaddset(&in->resend, sig);
		return STEP_AGAIN;
	}
	if (!event && !in->carrying &&
	    pt_getsiginfo(in->tid, &in->carried) == 0) {
		in->carrying = true;
		return STEP_AGAIN;
	}
	return STEP_LEFT;
}

/* Steps the loaded call until it is done (0), or the thread leaves
 * (-EINTR: *status is where it is now; -ESRCH: it exited). */
static int step_call(struct injection *in, long *ret, int *status)
{
	for (;;) {
		int err = pt_singlestep(in->tid, 0);

		if (err < 0 && err != -ESRCH)
			return err;
		while (waitpid(in->tid, status, __WALL) < 0)
			if (errno != EINTR)
				return -errno;
		if (!WIFSTOPPED(*status))
			return -ESRCH;
		switch (on_step_stop(in, *status, ret)) {
		case STEP_AGAIN:
			continue;
		case STEP_DONE:
			return 0;
		case STEP_LEFT:
			return -EINTR;
		}
	}
}

/* Puts the thread's registers back and says where it is. */
static int finish(struct injection *in, int err, int *status)
{
	if (err == -ESRCH)
		return err;	/* exited: *status says how */
	if (pt_setregs(in->tid, &in->regs) < 0)
		return wait_gone(in->tid, status);
	if (err == -EINTR) {
		resend(in, true);
		return err;	/* *status: the stop it is in now */
	}
	*status = 0;
	if (!err && in->carrying) {
		if (pt_setsiginfo(in->tid, &in->carried) < 0)
			return wait_gone(in->tid, status);
		*status = W_STOPCODE(in->carried.si_signo);
	}
	resend(in, err < 0);
	return err;
}

int pt_inject_syscall(int tid, long nr, const unsigned long args[6],
		      long *ret, int *status)
{
	struct injection in = { .tid = tid };
	arch_regs r;
	int err;

	*status = 0;
	sigemptyset(&in.resend);
	err = pt_getregs(tid, &in.regs);
	if (err < 0)
		return err;
	err = after_syscall_insn(tid, &in.regs);
	if (err < 0)
		return err;
	r = in.regs;
	arch_set_syscall(&r, nr, args);
	err = pt_setregs(tid, &r);
	if (err < 0)
		return err;
	err = step_call(&in, ret, status);
	return finish(&in, err, status);
}
