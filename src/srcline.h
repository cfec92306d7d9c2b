/* srcline.h - the source file and line of an address in an ELF file,
 * from its DWARF line table (built with -g), with libdw.
 *
 * elfsym.c opens one for each file it caches that has a .debug_line
 * section, on the file's own Elf handle, and closes it when the file
 * leaves the cache.  Without libdw (configured without it, or without
 * libunwind), no file has one and no address has a line.
 */
#ifndef ZWATCH_SRCLINE_H
#define ZWATCH_SRCLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct Elf;		/* libelf's Elf */
struct srcline;

#ifdef HAVE_LIBDW
#define SRCLINE_AVAILABLE 1
/* The line information of elf, or NULL when it has none (no .debug_line:
 * built without -g, or stripped) or it cannot be read.  The debug
 * sections are read into memory now; elf's descriptor is not used again,
 * but elf itself must outlive the result. */
struct srcline *srcline_open(struct Elf *elf);
void srcline_close(struct srcline *sl);
/* The line of the statement at addr, an address as the file's symbols
 * give them: true with *file (as recorded in DWARF, joined to the
 * compilation directory when relative; valid until the next call) and
 * *line (from 1); false when no line covers addr. */
bool srcline_find(struct srcline *sl, uint64_t addr, const char **file,
		  unsigned *line);
#else
#define SRCLINE_AVAILABLE 0
static inline struct srcline *srcline_open(struct Elf *elf)
{
	(void)elf;
	return NULL;
}
static inline void srcline_close(struct srcline *sl) { (void)sl; }
static inline bool srcline_find(struct srcline *sl, uint64_t addr,
				const char **file, unsigned *line)
{
	(void)sl; (void)addr;
	*file = NULL;
	*line = 0;
	return false;
}
#endif

#endif
