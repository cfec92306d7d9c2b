/* sandbox.c - the confinement of sandbox.h.
 *
 * The seccomp filter is a deny list, not an allow list: the parser runs
 * libelf, libdw and (with DEBUGINFOD_URLS) libcurl, whose system calls
 * change with their versions, while what a compromised parser must not
 * do is short to name: trace, signal or read other processes, execute,
 * create processes, change identity, mount, load code into the kernel.
 * Those kill the helper.
 */
#include "config.h"
#include "sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#define NOBODY 65534

static int drop_identity(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (geteuid() == 0 || getuid() == 0) {
		const struct passwd *pw = getpwnam("nobody");
		uid_t uid = pw ? pw->pw_uid : NOBODY;
		gid_t gid = pw ? pw->pw_gid : NOBODY;

		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			return -errno;
	}
	/* A non-root zwatch may still hold capabilities (file caps). */
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

static int set_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

/* ASan reserves terabytes of address space: no address-space limit
 * under it (RLIMIT_DATA still bounds the heap). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static int set_limits(bool network)
{
	int err = 0;

	err |= set_limit(RLIMIT_CPU, 120, 130);	/* s; the caller's deadline is shorter */
	err |= set_limit(RLIMIT_CORE, 0, 0);
	err |= set_limit(RLIMIT_NOFILE, 256, 256);
#ifndef UNDER_ASAN
	err |= set_limit(RLIMIT_AS, 4ul << 30, 4ul << 30);
	err |= set_limit(RLIMIT_DATA, 2ul << 30, 2ul << 30);
#endif
	if (!network)
		err |= set_limit(RLIMIT_FSIZE, 0, 0);
	return err ? -EPERM : 0;
}

#ifdef HAVE_SECCOMP
static const char *const denied[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "kill",
	"pidfd_open", "pidfd_getfd", "pidfd_send_signal", "rt_sigqueueinfo",
	"execve", "execveat", "fork", "vfork", "setuid", "setgid",
	"setreuid", "setregid", "setresuid", "setresgid", "setgroups",
	"setfsuid", "setfsgid", "capset", "mount", "umount2", "pivot_root",
	"chroot", "unshare", "setns", "bpf", "perf_event_open",
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "reboot", "swapon", "swapoff", "keyctl",
	"add_key", "request_key", "userfaultfd", "open_by_handle_at",
	"name_to_handle_at", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "personality", "acct", "settimeofday",
	"clock_settime", "adjtimex", "clock_adjtime", "iopl", "ioperm",
	"quotactl", "syslog", "vhangup", "mknod", "mknodat", "move_pages",
	"migrate_pages", "fanotify_init", "mount_setattr", "fsopen",
	"fsmount", "open_tree", "move_mount", "lookup_dcookie",
};

static const char *const network_calls[] = {
	"socket", "socketpair", "connect", "bind", "listen",
};

static int add(scmp_filter_ctx ctx, uint32_t action, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not on this architecture */
	return seccomp_rule_add(ctx, action, nr, 0);
}

static int load_filter(bool network)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int err = 0;

	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; !err && i < sizeof(denied) / sizeof(*denied); i++)
		err = add(ctx, SCMP_ACT_KILL_PROCESS, denied[i]);
	for (size_t i = 0; !network && !err &&
	     i < sizeof(network_calls) / sizeof(*network_calls); i++)
		err = add(ctx, SCMP_ACT_ERRNO(EACCES), network_calls[i]);
	/* Threads (a resolver's) yes, processes no; clone3's flags are
	 * behind a pointer, out of the filter's reach: glibc then falls
	 * back to clone. */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone),
				       1, SCMP_A0(SCMP_CMP_MASKED_EQ,
						  CLONE_THREAD, 0));
	if (!err)
		err = add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3");
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}
#else
static int load_filter(bool network)
{
	(void)network;
	return 0;
}
#endif

int sandbox_enter(bool network)
{
	int err = drop_identity();

	if (!err)
		err = set_limits(network);
	if (!err && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		err = -errno;
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err = -errno;
	if (!err)
		err = load_filter(network);
	return err;
}
