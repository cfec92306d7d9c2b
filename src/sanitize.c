/* sanitize.c - tracee-controlled text made safe to print; see sanitize.h.
 *
 * Why: a process that names itself "\033]0;OWNED\007\033[2J\n" with
 * prctl(PR_SET_NAME), or runs a program at such a path, otherwise sets
 * the title of, clears, and writes fake lines into the terminal of the
 * (often root) user watching it with zwatch.
 */
#include "config.h"
#include "sanitize.h"

#include <stdbool.h>
#include <string.h>

size_t utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n;

	if (u[0] < 0x80) {
		*cp = u[0];
		return u[0] ? 1 : 0;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, c = u[0] & 0x1f, min = 0x80;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, c = u[0] & 0x0f, min = 0x800;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;	/* a continuation byte, 0xc0/0xc1, or 0xf5.. */
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		c = c << 6 | (u[i] & 0x3f);
	}
	/* overlong, UTF-16 surrogates, past Unicode */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal acts on or that reorder or split what is shown. */
static bool unsafe_code_point(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	       c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

size_t sanitize_char_len(const char *s)
{
	uint32_t c;
	size_t n = utf8_decode(s, &c);

	return n && !unsafe_code_point(c) ? n : 0;
}

/* The escape of the byte or character at s into out (at least 5 bytes),
 * NUL-terminated; returns how many bytes of s it covers. */
static size_t escape_one(const char *s, char out[5])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = (unsigned char)*s;
	size_t n = sanitize_char_len(s);

	if (c == '\\') {
		memcpy(out, "\\\\", 3);
		return 1;
	}
	if (n) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	out[4] = '\0';
	return 1;
}

void sanitize_put(FILE *fp, const char *s)
{
	char esc[5];

	while (s && *s) {
		/* The common case, a run of plain ASCII, in one write. */
		size_t run = 0;

		while (s[run] >= 0x20 && s[run] < 0x7f && s[run] != '\\')
			run++;
		if (run) {
			fwrite(s, 1, run, fp);
			s += run;
			continue;
		}
		s += escape_one(s, esc);
		fputs(esc, fp);
	}
}

char *sanitize_str(char *buf, size_t n, const char *s)
{
	size_t used = 0;
	char esc[5];

	while (s && *s) {
		size_t in = escape_one(s, esc), len = strlen(esc);

		if (used + len >= n)
			break;
		memcpy(buf + used, esc, len);
		used += len;
		s += in;
	}
	buf[used] = '\0';
	return buf;
}

size_t utf8_cut(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = len, need;

	/* Back over at most 3 continuation bytes to a lead byte. */
	while (i > 0 && len - i < 3 && (u[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || u[i - 1] < 0xc2 || u[i - 1] > 0xf4)
		return len;	/* ASCII, or no character to keep whole */
	need = u[i - 1] >= 0xf0 ? 4 : u[i - 1] >= 0xe0 ? 3 : 2;
	/* A sequence that lacks its last bytes goes; anything else (whole,
	 * or invalid whatever follows) stays as it is. */
	return len - (i - 1) < need ? i - 1 : len;
}
