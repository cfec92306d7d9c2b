/* sink.c - what all sinks share: closing, stack frames as text, and
 * writing JSON values. */
#include "config.h"
#include "sanitize.h"
#include "sink.h"
#include "stack.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
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

bool sink_check(struct sink *s)
{
	if (!s->err && s->flush_each && fflush(s->fp) == EOF)
		s->err = errno ? -errno : -EIO;
	/* The failed write was stdio's, inside an earlier fputs(): flushing
	 * again tells why (ENOSPC, EPIPE), where EIO would not. */
	if (!s->err && ferror(s->fp)) {
		errno = 0;
		s->err = fflush(s->fp) == EOF && errno ? -errno : -EIO;
	}
	return s->err != 0;
}

/* \u escapes for what must not appear raw: control characters (C0,
 * DEL, C1: whoever cats a trace gets no terminal escapes) and what
 * sanitize.h escapes for the same reason.  Bytes that are not UTF-8
 * (/proc need not hold UTF-8) become the code point of the same number
 * (Latin-1), so that each line stays valid UTF-8 and valid JSON. */
static void json_put_escape(FILE *fp, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";

	fprintf(fp, "\\u%c%c%c%c", hex[cp >> 12 & 15], hex[cp >> 8 & 15],
		hex[cp >> 4 & 15], hex[cp & 15]);
}

void json_put_string(FILE *fp, const char *s)
{
	if (!s) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = 0;
		uint32_t cp;

		/* most strings are plain ASCII: write runs of it at once */
		while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' && s[n] != '\\')
			n++;
		if (n) {
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		n = sanitize_char_len(s);
		if (c == '"' || c == '\\') {
			putc('\\', fp);
			putc(c, fp);
		} else if (c == '\n') {
			fputs("\\n", fp);
		} else if (c == '\t') {
			fputs("\\t", fp);
		} else if (n) {
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		} else if ((n = utf8_decode(s, &cp))) {
			json_put_escape(fp, cp);
			s += n;
			continue;
		} else {
			json_put_escape(fp, c);
		}
		s++;
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
