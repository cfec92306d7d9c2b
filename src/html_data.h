/* html_data.h - the HTML report's records as one JSON object, embedded
 * once in the page for its script: compact arrays in tree order, times
 * in integer microseconds, stacks and diagnoses stored once.
 */
#ifndef ZWATCH_HTML_DATA_H
#define ZWATCH_HTML_DATA_H

#include <stdio.h>

struct report_view;

/* Writes the object; safe inside <script>: no '<', '>' or '&' appears
 * outside a \u escape. */
void html_data_put(FILE *fp, const struct report_view *v);

#endif
