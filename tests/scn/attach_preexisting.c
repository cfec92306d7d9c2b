/* attach_preexisting.c - zwatch -p on a process that already has zombie
 * children and threads, in one command (so that it runs in a VM too:
 * tests/vm, test_attach_preexisting.py).
 *
 *	attach_preexisting ZWATCH ARGS...
 *
 * Forks a target T that starts two threads, forks three children that
 * exit 10, 11 and 12 at once (zombies, checked by polling /proc) and a
 * sleeper S whose own child G sleeps too; then runs ZWATCH ARGS, each
 * "@TARGET@" in ARGS replaced by T's pid.  T waits until G is traced
 * (zwatch attaches breadth-first: T's threads, then T's children, the
 * zombies among them, then theirs), then its second thread reaps the
 * zombies (waitpid, waitid(P_PID), wait(-1)); S is let go, reaps G
 * (exit 14) and exits 13; T's main thread reaps S and exits 0 (1 if a
 * status was not as expected).
 *
 * Output: "zombie pid=Z code=10" (x3), "target pid=T", "sleeper pid=S code=13",
 * "grandchild pid=G code=14", "threads n=3", then "target rc=N" after
 * zwatch ended.  Exit status: zwatch's.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <pthread.h>
#include <stdlib.h>

static pid_t zombies[3];
static int bad;
/* Closed by T: gate lets the idle thread, S and G go; go the reaper. */
static int gate[2], go[2];

static int tracer_of(pid_t pid)
{
	char path[64], line[256];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			tracer = atoi(line + 10);
	fclose(f);
	return tracer;
}

static void *idle_thread(void *arg)
{
	int *gate = arg;

	scn_wait_eof(*gate);
	return NULL;
}

static void *reaper_thread(void *arg)
{
	siginfo_t si = { 0 };
	int *go = arg, st;

	scn_wait_eof(*go);
	if (waitpid(zombies[0], &st, 0) != zombies[0] || st != 10 << 8)
		bad = 1;
	if (waitid(P_PID, (id_t)zombies[1], &si, WEXITED) < 0 ||
	    si.si_status != 11)
		bad = 1;
	if (wait(&st) != zombies[2] || st != 12 << 8)
		bad = 1;
	return NULL;
}

/* S: forks G, waits for the gate to close, reaps G, exits 13. */
static pid_t sleeper(pid_t *grandchild)
{
	int report[2];
	pid_t s, g;

	if (pipe(report) < 0)
		scn_die("pipe");
	s = scn_fork();
	if (s == 0) {
		int st;

		scn_guard(120);
		close(report[0]);
		close(gate[1]);
		close(go[0]);
		close(go[1]);
		g = scn_fork();
		if (g == 0) {
			scn_wait_eof(gate[0]);
			_exit(14);
		}
		if (write(report[1], &g, sizeof(g)) != sizeof(g))
			_exit(SCN_BROKEN);
		scn_wait_eof(gate[0]);
		if (waitpid(g, &st, 0) != g || st != 14 << 8)
			_exit(1);
		_exit(13);
	}
	close(report[1]);
	if (read(report[0], grandchild, sizeof(*grandchild)) != sizeof(*grandchild))
		scn_die("read");
	close(report[0]);
	return s;
}

static int target(int ready)
{
	int st;
	pthread_t idle, reaper;
	pid_t s, g;

	scn_guard(120);
	if (pipe(gate) < 0 || pipe(go) < 0)
		scn_die("pipe");
	if (pthread_create(&idle, NULL, idle_thread, &gate[0]) ||
	    pthread_create(&reaper, NULL, reaper_thread, &go[0]))
		scn_die("pthread_create");
	for (int i = 0; i < 3; i++) {
		zombies[i] = scn_fork();
		if (zombies[i] == 0)
			_exit(10 + i);
		if (!scn_wait_dead(zombies[i], 10000))
			scn_die("a child did not become a zombie");
	}
	s = sleeper(&g);
	for (int i = 0; i < 3; i++)
		printf("zombie pid=%d code=%d\n", (int)zombies[i], 10 + i);
	printf("target pid=%d\n", (int)getpid());
	printf("sleeper pid=%d code=13\ngrandchild pid=%d code=14\n"
	       "threads n=3\n", (int)s, (int)g);
	if (write(ready, "r", 1) != 1)
		scn_die("write");
	close(ready);
	for (long ms = 0; tracer_of(g) <= 0; ms += 5) {
		if (ms > 60000)
			scn_die("not attached");
		scn_msleep(5);
	}
	close(go[1]);		/* the reaper thread's turn */
	pthread_join(reaper, NULL);
	close(gate[1]);
	if (waitpid(s, &st, 0) != s || st != 13 << 8)
		bad = 1;
	pthread_join(idle, NULL);
	return bad;
}

int main(int argc, char **argv)
{
	char pid[32], c;
	int ready[2], st, zst;
	pid_t t, zw;

	scn_init(150);
	if (argc < 2) {
		fprintf(stderr, "usage: attach_preexisting ZWATCH ARGS...\n");
		return 2;
	}
	if (pipe(ready) < 0)
		scn_die("pipe");
	t = scn_fork();
	if (t == 0) {
		close(ready[0]);
		exit(target(ready[1]));
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		scn_die("the target broke");
	close(ready[0]);
	snprintf(pid, sizeof(pid), "%d", (int)t);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "@TARGET@"))
			argv[i] = pid;
	zw = scn_fork();
	if (zw == 0) {
		execv(argv[1], argv + 1);
		scn_die("exec zwatch");
	}
	if (waitpid(zw, &zst, 0) != zw)
		scn_die("waitpid zwatch");
	if (waitpid(t, &st, 0) != t)
		scn_die("waitpid target");
	printf("target rc=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return WIFEXITED(zst) ? WEXITSTATUS(zst) : 128 + WTERMSIG(zst);
}
