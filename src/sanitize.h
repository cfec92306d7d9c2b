/* sanitize.h - text a traced program controls (comm, argv, paths, /proc
 * text, names from its ELF files, a trace file) made safe to print.
 *
 * Every text output prints such strings through here: a byte that a
 * terminal could act on never reaches it raw.  Escaped are C0 controls,
 * DEL, C1 controls (U+0080..U+009F, whether as UTF-8 or as the single
 * byte 0x9b that 8-bit terminals take for CSI), the bidirectional
 * controls that reorder what is shown (U+061C, U+200E/F, U+202A..E,
 * U+2066..9), the line and paragraph separators U+2028/9, and every
 * byte that is not part of valid UTF-8 (overlong, surrogate, above
 * U+10FFFF, cut short).  Each such byte is shown as \xNN, a backslash
 * as \\, so the escaped text says unambiguously what the bytes were.
 */
#ifndef ZWATCH_SANITIZE_H
#define ZWATCH_SANITIZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for a record's comm (31 bytes, see struct zw_life) with every
 * byte escaped, and its NUL. */
#define SANITIZE_COMM_BUF (31 * 4 + 1)

/* Length (1..4) of the valid UTF-8 sequence at s and its code point in
 * *cp, or 0 if the byte at s does not start one (also for NUL). */
size_t utf8_decode(const char *s, uint32_t *cp);

/* Length of the character at s if it may be printed as it is, or 0 if
 * the byte at s is to be escaped (a backslash is printable here: the
 * escapers decide what to do with it). */
size_t sanitize_char_len(const char *s);

/* Writes s (NULL: nothing) to fp with the escapes above. */
void sanitize_put(FILE *fp, const char *s);

/* s (NULL: "") escaped into buf of size n > 0, cut at a whole
 * character or escape if it does not fit; returns buf. */
char *sanitize_str(char *buf, size_t n, const char *s);

/* The longest prefix of s[0..len) that does not end inside a UTF-8
 * sequence, so that a string cut there is cut between characters. */
size_t utf8_cut(const char *s, size_t len);

#endif
