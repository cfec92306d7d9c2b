/* ps.c - zwatch ps: options, which zombies are in view, one verdict per
 * parent, the actions asked for, and the exit status.  The parts are
 * elsewhere: zombies.c scans /proc, verdict.c judges a parent, remedy.c
 * nudges and reaps, ps_print.c writes.
 */
#include "config.h"
#include "ps.h"
#include "sanitize.h"
#include "duration.h"
#include "intmap.h"
#include "procfs.h"
#include "stack.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ps_opts {
	int *pids;		/* subtrees of these, or all */
	size_t npids;
	const char *cgroup;	/* --cgroup PATH, relative to the cgroup2 root */
	int pidns;		/* --pidns PID */
	double max_age;		/* --max-zombie-age, NAN: none */
	bool json, nudge, reap, no_stop;
};

/* What is in view: filled from the options before the scan. */
struct ps_scope {
	const struct ps_opts *o;
	char cgroup[4096];	/* normalized: "/a/b", "" for the root */
	char pidns[64];		/* "pid:[4026531836]" */
	struct intmap ppid;	/* pid -> ppid + 1 (for subtrees) */
};

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " zwatch ps [options] [PID...]\n"
	      "\n"
	      "List the zombies in view, grouped by parent, and say why each\n"
	      "parent does not reap them.  With PIDs: only their subtrees.\n"
	      "\n"
	      "Selection:\n"
	      "     --cgroup=PATH       zombies in cgroup PATH (v2) or below it\n"
	      "     --pidns=PID         zombies whose parent is in PID's pid namespace\n"
	      "\n"
	      "Output:\n"
	      "     --json              one JSON object (see zwatch(1))\n"
	      "     --no-stop           /proc only: never stop a parent to look closer\n"
	      "     --max-zombie-age=DUR  exit 3 only for zombies older than DUR\n"
	      "\n"
	      "Actions (only when asked; nothing is ever killed):\n"
	      "     --nudge             send SIGCHLD where a handler would reap\n"
	      "     --reap              make each parent reap its zombies itself,\n"
	      "                         by running waitid() inside it (ptrace); its\n"
	      "                         own later wait for those pids gets ECHILD\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\n"
	      "Exit status: 0 no zombie, 3 zombies (older than DUR with\n"
	      "--max-zombie-age; left after --nudge/--reap), 1 could not look,\n"
	      "2 usage error.\n", fp);
}

