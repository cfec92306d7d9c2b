/* procfs.c - reading /proc/PID/{stat,status,comm,exe,cmdline}. */
#include "config.h"
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

/* Reads a small /proc file from offset 0 of fd; returns length or
 * -errno.  A short read is the end: /proc files are seq_files, which
 * fill the buffer while there is more (no second read to see 0). */
static ssize_t read_fd(int fd, char *buf, size_t len)
{
	ssize_t n, total = 0;

	while ((size_t)total < len - 1) {
		size_t want = len - 1 - (size_t)total;

		n = pread(fd, buf + total, want, total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		total += n;
		if ((size_t)n < want)
			break;
	}
	buf[total] = '\0';
	return total;
}

ssize_t procfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd(fd, buf, len);
	close(fd);
	return n;
}

int procfs_open_stat(int pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procfs_stat(int pid, struct proc_stat *st)
{
	int fd = procfs_open_stat(pid), ret;

	if (fd < 0)
		return fd;
	ret = procfs_stat_fd(fd, st);
	close(fd);
	return ret;
}

int procfs_stat_fd(int fd, struct proc_stat *st)
{
	char buf[1024], *open_paren, *close_paren, *p;
	ssize_t n;
	int field;

	n = read_fd(fd, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* comm may hold spaces and parentheses: take the last ')'. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	n = close_paren - open_paren - 1;
	if (n > (ssize_t)sizeof(st->comm) - 1)
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open_paren + 1, n);
	st->comm[n] = '\0';
	st->state = close_paren[2];
	st->ppid = 0;
	st->exit_code = 0;
	st->flags = 0;
	st->sig_pending = 0;
	st->sig_blocked = 0;
	st->num_threads = 0;
	st->sig_ignore = 0;
	st->processor = -1;
	/* Fields are numbered from 1; field 3 is the state. */
	p = close_paren + 2;
	for (field = 3; p && *p; field++) {
		if (field == 4)
			st->ppid = atoi(p);
		else if (field == 9)
			st->flags = (unsigned)strtoul(p, NULL, 10);
		else if (field == 31)
			st->sig_pending = strtoull(p, NULL, 10);
		else if (field == 32)
			st->sig_blocked = strtoull(p, NULL, 10);
		else if (field == 20)
			st->num_threads = atoi(p);
		else if (field == 33)
			st->sig_ignore = strtoull(p, NULL, 10);
		else if (field == 39)
			st->processor = atoi(p);
		else if (field == 52)
			st->exit_code = atoi(p);
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return 0;
}

/* The last number on a line like "NSpid:\t4121\t3", and how many. */
static int last_number(const char *s, int *count)
{
	int v = 0;
	char *end;

	for (*count = 0;; ++*count) {
		long n = strtol(s, &end, 10);

		if (end == s)
			return v;
		v = (int)n;
		s = end;
	}
}

/* Whether the rest of line s has the word w. */
static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\n' || !*s)
			return false;
		if (!strncmp(s, w, n) && strchr(" \t\n", s[n]))
			return true;
		s += strcspn(s, " \t\n");
	}
}

int procfs_status(int pid, int tid, struct proc_status *st)
{
	char path[80], buf[4096], *line;
	ssize_t n;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	n = procfs_read(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(st, 0, sizeof(*st));
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (!strncmp(line, "Tgid:", 5))
			st->tgid = atoi(line + 5);
		else if (!strncmp(line, "PPid:", 5))
			st->ppid = atoi(line + 5);
		else if (!strncmp(line, "TracerPid:", 10))
			st->tracer = atoi(line + 10);
		else if (!strncmp(line, "Uid:", 4))
			st->uid = atoi(line + 4);
		else if (!strncmp(line, "NSpid:", 6))
			st->nspid_inner = last_number(line + 6, &st->nspid_depth);
		else if (!strncmp(line, "CapEff:", 7))
			st->cap_eff = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigIgn:", 7))
			st->sig_ign = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigBlk:", 7))
			st->sig_blk = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigPnd:", 7))
			st->sig_pnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "ShdPnd:", 7))
			st->shd_pnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigCgt:", 7))
			st->sig_cgt = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "Seccomp:", 8))
			st->seccomp = atoi(line + 8);
		else if (!strncmp(line, "x86_Thread_features:", 20))
			st->shadow_stack = has_word(line + 20, "shstk");
	}
	return 0;
}

int procfs_comm(int pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	n = procfs_read(path, buf, len);
	if (n < 0)
		return (int)n;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int procfs_link(int pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int procfs_exe(int pid, char *buf, size_t len)
{
	return procfs_link(pid, "exe", buf, len);
}

size_t procfs_cmdline(int pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = procfs_read(path, buf, len);
	return n > 0 ? (size_t)n : 0;
}

int procfs_each_task(int pid, void (*fn)(int tid, void *arg), void *arg)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid > 0) {
			fn(tid, arg);
			n++;
		}
	}
	closedir(dir);
	return n;
}

struct child_walk {
	int pid;
	void (*fn)(int child, void *arg);
	void *arg;
};

static void children_of_task(int tid, void *arg)
{
	struct child_walk *w = arg;
	char path[96], buf[8192], *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", w->pid, tid);
	if (procfs_read(path, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf;; p = end) {
		long child = strtol(p, &end, 10);

		if (end == p)
			break;
		w->fn((int)child, w->arg);
	}
}

int procfs_each_child(int pid, void (*fn)(int child, void *arg), void *arg)
{
	struct child_walk w = { pid, fn, arg };

	return procfs_each_task(pid, children_of_task, &w);
}

/* One readlink per new process in the common case: only a process in
 * another pid namespace costs a read of its status. */
int procfs_nested_pid(int pid)
{
	struct proc_status st;

	/* NSpid lists one pid per namespace level; a zombie has it too
	 * (its ns/ links are gone). */
	if (procfs_status(pid, 0, &st) < 0 || st.nspid_depth < 2)
		return 0;
	return st.nspid_inner;
}
