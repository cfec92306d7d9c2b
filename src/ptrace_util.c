/* ptrace_util.c - thin ptrace wrappers returning 0 or -errno. */
#include "config.h"
#include "ptrace_util.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

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