/* -1 to go on, or an exit status (0 after --help, 2). */
static int parse_ps_options(int argc, char *argv[], struct ps_opts *o)
{
	enum { OPT_CGROUP = 256, OPT_PIDNS, OPT_MAXAGE, OPT_JSON, OPT_NUDGE,
	       OPT_REAP, OPT_NOSTOP };
	static const struct option longopts[] = {
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "pidns", required_argument, NULL, OPT_PIDNS },
		{ "max-zombie-age", required_argument, NULL, OPT_MAXAGE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "nudge", no_argument, NULL, OPT_NUDGE },
		{ "reap", no_argument, NULL, OPT_REAP },
		{ "no-stop", no_argument, NULL, OPT_NOSTOP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->max_age = NAN;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case OPT_CGROUP:
			o->cgroup = optarg;
			break;
		case OPT_PIDNS:
			if (parse_pid(optarg, &o->pidns) < 0)
				return usage_error("zwatch ps", "--pidns: not a pid: '%s'", optarg);
			break;
		case OPT_MAXAGE:
			if (duration_parse(optarg, &o->max_age) < 0)
				return usage_error("zwatch ps", "--max-zombie-age: not a "
						   "duration: '%s'", optarg);
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_NUDGE:
			o->nudge = true;
			break;
		case OPT_REAP:
			o->reap = true;
			break;
		case OPT_NOSTOP:
			o->no_stop = true;
			break;
		case ':':
			return usage_error("zwatch ps", "option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("zwatch ps", "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (o->no_stop && o->reap)
		return usage_error("zwatch ps", "%s: --reap stops the parents",
				   "--no-stop");
	o->npids = (size_t)(argc - optind);
	o->pids = xcalloc(o->npids + 1, sizeof(int));
	for (size_t i = 0; i < o->npids; i++)
		if (parse_pid(argv[optind + (int)i], &o->pids[i]) < 0)
			return usage_error("zwatch ps", "not a pid: '%s'",
					   argv[optind + (int)i]);
	return -1;
}

/* The mount point of the cgroup v2 hierarchy, from mountinfo. */
static int cgroup2_root(char *buf, size_t len)
{
	char line[4096], mnt[4096], fstype[64];
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	int err = -ENOENT;

	if (!fp)
		return -errno;
	while (err && fgets(line, sizeof(line), fp)) {
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		snprintf(buf, len, "%s", mnt);
		err = 0;
	}
	fclose(fp);
	return err;
}

/* PATH as /proc/PID/cgroup writes it: under the v2 root, no trailing /. */
static int scope_cgroup(struct ps_scope *sc, const char *path)
{
	char root[4096], real[PATH_MAX];
	size_t n;

	if (path[0] == '/' && cgroup2_root(root, sizeof(root)) == 0 &&
	    realpath(path, real)) {
		n = strlen(root);
		if (!strncmp(real, root, n) && (real[n] == '/' || !real[n])) {
			snprintf(sc->cgroup, sizeof(sc->cgroup), "%s", real + n);
			return 0;
		}
	}
	if (path[0] != '/') {
		warnx_("--cgroup %s: give the cgroup's path (/sys/fs/cgroup/...)", path);
		return -EINVAL;
	}
	/* A path like /system.slice/x.service, as /proc/PID/cgroup says. */
	if (cgroup2_root(root, sizeof(root)) < 0) {
		warnx_("--cgroup: no cgroup v2 hierarchy is mounted");
		return -ENOENT;
	}
	snprintf(real, sizeof(real), "%s%s", root, path);
	if (access(real, F_OK) < 0) {
		warn_errno(errno, "--cgroup %s", path);
		return -ENOENT;
	}
	snprintf(sc->cgroup, sizeof(sc->cgroup), "%s", path);
	n = strlen(sc->cgroup);
	while (n > 0 && sc->cgroup[n - 1] == '/')
		sc->cgroup[--n] = '\0';
	return 0;
}

static int read_pidns(int pid, char *buf, size_t len)
{
	return procfs_link(pid, "ns/pid", buf, len);
}

/* The cgroup v2 path of pid ("0::/a/b"), "" if unknown. */
static void read_cgroup(int pid, char *buf, size_t len)
{
	char path[64], text[4096], *p;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	if (procfs_read(path, text, sizeof(text)) <= 0)
		return;
	p = strstr(text, "0::");
	if (p != text && (!p || p[-1] != '\n'))
		return;
	p += 3;
	p[strcspn(p, "\n")] = '\0';
	snprintf(buf, len, "%s", p);
}

static bool in_subtree(const struct ps_scope *sc, int pid)
{
	/* Bounded: a pid reused during the scan could make a loop. */
	for (int depth = 0; pid > 0 && depth < 4096; depth++) {
		void *pp;

		for (size_t i = 0; i < sc->o->npids; i++)
			if (sc->o->pids[i] == pid)
				return true;
		pp = intmap_get(&sc->ppid, pid);
		if (!pp)
			return false;
		pid = (int)(intptr_t)pp - 1;
	}
	return false;
}

static bool in_scope(const struct ps_scope *sc, int pid, int ppid)
{
	char buf[4096];
	size_t n;

	if (sc->o->npids && !in_subtree(sc, pid))
		return false;
	if (sc->o->pidns && (read_pidns(ppid, buf, sizeof(buf)) < 0 ||
			     strcmp(buf, sc->pidns)))
		return false;
	if (sc->o->cgroup) {
		read_cgroup(pid, buf, sizeof(buf));
		n = strlen(sc->cgroup);
		if (!buf[0] || strncmp(buf, sc->cgroup, n) ||
		    (buf[n] && buf[n] != '/' && n))
			return false;
	}
	return true;
}

static int make_scope(struct ps_scope *sc, const struct ps_opts *o,
		      const struct zombie_scan *zs)
{
	memset(sc, 0, sizeof(*sc));
	sc->o = o;
	intmap_init(&sc->ppid);
	for (size_t i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) < 0 && errno == ESRCH) {
			warnx_("no process %d", o->pids[i]);
			return -ESRCH;
		}
	if (o->pidns && read_pidns(o->pidns, sc->pidns, sizeof(sc->pidns)) < 0) {
		warn_errno(errno, "--pidns %d: cannot read /proc/%d/ns/pid",
			   o->pidns, o->pidns);
		return -ESRCH;
	}
	if (o->cgroup && scope_cgroup(sc, o->cgroup) < 0)
		return -ENOENT;
	for (size_t i = 0; o->npids && i < zs->nprocs; i++)
		intmap_put(&sc->ppid, zs->procs[i].pid,
			   (void *)(intptr_t)(zs->procs[i].ppid + 1));
	return 0;
}

static int by_parent(const void *a, const void *b)
{
	const struct zombie *x = *(struct zombie *const *)a;
	const struct zombie *y = *(struct zombie *const *)b;

	if (x->ppid != y->ppid)
		return x->ppid < y->ppid ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Worst first: more zombies, then older, then the verdict's order. */
static int by_worst(const void *a, const void *b)
{
	const struct ps_group *x = a, *y = b;
	double ox = isnan(x->oldest) ? -1 : x->oldest;
	double oy = isnan(y->oldest) ? -1 : y->oldest;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (ox != oy)
		return ox > oy ? -1 : 1;
	if (x->v.kind != y->v.kind)
		return x->v.kind < y->v.kind ? -1 : 1;
	return (x->parent > y->parent) - (x->parent < y->parent);
}

static void parent_facts(struct ps_group *g)
{
	struct proc_status st;
	struct passwd *pw;
	char buf[4096];
	size_t len;

	g->uid = -1;
	if (procfs_status(g->parent, 0, &st) == 0) {
		g->uid = st.uid;
		g->parent_depth = st.nspid_depth;
		if (st.nspid_depth > 1)
			g->parent_nspid = st.nspid_inner;
	}
	pw = g->uid >= 0 ? getpwuid((uid_t)g->uid) : NULL;
	if (pw)
		snprintf(g->user, sizeof(g->user), "%s", pw->pw_name);
	else if (g->uid >= 0)
		snprintf(g->user, sizeof(g->user), "%d", g->uid);
	read_cgroup(g->parent, buf, sizeof(buf));
	sanitize_str(g->cgroup, sizeof(g->cgroup), buf);
	len = procfs_cmdline(g->parent, buf, sizeof(buf));
	g->cmdline[0] = '\0';
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		size_t used = strlen(g->cmdline);

		if (used + 2 >= sizeof(g->cmdline))
			break;
		if (i)
			g->cmdline[used++] = ' ';
		sanitize_str(g->cmdline + used, sizeof(g->cmdline) - used, buf + i);
	}
}


/* Groups the zombies in view (zv, sorted by parent) by parent. */
static void make_groups(struct ps_view *pv, struct zombie **zv, size_t n)
{
	pv->groups = xcalloc(n + 1, sizeof(*pv->groups));
	for (size_t i = 0; i < n; i++) {
		struct ps_group *g = pv->ngroups ? &pv->groups[pv->ngroups - 1] : NULL;

		if (!g || g->parent != zv[i]->ppid) {
			g = &pv->groups[pv->ngroups++];
			g->parent = zv[i]->ppid;
			g->zombies = &zv[i];
			g->oldest = NAN;
		}
		g->n++;
		if (!isnan(zv[i]->age) && !(g->oldest >= zv[i]->age))
			g->oldest = zv[i]->age;
	}
}

static void judge(struct ps_view *pv, const struct ps_opts *o)
{
	struct stacker *stacker = o->no_stop ? NULL : stacker_new();

	for (size_t i = 0; i < pv->ngroups; i++) {
		struct ps_group *g = &pv->groups[i];

		parent_facts(g);
		verdict_of(g->parent, o->no_stop ? 0 : VERDICT_LOOK, stacker,
			   &g->v);
	}
	stacker_free(stacker);
}

static void act_on(struct ps_group *g, const struct ps_opts *o)
{
	enum verdict_kind k = g->v.kind;
	int r;

	g->results = xcalloc(g->n, sizeof(*g->results));
	for (size_t i = 0; i < g->n; i++) {
		g->results[i].pid = g->zombies[i]->pid;
		g->results[i].nspid = zombie_pid_at(g->zombies[i], g->parent_depth);
		if (!g->results[i].nspid)
			g->results[i].nspid = g->zombies[i]->pid;
		g->results[i].status = g->zombies[i]->status;
	}
	if (o->nudge && verdict_nudge_helps(&g->v)) {
		g->action = "nudge";
		r = remedy_nudge(g->parent, g->results, g->n);
	} else if (o->reap && k != VERDICT_EXITING && k != VERDICT_TRACED &&
		   k != VERDICT_STOPPED) {
		g->action = "reap";
		/* Never the system's init, as for a look. */
		r = g->parent == 1 ? -EPERM :
		    remedy_reap(g->parent, g->v.tid, g->results, g->n);
	} else {
		return;
	}
	g->action_err = r < 0 ? r : 0;
}

static void act(struct ps_view *pv, const struct ps_opts *o)
{
	pv->acted = o->nudge || o->reap;
	pv->left = pv->nzombies;
	if (!pv->acted)
		return;
	for (size_t i = 0; i < pv->ngroups; i++) {
		struct ps_group *g = &pv->groups[i];

		act_on(g, o);
		for (size_t j = 0; g->action && j < g->n; j++)
			pv->left -= g->results[j].collected;
	}
}

static void count_old(struct ps_view *pv, struct zombie **zv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		/* An unknown age is not proof of youth. */
		if (isnan(pv->max_age) || isnan(zv[i]->age) ||
		    zv[i]->age > pv->max_age)
			pv->over_age++;
}

static void free_view(struct ps_view *pv)
{
	for (size_t i = 0; i < pv->ngroups; i++)
		free(pv->groups[i].results);
	free(pv->groups);
	free(pv->leaders);
}

static int exit_status(const struct ps_view *pv)
{
	if (pv->acted)
		return pv->left ? PS_EXIT_ZOMBIES : PS_EXIT_NONE;
	return pv->over_age ? PS_EXIT_ZOMBIES : PS_EXIT_NONE;
}

/* The zombies (and pthread_exit() leaders) in view. */
static void select_view(struct ps_view *pv, const struct ps_scope *sc,
			const struct zombie_scan *zs, struct zombie **zv)
{
	pv->leaders = xcalloc(zs->nleaders + 1, sizeof(int));
	for (size_t i = 0; i < zs->n; i++)
		if (in_scope(sc, zs->zombies[i].pid, zs->zombies[i].ppid))
			zv[pv->nzombies++] = &zs->zombies[i];
	for (size_t i = 0; i < zs->nleaders; i++) {
		struct proc_stat st;

		if (procfs_stat(zs->leaders[i], &st) == 0 &&
		    in_scope(sc, zs->leaders[i], st.ppid))
			pv->leaders[pv->nleaders++] = zs->leaders[i];
	}
}

int ps_main(int argc, char *argv[])
{
	struct zombie_scan zs;
	struct ps_view pv = { .max_age = NAN };
	struct ps_scope sc;
	struct ps_opts o;
	struct zombie **zv;
	int ret, err;

	ret = parse_ps_options(argc, argv, &o);
	if (ret >= 0) {
		free(o.pids);
		return ret;
	}
	err = zombie_scan(&zs);
	if (err < 0) {
		warn_errno(-err, "cannot list /proc");
		free(o.pids);
		return PS_EXIT_CANNOT;
	}
	ret = PS_EXIT_CANNOT;
	if (make_scope(&sc, &o, &zs) < 0)
		goto out;
	zv = xcalloc(zs.n + 1, sizeof(*zv));
	pv.max_age = o.max_age;
	select_view(&pv, &sc, &zs, zv);
	qsort(zv, pv.nzombies, sizeof(*zv), by_parent);
	count_old(&pv, zv, pv.nzombies);
	make_groups(&pv, zv, pv.nzombies);
	judge(&pv, &o);
	qsort(pv.groups, pv.ngroups, sizeof(*pv.groups), by_worst);
	act(&pv, &o);
	if (o.json)
		ps_print_json(stdout, &pv);
	else
		ps_print_text(stdout, &pv);
	ret = fflush(stdout) == 0 && !ferror(stdout) ? exit_status(&pv) :
	      PS_EXIT_CANNOT;
	free_view(&pv);
	free(zv);
out:
	intmap_free(&sc.ppid);
	zombie_scan_free(&zs);
	free(o.pids);
	return ret;
}
