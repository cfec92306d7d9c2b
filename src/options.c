/* options.c - command-line parsing into struct options. */
#include "config.h"
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " zwatch [options] -- PROG [ARGS...]\n"
	      "\n"
	      "Trace PROG and all its descendants; report when each process is\n"
	      "born, exits, stays a zombie, and who reaps it.\n"
	      "\n"
	      "Output:\n"
	      " -o, --output=FILE     write the report to FILE (default: stderr)\n"
	      " -j, --json            JSON Lines instead of the text timeline\n"
	      " -w, --write=FILE      also record a trace file, for 'zwatch report'\n"
	      " -q, --quiet           no per-event lines (text): table and summary only\n"
	      "     --no-summary      no summary at the end (text)\n"
	      "     --color=WHEN      colour the text: auto, always or never\n"
	      "\n"
	      " -h, --help            display this help\n"
	      " -V, --version         display version\n"
	      "\n"
	      "Exit status: PROG's own (128+N if signal N killed it); 1 if tracing\n"
	      "failed; 2 for a usage error.  See zwatch(1).\n", fp);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("zwatch: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'zwatch --help' for more information.\n", stderr);
	return 2;
}

static int parse_color(const char *arg, enum color_mode *mode)
{
	if (!strcmp(arg, "auto"))
		*mode = COLOR_AUTO;
	else if (!strcmp(arg, "always"))
		*mode = COLOR_ALWAYS;
	else if (!strcmp(arg, "never"))
		*mode = COLOR_NEVER;
	else
		return -1;
	return 0;
}

int parse_options(int argc, char *argv[], struct options *opts)
{
	enum { OPT_COLOR = 256, OPT_NO_SUMMARY };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "write", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->summary = true;
	opts->color = COLOR_AUTO;
	opterr = 0;
	optind = 1;
	/* '+': stop at PROG so that its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:o:jw:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opts->output = optarg;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'w':
			opts->record = optarg;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case OPT_NO_SUMMARY:
			opts->summary = false;
			break;
		case OPT_COLOR:
			if (parse_color(optarg, &opts->color) < 0)
				return usage_error("invalid --color value '%s' "
						   "(use auto, always or never)", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("zwatch %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%sno program to trace: zwatch [options] -- PROG [ARGS...]", "");
	opts->argv = argv + optind;
	opts->argc = argc - optind;
	return -1;
}
