# common.sh - what the fuzz runners share; sourced by run.sh and
# run_elfsym.sh, whose arguments it reads: [SECONDS [JOBS]].
# Sets here, top, build, secs, jobs, work; defines fuzz_build and
# fuzz_run.  Environment: FUZZ_BUILD (a configured tree, for config.h;
# default the source tree), FUZZ_WORK (default $FUZZ_BUILD/fuzz-work),
# FUZZ_CC (default clang), FUZZ_CFLAGS, FUZZ_OUT (the harness binary).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$top}
secs=${1:-60}
jobs=${2:-1}
work=${FUZZ_WORK:-$build/fuzz-work}
mkdir -p "$work"

# fuzz_build NAME HARNESS.c [SOURCES, FLAGS, LIBS...]: the harness built
# with clang's libFuzzer, ASan and UBSan into $FUZZ_OUT or $work/NAME,
# whose path is left in $out.
fuzz_build() {
	out=${FUZZ_OUT:-$work/$1}
	harness=$2
	shift 2
	# shellcheck disable=SC2086
	${FUZZ_CC:-clang} -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined ${FUZZ_CFLAGS:-} -D_GNU_SOURCE \
		-I"$build" -I"$build/src" -I"$top/src" -o "$out" "$here/$harness" "$@"
}

# fuzz_run [LIBFUZZER OPTIONS AND DIRECTORIES...]: runs $out in $work for
# $secs seconds with $jobs jobs; does not return.
fuzz_run() {
	cd "$work"
	exec "$out" -max_total_time="$secs" -jobs="$jobs" -workers="$jobs" \
		-timeout=10 -print_final_stats=1 "$@"
}
