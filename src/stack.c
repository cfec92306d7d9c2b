/* stack.c - unwinding a stopped tracee with libunwind-ptrace; mapping
 * each pc to its file and file offset through /proc/PID/maps.
 *
 * Function names, build-ids and source lines come from zwatch's own
 * symbolizer (elfsym.c: .symtab, then .dynsym, and the DWARF line table,
 * read once per file and cached), run in a sandboxed helper process
 * (symsrv.h), not from libunwind's unw_get_proc_name, which reads the
 * file again for every frame, in the tracer.  What the helper answered
 * is kept here by (device, inode, offset) of the mapped file, so that a
 * fork storm from one place asks it once.  The maps are kept per process
 * until exec or a miss.
 */
#include "config.h"
#include "stack.h"
#include "elfsym.h"
#include "intmap.h"
#include "symsrv.h"
#include "util.h"

#include <libunwind-ptrace.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#define MAX_MAPS 512
#define MAX_UNWINDERS 64
#define SYM_SLOTS 4096		/* answers kept; a power of two */
#define CFI_SLOTS 512		/* "has unwind info" verdicts kept */

struct mapping {
	unsigned long start, end, offset;
	dev_t dev;
	ino_t ino;
	char *path;
};

/* The helper's answer for one offset of one file. */
struct sym_entry {
	bool used;
	dev_t dev;
	ino_t ino;
	unsigned long off;
	int err;
	char *function, *build_id, *file;
	unsigned long func_offset;
	unsigned line;
};

/* libunwind state for one thread, kept between captures so that what it
 * learnt about the process's ELF files (its caches) serves the next fork
 * from the same place: a fork storm unwinds the same code every time.
 * libunwind reaches the thread through the accessors below, which pass
 * its ptrace accessors ui, except for the registers a leaf without CFI
 * is stepped past with (see step_syscall_leaf). */
struct unwinder {
	unw_addr_space_t as;
	void *ui;
	int pid;
	unw_word_t ip, sp;	/* while overriding: the thread's ip, sp */
};

struct stacker {
	struct intmap unwinders;	/* tid -> struct unwinder */
	struct mapping maps[MAX_MAPS];
	size_t nmaps;
	int maps_pid;			/* whose maps[] holds, 0: none */
	struct cfi_verdict {
		bool used, has;
		dev_t dev;
		ino_t ino;
		unsigned long off;
	} cfi[CFI_SLOTS];		/* direct-mapped */
	struct symsrv *syms;
	struct sym_entry *answers;	/* SYM_SLOTS, open addressing */
	size_t nanswers;
	/* Copies, so that a frame's strings outlive the symbolizer's cache
	 * entries until the next capture, as stack.h promises. */
	char names[ZW_STACK_MAX][128];
	char ids[ZW_STACK_MAX][129];
	char files[ZW_STACK_MAX][4096];
	char bins[ZW_STACK_MAX][4096];	/* a re-read of the maps frees theirs */
	bool reread;			/* the maps were re-read this capture */
	char *cut[16];			/* binaries whose cut stacks were told */
	size_t ncut;
};

/* libunwind-ptrace's accessors, whose argument is their own state (ui),
 * also where libunwind-ptrace calls them itself: the unwinder whose
 * registers are overridden is found by its address space instead.  Only
 * one capture runs at a time.  Writes are refused: an unwind only reads,
 * and must never change the tracee. */
static const struct unwinder *overriding;

static int acc_access_mem(unw_addr_space_t as, unw_word_t addr,
			  unw_word_t *val, int write, void *arg)
{
	if (write)
		return -UNW_EINVAL;
	return _UPT_access_mem(as, addr, val, 0, arg);
}

static int acc_access_reg(unw_addr_space_t as, unw_regnum_t reg,
			  unw_word_t *val, int write, void *arg)
{
	const struct unwinder *u = overriding;

	if (write)
		return -UNW_EREADONLYREG;
	if (u && u->as == as && (reg == UNW_REG_IP || reg == UNW_REG_SP)) {
		*val = reg == UNW_REG_IP ? u->ip : u->sp;
		return 0;
	}
	return _UPT_access_reg(as, reg, val, 0, arg);
}

