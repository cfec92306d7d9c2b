/* elfsym.c - file offset -> function name and build-id, from an ELF
 * file's symbol tables, with libelf.
 *
 * A file is read once, through one Elf handle: its PT_LOAD headers (to
 * turn a file offset into the address its symbols are given in: the same
 * rule serves executables at a fixed address, PIE and shared objects),
 * its build-id, and its function symbols, sorted by address for binary
 * search.  Then the handle and the descriptor are closed; only these
 * tables are kept.  A cached file holds no descriptor (the tracer spends
 * descriptors on pidfds) and only the memory its function symbols need.
 *
 * With ELFSYM_LINES, a file that has a DWARF line table keeps its handle
 * for srcline.c, which reads the debug sections into memory as it opens
 * them; libelf is then told to leave the descriptor, which is closed as
 * for any other file.  A file without one (stripped, -g0) is marked so by
 * its missing srcline: no lookup tries again.
 *
 * Files are read with ELF_C_READ (pread), never mmap'd: a file truncated
 * on disk while mapped would raise SIGBUS in the tracer.
 *
 * A file without .symtab, or (with ELFSYM_LINES) without a line table,
 * gets them from its separate debug file when there is one
 * (debugfile.h: build-id directory, .gnu_debuglink, debuginfod), which
 * is then kept open for as long as the file is cached.
 */
#include "config.h"
#include "elfsym.h"
#include "debugfile.h"
#include "srcline.h"
#include "util.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds for what one file may cost, whatever it claims to hold. */
#define MAX_SYMS (1u << 22)
#define MAX_NAMES (256u << 20)	/* bytes of symbol names */
#define BUILD_ID_MAX 64		/* bytes; GNU ld writes 20 (sha1) */
/* How far back a lookup looks for a symbol that encloses a smaller one
 * (hand-written assembly does that); compilers do not nest functions. */
#define ENCLOSING_SCAN 16

struct segment {
	uint64_t offset, filesz, vaddr;
};

struct fsym {
	uint64_t addr, size;
	uint32_t name;		/* offset in elf_file.names */
	uint8_t rank;		/* among aliases: global 0, weak 1, local 2 */
};

struct elf_file {
	char *path;		/* NULL: a free slot */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int err;		/* -ENOEXEC: not a usable ELF file */
	unsigned long last_used;
	char build_id[2 * BUILD_ID_MAX + 1];	/* "" when none */
	struct segment *segs;
	size_t nsegs;
	struct fsym *syms;
	size_t nsyms;
	char *names;
	size_t names_len, names_cap;
	Elf *elf;		/* kept for lines, else NULL */
	struct debugfile *debug;	/* kept for its symbols or lines */
	struct srcline *lines;	/* NULL: no line table (or not asked) */
};

struct elfsym {
	struct elf_file files[ELFSYM_CACHE];
	unsigned long clock;	/* ticks per lookup, for LRU eviction */
	unsigned flags;		/* ELFSYM_* */
};

struct elfsym *elfsym_new(unsigned flags)
{
	struct elfsym *es = xcalloc(1, sizeof(*es));

	elf_version(EV_CURRENT);
	es->flags = flags;
	return es;
}

static void drop_tables(struct elf_file *f)
{
	srcline_close(f->lines);
	if (f->elf)
		elf_end(f->elf);
	debugfile_close(f->debug);
	f->lines = NULL;
	f->elf = NULL;
	f->debug = NULL;
	free(f->segs);
	free(f->syms);
	free(f->names);
	f->segs = NULL;
	f->syms = NULL;
	f->names = NULL;
	f->nsegs = f->nsyms = f->names_len = f->names_cap = 0;
}

static void clear_file(struct elf_file *f)
{
	drop_tables(f);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void elfsym_free(struct elfsym *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < ELFSYM_CACHE; i++)
		clear_file(&es->files[i]);
	free(es);
}

static int read_segments(struct elf_file *f, Elf *elf)
{
	size_t n;

	if (elf_getphdrnum(elf, &n) != 0 || n == 0)
		return -ENOEXEC;
	f->segs = xcalloc(n, sizeof(*f->segs));
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !ph.p_filesz)
			continue;
		f->segs[f->nsegs++] = (struct segment){ ph.p_offset,
							ph.p_filesz, ph.p_vaddr };
	}
	return f->nsegs ? 0 : -ENOEXEC;
}

/* A GNU build-id note in data, as hex into f->build_id. */
static bool scan_notes(struct elf_file *f, Elf_Data *data)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
		const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;

		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((const char *)data->d_buf + name_off, "GNU", 4) ||
		    !nh.n_descsz)
			continue;
		for (size_t i = 0; i < nh.n_descsz && i < BUILD_ID_MAX; i++)
			snprintf(f->build_id + 2 * i, 3, "%02x", d[i]);
		return true;
	}
	return false;
}

/* From the note sections, or from PT_NOTE when the section headers are
 * gone (sstrip): the loader's view is what identifies the build. */
