/* Unit test: names for signals, si_code values, clone flags, wait options. */
#include "config.h"
#include "decode.h"
#include "check.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
	const char *names[8];
	unsigned long long rest;
	size_t n;

	CHECK_STR(decode_signal_name(SIGCHLD), "SIGCHLD");
	CHECK_STR(decode_signal_name(SIGKILL), "SIGKILL");
	CHECK_STR(decode_signal_name(32), "SIGRTMIN");
	CHECK_STR(decode_signal_name(35), "SIGRTMIN+3");
	CHECK(decode_signal_name(0) == NULL);
	CHECK(decode_signal_name(65) == NULL);
	CHECK_INT(decode_signal_number("SIGTERM"), SIGTERM);
	CHECK_INT(decode_signal_number("chld"), SIGCHLD);
	CHECK_INT(decode_signal_number("SIGNOPE"), 0);

	CHECK_STR(decode_si_code(SIGCHLD, CLD_EXITED), "CLD_EXITED");
	CHECK_STR(decode_si_code(SIGCHLD, CLD_DUMPED), "CLD_DUMPED");
	CHECK_STR(decode_si_code(SIGCHLD, SI_USER), "SI_USER");
	CHECK_STR(decode_si_code(SIGCHLD, SI_QUEUE), "SI_QUEUE");
	CHECK_STR(decode_si_code(SIGCHLD, SI_TKILL), "SI_TKILL");
	CHECK_STR(decode_si_code(SIGUSR1, SI_KERNEL), "SI_KERNEL");
	CHECK(decode_si_code(SIGUSR1, 3) == NULL);

	n = decode_flags(decode_clone_flags, CLONE_VM | CLONE_VFORK | 0x40000000000ULL,
			 names, 8, &rest);
	CHECK_INT(n, 2);
	CHECK_STR(names[0], "CLONE_VM");
	CHECK_STR(names[1], "CLONE_VFORK");
	CHECK(rest == 0x40000000000ULL);

	n = decode_flags(decode_wait_options, WNOHANG | WNOWAIT | 0x40000000,
			 names, 8, &rest);
	CHECK_INT(n, 3);
	CHECK_STR(names[0], "WNOHANG");
	CHECK_STR(names[1], "WNOWAIT");
	CHECK_STR(names[2], "__WALL");
	CHECK(rest == 0);
	n = decode_flags(decode_wait_options, WNOHANG | WUNTRACED, names, 1, &rest);
	CHECK_INT(n, 1);

	CHECK_STR(decode_idtype(P_PID), "P_PID");
	CHECK_STR(decode_idtype(3), "P_PIDFD");
	CHECK(decode_idtype(9) == NULL);
	CHECK_STR(decode_errno(ECHILD), "ECHILD");
	CHECK_STR(decode_errno(512), "ERESTARTSYS");
	CHECK(decode_errno(0) == NULL);

	CHECK_STR(decode_syscall_name(SYS_wait4), "wait4");
	CHECK_STR(decode_syscall_name(SYS_clone), "clone");
	CHECK(decode_syscall_name(SYS_getppid) == NULL);
	return CHECK_DONE();
}
