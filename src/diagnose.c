/* diagnose.c - explaining a lingering zombie from its parent's state. */
#include "config.h"
#include "diagnose.h"
#include "decode.h"
#include "elfsym.h"
#include "symsrv.h"
#include "procfs.h"
#include "ptrace_util.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	long nr;
	const char *name;
} blocking_syscalls[] = {
	{ SYS_read, "read" }, { SYS_write, "write" },
#ifdef SYS_poll		/* x86_64 only, as select, epoll_wait and pause */
	{ SYS_poll, "poll" }, { SYS_select, "select" },
	{ SYS_epoll_wait, "epoll_wait" }, { SYS_pause, "pause" },
#endif
	{ SYS_pselect6, "pselect6" }, { SYS_ppoll, "ppoll" },
	{ SYS_epoll_pwait, "epoll_pwait" }, { SYS_nanosleep, "nanosleep" },
	{ SYS_clock_nanosleep, "clock_nanosleep" },
	{ SYS_accept, "accept" }, { SYS_accept4, "accept4" },
	{ SYS_connect, "connect" }, { SYS_recvfrom, "recvfrom" },
	{ SYS_recvmsg, "recvmsg" }, { SYS_futex, "futex" },
	{ SYS_wait4, "wait4" }, { SYS_waitid, "waitid" },
	{ SYS_rt_sigsuspend, "rt_sigsuspend" },
	{ SYS_rt_sigtimedwait, "rt_sigtimedwait" }, { SYS_msgrcv, "msgrcv" },
	{ SYS_semop, "semop" }, { SYS_flock, "flock" }, { SYS_fcntl, "fcntl" },
	{ SYS_ioctl, "ioctl" }, { SYS_openat, "openat" },
	/* A sleep interrupted by a stop (ours, for SIGCHLD) and resumed. */
	{ SYS_restart_syscall, "restart_syscall" },
};

const char *diagnose_syscall_name(long nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(blocking_syscalls); i++)
		if (blocking_syscalls[i].nr == nr)
			return blocking_syscalls[i].name;
	return NULL;
}

/* /proc/PID/syscall: "61 0x1 0x2 ... sp pc" blocked in a syscall,
 * "running", or "-1 sp pc" in user space. */
static long read_syscall(int pid, unsigned long *args)
{
	char path[64], buf[256], *p = buf;
	long nr;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	if (procfs_read(path, buf, sizeof(buf)) <= 0)
		return -2;
	if (!strncmp(buf, "running", 7))
		return -1;
	nr = strtol(p, &p, 10);
	for (int i = 0; i < 6 && nr >= 0; i++)
		args[i] = strtoul(p, &p, 16);
	return nr;
}

static void read_wchan(int pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (procfs_read(path, buf, len) < 0 || !strcmp(buf, "0"))
		buf[0] = '\0';
}

int diagnose_collect(int pid, struct diag_facts *f)
{
	unsigned long long bit = 1ULL << (SIGCHLD - 1);
	struct proc_status st;
	struct proc_stat ps;
	int err;

	f->parent = pid;
	f->state = 0;
	err = procfs_stat(pid, &ps);
	if (err < 0 || procfs_status(pid, 0, &st) < 0)
		return err < 0 ? err : -ESRCH;
	memcpy(f->comm, ps.comm, sizeof(f->comm));
	f->state = ps.state;
	f->syscall = read_syscall(pid, f->args);
	read_wchan(pid, f->wchan, sizeof(f->wchan));
	f->sigchld = (st.sig_ign & bit) ? DIAG_SIGCHLD_IGNORED :
		     (st.sig_cgt & bit) ? DIAG_SIGCHLD_CAUGHT : DIAG_SIGCHLD_DEFAULT;
	f->sigchld_blocked = st.sig_blk & bit;
	f->sigchld_pending = (st.sig_pnd & bit) || (st.shd_pnd & bit);
	f->is_init = pid == 1 || st.nspid_inner == 1;
	return 0;
}

/* The kernel's struct sigaction, as rt_sigaction() fills it on x86_64. */
struct kernel_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	unsigned long mask;
};

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/* The file mapped at addr in pid, and addr's offset in it. */
static int map_of(int pid, unsigned long addr, char *path, size_t len,
		  unsigned long *off)
{
	char maps[64], line[4096 + 128], file[4096];
	unsigned long start, end, offset;
	int err = -ENOENT;
	FILE *fp;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	fp = fopen(maps, "re");
	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp)) {
		file[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095[^\n]", &start,
			   &end, &offset, file) < 3 || addr < start || addr >= end)
			continue;
		if (file[0] == '/') {
			snprintf(path, len, "%s", file);
			*off = addr - start + offset;
			err = 0;
		}
		break;
	}
	fclose(fp);
	return err;
}

