#!/bin/sh
# run.sh - build the trace reader's libFuzzer harness with clang and run it.
#   tests/fuzz/run.sh [SECONDS [JOBS]]     (default 60 s, 1 job)
# Not part of make check.  Work goes to $FUZZ_WORK (default
# ./fuzz-work in the build tree): new inputs in corpus/, crash-* files and
# fuzz-N.log; the seed corpus tests/fuzz/corpus stays small.  Needs a
# configured tree (config.h): FUZZ_BUILD, default the source tree.
set -e
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
srcs="trace_reader decode event lifecycle intmap util sink sink_json sink_text
      sink_report sink_perfetto sink_html proctree report_stats report_view
      forksites sanitize html_data term"
objs=
for s in $srcs; do
	[ -f "$top/src/$s.c" ] || continue
	objs="$objs $top/src/$s.c"
done
# shellcheck disable=SC2086
fuzz_build fuzz_trace_reader fuzz_trace_reader.c $(pkg-config --cflags json-c) \
	$objs $(pkg-config --libs json-c) -lm
mkdir -p "$work/corpus"
fuzz_run -max_len=4096 -rss_limit_mb=1024 -close_fd_mask=2 \
	-dict="$here/trace.dict" corpus "$here/corpus"
