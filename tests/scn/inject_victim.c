/* inject_victim.c - a parent that --diagnose runs rt_sigaction in, and
 * that checks, itself, that nothing of its state changed however the
 * tracer leaves it (test_inject_kill.py kills zwatch at each step).
 *
 * It catches SIGCHLD without SA_RESTART, forks a child that exits 7,
 * waits for the SIGCHLD, and leaves the child a zombie while it sleeps
 * 600 ms in raw read()s of timerfds and a raw nanosleep(), with known
 * values in the registers the kernel preserves (r8-r10, r12-r15, rbx,
 * the argument registers, xmm, and ymm upper halves with AVX; on
 * aarch64 x1-x7, x9-x11 and v16) and SIGUSR1 blocked.  A sleep cut short, EINTR or errno 516, a register or
 * the signal mask changed, or a second SIGCHLD is a harm.
 * With "threads" a second thread sleeps the same way meanwhile; with
 * "nanosleep" the nanosleep comes first, so that the injection lands at
 * its restart (restart_syscall).
 *
 * Output (deterministic, compared with an untraced run):
 *   SLEEP who=main ret=0,0,0 full=1 regs=1
 *   MASK usr1=1
 *   CHILD status=7 sigchld=1
 * and exit status 3.
 */
#define _GNU_SOURCE
#include "scn.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

static volatile sig_atomic_t sigchld;

static void on_chld(int sig)
{
	(void)sig;
	sigchld++;
}

#if defined(__x86_64__)
/* nr(a0, a1, a2) with known values in the registers the kernel keeps,
 * and in the upper halves of ymm1 and ymm9. */
__attribute__((target("avx"))) static int ymm_kept(long nr, long a0, long a1,
						 long a2, long *ret)
{
	static const uint64_t in[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
	uint64_t out1[4], out9[4];
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a0;
	register long rsi __asm__("rsi") = a1;
	register long rdx __asm__("rdx") = a2;
	register uint64_t r8 __asm__("r8") = 0x0808080808080808;
	register uint64_t r9 __asm__("r9") = 0x0909090909090909;
	register uint64_t r10 __asm__("r10") = 0x1010101010101010;
	register uint64_t r12 __asm__("r12") = 0x1212121212121212;
	register uint64_t r13 __asm__("r13") = 0x1313131313131313;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515;
	uint64_t rbx = 0xb0b0b0b0b0b0b0b0;

	__asm__ volatile("xchgq %[rbx], %%rbx\n\t"
		     "vmovdqu %[in], %%ymm1\n\t"
		     "vmovdqu %[in], %%ymm9\n\t"
		     "syscall\n\t"
		     "vmovdqu %%ymm1, %[o1]\n\t"
		     "vmovdqu %%ymm9, %[o9]\n\t"
		     "xchgq %[rbx], %%rbx\n\t"
		     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r8),
		       "+r"(r9), "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14),
		       "+r"(r15), [rbx] "+m"(rbx), [o1] "=m"(out1),
		       [o9] "=m"(out9)
		     : [in] "m"(in)
		     : "rcx", "r11", "memory", "xmm1", "xmm9");
	*ret = rax;
	return rdi == a0 && rsi == a1 && rdx == a2 &&
	       r8 == 0x0808080808080808 && r9 == 0x0909090909090909 &&
	       r10 == 0x1010101010101010 && r12 == 0x1212121212121212 &&
	       r13 == 0x1313131313131313 && r14 == 0x1414141414141414 &&
	       r15 == 0x1515151515151515 && rbx == 0xb0b0b0b0b0b0b0b0 &&
	       !memcmp(in, out1, sizeof(in)) && !memcmp(in, out9, sizeof(in));
}

/* nr(a0, a1, a2) with known values in the registers the kernel keeps. */
static int regs_kept(long nr, long a0, long a1, long a2, long *ret)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a0;
	register long rsi __asm__("rsi") = a1;
	register long rdx __asm__("rdx") = a2;
	register uint64_t r8 __asm__("r8") = 0x0808080808080808;
	register uint64_t r9 __asm__("r9") = 0x0909090909090909;
	register uint64_t r10 __asm__("r10") = 0x1010101010101010;
	register uint64_t r12 __asm__("r12") = 0x1212121212121212;
	register uint64_t r13 __asm__("r13") = 0x1313131313131313;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515;
	uint64_t rbx = 0xb0b0b0b0b0b0b0b0, x = 0x7777777777777777, xo;

	__asm__ volatile("xchgq %[rbx], %%rbx\n\t"
		     "movq %[x], %%xmm6\n\t"
		     "syscall\n\t"
		     "movq %%xmm6, %[xo]\n\t"
		     "xchgq %[rbx], %%rbx\n\t"
		     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r8),
		       "+r"(r9), "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14),
		       "+r"(r15), [rbx] "+m"(rbx), [xo] "=m"(xo)
		     : [x] "m"(x)
		     : "rcx", "r11", "memory", "xmm6");
	*ret = rax;
	return rdi == a0 && rsi == a1 && rdx == a2 &&
	       r8 == 0x0808080808080808 && r9 == 0x0909090909090909 &&
	       r10 == 0x1010101010101010 && r12 == 0x1212121212121212 &&
	       r13 == 0x1313131313131313 && r14 == 0x1414141414141414 &&
	       r15 == 0x1515151515151515 && rbx == 0xb0b0b0b0b0b0b0b0 &&
	       xo == x;
}