/* Names the handler at sa->handler: "function+0xoff" from the ELF
 * symbols of the file mapped there, and the file's name when it is not
 * the program itself. */
static void name_handler(int pid, struct diag_sigaction *sa)
{
	char path[4096], exe[4096];
	struct elfsym_info info;
	struct symsrv *sv;
	unsigned long off = 0;

	snprintf(sa->name, sizeof(sa->name), "%#lx", sa->handler);
	sa->file[0] = '\0';
	if (map_of(pid, sa->handler, path, sizeof(path), &off) < 0)
		return;
	if (procfs_exe(pid, exe, sizeof(exe)) < 0 || strcmp(exe, path))
		snprintf(sa->file, sizeof(sa->file), "%s",
			 strrchr(path, '/') + 1);
	/* A diagnosis is rare: a symbolizer for the one lookup, in a
	 * sandboxed helper as every parse of a traced program's ELF. */
	sv = symsrv_new(0);
	if (symsrv_lookup(sv, path, off, &info) == 0 && info.function)
		snprintf(sa->name, sizeof(sa->name), "%s+0x%lx",
			 info.function, info.func_offset);
	symsrv_free(sv);
}

int diagnose_sigaction(int pid, int tid, struct diag_sigaction *sa,
		       int *status)
{
	struct kernel_sigaction ksa;
	/* 8: the kernel's sigset_t, not libc's 128 bytes; old is args[2]. */
	struct pt_call call = { .nr = SYS_rt_sigaction,
				.args = { SIGCHLD, 0, 0, 8, 0, 0 },
				.buf = &ksa, .len = sizeof(ksa), .buf_arg = 2 };
	long ret;
	int err;

	sa->known = false;
	err = pt_inject_call(tid, &call, &ret, status);
	if (err < 0)
		return err;
	if (ret < 0)
		return (int)ret;
	sa->known = true;
	sa->handler = ksa.handler;
	sa->flags = ksa.flags & ~(unsigned long)SA_RESTORER;
	sa->mask = ksa.mask;
	sa->name[0] = sa->file[0] = '\0';
	if (sa->handler != (unsigned long)SIG_DFL &&
	    sa->handler != (unsigned long)SIG_IGN)
		name_handler(pid, sa);
	return 0;
}

void diagnose_set_sigaction(struct diag_facts *f,
			    const struct diag_sigaction *sa)
{
	f->sa = *sa;
	if (!sa->known)
		return;
	/* Fresher than /proc's SigCgt and SigIgn, read a moment before. */
	f->sigchld = sa->handler == (unsigned long)SIG_DFL ? DIAG_SIGCHLD_DEFAULT :
		     sa->handler == (unsigned long)SIG_IGN ? DIAG_SIGCHLD_IGNORED :
		     DIAG_SIGCHLD_CAUGHT;
}

static void explain_activity(const struct diag_facts *f, char *buf, size_t len)
{
	const char *sc = diagnose_syscall_name(f->syscall);

	switch (f->state) {
	case 'T':
	case 't':
		strappendf(buf, len, "is stopped");
		return;
	case 'Z':
	case 'X':
		strappendf(buf, len, "has exited itself and is a zombie too");
		return;
	case 'R':
		strappendf(buf, len, "is running");
		return;
	default:
		break;
	}
	if (f->syscall == SYS_wait4 && (long)(int)f->args[0] > 0)
		strappendf(buf, len, "is blocked in wait4() for pid %d only",
		    (int)f->args[0]);
	else if (f->syscall == SYS_waitid && f->args[0] == P_PID)
		strappendf(buf, len, "is blocked in waitid() for pid %d only",
		    (int)f->args[1]);
	else if (f->syscall == SYS_restart_syscall)
		strappendf(buf, len, "is sleeping (a sleep resumed after a signal)");
	else if (sc)
		strappendf(buf, len, "is blocked in %s()", sc);
	else if (f->syscall >= 0)
		strappendf(buf, len, "is blocked in syscall %ld", f->syscall);
	else if (f->wchan[0])
		strappendf(buf, len, "is sleeping in %s", f->wchan);
	else
		strappendf(buf, len, "is sleeping");
}

