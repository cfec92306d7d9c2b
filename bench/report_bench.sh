#!/bin/sh
# report_bench.sh - how long `zwatch report` takes on a 1,000,000-event
# trace (the target is 2 s).  Not part of make check.
#   bench/report_bench.sh [EVENTS]       (from the build tree)
set -e
here=$(cd "$(dirname "$0")" && pwd)
zw=${ZWATCH:-./zwatch}
n=${1:-1000000}
trace=${BENCH_TRACE:-${TMPDIR:-/tmp}/zwatch-bench-$n.jsonl}
[ -s "$trace" ] || python3 "$here/gen_trace.py" -n "$n" -o "$trace"
echo "trace: $trace ($(wc -l < "$trace") lines, $(du -h "$trace" | cut -f1))"
for fmt in text json html perfetto; do
	start=$(date +%s.%N)
	"$zw" report --format=$fmt -o /dev/null "$trace"
	end=$(date +%s.%N)
	echo "report --format=$fmt: $(echo "$end - $start" | bc) s"
done
start=$(date +%s.%N)
"$zw" report --format=perfetto --zombies --min-zombie=40ms -o /dev/null "$trace"
end=$(date +%s.%N)
echo "report --format=perfetto --zombies --min-zombie=40ms (two passes): $(echo "$end - $start" | bc) s"
