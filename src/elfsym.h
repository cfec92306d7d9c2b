/* elfsym.h - which function of an ELF file covers a file offset, and
 * the file's build-id: zwatch's own symbolizer, on libelf.
 *
 * Names come from .symtab, or .dynsym when the file has no .symtab
 * (stripped).  Opened files are cached, at most ELFSYM_CACHE of them,
 * and re-validated by st_dev/st_ino/st_size/st_mtime at each lookup, so
 * a file replaced on disk is read afresh.  Without libelf (configured
 * without libunwind), lookups say -ENOSYS.
 *
 * Asked for (ELFSYM_LINES), lookups also give the source file and line
 * from the file's DWARF line table (srcline.h), when it has one.
 */
#ifndef ZWATCH_ELFSYM_H
#define ZWATCH_ELFSYM_H

#include <errno.h>
#include <stddef.h>

#define ELFSYM_CACHE 32

/* elfsym_new() flags */
#define ELFSYM_LINES 1u		/* source lines too: files keep their DWARF */

struct elfsym_info {
	const char *function;		/* NULL: no function covers it */
	unsigned long func_offset;	/* bytes into function */
	const char *build_id;		/* hex, NULL: the file has none */
	const char *file;		/* source file as DWARF names it, or NULL */
	unsigned line;			/* its line, 0: unknown */
};

struct elfsym;

#ifdef HAVE_LIBUNWIND
/* flags: ELFSYM_LINES or 0. */
struct elfsym *elfsym_new(unsigned flags);
void elfsym_free(struct elfsym *es);
/* The function covering byte off of the ELF file at path, as the file
 * is mapped: off goes through the PT_LOAD headers to an address.  0 with
 * *out filled (out->function NULL when no symbol covers off; out->line
 * 0 when no line does, or without ELFSYM_LINES), or -errno when path
 * cannot be read or is not an ELF executable or shared object
 * (-ENOEXEC).  Strings in *out stay valid until the next lookup.  A file
 * offset of a return address is best looked up less one: the line is
 * then the call's, not the next statement's. */
int elfsym_lookup(struct elfsym *es, const char *path, unsigned long off,
		  struct elfsym_info *out);
/* The same for the file open as fd (not closed), named path: how the
 * sandboxed helper (symsrv.h) reads files it could not open itself. */
int elfsym_lookup_fd(struct elfsym *es, const char *path, int fd,
		     unsigned long off, struct elfsym_info *out);
#else
static inline struct elfsym *elfsym_new(unsigned flags)
{
	(void)flags;
	return NULL;
}
static inline void elfsym_free(struct elfsym *es) { (void)es; }
static inline int elfsym_lookup(struct elfsym *es, const char *path,
				unsigned long off, struct elfsym_info *out)
{
	(void)es; (void)path; (void)off;
	*out = (struct elfsym_info){ NULL, 0, NULL, NULL, 0 };
	return -ENOSYS;
}
static inline int elfsym_lookup_fd(struct elfsym *es, const char *path,
				   int fd, unsigned long off,
				   struct elfsym_info *out)
{
	(void)fd;
	return elfsym_lookup(es, path, off, out);
}
#endif

#endif
