/* inject.c - running a system call inside a traced thread (rt_sigaction
 * for --diagnose and the SA_NOCLDWAIT probe), designed so that zwatch may
 * die (SIGKILL) at any instant of it without harming the thread.
 *
 * What the kernel does to a tracee whose tracer dies: exit_ptrace() ->
 * __ptrace_detach() -> __ptrace_unlink() clears the tracing and wakes the
 * tracee from its stop; it does NOT call ptrace_disable() (the trap flag
 * of a single-step stays set) and leaves the stop's exit_code as it was.
 * So, released at:
 *  - a signal-delivery stop: the signal of the stop is delivered (a step's
 *    SIGTRAP kills the thread: the old single-step design's exit 133);
 *  - a syscall-entry stop: the call in orig_rax runs with the argument
 *    registers as they are (the SIGTRAP|0x80 it "resumes with" is no valid
 *    signal, and with PTRACE_O_TRACESYSGOOD send_sig() drops it);
 *  - a syscall-exit stop: the thread returns to user space with the
 *    registers as they are; restart logic runs only if orig_rax >= 0;
 *  - event and group stops: as after PTRACE_CONT with no signal (a group
 *    stop is reinstated).
 * Hence the rule kept here: at every instant the thread may be released,
 * what it will run from its registers is its own code and ends in its
 * own state.
 *
 *   0. It is resumed (PTRACE_SYSCALL, a signal-delivery stop's signal
 *      delivered) to its next syscall-entry stop E, so the kernel takes
 *      every restart and signal decision of the stop it was in, itself.
 *      Dying meanwhile: nothing of ours is in it.
 *   1. At E (registers R, about to make call N), below the stack's red
 *      zone: our buffer, and a signal frame holding R rewound to make N
 *      again (pc on its syscall instruction, rax = N), its signal mask and
 *      FPU state.  Memory below the red zone is not the program's (any
 *      signal frame may land there).  Dying: E runs N as it would have.
 *   2. One PTRACE_SETREGSET: orig_rax = our call, its arguments, pc = a
 *      "mov $15,%rax; syscall" of its own program (libc's __restore_rt),
 *      sp = the frame.  Dying from here on: our call runs (it only reads
 *      state and writes our buffer), returns to __restore_rt, whose
 *      rt_sigreturn puts R back from the frame and N is made again.  A
 *      signal arriving in between runs its handler on the stack below the
 *      frame and returns to __restore_rt, as any handler does.
 *   3. At our call's syscall-exit stop: read the result, then set R
 *      rewound (orig_rax = -1: no restart logic) and resume to N's new
 *      entry stop, equal to E.  Dying before that SETREGSET: step 2's
 *      path; after it: N is made again directly.
 * No single-step, no foreign code: at each instant the registers the
 * thread would run on are R (rewound or not), or ones whose execution is
 * its own sigreturn to R.  One inexact case: N is restart_syscall(), whose
 * restart block rt_sigreturn resets; the fallback then makes the
 * interrupted call again from the start (write_frame).  Residual
 * assumptions are in doc/INTERNALS.md.
 *
 * This file holds those steps (x86_64) and what every architecture's
 * steps share (inject_int.h); aarch64 has steps of its own, in
 * inject_aarch64.c, for reasons given there.
 */
#include "config.h"
#include "inject.h"
#include "inject_int.h"
#include "killpoint.h"
#include "procfs.h"
#include "ptrace_util.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if ARCH_CAN_INJECT

/* Bytes of executable mappings searched for a sigreturn sequence. */
#define SCAN_MAX (64UL << 20)

/* waitpid for tid, giving up after ns nanoseconds (0: forever).  The
 * thread usually stops within microseconds: yield first, then nap. */
int inject_wait_tid(int tid, int *status, long ns)
{
	struct timespec nap = { 0, 20000 };
	long waited = 0;
	int yields = 0;

	for (;;) {
		int r = waitpid(tid, status, __WALL | (ns ? WNOHANG : 0));

		if (r == tid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r != 0)
			continue;
		if (waited >= ns)
			return -ETIMEDOUT;
		if (yields++ < 16) {
			sched_yield();
			continue;
		}
		nanosleep(&nap, NULL);
		waited += nap.tv_nsec;
		if (nap.tv_nsec < 1000000)
			nap.tv_nsec *= 2;
	}
}

/* A ptrace request on a stopped thread failed: ESRCH means it was killed
 * in our hands, and its exit is then on its way. */
int inject_gone(int tid, int err, int *status)
{
	if (err != -ESRCH)
		return err;
	inject_wait_tid(tid, status, 0);
	return -ESRCH;
}

