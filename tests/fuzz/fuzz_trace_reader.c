/* fuzz_trace_reader.c - libFuzzer harness: any bytes as a trace file must
 * give a clean error or a model, never a crash, a leak or undefined
 * behaviour.  Everything downstream of the reader runs too (model, every
 * sink), since they all see what a hostile trace file puts in the events.
 *
 *   tests/fuzz/run.sh [SECONDS]      builds with clang and runs it
 */
#include "config.h"
#include "lifecycle.h"
#ifndef FUZZ_READER_ONLY
#include "forksites.h"
#include "report_sinks.h"
#endif
#include "sink.h"
#include "trace_reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static FILE *devnull(void)
{
	FILE *fp = fopen("/dev/null", "we");

	if (!fp)
		abort();
	return fp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink *sinks[6];
	struct trace_header hdr;
#ifndef FUZZ_READER_ONLY
	struct forksites *fs;
	struct report_info info = { .file = "fuzz", .hdr = &hdr };
#endif
	struct trace_stats st;
	struct model *m;
	size_t n = 0;
	FILE *fp;

	if (!size)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
#ifndef FUZZ_READER_ONLY
	fs = forksites_new();	/* after the early returns: no leak */
	info.sites = fs;
#endif
	sinks[n++] = sink_json_new(devnull(), true);
	sinks[n++] = sink_text_new(devnull(), true, true, false);
#ifndef FUZZ_READER_ONLY
	sinks[n++] = forksites_sink_new(fs);
	sinks[n++] = sink_report_text_new(devnull(), true, &info);
	sinks[n++] = sink_perfetto_new(devnull(), true);
	sinks[n++] = sink_html_new(devnull(), true, &info);
#endif
	m = model_new(sinks, n);
	if (trace_read(fp, "fuzz", m, &hdr, &st) == 0)
		model_finish(m, st.t_end);
	for (size_t i = 0; i < n; i++)
		sink_close(sinks[i]);
	model_free(m);
#ifndef FUZZ_READER_ONLY
	forksites_free(fs);
#endif
	trace_header_free(&hdr);
	fclose(fp);
	return 0;
}
