/* report.c - zwatch report: read a recorded trace into the lifecycle
 * model and write it as text, JSON, Perfetto JSON or HTML, for all
 * processes or a selection; optionally fail (exit 3) on zombie leaks.
 *
 * Data flows as in live mode: trace reader -> model -> filter sink ->
 * output sink (+ leak check).  The text and HTML reports show fork sites,
 * which events hold: a forksites sink beside the filter keeps them.  Only Perfetto output filters events, and
 * events can only be filtered once the selection is known, so that case
 * reads the file twice: the first pass decides, the second writes.
 */
#include "config.h"
#include "report.h"
#include "duration.h"
#include "forksites.h"
#include "leakcheck.h"
#include "lifecycle.h"
#include "outfile.h"
#include "report_sinks.h"
#include "select.h"
#include "sink.h"
#include "sink_filter.h"
#include "trace_reader.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum report_format { FMT_TEXT, FMT_JSON, FMT_PERFETTO, FMT_HTML };

struct report_opts {
	enum report_format format;
	const char *output;	/* NULL or "-": stdout */
	const char *file;
	struct select_opts sel;
	double max_zombie_age;	/* NAN: no limit */
	bool fail_on_leak;
	bool all;		/* --all: unfold processes reaped at once */
	bool zombies;		/* --zombies: select zombies past min_zombie */
	double min_zombie;	/* --min-zombie: the noise threshold */
};

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " zwatch report [options] FILE\n"
	      "\n"
	      "Report on a trace recorded with 'zwatch -w FILE -- PROG'.\n"
	      "\n"
	      "Output:\n"
	      "     --format=FMT        text (default), json (lifecycle records),\n"
	      "                         perfetto (for ui.perfetto.dev) or html\n"
	      " -o, --output=FILE       write the report to FILE (default: stdout)\n"
	      " -a, --all               text: list processes reaped at once too\n"
	      "     --min-zombie=DUR    the noise threshold (default 10ms): a shorter\n"
	      "                         zombie is not highlighted, nor counted among\n"
	      "                         the zombies but apart, as \"reaped at once\"\n"
	      "\n"
	      "Selection (all must hold):\n"
	      "     --pid=PID           that process and its descendants\n"
	      "     --comm=NAME         processes named NAME\n"
	      "     --since=DUR         alive at or after DUR into the trace\n"
	      "     --until=DUR         alive at or before DUR into the trace\n"
	      "     --zombies           zombies of at least --min-zombie, and those\n"
	      "                         left at the end\n"
	      "\n"
	      "Leaks:\n"
	      "     --fail-on-leak      exit 3 if a process is still a zombie at the end\n"
	      "     --max-zombie-age=DUR  exit 3 also if a zombie lived longer than DUR\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\n"
	      "DUR: a number and a unit: 500ms, 0.5s, 2m, 1h, 250us; a bare number\n"
	      "is seconds.  Exit status: 0 ok, 1 unreadable or damaged trace, 2 usage\n"
	      "error, 3 zombie leak (with --fail-on-leak or --max-zombie-age).\n", fp);
}

