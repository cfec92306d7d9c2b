/* zomtab.c - the current zombies of zwatch watch and how each one ends.
 *
 * Exit: the connector's exit event of a thread-group leader (or a
 * census that finds the Z state) opens a pidfd, which is readable once
 * the whole group has exited and hangs up (EPOLLHUP, Linux 6.9+) at the
 * release.  The reaper is the kernel's parent at that moment: the parent
 * at exit, or an adopter found by re-reading the zombie's ppid when its
 * parent exits (a subreaper, or a pid namespace's init).
 *
 * Autoreap: the kernel sends the exit event after exit_notify(), which
 * releases at once a child whose parent ignores SIGCHLD or set
 * SA_NOCLDWAIT; the event then names no parent (0: the task is no longer
 * pid_alive()).  So SA_NOCLDWAIT, which only ptrace could read from the
 * parent, is seen without it: an exit event with parent 0 is an
 * autoreap, whatever the parent's SigIgn says (measured on 6.18 with
 * SA_NOCLDWAIT and SIG_DFL: 20 of 20).  A release at exit that still
 * names a parent was a wait faster than zwatch (a parent blocked in
 * wait4): reaper="parent", at_exit in the JSON line, and its lifetime an
 * upper bound, zwatch's latency.
 */
#include "config.h"
#include "zomtab.h"

#include "census.h"
#include "schedclock.h"
#include "intmap.h"
#include "procfs.h"
#include "util.h"
#include "zombie_alert.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>


#define POLL_MS 20
/* A /proc/PID/stat read costs ~10-20 us here: at 0.2 ms of period per
 * polled zombie, polling takes about a tenth of a core however many
 * there are (10,000 beyond the open-files limit: every 2 s). */
#define POLL_MS_PER_ZOMBIE 0.2
#define PARENT_CACHE_MAX 65536
#define PIDFD_RESERVE 256	/* descriptors left for /proc, HTTP, ... */

/* What a zombie is labelled with and classified by: read once per
 * parent, dropped at its exec, comm change or exit. */
struct parent_info {
	int tgid;
	int series;		/* -1 until a zombie of its is in scope */
	bool in_cgroup;		/* --cgroup matches (or none given) */
	char comm[16];
	char cgroup[METRICS_LABEL_MAX + 1];
	int pidfd;		/* -1 until a release asks (parent_gone) */
};

struct zomtab {
	struct zomtab_config cfg;
	struct metrics *m;
	int epfd;
	struct intmap zombies;	/* pid -> struct zombie */
	struct intmap parents;	/* tgid -> struct parent_info */
	struct intmap kids;	/* tgid -> its zombie count, as a pointer */
	struct intmap scope;	/* -p: tgid -> (void *)1 */
	struct intmap ppids;	/* tgid -> its parent, from forks and census */
	size_t cgroup_len;
	bool hup_works;		/* pidfds hang up at release (6.9+) */
	size_t npolled;		/* zombies without a working hang-up */
	size_t npidfds, pidfd_max;	/* open, and the most we open */
	size_t nparent_fds;	/* of npidfds, parents' (parent_gone) */
	double next_poll;	/* when zomtab_poll() is due */
	struct zombie *dead;	/* released, to be freed after the batch */
	struct parent_info unknown;
};

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

/* Descriptors for pidfds: all but PIDFD_RESERVE of the open-files
 * limit (which watch.c raised to the hard one). */
static size_t pidfd_budget(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return 0;
	if (r.rlim_cur == RLIM_INFINITY)
		return SIZE_MAX;
	return r.rlim_cur > PIDFD_RESERVE ? (size_t)(r.rlim_cur - PIDFD_RESERVE) : 0;
}

