/* arch_aarch64.c - what an aarch64 stop's registers do not say: whether
 * the thread is in a syscall (see arch.h). */
#include "config.h"

#include "arch.h"

#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>

/* The instruction word at addr is svc #0.  A failed read (an unmapped pc
 * after a jump to nowhere) is "no". */
static bool is_svc(int tid, unsigned long addr)
{
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, (void *)addr, NULL);
	return !errno && ((unsigned long)word & ARCH_SYSCALL_INSN_MASK) ==
			 ARCH_SYSCALL_INSN;
}

int arch_regs_complete(int tid, arch_regs *r)
{
	r->nr = -1;
	r->at_svc = false;
	if (!arch_is_native(r))
		return 0;
	if (is_svc(tid, r->u.pc - ARCH_SYSCALL_INSN_LEN)) {
		r->nr = (long)r->u.regs[8];
	} else if (is_svc(tid, r->u.pc)) {
		r->nr = (long)r->u.regs[8];
		r->at_svc = true;
	}
	return 0;
}
