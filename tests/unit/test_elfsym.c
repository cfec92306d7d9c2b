/* Unit test: the ELF symbolizer names the right function at the right
 * offset in the fixture (tests/unit/elfsym_fixture.c) built as a PIE, a
 * non-PIE and a shared object; falls back to .dynsym when linked -s; says
 * -errno for files that are not ELF or are cut short; and re-reads a file
 * replaced on disk.  Where the functions are is learnt independently of
 * libelf: from nm, and the file offsets from the program headers read
 * here by hand.  The fixtures sit next to this program.
 *
 * Source lines (with libdw): the fixture built with -g gives each of its
 * C functions' bytes the line addr2line (binutils' own DWARF reader)
 * gives, also without .debug_aranges (removed by objcopy, as clang does
 * not write it) and after eviction; its asm functions, its data and the
 * stripped builds have none.
 */
#include "config.h"
#include "elfsym.h"
#include "srcline.h"
#include "util.h"
#include "check.h"

#include <elf.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FX_SYMS 16

struct fx_sym {
	char name[64];
	unsigned long vaddr, size;
};

struct fixture {
	char path[PATH_MAX];
	struct fx_sym syms[MAX_FX_SYMS];
	size_t n;
};

/* Where the fixtures are; short enough that dir/name fits a path. */
static char dir[PATH_MAX - 256];
static char tmp[] = "/tmp/test_elfsym.XXXXXX";

/* "0000000000001139 0000000000000017 T fx_global" lines of nm -S. */
static bool read_nm(struct fixture *fx)
{
	char cmd[PATH_MAX + 64], line[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm -S --defined-only '%s' 2>/dev/null", fx->path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	fx->n = 0;
	while (fx->n < MAX_FX_SYMS && fgets(line, sizeof(line), p)) {
		struct fx_sym *s = &fx->syms[fx->n];
		char type;

		if (sscanf(line, "%lx %lx %c %63s", &s->vaddr, &s->size, &type,
			   s->name) == 4 && !strncmp(s->name, "fx_", 3))
			fx->n++;
	}
	return pclose(p) == 0 && fx->n > 0;
}

static const struct fx_sym *sym(const struct fixture *fx, const char *name)
{
	for (size_t i = 0; i < fx->n; i++)
		if (!strcmp(fx->syms[i].name, name))
			return &fx->syms[i];
	fprintf(stderr, "%s: nm shows no %s\n", fx->path, name);
	exit(99);
}

/* vaddr -> file offset through the PT_LOAD headers, without libelf. */
static unsigned long file_offset(const char *path, unsigned long vaddr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	unsigned long off = 0;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fprintf(stderr, "%s: not a 64-bit ELF file\n", path);
		exit(99);
	}
	for (int i = 0; i < eh.e_phnum && !off; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    sizeof(ph))
			break;
		if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
		    vaddr - ph.p_vaddr < ph.p_filesz)
			off = vaddr - ph.p_vaddr + ph.p_offset;
	}
	close(fd);
	if (!off) {
		fprintf(stderr, "%s: %#lx is in no PT_LOAD\n", path, vaddr);
		exit(99);
	}
	return off;
}

/* lookup at vaddr names want+want_off. */
static void expect(struct elfsym *es, const char *path, unsigned long vaddr,
		   const char *want, unsigned long want_off)
{
	struct elfsym_info info;
	int rc = elfsym_lookup(es, path, file_offset(path, vaddr), &info);

	CHECK_INT(rc, 0);
	if (want) {
		CHECK_STR(info.function, want);
		CHECK_INT(info.func_offset, want_off);
	} else if (info.function) {
		fprintf(stderr, "%s: %#lx named %s+%#lx, expected nothing\n",
			path, vaddr, info.function, info.func_offset);
		check_failures++;
	}
}

