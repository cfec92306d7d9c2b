/* term.h - what the text outputs need to know of where they write: can
 * it show UTF-8 (box-drawing guides), and how wide it is.
 */
#ifndef ZWATCH_TERM_H
#define ZWATCH_TERM_H

#include <stdbool.h>
#include <stdio.h>

/* The locale's character set (LC_ALL, LC_CTYPE, LANG) is UTF-8. */
bool term_utf8(void);
/* Columns of the terminal fp writes to, else $COLUMNS, else 0 (no
 * limit: a file or a pipe gets whole lines). */
int term_width(FILE *fp);

#endif