static int parse_format(const char *s, enum report_format *f)
{
	static const char *const names[] = {
		[FMT_TEXT] = "text", [FMT_JSON] = "json",
		[FMT_PERFETTO] = "perfetto", [FMT_HTML] = "html",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*f = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

/* DUR options: which field each fills. */
static double *dur_field(struct report_opts *o, int c)
{
	switch (c) {
	case 'S': return &o->sel.since;
	case 'U': return &o->sel.until;
	case 'Z': return &o->min_zombie;
	default: return &o->max_zombie_age;
	}
}

/* Returns -1 to go on, or the exit status (0 after --help, 2). */
static int parse_report_options(int argc, char *argv[], struct report_opts *o)
{
	enum { OPT_FORMAT = 256, OPT_PID, OPT_COMM, OPT_FAIL, OPT_ZOMBIES };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "min-zombie", required_argument, NULL, 'Z' },
		{ "zombies", no_argument, NULL, OPT_ZOMBIES },
		{ "max-zombie-age", required_argument, NULL, 'M' },
		{ "fail-on-leak", no_argument, NULL, OPT_FAIL },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	select_init(&o->sel);
	o->max_zombie_age = NAN;
	o->min_zombie = REPORT_THRESHOLD_DEFAULT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:ah", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(optarg, &o->format) < 0)
				return usage_error("zwatch report", "invalid --format '%s' (use text, "
						   "json, perfetto or html)", optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_PID:
			if (parse_pid(optarg, &o->sel.pid) < 0)
				return usage_error("zwatch report", "invalid process ID '%s'", optarg);
			break;
		case OPT_COMM:
			o->sel.comm = optarg;
			break;
		case 'S': case 'U': case 'Z': case 'M':
			if (duration_parse(optarg, dur_field(o, c)) < 0)
				return usage_error("zwatch report", "invalid duration '%s' (e.g. 500ms, "
						   "0.5s, 2m, or seconds)", optarg);
			break;
		case OPT_FAIL:
			o->fail_on_leak = true;
			break;
		case OPT_ZOMBIES:
			o->zombies = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return usage_error("zwatch report", "option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("zwatch report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("zwatch report", "%sno trace file: zwatch report [options] FILE", "");
	if (optind + 1 < argc)
		return usage_error("zwatch report", "one trace file at a time ('%s' is extra)",
				   argv[optind + 1]);
	o->file = argv[optind];
	if (o->zombies)
		o->sel.zombies = o->min_zombie;
	if (o->sel.since > o->sel.until)
		return usage_error("zwatch report", "%s--since is after --until", "");
	return -1;
}

/* The outfile owns fp: it is closed (and renamed into place) last. */
static struct sink *output_sink(const struct report_opts *o, FILE *fp,
				const struct report_info *info)
{
	bool own = false;

	switch (o->format) {
	case FMT_JSON: return sink_json_new(fp, own);
	case FMT_PERFETTO: return sink_perfetto_new(fp, own);
	case FMT_HTML: return sink_html_new(fp, own, info);
	default: return sink_report_text_new(fp, own, info);
	}
}

/* One pass over the trace: reader -> model -> filter -> sinks, and tap
 * (or NULL) seeing every event before the filter. */
static int run_pass(const struct report_opts *o, FILE *in, struct sink *tap,
		    struct sink *const *inner, size_t n, const bool *by_seq,
		    size_t nseq, struct trace_header *hdr, bool **selection,
		    size_t *nsel, struct report_info *info)
{
	struct sink *filter = sink_filter_new(&o->sel, inner, n,
					      o->format == FMT_PERFETTO,
					      by_seq, nseq);
	struct sink *sinks[2] = { filter, tap };
	struct model *m = model_new(sinks, tap ? 2 : 1);
	struct trace_stats st;
	int r = trace_read(in, o->file, m, hdr, &st);

	if (r == 0) {
		/* A run that ended wrote its records at the end. */
		if (info)
			info->cut_short = st.cut_short ||
					  (st.events && !st.lifecycles);
		model_finish(m, st.t_end);
		if (selection) {
			const bool *sel = sink_filter_selection(filter, nsel);

			*selection = xcalloc(*nsel + 1, sizeof(**selection));
			memcpy(*selection, sel, *nsel * sizeof(**selection));
		}
	}
	sink_close(filter);
	/* The inner sinks wrote at the summary and touch no record when
	 * closed, so the records may go now. */
	model_free(m);
	return r;
}

/* The selection needs the whole trace; Perfetto events need it first. */
static int first_pass(const struct report_opts *o, FILE *in, bool **sel,
		      size_t *nsel)
{
	struct trace_header hdr;
	int r = run_pass(o, in, NULL, NULL, 0, NULL, 0, &hdr, sel, nsel,
			 NULL);

	trace_header_free(&hdr);
	if (r < 0)
		return -1;
	if (fseek(in, 0, SEEK_SET) < 0) {
		warn_errno(errno, "%s: cannot read it twice (needed to select "
			   "Perfetto events)", o->file);
		return -1;
	}
	return 0;
}

/* The report goes to a temporary beside the file it replaces: a damaged
 * trace or a write error leaves the old report as it was. */
static int open_output(const char *path, struct outfile *of)
{
	int err = outfile_open(of, path, stdout, true);

	if (err < 0) {
		warn_errno(-err, "cannot open output file %s", path);
		return err;
	}
	/* A Perfetto file of a big trace is hundreds of MB. */
	if (!isatty(fileno(of->fp)))
		setvbuf(of->fp, NULL, _IOFBF, 1 << 20);
	/* One thread writes it: spare stdio a lock per call. */
	__fsetlocking(of->fp, FSETLOCKING_BYCALLER);
	return 0;
}

static int close_all(struct sink **sinks, size_t n, const char *name, int ret)
{
	for (size_t i = 0; i < n; i++) {
		int err = sink_close(sinks[i]);

		if (err < 0 && ret != 1) {
			warn_errno(-err, "cannot write %s", name);
			ret = 1;
		}
	}
	return ret;
}

static int write_report(const struct report_opts *o, FILE *in, FILE *out,
			const bool *by_seq, size_t nseq)
{
	struct trace_header hdr;
	bool sites = o->format == FMT_TEXT || o->format == FMT_HTML;
	struct forksites *fs = sites ? forksites_new() : NULL;
	struct sink *tap = sites ? forksites_sink_new(fs) : NULL;
	struct report_info info = {
		.file = o->file, .hdr = &hdr, .sites = fs, .all = o->all,
		.threshold = o->min_zombie,
	};
	struct sink *sinks[2];
	size_t n = 0, leaks = 0;
	bool check = o->fail_on_leak || !isnan(o->max_zombie_age);
	int r;

	memset(&hdr, 0, sizeof(hdr));
	sinks[n++] = output_sink(o, out, &info);
	if (check)
		sinks[n++] = leakcheck_sink_new(o->max_zombie_age, stderr);
	r = run_pass(o, in, tap, sinks, n, by_seq, nseq, &hdr, NULL, NULL,
		     &info);
	if (check)
		leaks = leakcheck_count(sinks[1]);
	r = close_all(sinks, n, o->output ? o->output : "the report",
		      r < 0 ? 1 : 0);
	if (tap)
		sink_close(tap);
	forksites_free(fs);
	trace_header_free(&hdr);
	if (r == 0 && leaks) {
		warnx_("%zu zombie leak%s in %s", leaks, leaks == 1 ? "" : "s",
		       o->file);
		return LEAKCHECK_EXIT;
	}
	return r;
}

int report_main(int argc, char *argv[])
{
	struct report_opts o;
	struct outfile out;
	bool *sel = NULL;
	size_t nsel = 0;
	FILE *in;
	int err, ret = parse_report_options(argc, argv, &o);

	if (ret >= 0)
		return ret;
	in = fopen(o.file, "re");
	if (!in) {
		warn_errno(errno, "cannot open trace %s", o.file);
		return 1;
	}
	if (open_output(o.output, &out) < 0) {
		fclose(in);
		return 1;
	}
	/* -o naming the trace itself (by any name) would overwrite it. */
	if (outfile_is(&out, in)) {
		outfile_close(&out, false);
		fclose(in);
		return usage_error("zwatch report", "-o %s would overwrite the trace it reports on",
				   o.output);
	}
	if (outfile_start(&out) < 0 ||
	    (o.format == FMT_PERFETTO && select_active(&o.sel) &&
	     first_pass(&o, in, &sel, &nsel) < 0)) {
		outfile_close(&out, false);
		fclose(in);
		free(sel);
		return 1;
	}
	ret = write_report(&o, in, out.fp, sel, nsel);
	/* A failed report leaves the old file as it was. */
	err = outfile_close(&out, ret != 1);
	if (err < 0 && ret != 1) {
		warn_errno(-err, "cannot write %s", o.output);
		ret = 1;
	}
	fclose(in);
	free(sel);
	return ret;
}
