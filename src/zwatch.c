/* zwatch.c - main: parse options, open the output, run the tracer. */
#include "config.h"
#include "lifecycle.h"
#include "options.h"
#include "sink.h"
#include "tracer.h"
#include "util.h"

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

static FILE *open_output(const struct options *opts)
{
	FILE *fp;

	if (!opts->output || !strcmp(opts->output, "-"))
		return stderr;
	fp = fopen(opts->output, "we");
	if (!fp)
		warn_errno(errno, "cannot open output file %s", opts->output);
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

int main(int argc, char *argv[])
{
	struct options opts;
	struct sink *sink;
	struct model *model;
	FILE *fp;
	int ret, err;

	ret = parse_options(argc, argv, &opts);
	if (ret >= 0)
		return ret;
	fp = open_output(&opts);
	if (!fp)
		return 1;
	sink = make_sink(&opts, fp);
	model = model_new(&sink, 1);
	ret = tracer_launch(&opts, model);
	err = sink_close(sink);
	if (err < 0) {
		warn_errno(-err, "cannot write %s",
			   opts.output ? opts.output : "the report");
		if (ret == 0)
			ret = 1;
	}
	model_free(model);
	return ret;
}
