#!/bin/sh
# run.sh - build the trace reader's libFuzzer harness with clang and run it.
#   tests/fuzz/run.sh [SECONDS [JOBS]]     (default 60 s, 1 job)
# Not part of make check.  Work goes to $FUZZ_WORK (default
# ./fuzz-work in the build tree): new inputs in corpus/, crash-* files and
# fuzz-N.log; the seed corpus tests/fuzz/corpus stays small.  Needs a
# configured tree (config.h): FUZZ_BUILD, default the source tree.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$top}
secs=${1:-60}
jobs=${2:-1}
work=${FUZZ_WORK:-$build/fuzz-work}
out=${FUZZ_OUT:-$work/fuzz_trace_reader}
CC=${FUZZ_CC:-clang}
flags="-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
srcs="trace_reader decode event lifecycle intmap util sink sink_json sink_text
      sink_report sink_perfetto sink_html proctree report_stats report_view
      forksites sanitize"
mkdir -p "$work"
objs=
for s in $srcs; do
	[ -f "$top/src/$s.c" ] || continue
	objs="$objs $top/src/$s.c"
done
# shellcheck disable=SC2086
$CC $flags ${FUZZ_CFLAGS:-} -D_GNU_SOURCE -I"$build" -I"$top/src" \
	$(pkg-config --cflags json-c) -o "$out" "$here/fuzz_trace_reader.c" \
	$objs $(pkg-config --libs json-c) -lm
mkdir -p "$work/corpus"
cd "$work"
exec "$out" -max_total_time="$secs" -jobs="$jobs" -workers="$jobs" \
	-max_len=4096 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
	-close_fd_mask=2 -dict="$here/trace.dict" \
	corpus "$here/corpus"