int inject_run_to_exit(int tid, const char *point, int *status)
{
	struct pt_syscall sc;
	int err = pt_syscall(tid, 0);

	if (err < 0)
		return inject_gone(tid, err, status);
	if (point)
		killpoint(point);
	/* Nothing stops a thread between a syscall's entry and exit stops
	 * but its death (seccomp's stop is excluded by check_thread). */
	err = inject_wait_tid(tid, status, 0);
	if (err < 0)
		return err;
	if (!WIFSTOPPED(*status))
		return -ESRCH;
	if (pt_syscall_info(tid, &sc) < 0 || sc.op != PTRACE_SYSCALL_INFO_EXIT)
		return -EPROTO;
	return 0;
}

/* The signal a restart of tid's current stop delivers as it came: that
 * of a signal-delivery stop, none for event, group and syscall stops. */
int inject_stop_signal(int tid, const struct pt_syscall *sc)
{
	siginfo_t si;

	if (sc->op != PTRACE_SYSCALL_INFO_NONE || pt_getsiginfo(tid, &si) < 0)
		return 0;
	/* ptrace_do_notify()'s traps: si_code is (event << 8) | signal. */
	if (si.si_signo == SIGTRAP && si.si_code >= 0x100)
		return 0;
	return si.si_signo;
}

/* ---- a sigreturn sequence in the thread's own program -------------------- */

static const struct {
	size_t len;
	const char *bytes;
} seqs[] = ARCH_SIGRETURN_SEQS;

/* Whether addr in pid holds one of seqs. */
static bool is_sigreturn_seq(int pid, unsigned long addr)
{
	unsigned char b[ARCH_SIGRETURN_SEQ_MAX];

	if (pt_read(pid, addr, b, sizeof(b)) < 0)
		return false;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		if (!memcmp(b, seqs[i].bytes, seqs[i].len))
			return true;
	return false;
}

/* Searches len bytes of pid's memory at start for a sequence; 0 if none. */
static unsigned long scan_range(int pid, unsigned long start, size_t len)
{
	static unsigned char chunk[65536 + ARCH_SIGRETURN_SEQ_MAX];

	for (size_t off = 0; off < len; off += 65536) {
		size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);

		if (pt_read(pid, start + off, chunk, n) < 0)
			return 0;
		for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
			unsigned char *hit = memmem(chunk, n, seqs[i].bytes,
						    seqs[i].len);

			if (hit)
				return start + off + (unsigned long)(hit - chunk);
		}
	}
	return 0;
}

/* The executable file mappings of pid, libc's first (where glibc keeps
 * __restore_rt; on aarch64 the vdso's __kernel_rt_sigreturn, which
 * glibc's handlers return through, comes first too), then the others;
 * 0 if none has a sequence. */
static unsigned long scan_maps(int pid)
{
	char path[64], line[4096 + 128];
	unsigned long found = 0, budget = SCAN_MAX;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	for (int pass = 0; pass < 2 && !found; pass++) {
		FILE *fp = fopen(path, "re");

		if (!fp)
			return 0;
		while (!found && fgets(line, sizeof(line), fp)) {
			unsigned long start, end;
			char perms[5];
			bool libc = strstr(line, "/libc.so") || strstr(line, "/libc-") ||
				    strstr(line, "ld-musl") ||
				    (ARCH_SIGRETURN_IN_VDSO && strstr(line, " [vdso]"));

			if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3 ||
			    perms[2] != 'x' || (!strchr(line, '/') && !libc) ||
			    libc != (pass == 0) || end - start > budget)
				continue;
			budget -= end - start;
			found = scan_range(pid, start, end - start);
		}
		fclose(fp);
	}
	return found;
}

/* Where pid has a sigreturn sequence, remembered per process and checked
 * again at every use (the pid may be reused, the program exec'd). */
unsigned long inject_find_sigreturn(int pid)
{
	static struct {
		int pid;
		unsigned long addr;
	} cache[64];
	size_t slot = (size_t)pid % (sizeof(cache) / sizeof(cache[0]));

	if (cache[slot].pid == pid && is_sigreturn_seq(pid, cache[slot].addr))
		return cache[slot].addr;
	cache[slot].pid = pid;
	cache[slot].addr = scan_maps(pid);
	return cache[slot].addr;
}

#endif	/* ARCH_CAN_INJECT */

#if ARCH_CAN_INJECT && ARCH_INJECT_AT_ENTRY

struct injection {
	int tid;
	arch_regs regs;			/* at E: the thread's own */
	long restarted;			/* the call restart_syscall resumes */
	unsigned long frame;		/* the fallback frame's address */
	unsigned long buf;		/* the call's buffer in the thread */
};

