/* yama.c - ptrace permission checks and their explanations. */
#include "config.h"
#include "yama.h"
#include "procfs.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SCOPE_FILE "/proc/sys/kernel/yama/ptrace_scope"
#define CAP_SYS_PTRACE_BIT 19

int yama_scope(void)
{
	char buf[16] = "";
	int fd = open(SCOPE_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

bool yama_have_cap_sys_ptrace(void)
{
	struct proc_status st;

	return procfs_status(getpid(), 0, &st) == 0 &&
	       (st.cap_eff & (1ULL << CAP_SYS_PTRACE_BIT));
}

int yama_precheck(bool attach)
{
	int scope = yama_scope();

	if (scope >= 3) {
		warnx_("ptrace is disabled on this system: %s is %d, which forbids "
		       "tracing any process, %s; it can only be lowered by a "
		       "reboot (then: sysctl kernel.yama.ptrace_scope=1)",
		       SCOPE_FILE, scope,
		       attach ? "even as root" : "even a child zwatch starts");
		return -EPERM;
	}
	if (scope == 2 && !yama_have_cap_sys_ptrace()) {
		warnx_("%s is 2: only processes with CAP_SYS_PTRACE may trace; "
		       "run zwatch as root (sudo zwatch ...) or lower it with "
		       "sysctl kernel.yama.ptrace_scope=1", SCOPE_FILE);
		return -EPERM;
	}
	return 0;
}

static void explain_eperm(int pid)
{
	struct proc_status st;
	struct proc_stat ps;
	int scope = yama_scope();

	if (procfs_status(pid, 0, &st) == 0 && st.tracer) {
		warnx_("cannot attach to %d: it is already traced by %d "
		       "(TracerPid in /proc/%d/status); a process has only one tracer",
		       pid, st.tracer, pid);
		return;
	}
	/* Seizing a process that is exiting fails with EPERM too. */
	if (procfs_stat(pid, &ps) < 0 || ps.state == 'X') {
		warnx_("cannot attach to %d: no such process (it exited as zwatch "
		       "attached)", pid);
		return;
	}
	if (ps.state == 'Z') {
		warnx_("cannot attach to %d: it is a zombie (exited, waiting to be "
		       "reaped by %d); attach to its parent instead", pid, ps.ppid);
		return;
	}
	if (procfs_status(pid, 0, &st) == 0 && st.uid != (int)getuid() &&
	    !yama_have_cap_sys_ptrace()) {
		warnx_("cannot attach to %d: it belongs to uid %d and you are uid %d; "
		       "run zwatch as root (sudo zwatch -p %d)",
		       pid, st.uid, (int)getuid(), pid);
		return;
	}
	if (scope == 1) {
		warnx_("cannot attach to %d: %s is 1, so only a process's ancestors "
		       "(or one it allowed with prctl(PR_SET_PTRACER)) may trace it; "
		       "run zwatch as root (sudo zwatch -p %d) or lower it with "
		       "sysctl kernel.yama.ptrace_scope=0", pid, SCOPE_FILE, pid);
		return;
	}
	warnx_("cannot attach to %d: operation not permitted (a security module, "
	       "seccomp or container policy forbids ptrace?)", pid);
}

void yama_explain(int pid, int err)
{
	switch (err) {
	case -EPERM:
		explain_eperm(pid);
		break;
	case -ESRCH:
		warnx_("cannot attach to %d: no such process", pid);
		break;
	default:
		warn_errno(-err, "cannot attach to %d", pid);
		break;
	}
}
