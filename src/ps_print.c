/* ps_print.c - zwatch ps output: a table for people (worst parent
 * first, a few lines of detail under each) and one JSON object for
 * programs, whose fields zwatch(1) documents; this file alone makes them.
 * Every string a process controls (comm, command line, cgroup, symbol
 * names) is escaped on the way out.
 */
#include "config.h"
#include "ps.h"
#include "decode.h"
#include "sanitize.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Zombie pids listed per parent in the text; JSON lists all. */
#define TEXT_ZOMBIES_MAX 8

/* "exit 7", "killed by SIGTERM", "killed by SIGSEGV (core dumped)". */
static void status_text(int status, char *buf, size_t len)
{
	const char *name;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
		return;
	}
	name = decode_signal_name(WTERMSIG(status));
	if (name)
		snprintf(buf, len, "killed by %s%s", name,
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else
		snprintf(buf, len, "killed by signal %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core dumped)" : "");
}

static void age_text(double age, char *buf, size_t len)
{
	if (isnan(age))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "~%.1fs", age);
}

static void print_zombies(FILE *fp, const struct ps_group *g)
{
	char st[64], age[32], comm[80];

	fputs("  zombies: ", fp);
	for (size_t i = 0; i < g->n && i < TEXT_ZOMBIES_MAX; i++) {
		struct zombie *z = g->zombies[i];
		int nspid = zombie_pid_at(z, g->parent_depth);

		if (z->status_known)
			status_text(z->status, st, sizeof(st));
		else
			snprintf(st, sizeof(st), "status not visible");
		age_text(z->age, age, sizeof(age));
		sanitize_str(comm, sizeof(comm), z->comm);
		fprintf(fp, "%s %d", i ? "," : "", z->pid);
		if (nspid && nspid != z->pid)
			fprintf(fp, "(%d)", nspid);
		fprintf(fp, " (%s, %s, %s)", comm, st, age);
	}
	if (g->n > TEXT_ZOMBIES_MAX)
		fprintf(fp, ", and %zu more", g->n - TEXT_ZOMBIES_MAX);
	fputc('\n', fp);
}

static void print_action(FILE *fp, const struct ps_group *g)
{
	char st[64], label[16];
	size_t done = 0;

	if (!g->action)
		return;
	snprintf(label, sizeof(label), "%s:", g->action);
	if (g->action_err) {
		fprintf(fp, "  %-9s not done: %s\n", label,
			strerror(-g->action_err));
		return;
	}
	fprintf(fp, "  %-9s", label);
	for (size_t i = 0; i < g->n; i++) {
		const struct remedy_result *r = &g->results[i];

		if (!r->collected)
			continue;
		status_text(r->status, st, sizeof(st));
		fprintf(fp, "%s %d %s", done++ ? "," : "", r->pid, st);
	}
	fprintf(fp, "%s (%zu of %zu collected)\n", done ? "" : " none", done, g->n);
}

static void print_group(FILE *fp, const struct ps_group *g)
{
	char comm[80], text[2048], age[32], pid[32];

	sanitize_str(comm, sizeof(comm), g->v.f.comm);
	age_text(g->oldest, age, sizeof(age));
	if (g->parent_nspid)
		snprintf(pid, sizeof(pid), "%d(%d)", g->parent, g->parent_nspid);
	else
		snprintf(pid, sizeof(pid), "%d", g->parent);
	fprintf(fp, "%-12s %7zu %8s  %-18s %s (%s)\n", pid, g->n, age,
		verdict_name(g->v.kind), comm, g->user[0] ? g->user : "?");
	sanitize_str(text, sizeof(text), g->v.why);
	fprintf(fp, "  why:      %s\n", text);
	sanitize_str(text, sizeof(text), g->v.fix);
	fprintf(fp, "  fix:      %s\n", text);
	if (g->cmdline[0])
		fprintf(fp, "  command:  %s\n", g->cmdline);
	if (g->cgroup[0])
		fprintf(fp, "  cgroup:   %s\n", g->cgroup);
	if (g->v.unseen[0]) {
		sanitize_str(text, sizeof(text), g->v.unseen);
		fprintf(fp, "  unseen:   %s\n", text);
	}
	print_zombies(fp, g);
	print_action(fp, g);
}

void ps_print_text(FILE *fp, const struct ps_view *pv)
{
	if (!pv->nzombies)
		fputs("no zombies\n", fp);
	else
		fprintf(fp, "%zu zomb%s under %zu parent%s\n"
			"%-12s %7s %8s  %-18s %s\n", pv->nzombies,
			pv->nzombies == 1 ? "ie" : "ies", pv->ngroups,
			pv->ngroups == 1 ? "" : "s", "PARENT", "ZOMBIES",
			"OLDEST", "VERDICT", "COMM (USER)");
	for (size_t i = 0; i < pv->ngroups; i++)
		print_group(fp, &pv->groups[i]);
	for (size_t i = 0; i < pv->nleaders; i++)
		fprintf(fp, "not counted: %d shows Z but is alive: its leader "
			"called pthread_exit() and its other threads run\n",
			pv->leaders[i]);
	if (pv->acted)
		fprintf(fp, "%zu zomb%s left\n", pv->left,
			pv->left == 1 ? "ie" : "ies");
}

/* ---- JSON ------------------------------------------------------------ */

static json_object *jstr(const char *s)
{
	char buf[2048];

	if (!s || !*s)
		return NULL;	/* null */
	sanitize_str(buf, sizeof(buf), s);
	return json_object_new_string(buf);
}

static json_object *jnum(double v)
{
	return isnan(v) ? NULL : json_object_new_double(round(v * 1e3) / 1e3);
}