static int vec_kept(long nr, long a0, long a1, long a2, long *ret)
{
	if (__builtin_cpu_supports("avx"))
		return ymm_kept(nr, a0, a1, a2, ret);
	return regs_kept(nr, a0, a1, a2, ret);
}
#elif defined(__aarch64__)
/* nr(a0, a1, a2) by svc, with known values in the registers the kernel
 * keeps: x1-x7 (x7 above all: at a syscall stop a tracer sees and
 * writes a stand-in), x9-x11, and both halves of v16 (asm takes at
 * most 30 operands). */
static int regs_kept(long nr, long a0, long a1, long a2, long *ret)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = 0x0303030303030303;
	register uint64_t x4 __asm__("x4") = 0x0404040404040404;
	register uint64_t x5 __asm__("x5") = 0x0505050505050505;
	register uint64_t x6 __asm__("x6") = 0x0606060606060606;
	register uint64_t x7 __asm__("x7") = 0x0707070707070707;
	register uint64_t x9 __asm__("x9") = 0x0909090909090909;
	register uint64_t x10 __asm__("x10") = 0x1010101010101010;
	register uint64_t x11 __asm__("x11") = 0x1111111111111111;
	uint64_t lo = 0x7777777777777777, hi = 0x6666666666666666, lo_o, hi_o;

	__asm__ volatile("fmov d16, %[lo]\n\t"
			 "mov v16.d[1], %[hi]\n\t"
			 "svc #0\n\t"
			 "fmov %[lo_o], d16\n\t"
			 "mov %[hi_o], v16.d[1]\n\t"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			   "+r"(x5), "+r"(x6), "+r"(x7), "+r"(x9), "+r"(x10),
			   "+r"(x11),
			   [lo_o] "=&r"(lo_o), [hi_o] "=&r"(hi_o)
			 : "r"(x8), [lo] "r"(lo), [hi] "r"(hi)
			 : "memory", "v16");
	*ret = x0;
	return x1 == a1 && x2 == a2 && x3 == 0x0303030303030303 &&
	       x4 == 0x0404040404040404 && x5 == 0x0505050505050505 &&
	       x6 == 0x0606060606060606 && x7 == 0x0707070707070707 &&
	       x9 == 0x0909090909090909 && x10 == 0x1010101010101010 &&
	       x11 == 0x1111111111111111 && lo_o == lo && hi_o == hi;
}
#define vec_kept regs_kept
#else
static int regs_kept(long nr, long a0, long a1, long a2, long *ret)
{
	*ret = syscall(nr, a0, a1, a2) < 0 ? -errno : 0;
	return 1;
}
#define vec_kept regs_kept
#endif

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Blocks 200 ms in read() of a timerfd (interrupted, it is restarted as
 * read()), and says how it went. */
static int timer_read(int (*call)(long, long, long, long, long *), long *ret)
{
	struct itimerspec its = { .it_value = { 0, 200000000 } };
	uint64_t ticks = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), ok;

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		scn_die("timerfd");
	ok = call(SYS_read, fd, (long)&ticks, sizeof(ticks), ret);
	close(fd);
	if (*ret == sizeof(ticks) && ticks == 1)
		*ret = 0;
	return ok;
}

static bool nanosleep_first;

/* Two timerfd reads and a nanosleep (restarted by restart_syscall), 600
 * ms in all; the nanosleep first with "nanosleep". */
static void sleep_checked(const char *who, char *out, size_t len)
{
	struct timespec ts = { 0, 200000000 };
	double t0 = mono();
	long r1 = 0, r2, r3 = 0;
	int ok = 1;

	if (nanosleep_first)
		ok &= vec_kept(SYS_nanosleep, (long)&ts, 0, 0, &r3);
	ok &= timer_read(vec_kept, &r1);
	ok &= timer_read(regs_kept, &r2);
	if (!nanosleep_first)
		ok &= vec_kept(SYS_nanosleep, (long)&ts, 0, 0, &r3);
	snprintf(out, len, "SLEEP who=%s ret=%ld,%ld,%ld full=%d regs=%d\n",
		 who, r1, r2, r3, mono() - t0 >= 0.595, ok);
}

static void *thread_main(void *arg)
{
	sleep_checked("thread", arg, 128);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_chld };
	bool threads = argc > 1 && !strcmp(argv[1], "threads");
	char line[128], tline[128] = "";
	sigset_t usr1, chld, old;
	pthread_t th;
	int status;
	pid_t pid;

	scn_guard(20);
	nanosleep_first = argc > 1 && !strcmp(argv[1], "nanosleep");
	sigaction(SIGCHLD, &sa, NULL);	/* no SA_RESTART */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid < 0)
		scn_die("fork");
	if (pid == 0)
		_exit(7);
	while (!sigchld)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (threads && pthread_create(&th, NULL, thread_main, tline))
		scn_die("pthread_create");
	sleep_checked("main", line, sizeof(line));
	if (threads)
		pthread_join(th, NULL);
	fputs(line, stdout);
	if (threads)
		fputs(tline, stdout);
	sigprocmask(SIG_BLOCK, NULL, &old);
	printf("MASK usr1=%d\n", sigismember(&old, SIGUSR1));
	if (waitpid(pid, &status, 0) != pid)
		scn_die("waitpid");
	printf("CHILD status=%d sigchld=%d\n", WEXITSTATUS(status), (int)sigchld);
	return 3;
}