static void check_build_id(struct elfsym *es, const char *path)
{
	struct elfsym_info info;

	CHECK_INT(elfsym_lookup(es, path, 0, &info), 0);
	CHECK(info.build_id && strlen(info.build_id) == 40 &&
	      strspn(info.build_id, "0123456789abcdef") == 40);
}

/* The line of vaddr as addr2line reads it, its file into file; 0 when
 * it knows none ("??:?", "??:0"). */
static unsigned addr2line(const char *path, unsigned long vaddr, char *file,
			  size_t len)
{
	char cmd[PATH_MAX + 64], out[PATH_MAX], *p;
	unsigned line = 0;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "addr2line -e '%s' %#lx 2>/dev/null", path,
		 vaddr);
	fp = popen(cmd, "r");
	if (!fp)
		return 0;
	if (fgets(out, sizeof(out), fp)) {
		out[strcspn(out, "\n")] = '\0';
		if ((p = strstr(out, " (discriminator")))
			*p = '\0';
		if ((p = strrchr(out, ':')) && p[1] >= '1' && p[1] <= '9') {
			line = (unsigned)strtoul(p + 1, NULL, 10);
			*p = '\0';
			snprintf(file, len, "%s", out);
		}
	}
	pclose(fp);
	return line;
}

static void load_fixture(struct fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", dir, name);
	if (!read_nm(fx)) {
		fprintf(stderr, "nm %s failed: skipped\n", fx->path);
		exit(77);
	}
}

/* Start, middle and last byte of each function; the asm pair back to
 * back; read-only data and the ELF header in no function. */
static void test_unstripped(struct elfsym *es, const char *name)
{
	static const char *const funcs[] = {
		"fx_global", "fx_static_a", "fx_static_b", "fx_sized", "fx_after",
	};
	struct fixture fx;
	const struct fx_sym *s, *a;
	struct elfsym_info info;

	load_fixture(&fx, name);
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		s = sym(&fx, funcs[i]);
		CHECK(s->size > 1);
		expect(es, fx.path, s->vaddr, s->name, 0);
		expect(es, fx.path, s->vaddr + s->size / 2, s->name, s->size / 2);
		expect(es, fx.path, s->vaddr + s->size - 1, s->name, s->size - 1);
	}
	s = sym(&fx, "fx_sized");
	a = sym(&fx, "fx_after");
	CHECK_INT(s->size, 48);
	CHECK_INT(a->vaddr, s->vaddr + 48);
	expect(es, fx.path, s->vaddr + 48, "fx_after", 0);
	expect(es, fx.path, sym(&fx, "fx_rodata")->vaddr + 8, NULL, 0);
	CHECK_INT(elfsym_lookup(es, fx.path, 0, &info), 0);
	CHECK(info.function == NULL);
	CHECK_INT(elfsym_lookup(es, fx.path, 1UL << 40, &info), 0);
	CHECK(info.function == NULL);
	check_build_id(es, fx.path);
}

/* Linked -s: names from .dynsym where it has them (the shared object
 * exports fx_global and fx_sized), else none; never a wrong offset for
 * an exported function. */
static void test_stripped(struct elfsym *es, const char *name,
			  const char *twin, bool exports)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct elfsym_info info;

	load_fixture(&fx, twin);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (size_t i = 0; i < fx.n; i++) {
		const struct fx_sym *s = &fx.syms[i];
		unsigned long off = file_offset(path, s->vaddr) + s->size / 2;
		bool exported = !strcmp(s->name, "fx_global") ||
				!strcmp(s->name, "fx_sized");

		CHECK_INT(elfsym_lookup(es, path, off, &info), 0);
		if (exports && exported) {
			CHECK_STR(info.function, s->name);
			CHECK_INT(info.func_offset, s->size / 2);
		} else {
			/* Not in .dynsym: no name, not the one below. */
			CHECK(info.function == NULL);
		}
	}
	check_build_id(es, path);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "we");

	if (!fp || fwrite(buf, 1, len, fp) != len || fclose(fp)) {
		perror(path);
		exit(99);
	}
}