static bool is_entry_stop(int tid, int status)
{
	struct pt_syscall sc;

	return WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80) &&
	       pt_syscall_info(tid, &sc) == 0 &&
	       sc.op == PTRACE_SYSCALL_INFO_ENTRY;
}

/* Step 0: brings tid to a syscall-entry stop.  0 there (*status: its
 * wait status if it moved); -EINTR if it stopped elsewhere or exited
 * first (*status says where; -ESRCH for an exit).  *restarted: the call
 * the kernel is to resume with restart_syscall(), if it is one. */
static int reach_entry(int tid, int *status, long *restarted)
{
	struct pt_syscall sc;
	arch_regs r;
	int err = pt_syscall_info(tid, &sc);

	if (err < 0)
		return err;
	if (sc.op == PTRACE_SYSCALL_INFO_ENTRY)
		return 0;
	if (sc.op == PTRACE_SYSCALL_INFO_SECCOMP)
		return -EOPNOTSUPP;
	err = pt_getregs(tid, &r);
	if (err < 0)
		return err;
	if (arch_syscall_nr(&r) >= 0 &&
	    arch_syscall_ret(&r) == -ERESTART_RESTARTBLOCK)
		*restarted = arch_syscall_nr(&r);
	err = pt_syscall(tid, inject_stop_signal(tid, &sc));
	if (err < 0)
		return inject_gone(tid, err, status);
	killpoint("inject-move");
	err = inject_wait_tid(tid, status, ENTRY_WAIT_NS);
	if (err == -ETIMEDOUT) {
		/* Busy in user code: stop it and give up. */
		pt_interrupt(tid);
		err = inject_wait_tid(tid, status, 0);
	}
	if (err < 0)
		return err;
	if (!WIFSTOPPED(*status))
		return -ESRCH;
	return is_entry_stop(tid, *status) ? 0 : -EINTR;
}

/* ---- steps 1 to 3 --------------------------------------------------------- */

/* Whether tid's state allows running a call in it without surprises: a
 * seccomp filter could kill it for a call it never made, a shadow stack
 * would make the fallback sigreturn fail.  *blocked: its signal mask. */
static int check_thread(int tid, const arch_regs *r, uint64_t *blocked)
{
	struct proc_status st;
	int err;

	if (!arch_is_native(r))
		return -EOPNOTSUPP;
	err = procfs_status(tid, tid, &st);
	if (err < 0)
		return err;
	if (st.seccomp != 0 || st.shadow_stack)
		return -EOPNOTSUPP;
	*blocked = st.sig_blk;
	return 0;
}

/* Step 1: writes the call's buffer and the fallback frame below the red
 * zone of the stack in in->regs. */
static int write_frame(struct injection *in, const struct pt_call *call,
		       uint64_t blocked)
{
	static unsigned char fp[ARCH_FP_MAX];
	/* The regset wants a multiple of 8 bytes; 4 stay for magic2. */
	struct iovec iov = { fp, sizeof(fp) - 8 };
	struct arch_ucontext uc;
	arch_regs rewound = in->regs;
	unsigned long top = arch_sp(&in->regs) - RED_ZONE, fp_addr;
	size_t fp_len;
	int err;

	if (ptrace(PTRACE_GETREGSET, in->tid, (void *)ARCH_FP_REGSET, &iov) < 0)
		return -errno;
	fp_len = arch_fp_prepare(fp, iov.iov_len);
	if (!fp_len)
		return -EOPNOTSUPP;
	in->buf = (top - (call->buf ? call->len : 0)) & ~15UL;
	fp_addr = (in->buf - fp_len) & ~(unsigned long)(ARCH_FP_ALIGN - 1);
	in->frame = (fp_addr - sizeof(uc)) & ~15UL;
	arch_rewind_entry(&rewound);
	/* rt_sigreturn resets the restart block that restart_syscall()
	 * resumes a nanosleep(), poll() or futex wait from (it would fail
	 * with EINTR): the fallback makes the original call again instead,
	 * whose arguments are still in the registers.  It starts over: a
	 * relative timeout is waited in full once more. */
	if (arch_syscall_nr(&in->regs) == SYS_restart_syscall)
		arch_set_call_nr(&rewound, in->restarted);
	arch_fill_frame(&uc, &rewound, blocked, fp_addr);
	if (call->buf && (err = pt_write(in->tid, in->buf, call->buf, call->len)) < 0)
		return err;
	err = pt_write(in->tid, fp_addr, fp, fp_len);
	if (err < 0)
		return err;
	return pt_write(in->tid, in->frame, &uc, sizeof(uc));
}

