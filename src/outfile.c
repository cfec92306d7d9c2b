/* outfile.c - output files opened without truncating, written through a
 * temporary where that is possible; see outfile.h. */
#include "config.h"
#include "outfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The regular file that path names (through symlinks), or NULL if it
 * names something else or a dangling link; *exists says if it exists. */
static char *regular_target(const char *path, bool *exists, struct stat *st)
{
	char *real;

	*exists = stat(path, st) == 0;
	if (!*exists)
		return errno == ENOENT && lstat(path, st) < 0 ? xstrdup(path) : NULL;
	if (!S_ISREG(st->st_mode))
		return NULL;
	real = realpath(path, NULL);
	return real ? real : NULL;
}

/* A temporary ".NAME.XXXXXX" in target's directory, with the mode the
 * target has, or that a new file would get.  -errno if none can be made
 * (then the caller writes in place). */
static int open_temp(struct outfile *of, const char *target, bool exists,
		     const struct stat *st)
{
	char *dcopy = xstrdup(target), *bcopy = xstrdup(target);
	size_t len = strlen(target) + 16;
	mode_t mask;
	int fd;

	of->tmp = xmalloc(len);
	snprintf(of->tmp, len, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy));
	free(dcopy);
	free(bcopy);
	fd = mkostemp(of->tmp, O_CLOEXEC);
	if (fd < 0) {
		free(of->tmp);
		of->tmp = NULL;
		return -errno;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, exists ? st->st_mode & 07777 : 0666 & ~mask);
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		unlink(of->tmp);
		close(fd);
		free(of->tmp);
		of->tmp = NULL;
		return -ENOMEM;
	}
	of->target = xstrdup(target);
	return 0;
}

static int open_in_place(struct outfile *of, const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	of->created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	of->truncate = !of->created && fstat(fd, &st) == 0 &&
		       S_ISREG(st.st_mode);
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

int outfile_open(struct outfile *of, const char *path, FILE *std,
		 bool atomic)
{
	struct stat st;
	bool exists;
	char *target;

	memset(of, 0, sizeof(*of));
	of->path = path;
	if (!path || !strcmp(path, "-")) {
		of->fp = std;
		return 0;
	}
	target = atomic ? regular_target(path, &exists, &st) : NULL;
	if (target && open_temp(of, target, exists, &st) == 0) {
		free(target);
		return 0;
	}
	free(target);
	return open_in_place(of, path);
}

static bool same_stat(FILE *a, FILE *b)
{
	struct stat sa, sb;

	return fstat(fileno(a), &sa) == 0 && fstat(fileno(b), &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       !S_ISCHR(sa.st_mode);
}

bool outfile_same(const struct outfile *a, const struct outfile *b)
{
	return a->fp && b->fp && same_stat(a->fp, b->fp);
}

bool outfile_is(const struct outfile *of, FILE *fp)
{
	struct stat sa, sb;

	if (of->tmp)	/* the target, not the new temporary */
		return stat(of->target, &sa) == 0 && fstat(fileno(fp), &sb) == 0 &&
		       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return of->fp && same_stat(of->fp, fp);
}

int outfile_start(struct outfile *of)
{
	if (of->truncate && ftruncate(fileno(of->fp), 0) < 0)
		return -errno;
	of->truncate = false;
	return 0;
}

int outfile_close(struct outfile *of, bool ok)
{
	int err = 0;

	if (of->fp && of->path && strcmp(of->path, "-") &&
	    fclose(of->fp) == EOF)
		err = -errno;
	of->fp = NULL;
	if (of->tmp) {
		if (ok && !err && rename(of->tmp, of->target) < 0)
			err = -errno;
		if (!ok || err)
			unlink(of->tmp);
	} else if (!ok && of->created) {
		unlink(of->path);
	}
	free(of->tmp);
	free(of->target);
	of->tmp = of->target = NULL;
	return err;
}
