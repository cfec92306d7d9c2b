/* outfile.h - output files that are never destroyed by accident.
 *
 * A file is opened without truncating it, so that the caller can first
 * check it is not a file it must keep (the trace being read, the trace
 * being written: same device and inode, whatever the names, symlinks or
 * hard links).  Then outfile_start() truncates it, or, for an atomic
 * outfile, nothing needs truncating: the output goes to a temporary file
 * beside the target, renamed over it by outfile_close() only when all
 * went well, so a failed report leaves the old file as it was.  Targets
 * that are not regular files (a FIFO, /dev/stdout, a terminal) are
 * written in place: there is nothing to rename.
 */
#ifndef ZWATCH_OUTFILE_H
#define ZWATCH_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	FILE *fp;
	const char *path;	/* as given, for messages */
	char *tmp;		/* the temporary written, or NULL: in place */
	char *target;		/* what tmp becomes */
	bool created;		/* in place, and the open created it */
	bool truncate;		/* in place, a regular file: truncate at start */
};

/* Opens path for writing; path NULL or "-" means std (not closed later).
 * Returns 0 or -errno. */
int outfile_open(struct outfile *of, const char *path, FILE *std,
		 bool atomic);
/* True if a and b are one file (same device and inode); character
 * devices (a terminal, /dev/null) may be shared. */
bool outfile_same(const struct outfile *a, const struct outfile *b);
/* True if of is the file that fp reads. */
bool outfile_is(const struct outfile *of, FILE *fp);
/* Truncates an in-place regular file: call once the checks passed. */
int outfile_start(struct outfile *of);
/* Closes of.  ok: the temporary replaces the target; !ok: it is removed
 * (an in-place file the open created is removed too).  Returns 0 or
 * -errno of the close or the rename. */
int outfile_close(struct outfile *of, bool ok);

#endif
