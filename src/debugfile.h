/* debugfile.h - the separate debug information of an ELF file, found
 * where gdb and perf look for it, by elfutils' libdwfl: by build-id under
 * /usr/lib/debug/.build-id/xx/yyyy.debug (Debian's -dbg and -dbgsym
 * packages), by .gnu_debuglink (beside the file, in its .debug/, under
 * /usr/lib/debug), and from debuginfod when DEBUGINFOD_URLS is set.
 * Without libdw, no file has any.
 */
#ifndef ZWATCH_DEBUGFILE_H
#define ZWATCH_DEBUGFILE_H

struct Elf;
struct debugfile;

#ifdef HAVE_LIBDW
/* The debug file of the ELF file at path, open as fd (not consumed), or
 * NULL when it has none elsewhere (its own DWARF does not count). */
struct debugfile *debugfile_find(const char *path, int fd);
/* Its ELF handle: .symtab, .debug_*; valid until debugfile_close(). */
struct Elf *debugfile_elf(const struct debugfile *df);
void debugfile_close(struct debugfile *df);
#else
static inline struct debugfile *debugfile_find(const char *path, int fd)
{
	(void)path; (void)fd;
	return 0;
}
static inline struct Elf *debugfile_elf(const struct debugfile *df)
{
	(void)df;
	return 0;
}
static inline void debugfile_close(struct debugfile *df) { (void)df; }
#endif

#endif
