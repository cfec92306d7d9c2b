/* latprobe - how late the scheduler wakes a task on each CPU, for tests
 * that time zwatch to the millisecond on a shared machine.
 *
 * One thread per online CPU, pinned there at the caller's priority (run
 * it under the same `chrt` as the program it vouches for), sleeps to
 * each whole millisecond of CLOCK_MONOTONIC and notes every wake-up more
 * than THRESHOLD late: a CPU the kernel did not give back (a long
 * non-preemptible section of another task, a vCPU the host took away).
 * Prints "ready" once every thread runs; at SIGTERM it prints each stall
 * as "stall CPU DUE LATE" (seconds, CLOCK_MONOTONIC) and exits 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS 1000000L
#define THRESHOLD 0.0005
#define MAX_STALLS 4096

struct stall {
	double due, late;
};

struct probe {
	pthread_t thread;
	int cpu;
	int n;
	struct stall stalls[MAX_STALLS];
};

static atomic_int running;
static atomic_bool stopping;

static double seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static void *probe_run(void *arg)
{
	struct probe *p = arg;
	struct timespec due, now;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		return NULL;	/* an offline CPU: nothing to vouch for */
	atomic_fetch_add(&running, 1);
	clock_gettime(CLOCK_MONOTONIC, &due);
	while (!atomic_load(&stopping)) {
		due.tv_nsec += PERIOD_NS;
		if (due.tv_nsec >= 1000000000L) {
			due.tv_nsec -= 1000000000L;
			due.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		double late = seconds(&now) - seconds(&due);

		if (late > THRESHOLD && p->n < MAX_STALLS)
			p->stalls[p->n++] = (struct stall){ seconds(&due), late };
		if (late > 0.1)	/* suspended: start afresh */
			due = now;
	}
	return NULL;
}

int main(void)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	struct probe *probes = calloc((size_t)ncpu, sizeof(*probes));
	sigset_t term;
	int sig, started = 0;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	pthread_sigmask(SIG_BLOCK, &term, NULL);
	for (int i = 0; i < ncpu; i++) {
		probes[i].cpu = i;
		if (pthread_create(&probes[i].thread, NULL, probe_run,
				   &probes[i]) != 0) {
			perror("latprobe: pthread_create");
			return 1;
		}
		started++;
	}
	/* Threads on offline CPUs return at once without counting. */
	for (int i = 0; i < 2000 && atomic_load(&running) < 1; i++)
		usleep(1000);
	usleep(20000);
	printf("ready %d\n", atomic_load(&running));
	fflush(stdout);
	sigwait(&term, &sig);
	atomic_store(&stopping, true);
	for (int i = 0; i < started; i++)
		pthread_join(probes[i].thread, NULL);
	for (int i = 0; i < ncpu; i++)
		for (int j = 0; j < probes[i].n; j++)
			printf("stall %d %.6f %.6f\n", i, probes[i].stalls[j].due,
			       probes[i].stalls[j].late);
	free(probes);
	return 0;
}
