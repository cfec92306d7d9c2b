/* random_tree.c - a random process tree for make stress: SEED decides the
 * fan-out (0-3) at each level (depth <= 3), extra threads, exit codes and
 * how each parent waits: each child by pid, wait(-1) in a loop, WNOHANG
 * polling, or not at all (the children are orphaned to the root, which
 * is a subreaper and reaps everything at the end). */
#define _GNU_SOURCE 1
#include "scn.h"

#include <pthread.h>
#include <sys/prctl.h>

static unsigned seed;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	return NULL;
}

static void wait_for(pid_t *kids, int n, unsigned how)
{
	switch (how) {
	case 0:
		for (int i = 0; i < n; i++)
			waitpid(kids[i], NULL, 0);
		break;
	case 1:
		while (wait(NULL) > 0)
			;
		break;
	case 2:
		for (int left = n; left > 0;) {
			pid_t r = waitpid(-1, NULL, WNOHANG);

			if (r > 0)
				left--;
			else if (r < 0)
				break;
			else
				scn_msleep(1);
		}
		break;
	default:
		break;	/* never waits: its children are orphaned */
	}
}

/* Builds this node's subtree; returns its exit code. */
static int node(int depth)
{
	pid_t kids[3];
	int n = depth < 3 ? (int)rnd(4) : 0;
	unsigned how = rnd(4), code = rnd(100);

	for (int i = 0; i < n; i++) {
		unsigned child_seed = rnd(1u << 30);

		kids[i] = scn_fork();
		if (kids[i] == 0) {
			seed = child_seed;
			_exit(node(depth + 1));
		}
	}
	if (rnd(3) == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle_thread, NULL) == 0)
			pthread_join(t, NULL);
	}
	wait_for(kids, n, how);
	return (int)code;
}

int main(int argc, char **argv)
{
	pid_t root;

	scn_init(60);
	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	root = scn_fork();
	if (root == 0)
		_exit(node(0));
	while (wait(NULL) > 0)
		;
	return 0;
}
