/* schedclock.c - the scheduler's task clock, per CPU, against
 * CLOCK_MONOTONIC (see schedclock.h). */
#include "config.h"
#include "schedclock.h"
#include "procfs.h"
#include "util.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a CPU's measured offset is reused. */
#define OFFSET_TTL 1.0

static struct cpu_offset {
	double offset;		/* CLOCK_MONOTONIC minus the task clock, s */
	double at;		/* when measured; 0: never */
} offsets[CPU_SETSIZE];

/* se.exec_start of a sched file, in seconds; NAN if there is none. */
static double exec_start(const char *path)
{
	char buf[4096];
	const char *s;
	double ms;

	if (procfs_read(path, buf, sizeof(buf)) <= 0 ||
	    !(s = strstr(buf, "se.exec_start")) || !(s = strchr(s, ':')))
		return NAN;
	ms = strtod(s + 1, NULL);	/* ms with six decimals */
	return ms > 0 ? ms / 1e3 : NAN;
}

/* Runs this thread anew on cpu (a sleep: it is switched in there, which
 * sets its exec_start) and compares.  False if it may not run there (a
 * cpuset) or has no sched file. */
static bool measure(int cpu, double *offset)
{
	struct timespec nap = { 0, 1000 };
	cpu_set_t old, one;
	double t, e;

	if (sched_getaffinity(0, sizeof(old), &old) < 0)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return false;
	nanosleep(&nap, NULL);
	t = clock_now();
	e = exec_start("/proc/thread-self/sched");
	sched_setaffinity(0, sizeof(old), &old);
	if (isnan(e))
		return false;
	*offset = t - e;
	return true;
}

/* The offset of cpu, or of the CPU we run on if we may not run on cpu
 * (their offsets differ by the steal each has seen: seconds at worst). */
static double offset_of(int cpu)
{
	double now = clock_now(), off;
	struct cpu_offset *c;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return 0;
	c = &offsets[cpu];
	if (c->at > 0 && now - c->at < OFFSET_TTL)
		return c->offset;
	if (!measure(cpu, &off)) {
		int here = sched_getcpu();

		if (here == cpu || here < 0 || here >= CPU_SETSIZE ||
		    !measure(here, &off))
			return 0;
	}
	c->offset = off;
	c->at = now;
	return off;
}

double schedclock_last_run(int pid)
{
	char path[64];
	struct proc_stat st;
	double e;

	snprintf(path, sizeof(path), "/proc/%d/sched", pid);
	e = exec_start(path);
	if (isnan(e) || procfs_stat(pid, &st) < 0)
		return NAN;
	return e + offset_of(st.processor);
}
