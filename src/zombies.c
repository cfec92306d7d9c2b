/* zombies.c - one pass over /proc: the zombies, and who is whose child. */
#include "config.h"
#include "zombies.h"
#include "procfs.h"
#include "schedclock.h"
#include "util.h"
#include "yama.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double zombie_age(int pid)
{
	double t = schedclock_last_run(pid);

	/* A hair below zero when it exited as we read. */
	return isnan(t) ? NAN : fmax(0, clock_now() - t);
}

/* "NSpid:\t4121\t3\n" into z->nspid. */
static void read_nspid(struct zombie *z)
{
	char path[64], buf[4096], *p, *end;

	z->nsdepth = 1;
	z->nspid[0] = z->pid;
	snprintf(path, sizeof(path), "/proc/%d/status", z->pid);
	if (procfs_read(path, buf, sizeof(buf)) <= 0 ||
	    !(p = strstr(buf, "\nNSpid:")))
		return;
	p += 7;
	for (z->nsdepth = 0; z->nsdepth < ZOMBIE_NS_MAX; z->nsdepth++) {
		long v = strtol(p, &end, 10);

		if (end == p || v <= 0)
			break;
		z->nspid[z->nsdepth] = (int)v;
		p = end;
	}
	if (!z->nsdepth) {
		z->nsdepth = 1;
		z->nspid[0] = z->pid;
	}
}

int zombie_pid_at(struct zombie *z, int depth)
{
	if (depth == 1)
		return z->pid;
	if (depth < 1)
		return 0;
	/* Read when first asked: most parents are in our namespace. */
	if (!z->nsdepth)
		read_nspid(z);
	return depth <= z->nsdepth ? z->nspid[depth - 1] : 0;
}

static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 256;
	return xrealloc(v, *cap * size);
}

struct scan_caps {
	size_t zombies, procs, leaders;
	bool may_read_all;	/* CAP_SYS_PTRACE */
};

/* Field 52 is shown only to who may ptrace-read the process (same
 * uid, or CAP_SYS_PTRACE); to others it is 0.  /proc/PID is owned by
 * the process's euid. */
static bool status_visible(int pid, const struct scan_caps *caps)
{
	char path[64];
	struct stat sb;

	if (caps->may_read_all)
		return true;
	snprintf(path, sizeof(path), "/proc/%d", pid);
	return stat(path, &sb) == 0 && sb.st_uid == geteuid();
}

static void add_zombie(struct zombie_scan *zs, struct scan_caps *caps,
		       int pid, const struct proc_stat *st)
{
	struct zombie *z;

	/* A leader that called pthread_exit() shows Z while its other
	 * threads run: the process is alive. */
	if (st->num_threads > 1) {
		zs->leaders = grow(zs->leaders, zs->nleaders, &caps->leaders,
				   sizeof(*zs->leaders));
		zs->leaders[zs->nleaders++] = pid;
		return;
	}
	zs->zombies = grow(zs->zombies, zs->n, &caps->zombies,
			   sizeof(*zs->zombies));
	z = &zs->zombies[zs->n++];
	memset(z, 0, sizeof(*z));
	z->pid = pid;
	z->ppid = st->ppid;
	memcpy(z->comm, st->comm, sizeof(z->comm));
	z->status = st->exit_code;
	z->status_known = status_visible(pid, caps);
	z->age = zombie_age(pid);
}

int zombie_scan(struct zombie_scan *zs)
{
	struct scan_caps caps = { 0, 0, 0, yama_have_cap_sys_ptrace() };
	struct dirent *d;
	DIR *dir;

	memset(zs, 0, sizeof(*zs));
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		struct proc_stat st;
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (pid <= 0 || *end || procfs_stat((int)pid, &st) < 0)
			continue;	/* not a process, or gone */
		zs->procs = grow(zs->procs, zs->nprocs, &caps.procs,
				 sizeof(*zs->procs));
		zs->procs[zs->nprocs].pid = (int)pid;
		zs->procs[zs->nprocs++].ppid = st.ppid;
		if (st.state == 'Z')
			add_zombie(zs, &caps, (int)pid, &st);
	}
	closedir(dir);
	return 0;
}

void zombie_scan_free(struct zombie_scan *zs)
{
	free(zs->zombies);
	free(zs->procs);
	free(zs->leaders);
	memset(zs, 0, sizeof(*zs));
}