/* Step 2: loads the call and runs it to its syscall-exit stop. */
static int run_call(struct injection *in, const struct pt_call *call,
		    unsigned long sigreturn, int *status)
{
	unsigned long args[6];
	arch_regs r = in->regs;
	int err;

	memcpy(args, call->args, sizeof(args));
	if (call->buf)
		args[call->buf_arg] = in->buf;
	arch_load_call(&r, call->nr, args, sigreturn, in->frame);
	err = pt_setregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-regs");
	return inject_run_to_exit(in->tid, "inject-call", status);
}

/* Step 3: reads the result, puts the registers back (rewound) and takes
 * the thread to its own call's entry stop again.  *status: that stop's,
 * or where it went instead (a signal came first). */
static int put_back(struct injection *in, const struct pt_call *call,
		    long *ret, int *status)
{
	arch_regs r;
	int err;

	killpoint("inject-exit");
	err = pt_getregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	*ret = arch_syscall_ret(&r);
	if (call->buf)
		pt_read(in->tid, in->buf, call->buf, call->len);
	r = in->regs;
	arch_rewind_entry(&r);
	err = pt_setregs(in->tid, &r);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-restored");
	err = pt_syscall(in->tid, 0);
	if (err < 0)
		return inject_gone(in->tid, err, status);
	killpoint("inject-back");
	err = inject_wait_tid(in->tid, status, 0);
	if (err < 0)
		return err;
	return WIFSTOPPED(*status) ? 0 : -ESRCH;
}

/* Steps 1-3 at an entry stop; status as for pt_inject_call but always set
 * once the thread has moved. */
static int inject_at_entry(int tid, const struct pt_call *call,
			   long restarted, long *ret, int *status)
{
	struct injection in = { .tid = tid, .restarted = restarted };
	unsigned long sigreturn;
	uint64_t blocked;
	int err;

	killpoint("inject-entry");
	err = pt_getregs(tid, &in.regs);
	if (err < 0)
		return err;
	/* A restart_syscall() whose call we did not see interrupted. */
	if (arch_syscall_nr(&in.regs) == SYS_restart_syscall && restarted < 0)
		return -EOPNOTSUPP;
	err = check_thread(tid, &in.regs, &blocked);
	if (err < 0)
		return err;
	sigreturn = inject_find_sigreturn(tid);
	if (!sigreturn)
		return -EOPNOTSUPP;
	err = write_frame(&in, call, blocked);
	if (err < 0)
		return err == -EFAULT ? -EOPNOTSUPP : err;
	killpoint("inject-frame");
	/* On an error the thread may hold our registers: restarted from
	 * wherever it is (-EPROTO, which cannot happen: *status says
	 * where), it runs our call and its sigreturn home. */
	err = run_call(&in, call, sigreturn, status);
	if (err < 0)
		return err;
	return put_back(&in, call, ret, status);
}

int pt_inject_call(int tid, const struct pt_call *call, long *ret,
		   int *status)
{
	int moved = 0, err;
	long restarted = -1;

	*status = 0;
	if (call->buf && (call->len > PT_CALL_BUF_MAX || call->buf_arg < 0 ||
			  call->buf_arg > 5))
		return -EINVAL;
	err = reach_entry(tid, &moved, &restarted);
	if (err < 0) {
		*status = moved;
		return err == -ESRCH ? -ESRCH : err;
	}
	err = inject_at_entry(tid, call, restarted, ret, status);
	if (err == -ESRCH)
		return err;
	/* Back at an entry stop of the same call, with the same registers:
	 * the stop it was in, if it was there already; if not, the one it
	 * moved to (or where it went since). */
	if (*status == 0)
		*status = moved;
	else if (!moved && err == 0 && is_entry_stop(tid, *status))
		*status = 0;
	return err;
}

#elif !ARCH_CAN_INJECT

/* No injection on this architecture: every caller has a way to do
 * without (the diagnosis says the handler is unknown).  aarch64's is in
 * inject_aarch64.c. */
int pt_inject_call(int tid, const struct pt_call *call, long *ret,
		   int *status)
{
	(void)tid;
	(void)call;
	(void)ret;
	*status = 0;
	return -EOPNOTSUPP;
}

#endif

int pt_inject_syscall(int tid, long nr, const unsigned long args[6],
		      long *ret, int *status)
{
	struct pt_call call = { .nr = nr };

	memcpy(call.args, args, sizeof(call.args));
	return pt_inject_call(tid, &call, ret, status);
}
