/* srcline.c - address -> source file and line, from the DWARF of an
 * ELF file, with libdw.
 *
 * libdw reads the debug sections once, at srcline_open(), and keeps the
 * line table of each compilation unit it is asked about: a lookup is two
 * binary searches (the unit, then the line).  The unit is found through
 * .debug_aranges (GCC writes it); a file without it (clang does not
 * write it by default) or whose aranges miss a unit falls back to a
 * table of every unit's address ranges, built on the first miss.
 */
#include "config.h"
#include "srcline.h"
#include "util.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds for what one file may cost, whatever it claims to hold. */
#define MAX_DEBUG (512u << 20)	/* bytes of debug sections read */
#define MAX_RANGES (1u << 20)	/* address ranges of units */

struct cu_range {
	Dwarf_Addr lo, hi;
	Dwarf_Off die;		/* the unit's DIE */
};

struct srcline {
	Dwarf *dw;
	struct cu_range *ranges;	/* sorted by lo */
	size_t nranges;
	bool ranges_read;
	char path[PATH_MAX];	/* a file name joined to its directory */
};

static bool is_debug(const char *name)
{
	return !strncmp(name, ".debug_", 7) || !strncmp(name, ".zdebug_", 8);
}

/* A string section whose last string runs off its end is refused: libdw
 * reads its strings with strlen(), and a one-byte change of
 * .debug_line_str was reported to make 0.188's dwarf_getsrclines() read
 * past the buffer.  Cheap, and no compiler writes such a section; the
 * sandbox (symsrv.h) is what contains the rest.  Compressed sections are
 * libdw's to check once inflated. */
static bool strings_end(Elf_Scn *scn, const GElf_Shdr *sh, const char *name)
{
	Elf_Data *data;

	if ((sh->sh_flags & SHF_COMPRESSED) ||
	    (strcmp(name, ".debug_str") && strcmp(name, ".debug_line_str")))
		return true;
	data = elf_getdata(scn, NULL);
	return data && (!data->d_size ||
			((const char *)data->d_buf)[data->d_size - 1] == '\0');
}

/* The file has a line table, and its debug sections are not more than
 * one file may cost: libdw reads them all at once. */
static bool worth_reading(Elf *elf)
{
	Elf_Scn *scn = NULL;
	uint64_t total = 0;
	bool lines = false;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    !is_debug(name))
			continue;
		if (sh.sh_size > MAX_DEBUG - total || !strings_end(scn, &sh, name))
			return false;
		total += sh.sh_size;
		if (!strcmp(name, ".debug_line") || !strcmp(name, ".zdebug_line"))
			lines = true;
	}
	return lines;
}

struct srcline *srcline_open(struct Elf *elf)
{
	struct srcline *sl;
	Dwarf *dw;

	if (!worth_reading(elf) || !(dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL)))
		return NULL;
	sl = xcalloc(1, sizeof(*sl));
	sl->dw = dw;
	return sl;
}

void srcline_close(struct srcline *sl)
{
	if (!sl)
		return;
	dwarf_end(sl->dw);
	free(sl->ranges);
	free(sl);
}

static int cmp_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void add_ranges(struct srcline *sl, Dwarf_Die *cudie, size_t *cap)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(cudie, off, &base, &lo, &hi)) > 0) {
		if (lo >= hi)
			continue;
		if (sl->nranges == MAX_RANGES)
			return;
		if (sl->nranges == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			sl->ranges = xrealloc(sl->ranges, *cap * sizeof(*sl->ranges));
		}
		sl->ranges[sl->nranges++] = (struct cu_range){
			lo, hi, dwarf_dieoffset(cudie) };
	}
}

/* Every unit's address ranges, sorted: what .debug_aranges would say. */
static void read_ranges(struct srcline *sl)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half version;
	uint8_t type;
	size_t cap = 0;

	sl->ranges_read = true;
	while (dwarf_get_units(sl->dw, cu, &cu, &version, &type, &cudie,
			       NULL) == 0)
		if (type != DW_UT_type)
			add_ranges(sl, &cudie, &cap);
	if (sl->nranges)
		qsort(sl->ranges, sl->nranges, sizeof(*sl->ranges), cmp_range);
}

/* The unit whose ranges hold addr, from read_ranges()'s table. */
static bool unit_from_ranges(struct srcline *sl, uint64_t addr,
			     Dwarf_Die *cudie)
{
	size_t lo = 0, hi;

	if (!sl->ranges_read)
		read_ranges(sl);
	hi = sl->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sl->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && addr < sl->ranges[lo - 1].hi &&
	       dwarf_offdie(sl->dw, sl->ranges[lo - 1].die, cudie);
}

/* src as recorded; joined to the unit's DW_AT_comp_dir when relative. */
static const char *full_path(struct srcline *sl, Dwarf_Die *cudie,
			     const char *src)
{
	Dwarf_Attribute attr;
	const char *dir;
	int n;

	if (src[0] == '/' ||
	    !(dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &attr))) ||
	    !*dir)
		return src;
	n = snprintf(sl->path, sizeof(sl->path), "%s/%s", dir, src);
	return n > 0 && (size_t)n < sizeof(sl->path) ? sl->path : src;
}

bool srcline_find(struct srcline *sl, uint64_t addr, const char **file,
		  unsigned *line)
{
	Dwarf_Die cudie;
	Dwarf_Line *l;
	const char *src;
	int n;

	*file = NULL;
	*line = 0;
	if (!dwarf_addrdie(sl->dw, addr, &cudie) &&
	    !unit_from_ranges(sl, addr, &cudie))
		return false;
	/* Line 0: code the compiler made up (no statement of its own). */
	if (!(l = dwarf_getsrc_die(&cudie, addr)) || dwarf_lineno(l, &n) != 0 ||
	    n <= 0 || !(src = dwarf_linesrc(l, NULL, NULL)) || !*src)
		return false;
	*file = full_path(sl, &cudie, src);
	*line = (unsigned)n;
	return true;
}
