/* symsrv.h - symbolization in a sandboxed helper process.
 *
 * The ELF and DWARF of traced programs are hostile input (their owner
 * writes them; libdw has read past a buffer on a corrupted
 * .debug_line_str), and zwatch may run as root.  So they are parsed, as
 * systemd-coredump does, in a helper process forked once and kept: it
 * drops to nobody when started as root, sets no_new_privs, a seccomp
 * filter and rlimits, and gets each file as a descriptor opened here
 * over a socketpair.  Each answer has a deadline.  A helper that dies or
 * misses it costs the frames of the file it was reading their names
 * (binary+offset, said once on stderr); the file is not given to a new
 * helper again, and after a few deaths no helper is started any more.
 *
 * The interface is elfsym.h's: lookups give the same struct elfsym_info.
 */
#ifndef ZWATCH_SYMSRV_H
#define ZWATCH_SYMSRV_H

#include "elfsym.h"

struct symsrv;

#ifdef HAVE_LIBUNWIND
/* flags: elfsym_new()'s.  The helper starts at the first lookup. */
struct symsrv *symsrv_new(unsigned flags);
/* Ends the helper (it exits at the socket's end). */
void symsrv_free(struct symsrv *sv);
/* elfsym_lookup() in the helper, on the file at path opened here.
 * Strings in *out stay valid until the next lookup.  -EIO when the helper
 * died on it, or there is no helper. */
int symsrv_lookup(struct symsrv *sv, const char *path, unsigned long off,
		  struct elfsym_info *out);
#else
static inline struct symsrv *symsrv_new(unsigned flags)
{
	(void)flags;
	return NULL;
}
static inline void symsrv_free(struct symsrv *sv) { (void)sv; }
static inline int symsrv_lookup(struct symsrv *sv, const char *path,
				unsigned long off, struct elfsym_info *out)
{
	(void)sv; (void)path; (void)off;
	*out = (struct elfsym_info){ 0, 0, 0, 0, 0 };
	return -ENOSYS;
}
#endif

#endif
