/* term.c - the locale's character set and the output's width. */
#include "config.h"
#include "term.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Asks the C library (LC_CTYPE only, which changes no number format),
 * then puts the locale back as it was. */
bool term_utf8(void)
{
	const char *old = setlocale(LC_CTYPE, NULL);
	char *saved = old ? strdup(old) : NULL;
	bool utf8 = false;

	if (setlocale(LC_CTYPE, "")) {
		const char *cs = nl_langinfo(CODESET);

		utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	}
	setlocale(LC_CTYPE, saved ? saved : "C");
	free(saved);
	return utf8;
}

int term_width(FILE *fp)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return atoi(env);
	return 0;
}
