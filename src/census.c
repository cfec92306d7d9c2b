/* census.c - walking /proc, and the per-process facts zwatch watch needs
 * that no event gives: exit time of a zombie found late, cgroup. */
#include "config.h"
#include "census.h"
#include "procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int census_scan(void (*fn)(const struct census_proc *p, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct census_proc p;
		struct proc_stat st;
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || procfs_stat((int)pid, &st) < 0)
			continue;	/* gone meanwhile */
		memset(&p, 0, sizeof(p));
		p.pid = (int)pid;
		p.ppid = st.ppid;
		p.state = st.state;
		memcpy(p.comm, st.comm, sizeof(p.comm));
		p.exit_code = st.exit_code;
		p.sig_ignore = st.sig_ignore;
		fn(&p, arg);
		n++;
	}
	closedir(d);
	return n;
}

int census_cgroup(int pid, char *buf, size_t len)
{
	char path[64], text[4096];
	const char *s;
	size_t n;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	r = procfs_read(path, text, sizeof(text));
	if (r < 0)
		return (int)r;
	/* cgroup v2: the one line "0::/path"; v1 hierarchies come first */
	s = strstr(text, "0::");
	if (s && (s == text || s[-1] == '\n'))
		s += 3;
	else
		s = "/";
	n = strcspn(s, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

bool census_is_ns_init(int pid)
{
	if (pid == 1)
		return true;
	return procfs_nested_pid(pid) == 1;
}
