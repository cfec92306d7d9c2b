/* stack.h - the user stack of a stopped tracee thread, as
 * "binary+offset (function+offset)" frames with the binary's build-id,
 * and the source file and line where the binary has DWARF line info:
 * libunwind's ptrace interface unwinds, /proc/PID/maps and libelf say
 * which file and build, libdw which line.  Without libunwind, capture
 * says -ENOSYS; without libdw, frames have no line.
 */
#ifndef ZWATCH_STACK_H
#define ZWATCH_STACK_H

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define ZW_STACK_MAX 16

struct zw_frame {
	unsigned long pc;
	const char *binary;	/* mapped file, or NULL (anonymous, vdso) */
	unsigned long offset;	/* pc's offset in that file */
	const char *function;	/* NULL when no symbol covers pc */
	unsigned long func_offset;
	const char *build_id;	/* hex, or NULL */
	const char *file;	/* source file as DWARF names it, or NULL */
	unsigned line;		/* its line, 0: unknown (then file is NULL) */
};

/* The base name of f's source file ("forksite.c"), as the text outputs
 * show it; NULL when f's line is unknown. */
static inline const char *zw_frame_file_name(const struct zw_frame *f)
{
	const char *slash;

	if (!f->file || !f->line)
		return NULL;
	slash = strrchr(f->file, '/');
	return slash && slash[1] ? slash + 1 : f->file;
}

struct zw_stack {
	size_t n;
	struct zw_frame frames[ZW_STACK_MAX];
};

struct stacker;

#ifdef HAVE_LIBUNWIND
#define STACKER_AVAILABLE 1
struct stacker *stacker_new(void);
void stacker_free(struct stacker *s);
/* Unwinds thread tid of process pid, which must be in a ptrace stop.
 * Strings in out stay valid until the next capture.  0 or -errno. */
int stacker_capture(struct stacker *s, int pid, int tid, struct zw_stack *out);
/* pid exec'd or exited: what was learnt about its image is stale. */
void stacker_forget(struct stacker *s, int pid);
#else
#define STACKER_AVAILABLE 0
static inline struct stacker *stacker_new(void) { return NULL; }
static inline void stacker_free(struct stacker *s) { (void)s; }
static inline void stacker_forget(struct stacker *s, int pid)
{
	(void)s; (void)pid;
}
static inline int stacker_capture(struct stacker *s, int pid, int tid,
				  struct zw_stack *out)
{
	(void)s; (void)pid; (void)tid;
	out->n = 0;
	return -ENOSYS;
}
#endif

#endif
