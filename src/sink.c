/* sink.c - what all sinks share: closing, stack frames as text, and
 * writing JSON values. */
#include "config.h"
#include "sink.h"
#include "stack.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int sink_close(struct sink *s)
{
	int err = s->ops->close(s);

	if (!s->err)
		s->err = err;
	if (s->fp) {
		if (fflush(s->fp) == EOF && !s->err)
			s->err = -errno;
		if (ferror(s->fp) && !s->err)
			s->err = -EIO;
		if (s->own_fp && fclose(s->fp) == EOF && !s->err)
			s->err = -errno;
	}
	err = s->err;
	free(s);
	return err;
}

void sink_put_frame(FILE *fp, const struct zw_frame *f,
		    void (*put)(FILE *fp, const char *s))
{
	if (f->binary) {
		put(fp, f->binary);
		fprintf(fp, "+%#lx", f->offset);
	} else {
		fprintf(fp, "%#lx", f->pc);
	}
	if (f->function) {
		fputs(" (", fp);
		put(fp, f->function);
		fprintf(fp, "+%#lx)", f->func_offset);
	}
	if (zw_frame_file_name(f)) {
		fputs(" at ", fp);
		put(fp, zw_frame_file_name(f));
		fprintf(fp, ":%u", f->line);
	}
	if (f->build_id) {
		fputs(" [", fp);
		put(fp, f->build_id);
		putc(']', fp);
	}
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 :
		   u[0] >= 0xe0 ? 3 : u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

bool sink_check(struct sink *s)
{
	if (!s->err && s->flush_each && fflush(s->fp) == EOF)
		s->err = errno ? -errno : -EIO;
	if (!s->err && ferror(s->fp))
		s->err = -EIO;
	return s->err != 0;
}

void json_put_string(FILE *fp, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (!s) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			putc('\\', fp);
			putc(c, fp);
		} else if (c == '\n') {
			fputs("\\n", fp);
		} else if (c == '\t') {
			fputs("\\t", fp);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		} else if (c >= 0x80) {
			size_t n = utf8_len(s);

			/* Bytes from /proc need not be UTF-8: pass valid
			 * sequences through, escape stray bytes as code points
			 * so that the line stays valid JSON. */
			if (n) {
				fwrite(s, 1, n, fp);
				s += n - 1;
			} else {
				fprintf(fp, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			}
		} else {
			putc(c, fp);
		}
	}
	putc('"', fp);
}

void json_put_time(FILE *fp, double t)
{
	if (isnan(t))
		fputs("null", fp);
	else
		fprintf(fp, "%.6f", t);
}