static void put_status(json_object *o, int status)
{
	json_object_object_add(o, "status", json_object_new_int(status));
	json_object_object_add(o, "exit_code", WIFEXITED(status) ?
			       json_object_new_int(WEXITSTATUS(status)) : NULL);
	json_object_object_add(o, "signal", WIFEXITED(status) ? NULL :
			       jstr(decode_signal_name(WTERMSIG(status))));
	json_object_object_add(o, "core_dumped",
			       json_object_new_boolean(!WIFEXITED(status) &&
						       WCOREDUMP(status)));
}

static json_object *zombie_json(const struct ps_group *g, size_t i)
{
	struct zombie *z = g->zombies[i];
	json_object *o = json_object_new_object();
	int nspid = zombie_pid_at(z, g->parent_depth);

	json_object_object_add(o, "pid", json_object_new_int(z->pid));
	json_object_object_add(o, "nspid", nspid && nspid != z->pid ?
			       json_object_new_int(nspid) : NULL);
	json_object_object_add(o, "comm", jstr(z->comm));
	if (z->status_known) {
		put_status(o, z->status);
	} else {
		json_object_object_add(o, "status", NULL);
		json_object_object_add(o, "exit_code", NULL);
		json_object_object_add(o, "signal", NULL);
		json_object_object_add(o, "core_dumped", NULL);
	}
	json_object_object_add(o, "age", jnum(z->age));
	if (g->action) {
		const struct remedy_result *r = &g->results[i];

		json_object_object_add(o, "collected",
				       json_object_new_boolean(r->collected));
		json_object_object_add(o, "collected_status", r->collected ?
				       json_object_new_int(r->status) : NULL);
	}
	return o;
}

static const char *const sigchld_names[] = {
	[DIAG_SIGCHLD_DEFAULT] = "default", [DIAG_SIGCHLD_CAUGHT] = "handler",
	[DIAG_SIGCHLD_IGNORED] = "ignored",
};

static void verdict_json(json_object *o, const struct verdict *v)
{
	json_object_object_add(o, "verdict", jstr(verdict_name(v->kind)));
	json_object_object_add(o, "why", jstr(v->why));
	json_object_object_add(o, "fix", jstr(v->fix));
	json_object_object_add(o, "state", v->f.state ?
			       json_object_new_string_len(&v->f.state, 1) : NULL);
	json_object_object_add(o, "syscall",
			       jstr(diagnose_syscall_name(v->f.syscall)));
	json_object_object_add(o, "where", jstr(v->f.where));
	json_object_object_add(o, "waits_for", v->waits_for ?
			       json_object_new_int(v->waits_for) : NULL);
	json_object_object_add(o, "sigchld", jstr(sigchld_names[v->f.sigchld]));
	json_object_object_add(o, "handler", v->f.sa.known ?
			       jstr(v->f.sa.name) : NULL);
	json_object_object_add(o, "sigchld_blocked",
			       json_object_new_boolean(v->f.sigchld_blocked));
	json_object_object_add(o, "sigchld_pending",
			       json_object_new_boolean(v->f.sigchld_pending));
	json_object_object_add(o, "tracer", v->tracer ?
			       json_object_new_int(v->tracer) : NULL);
	json_object_object_add(o, "pidns_init",
			       json_object_new_boolean(v->f.is_init));
	json_object_object_add(o, "looked", json_object_new_boolean(v->looked));
	json_object_object_add(o, "unseen", jstr(v->unseen));
}

static json_object *group_json(const struct ps_group *g)
{
	json_object *o = json_object_new_object(), *zs = json_object_new_array();

	json_object_object_add(o, "parent", json_object_new_int(g->parent));
	json_object_object_add(o, "parent_nspid", g->parent_nspid ?
			       json_object_new_int(g->parent_nspid) : NULL);
	json_object_object_add(o, "comm", jstr(g->v.f.comm));
	json_object_object_add(o, "cmdline", jstr(g->cmdline));
	json_object_object_add(o, "uid", g->uid >= 0 ?
			       json_object_new_int(g->uid) : NULL);
	json_object_object_add(o, "user", jstr(g->user));
	json_object_object_add(o, "cgroup", jstr(g->cgroup));
	verdict_json(o, &g->v);
	json_object_object_add(o, "count", json_object_new_int((int)g->n));
	json_object_object_add(o, "oldest", jnum(g->oldest));
	for (size_t i = 0; i < g->n; i++)
		json_object_array_add(zs, zombie_json(g, i));
	json_object_object_add(o, "zombies", zs);
	json_object_object_add(o, "action", jstr(g->action));
	json_object_object_add(o, "action_error", g->action_err ?
			       jstr(strerror(-g->action_err)) : NULL);
	return o;
}

void ps_print_json(FILE *fp, const struct ps_view *pv)
{
	json_object *top = json_object_new_object();
	json_object *groups = json_object_new_array();
	json_object *leaders = json_object_new_array();

	json_object_object_add(top, "zombies",
			       json_object_new_int((int)pv->nzombies));
	json_object_object_add(top, "over_age", isnan(pv->max_age) ? NULL :
			       json_object_new_int((int)pv->over_age));
	json_object_object_add(top, "left", pv->acted ?
			       json_object_new_int((int)pv->left) : NULL);
	for (size_t i = 0; i < pv->ngroups; i++)
		json_object_array_add(groups, group_json(&pv->groups[i]));
	json_object_object_add(top, "parents", groups);
	for (size_t i = 0; i < pv->nleaders; i++)
		json_object_array_add(leaders,
				      json_object_new_int(pv->leaders[i]));
	json_object_object_add(top, "not_zombies", leaders);
	fprintf(fp, "%s\n", json_object_to_json_string_ext(top,
					JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}
