/* remedy.c - --nudge (a SIGCHLD per zombie) and --reap (the parent's
 * own waitid(), run inside it). */
#include "config.h"
#include "remedy.h"
#include "peek.h"
#include "procfs.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* Still a zombie of that parent (and not a new process with its pid). */
static bool still_zombie(const struct remedy_result *r, int parent)
{
	struct proc_stat st;

	return procfs_stat(r->pid, &st) == 0 && st.state == 'Z' &&
	       st.ppid == parent;
}

static int count_gone(int parent, struct remedy_result *res, size_t n)
{
	int gone = 0;

	for (size_t i = 0; i < n; i++) {
		if (!res[i].collected && !still_zombie(&res[i], parent))
			res[i].collected = true;
		gone += res[i].collected;
	}
	return gone;
}

/* Up to 200 ms for one more zombie to go. */
static int wait_progress(int parent, struct remedy_result *res, size_t n,
			 int before)
{
	struct timespec ts = { 0, 1000000 };
	int gone = before;

	for (int i = 0; i < 200 && gone == before; i++) {
		nanosleep(&ts, NULL);
		gone = count_gone(parent, res, n);
	}
	return gone;
}

int remedy_nudge(int parent, struct remedy_result *res, size_t n)
{
	int gone = count_gone(parent, res, n), before;

	while ((size_t)gone < n) {
		if (kill(parent, SIGCHLD) < 0)
			return -errno;
		before = gone;
		gone = wait_progress(parent, res, n, before);
		if (gone == before)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (!res[i].collected)
			res[i].err = -EAGAIN;
	return gone;
}

/* The wait status a siginfo from waitid() stands for. */
static int status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	default:
		return si->si_status & 0x7f;
	}
}

static void reap_one(struct peek *pk, struct remedy_result *r)
{
	unsigned long args[6] = { P_PID, (unsigned long)r->nspid, 0,
				  WEXITED | WNOHANG, 0, 0 };
	siginfo_t si;
	long ret = 0;
	int err;

	memset(&si, 0, sizeof(si));
	err = peek_syscall_out(pk, SYS_waitid, args, 2, &si, sizeof(si), &ret);
	if (!err && ret < 0)
		err = (int)ret;
	if (!err && si.si_pid == 0)
		err = -EAGAIN;	/* WNOHANG, and it was not (yet) a zombie */
	r->err = err;
	r->collected = !err;
	if (!err)
		r->status = status_of(&si);
}

int remedy_reap(int parent, int tid, struct remedy_result *res, size_t n)
{
	struct peek pk;
	int err, got = 0;

	err = peek_begin(&pk, parent, tid, 0.25);
	if (err < 0) {
		peek_end(&pk);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		reap_one(&pk, &res[i]);
		got += res[i].collected;
	}
	err = peek_end(&pk);
	return err < 0 && !got ? err : got;
}
