/* options.c - command-line parsing into struct options. */
#include "config.h"
#include "options.h"
#include "kfeatures.h"

#include "duration.h"
#include "report_sinks.h"
#include "sandbox.h"
#include "sink_tui.h"
#include "srcline.h"
#include "stack.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " zwatch [options] -- PROG [ARGS...]\n"
	      " zwatch [options] -p PID[,PID...]\n"
	      " zwatch report [options] FILE   a report of a trace recorded with -w:\n"
	      "                         text, HTML, JSON, Perfetto (report --help)\n"
	      " zwatch ps [options] [PID...]   zombies now, and why (ps --help)\n"
	      " zwatch watch [options]  an always-on zombie monitor, Prometheus\n"
	      "                         metrics, no ptrace (zwatch watch --help)\n"
	      "\n"
	      "Trace PROG and all its descendants, or attach to running processes;\n"
	      "report when each process is born, exits, stays a zombie, and who\n"
	      "reaps it.\n"
	      "\n"
	      "Startup:\n"
	      " -p, --pid=PID[,PID]   attach to running processes (all threads and\n"
	      "                       existing descendants); repeatable\n"
	      "     --targets-only    with -p: not their existing descendants\n"
	      "\n"
	      "Output:\n"
	      " -o, --output=FILE     write the report to FILE (default: stderr)\n"
	      " -j, --json            JSON Lines instead of the text timeline\n"
	      " -w, --write=FILE      also record a trace file, for 'zwatch report'\n"
	      " -q, --quiet           no per-event lines (text): table and summary only\n"
	      "     --no-summary      no summary at the end (text)\n"
	      "     --color=WHEN      colour the text: auto, always or never\n"
	      "     --tui             full-screen live view on the terminal; PROG's\n"
	      "                       output and the timeline go to --tui-log\n"
	      "     --tui-log=FILE    where they go meanwhile (default: /dev/null)\n"
	      "     --min-zombie=DUR  --tui: a younger zombie is no alarm and one\n"
	      "                       reaped sooner counts as \"reaped at once\"\n"
	      "                       (default 10ms)\n"
	      "\n"
	      "Diagnosis:\n"
	      " -k, --stack           the creating thread's stack at each fork\n"
	      "     --diagnose=DUR    explain why a zombie lingers once it is older\n"
	      "                       than DUR (default 1s; 0: never)\n"
	      "\n"
	      "Checks:\n"
	      "     --fail-on-leak    exit 3 if a process is still a zombie at the end\n"
	      "     --max-zombie-age=DUR  exit 3 also if one stayed a zombie longer\n"
	      "                       than DUR (500ms, 2s, 1m; implies --fail-on-leak)\n"
	      "\n"
	      " -h, --help            display this help\n"
	      " -V, --version         display version\n"
	      "\n"
	      "Exit status: PROG's own (128+N if signal N killed it); 1 if tracing\n"
	      "failed; 2 for a usage error.  See zwatch(1).\n", fp);
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

/* Appends the pids of "123,456" to opts->pids; -1 if malformed. */
static int add_pids(struct options *opts, const char *list)
{
	const char *p = list;

	do {
		char *end;
		long pid;

		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno || end == p || pid <= 0 || pid > INT_MAX ||
		    (*end && *end != ','))
			return -1;
		opts->pids = xrealloc(opts->pids, (opts->npids + 1) * sizeof(int));
		opts->pids[opts->npids++] = (int)pid;
		p = *end ? end + 1 : end;
	} while (*p);
	return p[-1] == ',' ? -1 : 0;
}

