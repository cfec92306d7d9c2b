/* stack.c - unwinding a stopped tracee with libunwind-ptrace; mapping
 * each pc to its file through /proc/PID/maps; build-ids with libelf.
 *
 * Function names come from libunwind's unw_get_proc_name, which reads
 * the ELF symbol tables (.symtab, then .dynsym) of the mapped file.
 * Build-ids are cached by path, bounded; the rest is per capture, since
 * a fork site is looked at once.
 */
#include "config.h"
#include "stack.h"
#include "intmap.h"
#include "util.h"

#include <fcntl.h>
#include <gelf.h>
#include <libunwind-ptrace.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MAPS 512
#define BUILD_ID_CACHE 64
#define MAX_UNWINDERS 64

struct mapping {
	unsigned long start, end, offset;
	char *path;
};

struct build_id {
	char *path;
	char hex[41];	/* "" when the file has none */
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
	struct build_id ids[BUILD_ID_CACHE];
	size_t next_id;	/* round-robin replacement keeps the cache bounded */
	char names[ZW_STACK_MAX][128];
};

struct stacker *stacker_new(void)
{
	struct stacker *s = xcalloc(1, sizeof(*s));

	intmap_init(&s->unwinders);
	elf_version(EV_CURRENT);
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
	for (size_t i = 0; i < BUILD_ID_CACHE; i++)
		free(s->ids[i].path);
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

/* The NT_GNU_BUILD_ID note of an ELF file, as hex. */
static void read_build_id(const char *path, char *hex, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	Elf_Scn *scn = NULL;

	hex[0] = '\0';
	if (fd < 0)
		return;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
			const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4))
				continue;
			for (size_t i = 0; i < nh.n_descsz && 2 * i + 2 < len; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			goto out;
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
}

static const char *build_id_of(struct stacker *s, const char *path)
{
	struct build_id *b;

	for (size_t i = 0; i < BUILD_ID_CACHE; i++)
		if (s->ids[i].path && !strcmp(s->ids[i].path, path))
			return s->ids[i].hex[0] ? s->ids[i].hex : NULL;
	b = &s->ids[s->next_id++ % BUILD_ID_CACHE];
	free(b->path);
	b->path = xstrdup(path);
	read_build_id(path, b->hex, sizeof(b->hex));
	return b->hex[0] ? b->hex : NULL;
}

static void describe(struct stacker *s, int pid, unw_cursor_t *c, size_t i,
		     struct zw_frame *f)
{
	const struct mapping *m = find_map(s, f->pc);

	/* Maps are kept until exec; a miss means they changed (dlopen). */
	if (!m) {
		read_maps(s, pid);
		m = find_map(s, f->pc);
	}
	unw_word_t off = 0;

	f->binary = m ? m->path : NULL;
	f->offset = m ? f->pc - m->start + m->offset : 0;
	f->build_id = m ? build_id_of(s, m->path) : NULL;
	f->function = NULL;
	f->func_offset = 0;
	if (unw_get_proc_name(c, s->names[i], sizeof(s->names[i]), &off) == 0) {
		f->function = s->names[i];
		f->func_offset = off;
	}
}

int stacker_capture(struct stacker *s, int pid, int tid, struct zw_stack *out)
{
	struct unwinder *u;
	unw_cursor_t c;

	out->n = 0;
	if (!s)
		return -ENOSYS;
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
		describe(s, pid, &c, out->n, f);
		out->n++;
	} while (out->n < ZW_STACK_MAX && unw_step(&c) > 0);
	return 0;
}
