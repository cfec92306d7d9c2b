/* exec_storm.c - many processes whose threads all call execve at once.
 *
 * The program forks N children, PAR at a time.  Child i starts 4 threads
 * that meet at a barrier and then all call execve on this program at
 * once ("exec_storm stage R CODE"): the kernel lets one win, kills the
 * other threads and the process keeps its pid.  The new image does the
 * same with R-1, and so on; at stage 0 it forks a grandchild that exits
 * CODE, reaps it and exits CODE itself (CODE = 1 + i % 100).  So each
 * child execs exactly ROUNDS times, always from a non-leader thread or
 * the leader racing 3 others.  zwatch must report every process (N
 * children, N grandchildren), ROUNDS execs for each child, no process for
 * any thread, and each exit code; the program checks the statuses itself.
 *
 * Usage: exec_storm N PAR ROUNDS     (the scenario)
 *        exec_storm stage R CODE     (an exec'd image)
 * Output: "child pid=P code=C", "reaped pid=P status=exited C",
 * "storm children=N bad=B".  Exit status 0 if every child exited with
 * its code, 1 otherwise.
 */
#define _GNU_SOURCE 1
#include <limits.h>
#include <pthread.h>
#include "scn.h"

#define THREADS 4

static char self_path[PATH_MAX];
static pthread_barrier_t go;
static char next_round[16], code_arg[16];

static void *execer(void *arg)
{
	char *argv[] = { "exec_storm", "stage", next_round, code_arg, NULL };

	(void)arg;
	pthread_barrier_wait(&go);
	execv(self_path, argv);
	/* Only the losers of the race can get here, and they are killed
	 * first; a real failure is a broken scenario. */
	_exit(SCN_BROKEN);
	return NULL;
}

/* Every thread (this one included) calls execve at once: never returns. */
static void exec_race(int round, int code)
{
	pthread_t th[THREADS - 1];

	snprintf(next_round, sizeof next_round, "%d", round);
	snprintf(code_arg, sizeof code_arg, "%d", code);
	pthread_barrier_init(&go, NULL, THREADS);
	for (int i = 0; i < THREADS - 1; i++)
		if (pthread_create(&th[i], NULL, execer, NULL))
			_exit(SCN_BROKEN);
	execer(NULL);
	_exit(SCN_BROKEN);
}

static void find_self(void)
{
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);

	if (n < 0)
		_exit(SCN_BROKEN);
	self_path[n] = '\0';
}

static int stage(int round, int code)
{
	pid_t g;
	int st;

	alarm(60);
	find_self();
	if (round > 0)
		exec_race(round - 1, code);
	g = fork();
	if (g < 0)
		return SCN_BROKEN;
	if (g == 0)
		_exit(code);
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != code)
		return SCN_BROKEN;
	return code;
}

int main(int argc, char *argv[])
{
	int n, par, rounds, running = 0, started = 0, bad = 0, st;
	char sbuf[64];
	pid_t pid;
	int *codes;
	pid_t *pids;

	if (argc == 4 && !strcmp(argv[1], "stage"))
		return stage(atoi(argv[2]), atoi(argv[3]));
	if (argc != 4) {
		fprintf(stderr, "usage: exec_storm N PAR ROUNDS\n");
		return 2;
	}
	n = atoi(argv[1]);
	par = atoi(argv[2]);
	rounds = atoi(argv[3]);
	if (n < 1 || par < 1 || rounds < 1)
		return 2;
	scn_init(120);
	codes = calloc((size_t)n, sizeof *codes);
	pids = calloc((size_t)n, sizeof *pids);
	if (!codes || !pids)
		scn_die("calloc");
	while (started < n || running > 0) {
		if (started < n && running < par) {
			int code = 1 + started % 100;

			pid = scn_fork();
			if (pid == 0) {
				find_self();
				alarm(60);
				exec_race(rounds - 1, code);
			}
			pids[started] = pid;
			codes[started++] = code;
			running++;
			printf("child pid=%d code=%d\n", (int)pid, code);
			continue;
		}
		pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			scn_die("waitpid");
		}
		running--;
		printf("reaped pid=%d status=%s\n", (int)pid,
		       scn_status(st, sbuf, sizeof sbuf));
		for (int i = 0; i < started; i++)
			if (pids[i] == pid &&
			    !(WIFEXITED(st) && WEXITSTATUS(st) == codes[i]))
				bad++;
	}
	printf("storm children=%d bad=%d\n", n, bad);
	return bad ? 1 : 0;
}
