/* test_sanitize.c - the escaper of tracee-controlled text: every byte
 * value, the hostile comm of issue 12, C1 controls in both encodings,
 * invalid UTF-8, and cutting between characters. */
#include "config.h"
#include "check.h"
#include "sanitize.h"

#include <stdlib.h>

/* No byte a terminal acts on: C0, DEL, 0x80..0x9f standing alone or as
 * the second byte of a C2 sequence (U+0080..U+009F). */
static void check_safe(const char *out)
{
	const unsigned char *u = (const unsigned char *)out;

	for (size_t i = 0; u[i]; i++) {
		CHECK(u[i] >= 0x20 && u[i] != 0x7f);
		if (u[i] >= 0x80 && u[i] <= 0x9f)
			CHECK(i > 0 && u[i - 1] >= 0xc0 && u[i - 1] != 0xc2);
	}
}

static char *put_to_string(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	sanitize_put(fp, s);
	fclose(fp);
	return buf;
}

static void test_every_byte(void)
{
	char in[256], big[256 * 4 + 1], *out;

	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	out = put_to_string(in);
	check_safe(out);
	CHECK_STR(sanitize_str(big, sizeof(big), in), out);
	free(out);
}

static void test_cases(void)
{
	char buf[128];

	CHECK_STR(sanitize_str(buf, sizeof(buf), "\033]0;OWNED\007\033[2J\n"),
		  "\\x1b]0;OWNED\\x07\\x1b[2J\\x0a");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "plain a/b c"), "plain a/b c");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "back\\slash"), "back\\\\slash");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\x9b" "31m"), "\\x9b31m");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\xc2\x9b" "31m"), "\\xc2\\x9b31m");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac"),
		  "caf\xc3\xa9 \xe2\x82\xac");
	/* overlong '/', a surrogate, past U+10FFFF, cut short */
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\xc0\xaf"), "\\xc0\\xaf");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\xf4\x90\x80\x80"),
		  "\\xf4\\x90\\x80\\x80");
	CHECK_STR(sanitize_str(buf, sizeof(buf), "\xe2\x82"), "\\xe2\\x82");
	/* right-to-left override */
	CHECK_STR(sanitize_str(buf, sizeof(buf), "a\xe2\x80\xae" "b"),
		  "a\\xe2\\x80\\xaeb");
	CHECK_STR(sanitize_str(buf, sizeof(buf), NULL), "");
	/* a full buffer is cut at a whole escape or character */
	CHECK_STR(sanitize_str(buf, 6, "ab\033cd"), "ab");
	CHECK_STR(sanitize_str(buf, 4, "a\xc3\xa9z"), "a\xc3\xa9");
	CHECK_STR(sanitize_str(buf, 3, "a\xc3\xa9z"), "a");
}

static void test_cut(void)
{
	CHECK_INT(utf8_cut("abc", 3), 3);
	CHECK_INT(utf8_cut("a\xc3\xa9", 3), 3);
	CHECK_INT(utf8_cut("a\xc3\xa9", 2), 1);
	CHECK_INT(utf8_cut("\xe2\x82\xac", 2), 0);
	CHECK_INT(utf8_cut("\xf0\x9f\x98\x80", 3), 0);
	CHECK_INT(utf8_cut("\xf0\x9f\x98\x80", 4), 4);
	CHECK_INT(utf8_cut("x\x80\x80\x80\x80", 5), 5);	/* not UTF-8: kept */
	CHECK_INT(utf8_cut("", 0), 0);
}

int main(void)
{
	test_every_byte();
	test_cases();
	test_cut();
	return CHECK_DONE();
}
