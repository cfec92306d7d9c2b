/* zwatch.c - main: parse options, open the output, run the tracer. */
#include "config.h"
#include "leakcheck.h"
#include "lifecycle.h"
#include "options.h"
#include "outfile.h"
#include "ps.h"
#include "report.h"
#include "sink.h"
#include "sink_tui.h"
#include "tracer.h"
#include "util.h"
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool want_color(const struct options *opts, FILE *fp)
{
	const char *no_color = getenv("NO_COLOR");

	if (opts->color != COLOR_AUTO)
		return opts->color == COLOR_ALWAYS;
	if (no_color && *no_color)
		return false;
	return isatty(fileno(fp));
}

/* -o and -w, opened without truncating; refused if they are one file (by
 * any name: the report would overwrite the trace).  Streamed in place:
 * a trace must survive zwatch being killed.  Returns 0, 1 or 2 (usage). */
static int open_outputs(const struct options *opts, struct outfile *o,
			struct outfile *w)
{
	int err = outfile_open(o, opts->output, stderr, false);

	if (err < 0) {
		warn_errno(-err, "cannot open output file %s", opts->output);
		return 1;
	}
	if (!opts->record)
		return outfile_start(o) < 0 ? 1 : 0;
	err = outfile_open(w, opts->record, stderr, false);
	if (err < 0) {
		warn_errno(-err, "cannot open output file %s", opts->record);
		outfile_close(o, false);
		return 1;
	}
	if (outfile_same(o, w)) {
		outfile_close(w, false);
		outfile_close(o, false);
		return usage_error("zwatch", "-o %s would overwrite the trace that -w writes",
				   opts->output);
	}
	return outfile_start(o) < 0 || outfile_start(w) < 0 ? 1 : 0;
}

static struct sink *make_sink(const struct options *opts, FILE *fp)
{
	struct sink *s;

	if (opts->json)
		return sink_json_new(fp, fp != stderr);
	s = sink_text_new(fp, fp != stderr, want_color(opts, fp), opts->quiet);
	s->no_summary = !opts->summary;
	return s;
}

/* What the live view's title says is traced. */
static void tui_title(const struct options *opts, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	if (opts->npids)
		len += (size_t)snprintf(buf, n, "-p");
	for (size_t i = 0; i < opts->npids && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? "," : " ",
					opts->pids[i]);
	for (int i = 0; opts->argv && i < opts->argc && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "",
					opts->argv[i]);
}

/* --tui: the view takes the terminal first, so that stderr (the
 * timeline, unless -o) goes to the log with PROG's output. */
static struct sink *make_tui(const struct options *opts)
{
	char title[160];
	FILE *tty;

	if (tui_take_terminal(opts->tui_log, &tty) < 0)
		return NULL;
	tui_title(opts, title, sizeof(title));
	return sink_tui_new(tty, title, opts->tui_log, opts->min_zombie);
}

/* Closes the sinks; a write error turns a success into failure. */
static int close_sinks(struct sink **sinks, const char *const *names,
		       size_t n, int ret)
{
	for (size_t i = 0; i < n; i++) {
		int err = sink_close(sinks[i]);

		if (err < 0) {
			/* Lost output is a failure, whatever PROG did. */
			warn_errno(-err, "cannot write %s", names[i]);
			ret = 1;
		}
	}
	return ret;
}

int main(int argc, char *argv[])
{
	struct options opts;
	struct sink *sinks[4] = { NULL }, *leaks = NULL;
	const char *names[4] = { NULL };
	struct outfile out, rec;
	struct model *model;
	size_t n = 0;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "ps"))
		return ps_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return watch_main(argc - 1, argv + 1);
	ret = parse_options(argc, argv, &opts);
	if (ret >= 0) {
		free_options(&opts);
		return ret;
	}
	if (opts.tui) {
		names[n] = "the live view";
		sinks[n] = make_tui(&opts);
		if (!sinks[n++]) {
			free_options(&opts);
			return 1;
		}
	}
	ret = open_outputs(&opts, &out, &rec);
	if (ret) {
		free_options(&opts);
		return close_sinks(sinks, names, n, ret);
	}
	/* The sinks own the files from here. */
	names[n] = opts.output ? opts.output : "the report";
	sinks[n++] = make_sink(&opts, out.fp);
	if (opts.record) {
		names[n] = opts.record;
		sinks[n++] = sink_record_new(rec.fp, opts.argv);
	}
	if (opts.fail_on_leak) {
		leaks = leakcheck_sink_new(opts.max_zombie_age, stderr);
		names[n] = "the leak check";
		sinks[n++] = leaks;
	}
	model = model_new(sinks, n);
	ret = opts.npids ? tracer_attach(&opts, model) :
			   tracer_launch(&opts, model);
	/* A leak outranks the program's own status: this is a CI gate. */
	if (leaks && leakcheck_count(leaks) > 0 && (ret == 0 || ret < 126))
		ret = LEAKCHECK_EXIT;
	ret = close_sinks(sinks, names, n, ret);
	model_free(model);
	free_options(&opts);
	return ret;
}
