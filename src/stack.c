/* stack.c - unwinding a stopped tracee with libunwind-ptrace; mapping
 * each pc to its file and file offset through /proc/PID/maps.
 *
 * Function names, build-ids and source lines come from zwatch's own
 * symbolizer (elfsym.c: .symtab, then .dynsym, and the DWARF line table,
 * read once per file and cached), not from libunwind's
 * unw_get_proc_name, which reads the file again for every frame.  The
 * maps are kept per process until exec or a miss.
 */
#include "config.h"
#include "stack.h"
#include "elfsym.h"
#include "intmap.h"
#include "util.h"

#include <libunwind-ptrace.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_MAPS 512
#define MAX_UNWINDERS 64

struct mapping {
	unsigned long start, end, offset;
	char *path;
};

/* libunwind state for one thread, kept between captures so that what it
 * learnt about the process's ELF files (its caches) serves the next fork
 * from the same place: a fork storm unwinds the same code every time. */
struct unwinder {
	unw_addr_space_t as;
	void *ui;
	int pid;
};

struct stacker {
	struct intmap unwinders;	/* tid -> struct unwinder */
	struct mapping maps[MAX_MAPS];
	size_t nmaps;
	int maps_pid;			/* whose maps[] holds, 0: none */
	struct elfsym *syms;
	/* Copies, so that a frame's strings outlive the symbolizer's cache
	 * entries until the next capture, as stack.h promises. */
	char names[ZW_STACK_MAX][128];
	char ids[ZW_STACK_MAX][129];
	char files[ZW_STACK_MAX][4096];
	char bins[ZW_STACK_MAX][4096];	/* a re-read of the maps frees theirs */
	bool reread;			/* the maps were re-read this capture */
};

struct stacker *stacker_new(void)
{
	struct stacker *s = xcalloc(1, sizeof(*s));

	intmap_init(&s->unwinders);
	s->syms = elfsym_new(ELFSYM_LINES);
	return s;
}

static void drop_unwinder(struct unwinder *u)
{
	_UPT_destroy(u->ui);
	unw_destroy_addr_space(u->as);
	free(u);
}

static void drop_all_unwinders(struct stacker *s)
{
	void *val;

	for (size_t i = 0; intmap_next(&s->unwinders, &i, &val);)
		drop_unwinder(val);
	intmap_free(&s->unwinders);
}

static struct unwinder *unwinder_for(struct stacker *s, int pid, int tid)
{
	struct unwinder *u = intmap_get(&s->unwinders, tid);

	if (u && u->pid == pid)
		return u;
	if (u)
		drop_unwinder(intmap_del(&s->unwinders, tid));
	if (s->unwinders.len >= MAX_UNWINDERS)
		drop_all_unwinders(s);	/* bounded: start afresh */
	u = xcalloc(1, sizeof(*u));
	u->pid = pid;
	u->as = unw_create_addr_space(&_UPT_accessors, 0);
	u->ui = u->as ? _UPT_create(tid) : NULL;
	if (!u->ui) {
		if (u->as)
			unw_destroy_addr_space(u->as);
		free(u);
		return NULL;
	}
	/* One address space per process image: safe to cache in it. */
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	intmap_put(&s->unwinders, tid, u);
	return u;
}

void stacker_forget(struct stacker *s, int pid)
{
	void *val;
	bool again = true;

	if (!s)
		return;
	if (s->maps_pid == pid)
		s->maps_pid = 0;
	while (again) {
		again = false;
		for (size_t i = 0; intmap_next(&s->unwinders, &i, &val);) {
			struct unwinder *u = val;

			if (u->pid == pid) {
				drop_unwinder(intmap_del(&s->unwinders,
							 s->unwinders.slots[i - 1].key));
				again = true;
				break;
			}
		}
	}
}

static void clear_maps(struct stacker *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		free(s->maps[i].path);
	s->nmaps = 0;
}

void stacker_free(struct stacker *s)
{
	if (!s)
		return;
	clear_maps(s);
	elfsym_free(s->syms);
	drop_all_unwinders(s);
	free(s);
}

/* File-backed executable mappings of pid. */
static void read_maps(struct stacker *s, int pid)
{
	char path[64], line[4096], perms[8], file[4096];
	unsigned long start, end, offset;
	FILE *fp;

	clear_maps(s);
	s->maps_pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (s->nmaps < MAX_MAPS && fgets(line, sizeof(line), fp)) {
		file[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095[^\n]", &start,
			   &end, perms, &offset, file) < 4 || perms[2] != 'x' ||
		    file[0] != '/')
			continue;
		s->maps[s->nmaps++] = (struct mapping){ start, end, offset,
							xstrdup(file) };
	}
	fclose(fp);
}

static const struct mapping *find_map(const struct stacker *s,
				      unsigned long pc)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (pc >= s->maps[i].start && pc < s->maps[i].end)
			return &s->maps[i];
	return NULL;
}

static const char *copy(char *buf, size_t len, const char *str)
{
	if (!str)
		return NULL;
	snprintf(buf, len, "%s", str);
	return buf;
}

/* Fills in file, offset, function, build-id and source line of frame i,
 * whose pc is set.  Only frame 0 (and a frame interrupted by a signal)
 * stopped at its pc; the others' pc is a return address, which may
 * already be past the end of the calling function, or in the next
 * statement's line, so the byte before it (in the call) is looked up. */
static void describe(struct stacker *s, int pid, size_t i, bool exact,
		     struct zw_frame *f)
{
	const struct mapping *m = find_map(s, f->pc);
	struct elfsym_info info;
	unsigned long back;

	/* Maps are kept until exec; a miss means they changed (dlopen),
	 * or a pc in no file (vdso, JIT): re-read once a capture. */
	if (!m && !s->reread) {
		s->reread = true;
		read_maps(s, pid);
		m = find_map(s, f->pc);
	}
	f->binary = m ? copy(s->bins[i], sizeof(s->bins[i]), m->path) : NULL;
	f->offset = m ? f->pc - m->start + m->offset : 0;
	f->function = NULL;
	f->func_offset = 0;
	f->build_id = NULL;
	f->file = NULL;
	f->line = 0;
	back = exact || !f->offset ? 0 : 1;
	if (!m || elfsym_lookup(s->syms, m->path, f->offset - back, &info) < 0)
		return;
	f->build_id = copy(s->ids[i], sizeof(s->ids[i]), info.build_id);
	f->function = copy(s->names[i], sizeof(s->names[i]), info.function);
	if (info.line) {
		f->file = copy(s->files[i], sizeof(s->files[i]), info.file);
		f->line = info.line;
	}
	/* Counted from the pc itself, as printed. */
	f->func_offset = info.func_offset + back;
}

int stacker_capture(struct stacker *s, int pid, int tid, struct zw_stack *out)
{
	struct unwinder *u;
	unw_cursor_t c;
	bool exact = true;	/* frame 0 is where the thread stopped */

	out->n = 0;
	if (!s)
		return -ENOSYS;
	s->reread = false;
	u = unwinder_for(s, pid, tid);
	if (!u)
		return -ENOMEM;
	if (s->maps_pid != pid)
		read_maps(s, pid);
	if (unw_init_remote(&c, u->as, u->ui) < 0)
		return -EINVAL;
	do {
		unw_word_t ip;
		struct zw_frame *f = &out->frames[out->n];

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		f->pc = ip;
		describe(s, pid, out->n, exact, f);
		out->n++;
		exact = unw_is_signal_frame(&c) > 0;
	} while (out->n < ZW_STACK_MAX && unw_step(&c) > 0);
	return 0;
}