struct zomtab *zomtab_new(const struct zomtab_config *cfg, struct metrics *m,
			  int epfd)
{
	struct zomtab *zt = xcalloc(1, sizeof(*zt));

	zt->cfg = *cfg;
	zt->m = m;
	zt->epfd = epfd;
	intmap_init(&zt->zombies);
	intmap_init(&zt->parents);
	intmap_init(&zt->kids);
	intmap_init(&zt->scope);
	intmap_init(&zt->ppids);
	if (cfg->cgroup) {
		zt->cgroup_len = strlen(cfg->cgroup);
		while (zt->cgroup_len > 1 && cfg->cgroup[zt->cgroup_len - 1] == '/')
			zt->cgroup_len--;
	}
	zt->hup_works = kernel_at_least(6, 9);
	zt->pidfd_max = pidfd_budget();
	strcpy(zt->unknown.comm, "_unknown");
	zt->unknown.series = -1;
	strcpy(zt->unknown.cgroup, "_unknown");
	zt->unknown.in_cgroup = !cfg->cgroup;
	zt->unknown.pidfd = -1;
	return zt;
}

/* --- parents --- */

static bool cgroup_matches(const struct zomtab *zt, const char *cg)
{
	if (!zt->cfg.cgroup)
		return true;
	if (zt->cgroup_len == 1)	/* "/" */
		return true;
	return !strncmp(cg, zt->cfg.cgroup, zt->cgroup_len) &&
	       (cg[zt->cgroup_len] == '\0' || cg[zt->cgroup_len] == '/');
}

static void parent_free(struct zomtab *zt, struct parent_info *p)
{
	if (p && p->pidfd >= 0) {
		close(p->pidfd);
		zt->npidfds--;
		zt->nparent_fds--;
	}
	free(p);
}

static void parent_drop(struct zomtab *zt, int tgid)
{
	parent_free(zt, intmap_del(&zt->parents, tgid));
}

static void parents_flush(struct zomtab *zt)
{
	struct parent_info *p;
	size_t i = 0;

	while (intmap_next(&zt->parents, &i, (void **)&p))
		parent_free(zt, p);
	intmap_free(&zt->parents);
	intmap_init(&zt->parents);
}

/* The parent's facts, read from /proc the first time; &zt->unknown if
 * it is already gone. */
static struct parent_info *parent_get(struct zomtab *zt, int tgid)
{
	struct parent_info *p = intmap_get(&zt->parents, tgid);
	char cgroup[256] = "";
	struct proc_stat st;

	if (p)
		return p;
	if (tgid <= 0 || procfs_stat(tgid, &st) < 0 ||
	    census_cgroup(tgid, cgroup, sizeof(cgroup)) < 0)
		return &zt->unknown;
	if (zt->parents.len >= PARENT_CACHE_MAX)
		parents_flush(zt);
	p = xcalloc(1, sizeof(*p));
	p->tgid = tgid;
	memcpy(p->comm, st.comm, sizeof(p->comm));
	p->in_cgroup = cgroup_matches(zt, cgroup);
	p->series = -1;
	p->pidfd = -1;
	/* cut at the label limit, as the metrics would */
	snprintf(p->cgroup, sizeof(p->cgroup), "%.*s",
		 (int)sizeof(p->cgroup) - 1, cgroup);
	intmap_put(&zt->parents, tgid, p);
	return p;
}

/* Its series, made only for parents in scope: out-of-scope ones must
 * not use up the label limit. */
static int parent_series(struct zomtab *zt, struct parent_info *p)
{
	if (p->series < 0)
		p->series = metrics_series(zt->m, p->comm, p->cgroup);
	return p->series;
}

/* --- zombie table --- */

static void kids_add(struct zomtab *zt, int parent, int delta)
{
	intptr_t n = (intptr_t)intmap_get(&zt->kids, parent) + delta;

	if (n > 0)
		intmap_put(&zt->kids, parent, (void *)n);
	else
		intmap_del(&zt->kids, parent);
}

static void zombie_set_parent(struct zomtab *zt, struct zombie *z, int parent)
{
	kids_add(zt, z->parent, -1);
	z->parent = parent;
	kids_add(zt, parent, 1);
	z->adopter_init = parent != z->orig_parent && census_is_ns_init(parent);
}