static void read_build_id(struct elf_file *f, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t n;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE &&
		    (data = elf_getdata(scn, NULL)) && scan_notes(f, data))
			return;
	}
	if (elf_getphdrnum(elf, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		Elf_Data *data;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_NOTE &&
		    (data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
						 ph.p_filesz, ELF_T_NHDR)) &&
		    scan_notes(f, data))
			return;
	}
}

static Elf_Scn *find_section(Elf *elf, GElf_Word type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == type)
			return scn;
	return NULL;
}

static bool is_function(const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->st_size &&
	       s->st_shndx != SHN_UNDEF;
}

static uint8_t rank_of(const GElf_Sym *s)
{
	switch (GELF_ST_BIND(s->st_info)) {
	case STB_GLOBAL: return 0;
	case STB_WEAK: return 1;
	default: return 2;
	}
}

/* Appends name to the file's pool; false when the pool is full. */
static bool add_name(struct elf_file *f, const char *name, uint32_t *at)
{
	size_t len = strlen(name) + 1;

	if (f->names_len + len > MAX_NAMES)
		return false;
	if (f->names_len + len > f->names_cap) {
		f->names_cap = f->names_cap ? 2 * f->names_cap : 4096;
		while (f->names_cap < f->names_len + len)
			f->names_cap *= 2;
		f->names = xrealloc(f->names, f->names_cap);
	}
	memcpy(f->names + f->names_len, name, len);
	*at = (uint32_t)f->names_len;
	f->names_len += len;
	return true;
}

static void add_symbol(struct elf_file *f, Elf *elf, size_t strndx,
		       const GElf_Sym *s, size_t *cap)
{
	const char *name = elf_strptr(elf, strndx, s->st_name);
	char plain[256];
	struct fsym *fs;

	if (!name || !*name)
		return;
	/* "posix_spawn@@GLIBC_2.15" in a .symtab: the version is not
	 * part of the function's name (.dynsym keeps it elsewhere). */
	if (strchr(name + 1, '@') && strlen(name) < sizeof(plain)) {
		snprintf(plain, sizeof(plain), "%s", name);
		*strchr(plain + 1, '@') = '\0';
		name = plain;
	}
	if (f->nsyms == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		f->syms = xrealloc(f->syms, *cap * sizeof(*f->syms));
	}
	fs = &f->syms[f->nsyms];
	if (!add_name(f, name, &fs->name))
		return;
	fs->addr = s->st_value;
	fs->size = s->st_size;
	fs->rank = rank_of(s);
	f->nsyms++;
}

/* By address, then rank, then table order (names are pooled in table
 * order), so that the choice among aliases does not depend on qsort. */
static int cmp_sym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Aliases share an address; after sorting, the best-ranked comes first
 * and is the one kept. */
static void sort_symbols(struct elf_file *f)
{
	size_t out = 0;

	if (!f->nsyms)
		return;
	qsort(f->syms, f->nsyms, sizeof(*f->syms), cmp_sym);
	for (size_t i = 1; i < f->nsyms; i++)
		if (f->syms[i].addr != f->syms[out].addr)
			f->syms[++out] = f->syms[i];
	f->nsyms = out + 1;
}

/* Function symbols of .symtab, or of .dynsym when stripped.  True when
 * they came from a .symtab. */
static bool read_symbols(struct elf_file *f, Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(elf, SHT_SYMTAB, &sh);
	bool symtab = scn != NULL;
	Elf_Data *data;
	size_t n, cap = 0;

	if (!scn)
		scn = find_section(elf, SHT_DYNSYM, &sh);
	if (!scn || !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
		return false;
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 1; i < n && f->nsyms < MAX_SYMS; i++) {
		GElf_Sym s;

		if (!gelf_getsym(data, (int)i, &s))
			break;	/* the table is shorter than it claims */
		if (is_function(&s))
			add_symbol(f, elf, sh.sh_link, &s, &cap);
	}
	sort_symbols(f);
	return symtab;
}

/* A stripped file's .symtab and DWARF, from its separate debug file
 * (libc6-dbg's for libc): its functions then all have names, not only
 * the exported ones, and its code lines.  The debug file's addresses are
 * the main file's. */
static void read_debug_file(struct elf_file *f, int fd, bool symtab,
			    bool lines)
{
	GElf_Shdr sh;
	Elf *dbg;
	bool used = false;

	f->debug = debugfile_find(f->path, fd);
	if (!f->debug)
		return;
	dbg = debugfile_elf(f->debug);
	if (!symtab && find_section(dbg, SHT_SYMTAB, &sh)) {
		free(f->syms);
		free(f->names);
		f->syms = NULL;
		f->names = NULL;
		f->nsyms = f->names_len = f->names_cap = 0;
		used = read_symbols(f, dbg);
	}
	if (lines && (f->lines = srcline_open(dbg)))
		used = true;
	if (!used) {
		debugfile_close(f->debug);
		f->debug = NULL;
	}
}

static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* A file cut short (a copy interrupted, a link still writing) is refused
 * rather than half read: its header tables or loadable segments would
 * end past its last byte, which no file a process has mapped does. */
