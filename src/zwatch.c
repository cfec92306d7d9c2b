/* zwatch.c - main: parse options, open the output, run the tracer. */
#include "config.h"
#include "leakcheck.h"
#include "lifecycle.h"
#include "options.h"
#include "report.h"
#include "sink.h"
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

static FILE *open_output(const struct options *opts, const char *path)
{
	FILE *fp;

	(void)opts;
	if (!path || !strcmp(path, "-"))
		return stderr;
	fp = fopen(path, "we");
	if (!fp)
		warn_errno(errno, "cannot open output file %s", path);
	return fp;
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
	struct sink *sinks[3], *leaks = NULL;
	const char *names[3];
	struct model *model;
	size_t n = 0;
	FILE *fp;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return watch_main(argc - 1, argv + 1);
	ret = parse_options(argc, argv, &opts);
	if (ret >= 0) {
		free_options(&opts);
		return ret;
	}
	fp = open_output(&opts, opts.output);
	if (!fp) {
		free_options(&opts);
		return 1;
	}
	names[n] = opts.output ? opts.output : "the report";
	sinks[n++] = make_sink(&opts, fp);
	if (opts.record) {
		fp = open_output(&opts, opts.record);
		if (!fp) {
			free_options(&opts);
			return close_sinks(sinks, names, n, 1);
		}
		names[n] = opts.record;
		sinks[n++] = sink_record_new(fp, opts.argv);
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
