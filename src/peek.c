/* peek.c - a moment's stop of a process that is not ours to trace for
 * long: seize, interrupt, look, detach.  See peek.h for what "leaving it
 * as it was" covers.
 */
#include "config.h"
#include "peek.h"
#include "procfs.h"
#include "ptrace_util.h"
#include "yama.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* Neither traced by another (that one would see our stops, and a
 * process has one tracer) nor stopped (a look would end its stop). */
static int lookable(int pid, int tid)
{
	struct proc_status st;
	struct proc_stat ps;
	char path[64];
	int err, fd;

	err = procfs_status(pid, tid, &st);
	if (err < 0)
		return err;
	if (st.tracer)
		return -EBUSY;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = procfs_stat_fd(fd, &ps);
	close(fd);
	if (err < 0)
		return err;
	if (ps.state == 'T' || ps.state == 't')
		return -EAGAIN;
	if (ps.state == 'Z' || ps.state == 'X')
		return -ESRCH;
	return 0;
}

static bool is_descendant(int pid)
{
	struct proc_stat st;

	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		if (pid == getpid())
			return true;
		if (procfs_stat(pid, &st) < 0)
			return false;
		pid = st.ppid;
	}
	return false;
}

/* What Yama would refuse, refused before trying: the kernel may not
 * enforce the scope /proc shows (a container's view), and a refusal is
 * the same either way. */
static int yama_refuses(int pid)
{
	int scope = yama_scope();
	bool cap = yama_have_cap_sys_ptrace();

	if (scope >= 3 || (scope == 2 && !cap) ||
	    (scope == 1 && !cap && !is_descendant(pid)))
		return -EPERM;
	return 0;
}

/* Where a wait status from the held thread leaves it. */
void peek_note_status(struct peek *pk, int status)
{
	if (!status)
		return;
	if (!WIFSTOPPED(status)) {
		pk->gone = true;
		pk->held = false;
		return;
	}
	if (WSTOPSIG(status) == (SIGTRAP | 0x80))
		return;		/* a syscall-entry stop: still held */
	/* An interrupt stop (where aarch64's injection ends): held too. */
	if ((unsigned)status >> 16 == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGTRAP)
		return;
	pk->moved = true;
	/* A signal's delivery stop: the signal is delivered at detach.  A
	 * group-stop (PTRACE_EVENT_STOP): detaching leaves it stopped. */
	if (!((unsigned)status >> 16))
		pk->sig = WSTOPSIG(status);
}

static void nap(long *ns)
{
	struct timespec ts = { 0, *ns };

	nanosleep(&ts, NULL);
	if (*ns < 10000000)
		*ns *= 2;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One stop of the seized thread: 1 it is ours to look at, 0 keep
 * waiting, -ESRCH it exited. */
static int on_stop(struct peek *pk, int st)
{
	int sig = WSTOPSIG(st), event = (unsigned)st >> 16;

	if (!WIFSTOPPED(st)) {
		pk->gone = true;
		return -ESRCH;
	}
	if (event == PTRACE_EVENT_STOP) {
		pk->held = true;
		/* A group-stop that began as we seized: it stays. */
		pk->moved = is_stop_signal(sig);
		return 1;
	}
	/* A signal came before our interrupt: let it be delivered as it
	 * would have been; the interrupt's stop follows. */
	pt_cont(pk->tid, event ? 0 : sig);
	return 0;
}

/* Waits up to timeout for the seized thread's stop, without blocking:
 * an uninterruptible sleep does not stop at all until it ends. */
static int wait_stop(struct peek *pk, double timeout)
{
	struct timespec t0;
	long ns = 50000;
	int st, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t w = waitpid(pk->tid, &st, __WALL | WNOHANG);

		if (w < 0 && errno != EINTR)
			return -errno;
		if (w > 0) {
			r = on_stop(pk, st);
			if (r)
				return r < 0 ? r : 0;
			continue;
		}
		if (elapsed(&t0) > timeout)
			return -ETIMEDOUT;
		nap(&ns);
	}
}

int peek_begin(struct peek *pk, int pid, int tid, double timeout)
{
	int err;

	memset(pk, 0, sizeof(*pk));
	pk->pid = pid;
	pk->tid = tid;
	err = lookable(pid, tid);
	if (err < 0)
		return err;
	err = yama_refuses(pid);
	if (err < 0)
		return err;
	err = pt_seize(tid, PTRACE_O_TRACESYSGOOD);
	if (err < 0)
		return err;
	err = pt_interrupt(tid);
	if (err < 0 && err != -ESRCH)
		return err;
	return wait_stop(pk, timeout);
}

/* Runs call in the held thread.  Injection takes it on to a syscall-entry
 * stop: that is a stop we hold too, fit for the next call and for detach
 * (the thread then makes its own call, as it would have). */
static int peek_call(struct peek *pk, const struct pt_call *call, long *ret)
{
	int err, status = 0;

	if (pk->gone)
		return -ESRCH;
	if (!pk->held || pk->moved)
		return -EAGAIN;
	err = pt_inject_call(pk->tid, call, ret, &status);
	peek_note_status(pk, status);
	if (err == -ESRCH)
		pk->gone = true;
	return err;
}

int peek_syscall(struct peek *pk, long nr, const unsigned long args[6],
		 long *ret)
{
	struct pt_call call = { .nr = nr };

	memcpy(call.args, args, sizeof(call.args));
	return peek_call(pk, &call, ret);
}

int peek_syscall_out(struct peek *pk, long nr, unsigned long args[6],
		     int out_arg, void *out, size_t len, long *ret)
{
	struct pt_call call = { .nr = nr, .buf = out, .len = len,
				.buf_arg = out_arg };

	if (len > PEEK_OUT_MAX || out_arg < 0 || out_arg > 5)
		return -EINVAL;
	memcpy(call.args, args, sizeof(call.args));
	return peek_call(pk, &call, ret);
}

int peek_end(struct peek *pk)
{
	int st, err;

	if (pk->gone)
		return 0;
	if (!pk->held) {
		/* Seized but never stopped: perhaps it has now. */
		pid_t w = waitpid(pk->tid, &st, __WALL | WNOHANG);

		if (w <= 0 || on_stop(pk, st) <= 0)
			return pk->gone ? 0 : -ETIMEDOUT;
	}
	err = pt_detach(pk->tid, pk->sig);
	pk->held = false;
	return err == -ESRCH ? 0 : err;
}