static void *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "re");
	struct stat st;
	void *buf;

	if (!fp || fstat(fileno(fp), &st) < 0) {
		perror(path);
		exit(99);
	}
	*len = (size_t)st.st_size;
	buf = malloc(*len);
	if (!buf || fread(buf, 1, *len, fp) != *len) {
		perror(path);
		exit(99);
	}
	fclose(fp);
	return buf;
}

static void expect_error(struct elfsym *es, const char *path)
{
	struct elfsym_info info;
	int rc = elfsym_lookup(es, path, 0x1000, &info);

	if (rc >= 0) {
		fprintf(stderr, "%s: lookup gave %d, expected -errno\n", path, rc);
		check_failures++;
	}
	CHECK(info.function == NULL && info.build_id == NULL);
}

/* Random bytes, random bytes behind an ELF ident, an ELF file cut short
 * at several lengths, an empty file, a directory, no file at all. */
static void test_garbage(struct elfsym *es)
{
	static const size_t cuts[] = { 4, 64, 100, 1000, 4096 };
	unsigned char noise[65536];
	char path[PATH_MAX], fixture[PATH_MAX];
	unsigned int seed = 12345;
	size_t len;
	unsigned char *elf;

	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(rand_r(&seed) >> 7);
	snprintf(path, sizeof(path), "%s/noise", tmp);
	write_file(path, noise, sizeof(noise));
	expect_error(es, path);
	memcpy(noise, "\177ELF\2\1\1", 7);
	snprintf(path, sizeof(path), "%s/noise_elf", tmp);
	write_file(path, noise, sizeof(noise));
	expect_error(es, path);

	snprintf(fixture, sizeof(fixture), "%s/elfsym_fixture", dir);
	elf = slurp(fixture, &len);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		snprintf(path, sizeof(path), "%s/cut%zu", tmp, cuts[i]);
		write_file(path, elf, cuts[i]);
		expect_error(es, path);
	}
	snprintf(path, sizeof(path), "%s/cut_half", tmp);
	write_file(path, elf, len / 2);
	expect_error(es, path);
	free(elf);

	snprintf(path, sizeof(path), "%s/empty", tmp);
	write_file(path, "", 0);
	expect_error(es, path);
	expect_error(es, tmp);
	snprintf(path, sizeof(path), "%s/absent", tmp);
	CHECK_INT(elfsym_lookup(es, path, 0, &(struct elfsym_info){ 0 }), -ENOENT);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	void *buf = slurp(from, &len);

	write_file(to, buf, len);
	free(buf);
}

/* lookup at vaddr of path gives line want of a file named like
 * want_file (0: no line, and no file). */
static void expect_line(struct elfsym *es, const char *path,
			unsigned long vaddr, const char *want_file,
			unsigned want)
{
	struct elfsym_info info;

	CHECK_INT(elfsym_lookup(es, path, file_offset(path, vaddr), &info), 0);
	if (!want || !SRCLINE_AVAILABLE) {
		if (info.line || info.file) {
			fprintf(stderr, "%s: %#lx at %s:%u, expected no line\n",
				path, vaddr, info.file ? info.file : "?",
				info.line);
			check_failures++;
		}
		return;
	}
	CHECK_INT(info.line, want);
	CHECK_STR(info.file, want_file);
	if (info.line != want || !info.file || strcmp(info.file, want_file))
		fprintf(stderr, "  at %s+%#lx\n", path, vaddr);
}

/* path, the -g fixture or a copy, has the lines addr2line finds in the
 * fixture: at the start, middle and last byte of each C function; none
 * in the asm functions (no line table covers them) nor in data.
 * False when the fixture has no line info at all (CFLAGS=-g0). */