/* Whether a polled zombie is gone; marks it exited once its whole
 * group has (a Z leader with other threads is a pthread_exit() one). */
static bool poll_gone(struct zombie *z)
{
	struct proc_stat st;
	int err = procfs_stat(z->pid, &st);

	if (err == -ENOENT || err == -ESRCH)
		return true;
	if (err < 0)	/* not an answer (EMFILE...): ask again later */
		return false;
	if (st.state == 'Z' && st.num_threads <= 1)
		z->exited = true;
	return st.state != 'Z' && z->exited;
}

/* No pidfd for z: /proc is polled instead.  -ESRCH if it is released
 * already. */
static int zombie_poll_instead(struct zomtab *zt, struct zombie *z,
			       bool exited)
{
	z->pidfd = -1;
	z->exited = exited;
	if (poll_gone(z))
		return -ESRCH;
	zt->npolled++;
	return 0;
}

/* Watches z's pidfd: EPOLLIN at the group's exit unless it has exited
 * already, EPOLLHUP (always reported) at release.  -ESRCH if it is
 * released already.  Beyond zt->pidfd_max it is polled: the last
 * descriptors are kept for /proc reads and HTTP clients (with every
 * descriptor a pidfd, a /proc read failed with EMFILE, which looked
 * like a release, and /metrics could not be served). */