int parse_options(int argc, char *argv[], struct options *opts)
{
	enum { OPT_COLOR = 256, OPT_NO_SUMMARY, OPT_TARGETS_ONLY,
	       OPT_FAIL_ON_LEAK, OPT_MAX_ZOMBIE_AGE, OPT_DIAGNOSE, OPT_TUI,
	       OPT_TUI_LOG, OPT_MIN_ZOMBIE };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "targets-only", no_argument, NULL, OPT_TARGETS_ONLY },
		{ "fail-on-leak", no_argument, NULL, OPT_FAIL_ON_LEAK },
		{ "diagnose", required_argument, NULL, OPT_DIAGNOSE },
		{ "stack", no_argument, NULL, 'k' },
		{ "max-zombie-age", required_argument, NULL, OPT_MAX_ZOMBIE_AGE },
		{ "json", no_argument, NULL, 'j' },
		{ "write", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "tui", no_argument, NULL, OPT_TUI },
		{ "tui-log", required_argument, NULL, OPT_TUI_LOG },
		{ "min-zombie", required_argument, NULL, OPT_MIN_ZOMBIE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	bool min_zombie_set = false;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->min_zombie = REPORT_THRESHOLD_DEFAULT;
	opts->summary = true;
	opts->color = COLOR_AUTO;
	opts->max_zombie_age = NAN;
	opts->diagnose = 1.0;
	opterr = 0;
	optind = 1;
	/* '+': stop at PROG so that its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:o:p:jw:kqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opts->output = optarg;
			break;
		case 'p':
			if (add_pids(opts, optarg) < 0)
				return usage_error("zwatch", "invalid process ID list '%s' "
						   "(expected PID[,PID...])", optarg);
			break;
		case OPT_TARGETS_ONLY:
			opts->targets_only = true;
			break;
		case 'k':
			opts->stack = true;
			break;
		case OPT_DIAGNOSE:
			if (duration_parse(optarg, &opts->diagnose) < 0)
				return usage_error("zwatch", "invalid duration '%s' for "
						   "--diagnose (e.g. 500ms, 2s; 0: off)",
						   optarg);
			break;
		case OPT_FAIL_ON_LEAK:
			opts->fail_on_leak = true;
			break;
		case OPT_MAX_ZOMBIE_AGE:
			if (duration_parse(optarg, &opts->max_zombie_age) < 0)
				return usage_error("zwatch", "invalid duration '%s' for "
						   "--max-zombie-age (e.g. 500ms, 2s, 1m)",
						   optarg);
			opts->fail_on_leak = true;
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
				return usage_error("zwatch", "invalid --color value '%s' "
						   "(use auto, always or never)", optarg);
			break;
		case OPT_TUI:
			opts->tui = true;
			break;
		case OPT_TUI_LOG:
			opts->tui_log = optarg;
			break;
		case OPT_MIN_ZOMBIE:
			if (duration_parse(optarg, &opts->min_zombie) < 0)
				return usage_error("zwatch", "invalid duration '%s' for "
						   "--min-zombie (e.g. 10ms, 0.5s)", optarg);
			min_zombie_set = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			/* What this build can do, for scripts and the tests. */
			printf("zwatch %s\nfeatures:%s%s%s%s\n", PACKAGE_VERSION,
			       STACKER_AVAILABLE ? " stacks" : "",
			       SRCLINE_AVAILABLE ? " lines" : "",
			       STACKER_AVAILABLE && SANDBOX_FILTER ?
			       " seccomp" : "",
			       TUI_AVAILABLE ? " tui" : "");
			kfeatures_print(stdout);
			return 0;
		case ':':
			return usage_error("zwatch", "option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("zwatch", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (opts->npids && optind < argc)
		return usage_error("zwatch", "%sgive either -p PID or a program to run, not both", "");
	if (opts->tui_log && !opts->tui)
		return usage_error("zwatch", "%s--tui-log needs --tui", "");
	if (min_zombie_set && !opts->tui)
		return usage_error("zwatch", "%s--min-zombie needs --tui (or zwatch "
				   "report)", "");
	if (opts->targets_only && !opts->npids)
		return usage_error("zwatch", "%s--targets-only needs -p PID", "");
	if (opts->npids)
		return -1;
	if (optind >= argc)
		return usage_error("zwatch", "%sno program to trace: zwatch [options] -- PROG "
				   "[ARGS...] or zwatch -p PID", "");
	opts->argv = argv + optind;
	opts->argc = argc - optind;
	return -1;
}

void free_options(struct options *opts)
{
	free(opts->pids);
	opts->pids = NULL;
	opts->npids = 0;
}