static int acc_access_fpreg(unw_addr_space_t as, unw_regnum_t reg,
			    unw_fpreg_t *val, int write, void *arg)
{
	if (write)
		return -UNW_EREADONLYREG;
	return _UPT_access_fpreg(as, reg, val, 0, arg);
}

static int acc_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as; (void)c; (void)arg;
	return -UNW_EINVAL;
}

static unw_accessors_t accessors;

static void init_accessors(void)
{
	accessors = _UPT_accessors;
	accessors.access_mem = acc_access_mem;
	accessors.access_reg = acc_access_reg;
	accessors.access_fpreg = acc_access_fpreg;
	accessors.resume = acc_resume;
}

struct stacker *stacker_new(void)
{
	struct stacker *s = xcalloc(1, sizeof(*s));

	intmap_init(&s->unwinders);
	init_accessors();
	s->syms = symsrv_new(ELFSYM_LINES);
	s->answers = xcalloc(SYM_SLOTS, sizeof(*s->answers));
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
	u->as = unw_create_addr_space(&accessors, 0);
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

static void clear_answers(struct stacker *s)
{
	for (size_t i = 0; i < SYM_SLOTS; i++) {
		struct sym_entry *e = &s->answers[i];

		free(e->function);
		free(e->build_id);
		free(e->file);
		memset(e, 0, sizeof(*e));
	}
	s->nanswers = 0;
}

static size_t answer_slot(const struct mapping *m, unsigned long off)
{
	uint64_t h = ((uint64_t)m->dev * 0x9e3779b97f4a7c15ull) ^
		     ((uint64_t)m->ino * 0xc2b2ae3d27d4eb4full) ^
		     (off * 0x165667b19e3779f9ull);

	return (size_t)(h ^ (h >> 29)) & (SYM_SLOTS - 1);
}

static char *dup_or_null(const char *str)
{
	return str ? xstrdup(str) : NULL;
}

/* The symbolizer's answer for off in m's file, asked once: a fork storm
 * asks the same thing each time. */
static int lookup(struct stacker *s, const struct mapping *m,
		  unsigned long off, struct elfsym_info *out)
{
	size_t i = answer_slot(m, off);
	struct sym_entry *e;
	int err;

	for (;; i = (i + 1) & (SYM_SLOTS - 1)) {
		e = &s->answers[i];
		if (!e->used)
			break;
		if (e->dev == m->dev && e->ino == m->ino && e->off == off) {
			*out = (struct elfsym_info){ e->function,
				e->func_offset, e->build_id, e->file, e->line };
			return e->err;
		}
	}
	err = symsrv_lookup(s->syms, m->path, off, out);
	/* Kept: answers and bad formats, not what may pass (EMFILE). */
	if (err && err != -ENOEXEC && err != -EIO)
		return err;
	if (s->nanswers >= SYM_SLOTS / 4 * 3) {
		clear_answers(s);
		return err;
	}
	*e = (struct sym_entry){ true, m->dev, m->ino, off, err,
				 dup_or_null(out->function),
				 dup_or_null(out->build_id),
				 dup_or_null(out->file), out->func_offset,
				 out->line };
	s->nanswers++;
	return err;
}

void stacker_free(struct stacker *s)
{
	if (!s)
		return;
	clear_maps(s);
	for (size_t i = 0; i < s->ncut; i++)
		free(s->cut[i]);
	clear_answers(s);
	free(s->answers);
	symsrv_free(s->syms);
	drop_all_unwinders(s);
	free(s);
}

/* File-backed executable mappings of pid. */
static void read_maps(struct stacker *s, int pid)
{
	char path[64], line[4096], perms[8], file[4096];
	unsigned long start, end, offset, ino;
	unsigned major, minor;
	FILE *fp;

	clear_maps(s);
	s->maps_pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (s->nmaps < MAX_MAPS && fgets(line, sizeof(line), fp)) {
		file[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %4095[^\n]", &start,
			   &end, perms, &offset, &major, &minor, &ino, file) < 7 ||
		    perms[2] != 'x' || file[0] != '/')
			continue;
		s->maps[s->nmaps++] = (struct mapping){ start, end, offset,
			makedev(major, minor), (ino_t)ino, xstrdup(file) };
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
	if (!m || lookup(s, m, f->offset - back, &info) < 0)
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

/* Whether unwind info covers pc: asked of libunwind-ptrace, which
 * re-reads the maps and the file's headers for it (unw_step's own
 * lookups are cached, this one is not), so the answer is kept by the
 * mapped file's (device, inode, offset): every fork of a storm asks it
 * about the same pc. */
static bool has_cfi(struct stacker *s, struct unwinder *u, unw_word_t pc)
{
	const struct mapping *m = find_map(s, pc);
	unw_proc_info_t pi;
	unsigned long off;
	struct cfi_verdict *v;

	if (!m)
		return _UPT_find_proc_info(u->as, pc, &pi, 0, u->ui) >= 0;
	off = pc - m->start + m->offset;
	v = &s->cfi[(off ^ (unsigned long)m->ino * 31) % CFI_SLOTS];
	if (!v->used || v->dev != m->dev || v->ino != m->ino || v->off != off)
		*v = (struct cfi_verdict){ true,
			_UPT_find_proc_info(u->as, pc, &pi, 0, u->ui) >= 0,
			m->dev, m->ino, off };
	return v->has;
}

/* glibc's __clone3 (posix_spawn's clone) has no symbol, and its CFI ends
 * just before its syscall instruction: the parent comes back from clone3
 * at a pc no FDE covers, where libunwind falls back to rbp, which holds
 * no frame there (the stack went on as "0x5607b7b33004" and nothing).
 * A pc with no unwind info right after a syscall instruction is taken
 * for what such code is, a system call wrapper that pushed nothing: its
 * return address is at the stack pointer.  True when so, with the
 * caller's ip and sp set for a new cursor. */
static bool step_syscall_leaf(struct stacker *s, struct unwinder *u,
			      unw_cursor_t *c, unw_word_t ip)
{
#if defined(__x86_64__)
	unw_word_t word, sp, ra;

	if (has_cfi(s, u, ip) ||
	    _UPT_access_mem(u->as, ip - 2, &word, 0, u->ui) < 0 ||
	    (word & 0xffff) != 0x050f ||	/* syscall */
	    unw_get_reg(c, UNW_REG_SP, &sp) < 0 ||
	    _UPT_access_mem(u->as, sp, &ra, 0, u->ui) < 0 || !find_map(s, ra))
		return false;
	overriding = u;
	u->ip = ra;
	u->sp = sp + 8;
	return true;
#else
	(void)s; (void)u; (void)c; (void)ip;
	return false;
#endif
}

/* Only tracee-controlled bytes in a warning: printable ASCII or '?'. */
static void printable(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = src[i] > 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

/* The stack ended at f, which libunwind found no unwind information for:
 * say so, once per binary, rather than leave a one-frame stack
 * unexplained.  The usual cause is a static binary whose .eh_frame has
 * no .eh_frame_hdr index (gcc -static does not write one), which
 * libunwind's ptrace unwinder needs. */
static void note_cut(struct stacker *s, struct unwinder *u,
		     const struct zw_frame *f, bool exact)
{
	char name[256];

	if (!f->binary || s->ncut >= ARRAY_SIZE(s->cut) ||
	    has_cfi(s, u, f->pc - !exact))
		return;
	for (size_t i = 0; i < s->ncut; i++)
		if (!strcmp(s->cut[i], f->binary))
			return;
	s->cut[s->ncut++] = xstrdup(f->binary);
	printable(name, sizeof(name), f->binary);
	warnx_("stacks in %s stop at +%#lx: no unwind information covers it "
	       "(a static binary without .eh_frame_hdr, or code without CFI)",
	       name, f->offset);
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
	overriding = NULL;
	if (unw_init_remote(&c, u->as, u->ui) < 0)
		return -EINVAL;
	for (;;) {
		unw_word_t ip;
		struct zw_frame *f = &out->frames[out->n];
		int step;

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		f->pc = ip;
		describe(s, pid, out->n, exact, f);
		if (++out->n == ZW_STACK_MAX)
			break;
		if (out->n == 1 && exact && step_syscall_leaf(s, u, &c, ip)) {
			exact = false;	/* from now on return addresses */
			if (unw_init_remote(&c, u->as, u->ui) < 0)
				break;
			continue;
		}
		step = unw_step(&c);
		if (step <= 0)
			note_cut(s, u, f, exact);
		if (step <= 0)
			break;
		exact = unw_is_signal_frame(&c) > 0;
	}
	overriding = NULL;
	return 0;
}