static int zombie_watch(struct zomtab *zt, struct zombie *z, bool exited)
{
	struct epoll_event ev = { .events = 0, .data.ptr = z };
	short state;
	int fd;

	if (zt->npidfds >= zt->pidfd_max)
		return zombie_poll_instead(zt, z, exited);
	fd = pidfd_open_pid(z->pid);
	if (fd < 0)
		return errno == ESRCH ? -ESRCH : zombie_poll_instead(zt, z, exited);
	/* One poll() saves an epoll round trip per exit in the common case
	 * of a single-threaded process. */
	state = exited ? POLLIN : pidfd_state(fd);
	if (zt->hup_works && (state & POLLHUP)) {
		close(fd);
		return -ESRCH;
	}
	z->exited = exited || (state & POLLIN);
	if (!z->exited)
		ev.events = EPOLLIN;
	if (epoll_ctl(zt->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return zombie_poll_instead(zt, z, exited);
	}
	z->pidfd = fd;
	zt->npidfds++;
	if (!zt->hup_works)
		zt->npolled++;
	return 0;
}

static struct zombie *zombie_new(struct zomtab *zt, int pid, int parent,
				 struct parent_info *p)
{
	struct zombie *z = xcalloc(1, sizeof(*z));

	z->pid = pid;
	z->orig_parent = z->parent = parent;
	z->series = parent_series(zt, p);
	memcpy(z->parent_comm, p->comm, sizeof(z->parent_comm));
	return z;
}

static void zombie_insert(struct zomtab *zt, struct zombie *z)
{
	intmap_put(&zt->zombies, z->pid, z);
	kids_add(zt, z->parent, 1);
}

static void zombie_free(struct zomtab *zt, struct zombie *z)
{
	if (z->pidfd >= 0) {
		epoll_ctl(zt->epfd, EPOLL_CTL_DEL, z->pidfd, NULL);
		close(z->pidfd);
		zt->npidfds--;
	}
	if (z->pidfd < 0 || !zt->hup_works)
		zt->npolled--;
	intmap_del(&zt->zombies, z->pid);
	kids_add(zt, z->parent, -1);
	/* An event of the current epoll batch may still point to it (a
	 * stale entry released at its pid's next exit, found by the
	 * connector before the batch's pidfd events: ASan caught it). */
	z->dead = true;
	z->next_dead = zt->dead;
	zt->dead = z;
}

void zomtab_batch_end(struct zomtab *zt)
{
	while (zt->dead) {
		struct zombie *z = zt->dead;

		zt->dead = z->next_dead;
		free(z);
	}
}

/* Whether tgid has exited (or is gone): its pidfd reads POLLIN from its
 * exit_notify on, which hands its children to their adopter first. */
static bool pidfd_exited(int fd)
{
	return pidfd_state(fd) & (POLLIN | POLLHUP);
}

static bool parent_exited(int tgid)
{
	int fd = pidfd_open_pid(tgid);
	bool exited;

	if (fd < 0)
		return errno == ESRCH;
	exited = pidfd_exited(fd);
	close(fd);
	return exited;
}

/* Whether parent tgid has exited, from a pidfd kept in its entry: in a
 * fork storm opening and closing one at each release was half of
 * zwatch's system calls.  Parents hold at most an eighth of the pidfd
 * budget, which is the zombies'. */
static bool parent_gone(struct zomtab *zt, int tgid)
{
	struct parent_info *p = intmap_get(&zt->parents, tgid);

	if (p && p->pidfd < 0 && zt->npidfds < zt->pidfd_max &&
	    zt->nparent_fds < zt->pidfd_max / 8) {
		p->pidfd = pidfd_open_pid(tgid);
		if (p->pidfd < 0)
			return errno == ESRCH;
		zt->npidfds++;
		zt->nparent_fds++;
	}
	return p && p->pidfd >= 0 ? pidfd_exited(p->pidfd) : parent_exited(tgid);
}

/* A release by the parent at exit is sure while that parent lives: no
 * one else could take its child.  Seen once it has died, before its exit
 * event told of the adoption, it was either the parent's wait just
 * before it died (a shell that waits for its command and exits: common)
 * or the adopter's just after (a pid namespace's init, a subreaper,
 * reaping within a millisecond: rarer).  Nothing outside the kernel
 * tells which: it counts as the parent's, and its line says
 * parent_gone. */
static void zombie_released(struct zomtab *zt, struct zombie *z, double now)
{
	enum reaper_kind k = REAPER_PARENT;

	if (z->parent != z->orig_parent)
		k = z->adopter_init ? REAPER_INIT : REAPER_SUBREAPER;
	else
		z->parent_gone = parent_gone(zt, z->parent);
	metrics_release(zt->m, z->series, k, now - z->exit_ts);
	if (zt->cfg.releases)
		zombie_alert_release(zt->cfg.releases, z, now, k, false);
	zombie_free(zt, z);
}

/* --- events --- */

/* tgid's parent's facts if tgid is in scope, else NULL.  The -p test
 * comes first: it costs no /proc read, and a system-wide connector
 * brings every other process's exit too. */
static struct parent_info *in_scope(struct zomtab *zt, int tgid, int ppid)
{
	struct parent_info *p;

	if (zt->cfg.scope_pid && !intmap_get(&zt->scope, tgid))
		return NULL;
	p = parent_get(zt, ppid);
	return p->in_cgroup ? p : NULL;
}

/* Its parent died: the kernel has already moved its zombie children
 * (forget_original_parent runs before the exit event is sent). */
static void reparent_kids(struct zomtab *zt, int tgid)
{
	struct zombie *z;
	size_t i = 0;

	if (!intmap_get(&zt->kids, tgid))
		return;
	while (intmap_next(&zt->zombies, &i, (void **)&z)) {
		struct proc_stat st;

		if (z->parent == tgid && procfs_stat(z->pid, &st) == 0 &&
		    st.ppid != tgid && st.ppid > 0)
			zombie_set_parent(zt, z, st.ppid);
	}
}

/* Released before the exit event was sent: the kernel's parent at exit
 * is unknown to the event (0), the release was exit_notify()'s own:
 * autoreap, whether by SIG_IGN or by SA_NOCLDWAIT (invisible in /proc).
 * Its parent is the one the fork event or the census named. */
static void on_autoreap(struct zomtab *zt, const struct pcn_event *ev)
{
	int ppid = (int)(intptr_t)intmap_get(&zt->ppids, ev->tgid);
	struct parent_info *p = in_scope(zt, ev->tgid, ppid);
	struct zombie z;

	if (!p)
		return;
	metrics_exit(zt->m, parent_series(zt, p), (int)ev->exit_code);
	metrics_release(zt->m, p->series, REAPER_AUTOREAP, 0);
	if (!zt->cfg.releases)
		return;
	memset(&z, 0, sizeof(z));
	z.pid = ev->tgid;
	z.parent = z.orig_parent = ppid;
	z.exit_code = (int)ev->exit_code;
	z.exit_ts = ev->ts;
	memcpy(z.parent_comm, p->comm, sizeof(z.parent_comm));
	zombie_alert_release(zt->cfg.releases, &z, ev->ts, REAPER_AUTOREAP, true);
}

/* An entry a census made (from /proc, while this exit event still waited
 * in the socket) for the zombie this event is about: its pid cannot have
 * been reused while its pidfd shows it unreleased. */
static bool same_death(const struct zomtab *zt, const struct zombie *z)
{
	return z->estimated && z->pidfd >= 0 && zt->hup_works &&
	       !(pidfd_state(z->pidfd) & POLLHUP);
}

/* The event gives the exact exit time the census could only estimate;
 * the census counted the exit only after a loss (census_adopt). */
static void census_entry_confirmed(struct zomtab *zt, struct zombie *z,
				   const struct pcn_event *ev)
{
	z->exit_ts = ev->ts;
	z->exit_code = (int)ev->exit_code;
	z->estimated = false;
	if (!z->counted)
		metrics_exit(zt->m, z->series, (int)ev->exit_code);
	z->counted = true;
}

/* A thread group's leader exited: it is a zombie now, or once its last
 * thread exits, or it was released before we could look. */
static void on_leader_exit(struct zomtab *zt, const struct pcn_event *ev)
{
	struct zombie *z = intmap_get(&zt->zombies, ev->tgid), tmp;
	struct parent_info *p;
	double now;

	if (z && same_death(zt, z)) {
		census_entry_confirmed(zt, z, ev);
		return;
	}
	if (z)	/* a stale entry of a reused pid: its release is past */
		zombie_released(zt, z, clock_now());
	if (ev->ptgid == 0) {
		on_autoreap(zt, ev);
		return;
	}
	p = in_scope(zt, ev->tgid, ev->ptgid);
	if (!p)
		return;
	metrics_exit(zt->m, parent_series(zt, p), (int)ev->exit_code);
	z = zombie_new(zt, ev->tgid, ev->ptgid, p);
	z->exit_code = (int)ev->exit_code;
	z->exit_ts = ev->ts;
	if (zombie_watch(zt, z, false) == 0) {
		zombie_insert(zt, z);
		return;
	}
	/* Released between the event and now: a parent's wait.  Not the
	 * kernel: the event names a parent only while the task is
	 * pid_alive() (proc_exit_connector()), and an autoreap releases it
	 * inside exit_notify(), before the event is sent.  (So no read of
	 * the parent's SigIgn here: in a fork storm that /proc read per
	 * child was most of zwatch's cost to the forking parent.) */
	now = clock_now();
	tmp = *z;
	free(z);
	tmp.parent_gone = parent_gone(zt, ev->ptgid);
	metrics_release(zt->m, p->series, REAPER_PARENT, now - ev->ts);
	if (zt->cfg.releases)
		zombie_alert_release(zt->cfg.releases, &tmp, now, REAPER_PARENT,
				     true);
}

static void on_exit_event(struct zomtab *zt, const struct pcn_event *ev)
{
	if (ev->pid != ev->tgid) {
		/* A thread: if its leader waits for the group, the group's
		 * exit is the last thread's. */
		struct zombie *z = intmap_get(&zt->zombies, ev->tgid);

		if (z && !z->exited)
			z->exit_ts = ev->ts;
		return;
	}
	on_leader_exit(zt, ev);
	reparent_kids(zt, ev->tgid);
	parent_drop(zt, ev->tgid);
	intmap_del(&zt->ppids, ev->tgid);
	if (zt->cfg.scope_pid && ev->tgid != zt->cfg.scope_pid)
		intmap_del(&zt->scope, ev->tgid);
}

void zomtab_event(struct zomtab *zt, const struct pcn_event *ev)
{
	switch (ev->type) {
	case PCN_FORK:
		if (ev->pid == ev->tgid && ev->ptgid > 0)
			intmap_put(&zt->ppids, ev->tgid, (void *)(intptr_t)ev->ptgid);
		if (zt->cfg.scope_pid && ev->pid == ev->tgid &&
		    intmap_get(&zt->scope, ev->ptgid))
			intmap_put(&zt->scope, ev->tgid, (void *)1);
		break;
	case PCN_EXEC:
	case PCN_COMM:
		if (ev->pid == ev->tgid || ev->type == PCN_COMM)
			parent_drop(zt, ev->tgid);
		break;
	case PCN_EXIT:
		on_exit_event(zt, ev);
		break;
	}
}

void zomtab_pidfd_ready(struct zomtab *zt, struct zombie *z, uint32_t events,
			double now)
{
	if (z->dead)
		return;
	if (!z->exited && (events & (EPOLLIN | EPOLLHUP))) {
		struct epoll_event ev = { .events = 0, .data.ptr = z };

		/* Level-triggered EPOLLIN would fire forever: keep only
		 * the hang-up, which epoll always reports. */
		z->exited = true;
		epoll_ctl(zt->epfd, EPOLL_CTL_MOD, z->pidfd, &ev);
	}
	if (events & (EPOLLHUP | EPOLLERR))
		zombie_released(zt, z, now);
}

/* --- polling, where pidfds do not hang up --- */

int zomtab_poll_timeout(const struct zomtab *zt)
{
	double ms;

	if (!zt->npolled)
		return -1;
	ms = (zt->next_poll - clock_now()) * 1000;
	return ms <= 0 ? 0 : (int)ceil(ms);
}

void zomtab_poll(struct zomtab *zt)
{
	struct zombie *z, **gone = NULL;
	size_t i = 0, n = 0, cap = 0;
	double now = clock_now();

	if (!zt->npolled || now < zt->next_poll)
		return;
	zt->next_poll = now + fmax(POLL_MS, zt->npolled * POLL_MS_PER_ZOMBIE) / 1000;
	while (intmap_next(&zt->zombies, &i, (void **)&z)) {
		if (z->pidfd >= 0 && zt->hup_works)
			continue;
		if (!poll_gone(z))
			continue;
		if (n == cap)
			gone = xrealloc(gone, (cap = cap ? 2 * cap : 16) *
					sizeof(*gone));
		gone[n++] = z;
	}
	/* No changes to the map while iterating it. */
	for (i = 0; i < n; i++)
		zombie_released(zt, gone[i], now);
	free(gone);
}

/* --- census --- */

struct census_buf {
	struct census_proc *v;
	size_t n, cap;
};

static void census_collect(const struct census_proc *p, void *arg)
{
	struct census_buf *b = arg;

	if (b->n == b->cap)
		b->v = xrealloc(b->v, (b->cap = b->cap ? 2 * b->cap : 1024) *
				sizeof(*b->v));
	b->v[b->n++] = *p;
}

static int by_ppid(const void *a, const void *b)
{
	const struct census_proc *x = a, *y = b;

	return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* -p: PID and every process below it, from the parent links. */
static void rebuild_scope(struct zomtab *zt, struct census_buf *b)
{
	int *queue = xmalloc((b->n + 1) * sizeof(*queue));
	size_t head = 0, tail = 0;

	intmap_free(&zt->scope);
	intmap_init(&zt->scope);
	qsort(b->v, b->n, sizeof(*b->v), by_ppid);
	queue[tail++] = zt->cfg.scope_pid;
	intmap_put(&zt->scope, zt->cfg.scope_pid, (void *)1);
	while (head < tail) {
		int pid = queue[head++];
		size_t lo = 0, hi = b->n;

		while (lo < hi) {	/* first with ppid >= pid */
			size_t mid = (lo + hi) / 2;

			if (b->v[mid].ppid < pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < b->n && b->v[lo].ppid == pid; lo++)
			if (!intmap_get(&zt->scope, b->v[lo].pid) && tail < b->n) {
				intmap_put(&zt->scope, b->v[lo].pid, (void *)1);
				queue[tail++] = b->v[lo].pid;
			}
	}
	free(queue);
}

/* A zombie the census found that the table does not have. */
static void census_adopt(struct zomtab *zt, const struct census_proc *cp,
			 bool after_loss)
{
	struct parent_info *p = in_scope(zt, cp->pid, cp->ppid);
	struct zombie *z;
	double t;

	if (!p)
		return;
	z = zombie_new(zt, cp->pid, cp->ppid, p);
	z->exit_code = cp->exit_code;
	t = schedclock_last_run(cp->pid);
	z->estimated = true;
	z->exit_ts = isnan(t) ? clock_now() : t;
	if (zombie_watch(zt, z, true) < 0) {
		free(z);
		return;
	}
	zombie_insert(zt, z);
	z->counted = after_loss;
	if (after_loss)
		metrics_exit(zt->m, p->series, cp->exit_code);
}

int zomtab_census(struct zomtab *zt, bool after_loss)
{
	struct census_buf b = { 0 };
	int n = census_scan(census_collect, &b);

	if (n < 0)
		return n;
	metrics_census(zt->m);
	if (after_loss)
		parents_flush(zt);	/* execs and exits may have been lost */
	if (zt->cfg.scope_pid)
		rebuild_scope(zt, &b);
	for (size_t i = 0; i < b.n; i++) {
		const struct census_proc *cp = &b.v[i];
		struct zombie *z;

		if (cp->ppid > 0)
			intmap_put(&zt->ppids, cp->pid, (void *)(intptr_t)cp->ppid);
		if (cp->state != 'Z')
			continue;
		z = intmap_get(&zt->zombies, cp->pid);
		if (!z)
			census_adopt(zt, cp, after_loss);
		else if (cp->ppid != z->parent && cp->ppid > 0)
			zombie_set_parent(zt, z, cp->ppid);
	}
	free(b.v);
	return 0;
}

/* --- readers --- */

void zomtab_gauges(const struct zomtab *zt, struct metrics *m)
{
	struct zombie *z;
	double now = clock_now();
	size_t i = 0;

	metrics_gauges_reset(m);
	while (intmap_next(&zt->zombies, &i, (void **)&z))
		if (z->exited)
			metrics_gauge_zombie(m, z->series, now - z->exit_ts);
}

void zomtab_each_old(struct zomtab *zt, double age,
		     void (*fn)(const struct zombie *z, double age, void *arg),
		     void *arg)
{
	struct zombie *z;
	double now = clock_now();
	size_t i = 0;

	while (intmap_next(&zt->zombies, &i, (void **)&z))
		if (z->exited && !z->alerted && now - z->exit_ts > age) {
			z->alerted = true;
			fn(z, now - z->exit_ts, arg);
		}
}

void zomtab_free(struct zomtab *zt)
{
	struct zombie *z;
	size_t i = 0;

	if (!zt)
		return;
	zomtab_batch_end(zt);
	while (intmap_next(&zt->zombies, &i, (void **)&z)) {
		if (z->pidfd >= 0)
			close(z->pidfd);
		free(z);
	}
	intmap_free(&zt->zombies);
	parents_flush(zt);
	intmap_free(&zt->parents);
	intmap_free(&zt->kids);
	intmap_free(&zt->scope);
	intmap_free(&zt->ppids);
	free(zt);
}
