/* decode.c - name tables for signals, si_code, clone flags, wait options. */
#include "config.h"
#include "decode.h"
#include "util.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef __WNOTHREAD
#define __WNOTHREAD 0x20000000
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif
#ifndef __WCLONE
#define __WCLONE 0x80000000
#endif

const struct flag_name decode_clone_flags[] = {
	{ CLONE_VM, "CLONE_VM" },
	{ CLONE_FS, "CLONE_FS" },
	{ CLONE_FILES, "CLONE_FILES" },
	{ CLONE_SIGHAND, "CLONE_SIGHAND" },
	{ 0x00001000, "CLONE_PIDFD" },
	{ CLONE_PTRACE, "CLONE_PTRACE" },
	{ CLONE_VFORK, "CLONE_VFORK" },
	{ CLONE_PARENT, "CLONE_PARENT" },
	{ CLONE_THREAD, "CLONE_THREAD" },
	{ CLONE_NEWNS, "CLONE_NEWNS" },
	{ CLONE_SYSVSEM, "CLONE_SYSVSEM" },
	{ CLONE_SETTLS, "CLONE_SETTLS" },
	{ CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID" },
	{ CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID" },
	{ 0x00400000, "CLONE_DETACHED" },
	{ CLONE_UNTRACED, "CLONE_UNTRACED" },
	{ CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID" },
	{ 0x02000000, "CLONE_NEWCGROUP" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER" },
	{ CLONE_NEWPID, "CLONE_NEWPID" },
	{ CLONE_NEWNET, "CLONE_NEWNET" },
	{ CLONE_IO, "CLONE_IO" },
	{ 0x100000000ULL, "CLONE_CLEAR_SIGHAND" },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP" },
	{ 0, NULL }
};

const struct flag_name decode_wait_options[] = {
	{ WNOHANG, "WNOHANG" },
	{ WUNTRACED, "WUNTRACED" },	/* == WSTOPPED */
	{ WEXITED, "WEXITED" },
	{ WCONTINUED, "WCONTINUED" },
	{ WNOWAIT, "WNOWAIT" },
	{ __WNOTHREAD, "__WNOTHREAD" },
	{ __WALL, "__WALL" },
	{ __WCLONE, "__WCLONE" },
	{ 0, NULL }
};

const struct flag_name decode_sa_flags[] = {
	{ SA_NOCLDSTOP, "SA_NOCLDSTOP" },
	{ SA_NOCLDWAIT, "SA_NOCLDWAIT" },
	{ SA_SIGINFO, "SA_SIGINFO" },
	{ SA_ONSTACK, "SA_ONSTACK" },
	{ SA_RESTART, "SA_RESTART" },
	{ SA_NODEFER, "SA_NODEFER" },
	{ SA_RESETHAND, "SA_RESETHAND" },
	{ 0, NULL }
};

static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

/* Kernel numbering: SIGRTMIN is 32 for the kernel, whatever glibc reserves. */
#define KERNEL_SIGRTMIN 32
#define KERNEL_NSIG 64

const char *decode_signal_name(int sig)
{
	static char rt[KERNEL_NSIG + 1][16];

	if (sig > 0 && sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	if (sig < KERNEL_SIGRTMIN || sig > KERNEL_NSIG)
		return NULL;
	if (!rt[sig][0]) {
		if (sig == KERNEL_SIGRTMIN)
			snprintf(rt[sig], sizeof(rt[sig]), "SIGRTMIN");
		else
			snprintf(rt[sig], sizeof(rt[sig]), "SIGRTMIN+%d",
				 sig - KERNEL_SIGRTMIN);
	}
	return rt[sig];
}

int decode_signal_number(const char *name)
{
	if (strncasecmp(name, "SIG", 3) != 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "SIG%s", name);
		return decode_signal_number(buf);
	}
	for (int sig = 1; sig <= KERNEL_NSIG; sig++) {
		const char *n = decode_signal_name(sig);

		if (n && strcasecmp(n, name) == 0)
			return sig;
	}
	return 0;
}

struct code_name {
	int code;
	const char *name;
};

static const struct code_name sigchld_codes[] = {
	{ CLD_EXITED, "CLD_EXITED" }, { CLD_KILLED, "CLD_KILLED" },
	{ CLD_DUMPED, "CLD_DUMPED" }, { CLD_TRAPPED, "CLD_TRAPPED" },
	{ CLD_STOPPED, "CLD_STOPPED" }, { CLD_CONTINUED, "CLD_CONTINUED" },
	{ 0, NULL }
};

static const struct code_name generic_codes[] = {
	{ SI_USER, "SI_USER" }, { SI_KERNEL, "SI_KERNEL" },
	{ SI_QUEUE, "SI_QUEUE" }, { SI_TIMER, "SI_TIMER" },
	{ SI_MESGQ, "SI_MESGQ" }, { SI_ASYNCIO, "SI_ASYNCIO" },
	{ SI_SIGIO, "SI_SIGIO" }, { SI_TKILL, "SI_TKILL" },
	{ 0, NULL }
};

static const char *lookup_code(const struct code_name *t, int code)
{
	for (; t->name; t++)
		if (t->code == code)
			return t->name;
	return NULL;
}

const char *decode_si_code(int signo, int code)
{
	/* Positive codes are signal-specific; zero and below are generic. */
	if (code > 0 && code != SI_KERNEL)
		return signo == SIGCHLD ? lookup_code(sigchld_codes, code) : NULL;
	return lookup_code(generic_codes, code);
}

size_t decode_flags(const struct flag_name *table, unsigned long long v,
		    const char **names, size_t max, unsigned long long *rest)
{
	size_t n = 0;

	for (; table->name; table++) {
		if ((v & table->bit) == table->bit && table->bit) {
			if (n < max)
				names[n++] = table->name;
			v &= ~table->bit;
		}
	}
	if (rest)
		*rest = v;
	return n;
}

static const struct code_name idtypes[] = {
	{ P_ALL, "P_ALL" }, { P_PID, "P_PID" }, { P_PGID, "P_PGID" },
	{ 3, "P_PIDFD" }, { 0, NULL }
};

const char *decode_idtype(int idtype)
{
	return idtype == P_ALL ? "P_ALL" : lookup_code(idtypes, idtype);
}

/* Kernel-internal restart codes show up in registers at stops. */
static const struct code_name errnos[] = {
	{ ECHILD, "ECHILD" }, { EINTR, "EINTR" }, { EINVAL, "EINVAL" },
	{ EFAULT, "EFAULT" }, { EAGAIN, "EAGAIN" }, { ESRCH, "ESRCH" },
	{ EPERM, "EPERM" }, { 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" }, { 516, "ERESTART_RESTARTBLOCK" },
	{ 0, NULL }
};

const char *decode_errno(int err)
{
	return lookup_code(errnos, err);
}

static const struct {
	long nr;
	const char *name;
} lifecycle_syscalls[] = {
#ifdef SYS_fork
	{ SYS_fork, "fork" },
#endif
#ifdef SYS_vfork
	{ SYS_vfork, "vfork" },
#endif
	{ SYS_clone, "clone" },
#ifdef SYS_clone3
	{ SYS_clone3, "clone3" },
#else
	{ 435, "clone3" },
#endif
	{ SYS_execve, "execve" },
	{ SYS_execveat, "execveat" },
	{ SYS_exit, "exit" },
	{ SYS_exit_group, "exit_group" },
	{ SYS_wait4, "wait4" },
	{ SYS_waitid, "waitid" },
	{ SYS_rt_sigaction, "rt_sigaction" },
	{ SYS_kill, "kill" },
	{ SYS_tgkill, "tgkill" },
	{ SYS_rt_sigqueueinfo, "rt_sigqueueinfo" },
	{ SYS_prctl, "prctl" },
};

const char *decode_syscall_name(long nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(lifecycle_syscalls); i++)
		if (lifecycle_syscalls[i].nr == nr)
			return lifecycle_syscalls[i].name;
	return NULL;
}