static bool complete(Elf *elf, const GElf_Ehdr *eh, const struct elf_file *f)
{
	uint64_t size = (uint64_t)f->size;
	size_t n;

	if (elf_getphdrnum(elf, &n) != 0 ||
	    !fits(eh->e_phoff, (uint64_t)n * eh->e_phentsize, size))
		return false;
	if (eh->e_shoff && (elf_getshdrnum(elf, &n) != 0 ||
			    !fits(eh->e_shoff, (uint64_t)n * eh->e_shentsize, size)))
		return false;
	for (size_t i = 0; i < f->nsegs; i++)
		if (!fits(f->segs[i].offset, f->segs[i].filesz, size))
			return false;
	return true;
}

static int load(struct elf_file *f, int fd, unsigned flags)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	int err = -ENOEXEC;
	bool symtab;

	if (!elf)
		return -ENOEXEC;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN))
		goto out;
	err = read_segments(f, elf);
	if (!err && !complete(elf, &eh, f))
		err = -ENOEXEC;
	if (err)
		goto out;
	read_build_id(f, elf);
	symtab = read_symbols(f, elf);
	if ((flags & ELFSYM_LINES) && (f->lines = srcline_open(elf))) {
		/* All it needs is read: the descriptor can go. */
		elf_cntl(elf, ELF_C_FDDONE);
		f->elf = elf;
		return 0;
	}
	if (!symtab || (flags & ELFSYM_LINES))
		read_debug_file(f, fd, symtab, flags & ELFSYM_LINES);
out:
	elf_end(elf);
	return err;
}

static bool same_file(const struct elf_file *f, const struct stat *st)
{
	return f->dev == st->st_dev && f->ino == st->st_ino &&
	       f->size == st->st_size &&
	       f->mtime.tv_sec == st->st_mtim.tv_sec &&
	       f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The cached entry for path as it is now on disk, or the slot to read it
 * into: its own stale one, a free one, or the least recently used. */
static struct elf_file *slot_for(struct elfsym *es, const char *path,
				 const struct stat *st, bool *hit)
{
	struct elf_file *victim = &es->files[0];

	*hit = false;
	for (size_t i = 0; i < ELFSYM_CACHE; i++) {
		struct elf_file *f = &es->files[i];

		if (f->path && !strcmp(f->path, path)) {
			*hit = same_file(f, st);
			if (!*hit)
				clear_file(f);
			return f;
		}
		if (victim->path && (!f->path || f->last_used < victim->last_used))
			victim = f;
	}
	clear_file(victim);
	return victim;
}

/* Reads the file open as fd (whose fstat is st) into the free slot f. */
static int fill(struct elf_file *f, const char *path, int fd,
		const struct stat *st, unsigned flags)
{
	f->path = xstrdup(path);
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->err = load(f, fd, flags);
	if (f->err)
		drop_tables(f);	/* only the verdict is kept */
	return f->err;
}

static bool to_vaddr(const struct elf_file *f, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < f->nsegs; i++) {
		const struct segment *s = &f->segs[i];

		if (off >= s->offset && off - s->offset < s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}

/* Index of the last symbol starting at or before addr, or -1. */
static long last_at_or_before(const struct elf_file *f, uint64_t addr)
{
	size_t lo = 0, hi = f->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* A symbol that contains addr, by its size: never the nearest one below
 * when that one ends before addr (a stripped file's .dynsym names only
 * the exported functions; the code between them is someone else's, and
 * "exported+0x514" would name the wrong function).  Such a frame stays
 * binary+offset. */
static const struct fsym *find_symbol(const struct elf_file *f, uint64_t addr)
{
	long last = last_at_or_before(f, addr);

	for (long i = last; i >= 0 && last - i < ENCLOSING_SCAN; i--)
		if (addr - f->syms[i].addr < f->syms[i].size)
			return &f->syms[i];
	return NULL;
}

int elfsym_lookup_fd(struct elfsym *es, const char *path, int fd,
		     unsigned long off, struct elfsym_info *out)
{
	struct elf_file *f;
	const struct fsym *s;
	struct stat st;
	uint64_t addr;
	bool hit;

	*out = (struct elfsym_info){ NULL, 0, NULL, NULL, 0 };
	if (!es)
		return -ENOSYS;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOEXEC;
	/* Keyed by what is read, not by a stat of the path. */
	f = slot_for(es, path, &st, &hit);
	if (!hit)
		fill(f, path, fd, &st, es->flags);
	f->last_used = ++es->clock;
	if (f->err)
		return f->err;
	out->build_id = f->build_id[0] ? f->build_id : NULL;
	if (!to_vaddr(f, off, &addr))
		return 0;
	if (f->lines)
		srcline_find(f->lines, addr, &out->file, &out->line);
	if (!(s = find_symbol(f, addr)))
		return 0;
	out->function = f->names + s->name;
	out->func_offset = addr - s->addr;
	return 0;
}

int elfsym_lookup(struct elfsym *es, const char *path, unsigned long off,
		  struct elfsym_info *out)
{
	int fd, err;

	*out = (struct elfsym_info){ NULL, 0, NULL, NULL, 0 };
	if (!es)
		return -ENOSYS;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	err = elfsym_lookup_fd(es, path, fd, off, out);
	close(fd);
	return err;
}