static bool check_lines(struct elfsym *es, const struct fixture *fx,
			const char *path)
{
	static const char *const funcs[] = {
		"fx_global", "fx_static_a", "fx_static_b",
	};
	char file[PATH_MAX];

	if (!addr2line(fx->path, sym(fx, "fx_global")->vaddr, file, sizeof(file)))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++) {
		const struct fx_sym *s = sym(fx, funcs[i]);
		unsigned long at[] = { s->vaddr, s->vaddr + s->size / 2,
				       s->vaddr + s->size - 1 };

		for (size_t k = 0; k < ARRAY_SIZE(at); k++) {
			unsigned want = addr2line(fx->path, at[k], file,
						  sizeof(file));

			CHECK(want > 0);
			expect_line(es, path, at[k], file, want);
		}
	}
	if (strcmp(basename(file), "elfsym_fixture.c") || file[0] != '/') {
		fprintf(stderr, "addr2line names %s\n", file);
		check_failures++;
	}
	expect_line(es, path, sym(fx, "fx_sized")->vaddr, NULL, 0);
	expect_line(es, path, sym(fx, "fx_after")->vaddr + 8, NULL, 0);
	expect_line(es, path, sym(fx, "fx_rodata")->vaddr + 8, NULL, 0);
	return true;
}

/* The -g fixture; a copy without .debug_aranges; its functions without
 * ELFSYM_LINES, and the stripped fixture: no line. */
static void test_lines(struct elfsym *es)
{
	struct fixture fx;
	char path[PATH_MAX], cmd[2 * PATH_MAX + 64];
	struct elfsym *plain = elfsym_new(0);
	const struct fx_sym *g;

	load_fixture(&fx, "elfsym_fixture_g");
	g = sym(&fx, "fx_global");
	if (!check_lines(es, &fx, fx.path)) {
		fprintf(stderr, "%s has no line info (CFLAGS -g0?): line "
			"checks skipped\n", fx.path);
		elfsym_free(plain);
		return;
	}
	snprintf(path, sizeof(path), "%s/noaranges", tmp);
	snprintf(cmd, sizeof(cmd), "objcopy --remove-section=.debug_aranges "
		 "'%s' '%s' 2>/dev/null", fx.path, path);
	if (system(cmd) == 0)
		check_lines(es, &fx, path);
	else
		fprintf(stderr, "objcopy failed: no-aranges check skipped\n");
	expect(plain, fx.path, g->vaddr + 2, "fx_global", 2);
	expect_line(plain, fx.path, g->vaddr + 2, NULL, 0);
	elfsym_free(plain);

	load_fixture(&fx, "elfsym_fixture");
	snprintf(path, sizeof(path), "%s/elfsym_fixture_stripped", dir);
	expect_line(es, path, sym(&fx, "fx_global")->vaddr + 2, NULL, 0);
	expect_line(es, path, sym(&fx, "fx_static_a")->vaddr, NULL, 0);
}

/* The -g fixture split as distributions ship it (objcopy --only-keep-debug,
 * then strip --add-gnu-debuglink): the stripped file's static functions
 * are named and its lines found from the debug file beside it, through
 * .gnu_debuglink (debugfile.c, libdwfl).  Without libdw, neither. */
static void test_debuglink(struct elfsym *es)
{
	struct fixture fx;
	char dbg[PATH_MAX], path[PATH_MAX], cmd[5 * PATH_MAX + 128];
	char file[PATH_MAX];
	const struct fx_sym *a;
	unsigned line;

	load_fixture(&fx, "elfsym_fixture_g");
	a = sym(&fx, "fx_static_a");
	snprintf(dbg, sizeof(dbg), "%s/split.debug", tmp);
	snprintf(path, sizeof(path), "%s/split", tmp);
	snprintf(cmd, sizeof(cmd), "objcopy --only-keep-debug '%s' '%s' && "
		 "objcopy --strip-all --add-gnu-debuglink='%s' '%s' '%s' "
		 "2>/dev/null", fx.path, dbg, dbg, fx.path, path);
	if (system(cmd) != 0) {
		fprintf(stderr, "objcopy failed: debuglink check skipped\n");
		return;
	}
	line = addr2line(fx.path, a->vaddr + 2, file, sizeof(file));
	if (!SRCLINE_AVAILABLE) {
		expect(es, path, a->vaddr + 2, NULL, 0);
		return;
	}
	if (!line) {	/* libdwfl takes a file with DWARF only */
		fprintf(stderr, "%s has no DWARF: debuglink check skipped\n",
			fx.path);
		return;
	}
	expect(es, path, a->vaddr + 2, "fx_static_a", 2);
	expect_line(es, path, a->vaddr + 2, file, line);
}

