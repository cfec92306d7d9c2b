/* sink_tui.h - zwatch --tui: a full-screen live view on the terminal,
 * fed by the model like every sink.  Only with ncursesw (configure
 * --with-ncurses); without it sink_tui_new says so and returns NULL.
 */
#ifndef ZWATCH_SINK_TUI_H
#define ZWATCH_SINK_TUI_H

#include <stdbool.h>
#include <stdio.h>

struct sink;

#ifdef HAVE_NCURSES
#define TUI_AVAILABLE 1
/* The view takes the terminal (/dev/tty): the traced program's output,
 * and zwatch's own stderr, go to log (a file; "/dev/null" by default)
 * from here on, so that nothing scribbles over the screen.  Returns 0,
 * or -1 after saying why (no terminal, log not writable). */
int tui_take_terminal(const char *log, FILE **tty);
/* title: what is traced; min_zombie: the noise threshold (a younger
 * zombie is not shown as one nor counted).  'q' detaches with -p, else
 * ends the trace as SIGINT does.  Returns NULL after a message if curses
 * fails. */
struct sink *sink_tui_new(FILE *tty, const char *title, const char *log,
			  double min_zombie);
#else
#define TUI_AVAILABLE 0
static inline int tui_take_terminal(const char *log, FILE **tty)
{
	(void)log;
	*tty = NULL;
	fputs("zwatch: --tui needs ncurses: this zwatch was built without it "
	      "(configure --with-ncurses)\n", stderr);
	return -1;
}

static inline struct sink *sink_tui_new(FILE *tty, const char *title,
					const char *log, double min_zombie)
{
	(void)tty;
	(void)title;
	(void)log;
	(void)min_zombie;
	fputs("zwatch: --tui needs ncurses: this zwatch was built without it "
	      "(configure --with-ncurses)\n", stderr);
	return NULL;
}
#endif

#endif
