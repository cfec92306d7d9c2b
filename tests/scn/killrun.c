/* killrun.c - runs zwatch with a kill point armed and reports what its
 * death left, in one command: the VM form of tests/killtest.py
 * (test_inject_kill_vm.py; a VM has no Python).
 *
 *	killrun POINT ZWATCH ARGS...
 *
 * Becomes a subreaper, runs ZWATCH ARGS with ZWATCH_TEST_KILL_AT=POINT
 * ("-": none) and reaps everything: zwatch, and the program zwatch
 * traced, which is ours once zwatch is dead.  Before reaping an orphan
 * it checks (bounded polling) that it is neither stopped nor traced:
 * exit_ptrace() has run once zwatch is reaped.
 *
 * Output, after the program's own: "zwatch status=S" (S: "exited N" or
 * "killed SIGNAME ..."), "orphan comm=C status=S" for each process it
 * reaped besides zwatch (zwatch's symbolizer helper among them), and "harm pid=P state=C tracer=T" for each orphan
 * found stopped or traced.  Exit status 0, SCN_BROKEN if it broke.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>

/* The state letter and TracerPid of pid; 0 if it is gone. */
static int state_of(pid_t pid, char *state, int *tracer)
{
	char path[64], line[256];
	FILE *f;

	*state = scn_state(pid);
	*tracer = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			*tracer = atoi(line + 10);
	fclose(f);
	return *state != '?';
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool harmed(char state, int tracer)
{
	return state == 't' || state == 'T' || tracer != 0;
}

/* Each child of ours still there: harmless within a second, or reported. */
static void check_orphans(void)
{
	char path[64], buf[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)getpid(), (int)getpid());
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
		pid_t pid = atoi(tok);
		char state = '?';
		int tracer = 0;

		for (int ms = 0; ms < 1000; ms += 10) {
			if (!state_of(pid, &state, &tracer) || !harmed(state, tracer))
				break;
			scn_msleep(10);
		}
		if (harmed(state, tracer))
			printf("harm pid=%d state=%c tracer=%d\n", (int)pid, state,
			       tracer);
	}
}

int main(int argc, char **argv)
{
	char sbuf[64];
	pid_t zw, pid;
	int st;

	scn_init(120);
	if (argc < 3) {
		fprintf(stderr, "usage: killrun POINT ZWATCH ARGS...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("PR_SET_CHILD_SUBREAPER");
	zw = scn_fork();
	if (zw == 0) {
		if (strcmp(argv[1], "-"))
			setenv("ZWATCH_TEST_KILL_AT", argv[1], 1);
		else
			unsetenv("ZWATCH_TEST_KILL_AT");
		execv(argv[2], argv + 2);
		scn_die("exec");
	}
	if (waitpid(zw, &st, 0) != zw)
		scn_die("waitpid");
	fflush(NULL);
	check_orphans();
	printf("zwatch status=%s\n", scn_status(st, sbuf, sizeof(sbuf)));
	for (;;) {
		siginfo_t si = { 0 };
		char comm[64] = "?";

		/* Its name first (a zombie still has one), then its reap. */
		if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) < 0)
			break;
		pid = si.si_pid;
		comm_of(pid, comm, sizeof(comm));
		if (waitpid(pid, &st, 0) != pid)
			scn_die("waitpid");
		printf("orphan comm=%s status=%s\n", comm,
		       scn_status(st, sbuf, sizeof(sbuf)));
	}
	if (errno != ECHILD)
		scn_die("wait");
	return 0;
}