static void explain_where(const struct diag_facts *f, char *buf, size_t len)
{
	if (f->where[0])
		strappendf(buf, len, " at %s", f->where);
}

static void explain_waits(const struct diag_facts *f, int zombie, char *buf,
			  size_t len)
{
	if (!f->traced)
		return;
	if (!f->waits_seen) {
		if (f->syscall != SYS_wait4 && f->syscall != SYS_waitid)
			strappendf(buf, len, ", has not called wait4/waitid since "
			    "the child exited");
		return;
	}
	if (f->last_wait_id > 0 && f->last_wait_id != zombie)
		strappendf(buf, len, ", waits only for pid %ld", f->last_wait_id);
	else if (f->last_wait_options & WNOHANG)
		strappendf(buf, len, ", polled with WNOHANG %u time%s and moved on",
		    f->waits_seen, f->waits_seen == 1 ? "" : "s");
	else if (f->last_wait_options & WNOWAIT)
		strappendf(buf, len, ", only peeked at it with WNOWAIT");
	else
		strappendf(buf, len, ", called wait %u time%s without taking it",
		    f->waits_seen, f->waits_seen == 1 ? "" : "s");
}

/* " (SA_RESTART, SA_SIGINFO)", or nothing without flags. */
static void explain_sa_flags(const struct diag_facts *f, char *buf, size_t len)
{
	const char *names[16];
	size_t n = decode_flags(decode_sa_flags, f->sa.flags, names,
				ARRAY_SIZE(names), NULL);

	for (size_t i = 0; i < n; i++)
		strappendf(buf, len, "%s%s", i ? ", " : " (", names[i]);
	if (n)
		strappendf(buf, len, ")");
}

static void explain_handler(const struct diag_facts *f, char *buf, size_t len)
{
	static const char coalesce[] = "SIGCHLDs coalesce: a handler must "
				       "loop on waitpid(-1, WNOHANG)";

	if (!f->sa.known) {
		strappendf(buf, len, ", and handles SIGCHLD with a handler that did "
		    "not reap it (handler unknown; %s)", coalesce);
		return;
	}
	strappendf(buf, len, ", and handles SIGCHLD with %s", f->sa.name);
	if (f->sa.file[0])
		strappendf(buf, len, " in %s", f->sa.file);
	explain_sa_flags(f, buf, len);
	strappendf(buf, len, " that did not reap it (%s)", coalesce);
}

static void explain_sigchld(const struct diag_facts *f, char *buf, size_t len)
{
	if (f->sigchld_blocked)
		strappendf(buf, len, ", and blocks SIGCHLD%s", f->sigchld_pending ?
		    " (one is pending)" : "");
	else if (f->sigchld == DIAG_SIGCHLD_CAUGHT)
		explain_handler(f, buf, len);
	else if (f->sigchld == DIAG_SIGCHLD_DEFAULT)
		strappendf(buf, len, ", and has no SIGCHLD handler");
	/* The kernel looks at SA_NOCLDWAIT when a child exits: a zombie
	 * under it is older than the flag. */
	if (f->sa.known && (f->sa.flags & SA_NOCLDWAIT))
		strappendf(buf, len, "; SA_NOCLDWAIT is set: the kernel reaps "
		    "children that exit from now on, this one exited before");
}

void diagnose_explain(const struct diag_facts *f, int zombie,
		      const char *comm, double seconds, char *buf, size_t len)
{
	buf[0] = '\0';
	strappendf(buf, len, "pid %d (%s) has been a zombie for %.1f s: ", zombie,
	    comm && *comm ? comm : "?", seconds);
	if (!f->state) {
		strappendf(buf, len, "its parent %d is gone and it was not adopted yet",
		    f->parent);
		return;
	}
	strappendf(buf, len, "its parent %d (%s) ", f->parent, f->comm);
	if (f->is_init) {
		strappendf(buf, len, "is the init of its pid namespace and has not "
		    "reaped it (it was adopted after its parent died)");
		if (!f->traced)
			return;
		strappendf(buf, len, "; it ");
	}
	explain_activity(f, buf, len);
	explain_where(f, buf, len);
	explain_waits(f, zombie, buf, len);
	explain_sigchld(f, buf, len);
}
