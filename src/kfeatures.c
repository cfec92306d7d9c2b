/* kfeatures.c - probing the kernel features of kfeatures.h, once. */
#include "config.h"

#include "kfeatures.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>


/* A child that exits at once, its pidfd, its reap: since 6.9 the pidfd
 * then polls POLLHUP, before only POLLIN (readable at exit, nothing at
 * release).  The child is ours and reaped here; its SIGCHLD may be
 * pending afterwards, as for any child. */
static bool probe_pidfd_release(void)
{
	int fd;
	pid_t pid = fork();
	bool hup;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(0);
	fd = pidfd_open_pid(pid);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (fd < 0)
		return false;
	hup = pidfd_state(fd) & POLLHUP;
	close(fd);
	return hup;
}

/* The running kernel is at least major.minor. */
static bool release_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* As pid 1 of a new pid namespace (unshare -fp zwatch ...) the probe's
 * child would take pid 2, the program's: there the release says it. */
static bool has_pidfd_release(void)
{
	if (getpid() == 1)
		return release_at_least(6, 9);
	return probe_pidfd_release();
}

/* PIDFD_GET_INFO (_IOWR(0xFF, 11, struct pidfd_info), 64 bytes at 6.13)
 * on our own pidfd. */
static bool probe_pidfd_info(void)
{
	unsigned long long info[8] = { 1 };	/* mask: PIDFD_INFO_PID */
	int fd = pidfd_open_pid(getpid());
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, _IOWR(0xFF, 11, unsigned long long[8]), info) == 0;
	close(fd);
	return ok;
}

static bool turned_off(const char *name)
{
	const char *off = getenv("ZWATCH_KFEATURES_OFF");
	size_t n = strlen(name);

	for (const char *p = off; p && *p; p += strcspn(p, ",") + !!p[strcspn(p, ",")])
		if (strcspn(p, ",") == n && !strncmp(p, name, n))
			return true;
	return false;
}

const struct kfeatures *kfeatures(void)
{
	static struct kfeatures kf;
	static bool probed;
	int fd;

	if (probed)
		return &kf;
	probed = true;
	fd = pidfd_open_pid(getpid());
	kf.pidfd = fd >= 0 && !turned_off("pidfd");
	if (fd >= 0)
		close(fd);
	kf.pidfd_release = kf.pidfd && has_pidfd_release() &&
			   !turned_off("pidfd_release");
	kf.pidfd_info = kf.pidfd && probe_pidfd_info() && !turned_off("pidfd_info");
	return &kf;
}

void kfeatures_print(FILE *out)
{
	const struct kfeatures *kf = kfeatures();
	struct utsname u;

	if (uname(&u) == 0)
		fprintf(out, "kernel: %s %s\n", u.release, u.machine);
	fprintf(out, "kernel-features: %spidfd %spidfd_release %spidfd_info\n",
		kf->pidfd ? "" : "-", kf->pidfd_release ? "" : "-",
		kf->pidfd_info ? "" : "-");
}
