/* textfile_export.c - write to a temporary name, then rename. */
#include "config.h"
#include "textfile_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int textfile_write(const char *dir, int (*render)(FILE *fp, void *arg),
		   void *arg)
{
	char tmp[4096], final[4096];
	FILE *fp;
	int fd, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.zwatch.prom.%d", dir,
			     (int)getpid()) >= sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/zwatch.prom", dir) >=
		    sizeof(final))
		return -ENAMETOOLONG;
	/* The textfile collector reads only *.prom: the dot-name is
	 * invisible to it while being written. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	fp = fdopen(fd, "w");
	if (!fp) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	err = render(fp, arg);
	if (fflush(fp) != 0 && err == 0)
		err = -errno;
	if (fclose(fp) != 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, final) < 0)
		err = -errno;
	if (err < 0)
		unlink(tmp);
	return err;
}
