/* zombie_alert.c - formatting zwatch watch's JSON lines.  Everything
 * from /proc (comm, cgroup, wchan) is hostile and goes through
 * json_put_string(). */
#include "config.h"
#include "zombie_alert.h"

#include "census.h"
#include "diagnose.h"
#include "procfs.h"
#include "sink.h"

#include <string.h>

static const char *sigchld_name(enum diag_sigchld s)
{
	return s == DIAG_SIGCHLD_IGNORED ? "ignored" :
	       s == DIAG_SIGCHLD_CAUGHT ? "caught" : "default";
}

static void put_parent(FILE *fp, const struct diag_facts *f, bool alive)
{
	char cgroup[256], state[2] = { f->state, 0 };
	const char *sc;

	fprintf(fp, "\"parent\":{\"pid\":%d", f->parent);
	if (!alive) {
		fputs(",\"alive\":false}", fp);
		return;
	}
	fputs(",\"alive\":true,\"comm\":", fp);
	json_put_string(fp, f->comm);
	fputs(",\"state\":", fp);
	json_put_string(fp, state);
	if (census_cgroup(f->parent, cgroup, sizeof(cgroup)) == 0) {
		fputs(",\"cgroup\":", fp);
		json_put_string(fp, cgroup);
	}
	sc = f->syscall >= 0 ? diagnose_syscall_name(f->syscall) : NULL;
	fputs(",\"syscall\":", fp);
	if (sc)
		json_put_string(fp, sc);
	else if (f->syscall >= 0)
		fprintf(fp, "%ld", f->syscall);
	else
		fputs(f->syscall == -1 ? "\"running\"" : "null", fp);
	fputs(",\"wchan\":", fp);
	json_put_string(fp, f->wchan);
	fprintf(fp, ",\"sigchld\":\"%s\",\"sigchld_blocked\":%s,"
		"\"sigchld_pending\":%s,\"is_init\":%s}",
		sigchld_name(f->sigchld), f->sigchld_blocked ? "true" : "false",
		f->sigchld_pending ? "true" : "false",
		f->is_init ? "true" : "false");
}

void zombie_alert_age(FILE *fp, const struct zombie *z, double age,
		      const struct zombie_verdict_hook *hook)
{
	struct diag_facts f;
	char comm[16] = "", text[1024], verdict[1024];
	bool alive;

	memset(&f, 0, sizeof(f));
	procfs_comm(z->pid, comm, sizeof(comm));
	alive = diagnose_collect(z->parent, &f) == 0;
	f.parent = z->parent;
	fprintf(fp, "{\"event\":\"zombie_age\",\"pid\":%d,\"comm\":", z->pid);
	json_put_string(fp, comm);
	fprintf(fp, ",\"age\":%.3f,\"exit_time\":%.6f,\"age_estimated\":%s,"
		"\"exit_status\":%d,", age, z->exit_ts,
		z->estimated ? "true" : "false", z->exit_code);
	put_parent(fp, &f, alive);
	diagnose_explain(&f, z->pid, comm, age, text, sizeof(text));
	fputs(",\"diagnosis\":", fp);
	json_put_string(fp, text);
	fputs(",\"verdict\":", fp);
	if (hook && hook->fn && hook->fn(z->parent, verdict, sizeof(verdict),
					 hook->arg) == 0)
		json_put_string(fp, verdict);
	else
		fputs("null", fp);
	fputs("}\n", fp);
	fflush(fp);
}

void zombie_alert_release(FILE *fp, const struct zombie *z, double now,
			  enum reaper_kind kind, bool at_exit)
{
	fprintf(fp, "{\"event\":\"release\",\"pid\":%d,\"parent\":%d,"
		"\"parent_at_exit\":%d,\"parent_comm\":", z->pid, z->parent,
		z->orig_parent);
	json_put_string(fp, z->parent_comm);
	fprintf(fp, ",\"exit_status\":%d,\"exit_time\":%.6f,"
		"\"release_time\":%.6f,\"lifetime\":%.6f,\"reaper\":\"%s\","
		"\"at_exit\":%s,\"estimated\":%s,\"parent_gone\":%s}\n",
		z->exit_code, z->exit_ts, now, now - z->exit_ts,
		reaper_kind_name(kind), at_exit ? "true" : "false",
		z->estimated ? "true" : "false",
		z->parent_gone ? "true" : "false");
}