/* More files than the cache holds, looked up twice over: evicted files
 * are read again and still named right, with their lines (the -g
 * fixture: each copy keeps its DWARF until evicted). */
static void test_eviction(struct elfsym *es)
{
	struct fixture fx;
	const struct fx_sym *g;
	char path[PATH_MAX], file[PATH_MAX];
	unsigned line;

	load_fixture(&fx, "elfsym_fixture_g");
	g = sym(&fx, "fx_global");
	line = addr2line(fx.path, g->vaddr + 3, file, sizeof(file));
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < ELFSYM_CACHE + 8; i++) {
			snprintf(path, sizeof(path), "%s/copy%d", tmp, i);
			if (!round)
				copy_file(fx.path, path);
			expect(es, path, g->vaddr + 3, "fx_global", 3);
			expect_line(es, path, g->vaddr + 3, file, line);
		}
}

/* A path whose file is replaced (renamed over, or rewritten in place) is
 * read afresh, not served from the cache. */
static void test_replaced(struct elfsym *es)
{
	struct fixture exe, so;
	char path[PATH_MAX], next[PATH_MAX];
	struct elfsym_info info;
	char id_exe[41] = "";

	load_fixture(&exe, "elfsym_fixture");
	load_fixture(&so, "elfsym_fixture.so");
	snprintf(path, sizeof(path), "%s/replaced", tmp);
	snprintf(next, sizeof(next), "%s/replaced.new", tmp);
	copy_file(exe.path, path);
	expect(es, path, sym(&exe, "fx_static_b")->vaddr + 1, "fx_static_b", 1);
	CHECK_INT(elfsym_lookup(es, path, 0, &info), 0);
	if (info.build_id)
		snprintf(id_exe, sizeof(id_exe), "%s", info.build_id);

	copy_file(so.path, next);
	CHECK_INT(rename(next, path), 0);
	expect(es, path, sym(&so, "fx_static_a")->vaddr + 2, "fx_static_a", 2);
	CHECK_INT(elfsym_lookup(es, path, 0, &info), 0);
	CHECK(info.build_id && strcmp(info.build_id, id_exe));

	copy_file(exe.path, path);	/* same inode, new size */
	expect(es, path, sym(&exe, "fx_static_b")->vaddr + 1, "fx_static_b", 1);
	CHECK_INT(elfsym_lookup(es, path, 0, &info), 0);
	CHECK_STR(info.build_id, id_exe);
}

static void remove_tmp(void)
{
	char cmd[sizeof(tmp) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
}

int main(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct elfsym *es;

	if (n <= 0)
		return 99;
	self[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", dirname(self));
	if (!mkdtemp(tmp))
		return 99;
	es = elfsym_new(ELFSYM_LINES);
	test_unstripped(es, "elfsym_fixture");
	test_unstripped(es, "elfsym_fixture_nopie");
	test_unstripped(es, "elfsym_fixture.so");
	test_stripped(es, "elfsym_fixture_stripped", "elfsym_fixture", false);
	test_stripped(es, "elfsym_fixture_stripped.so", "elfsym_fixture.so", true);
	test_lines(es);
	test_debuglink(es);
	test_garbage(es);
	test_eviction(es);
	test_replaced(es);
	elfsym_free(es);
	remove_tmp();
	return CHECK_DONE();
}
