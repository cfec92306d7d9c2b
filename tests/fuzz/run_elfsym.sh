#!/bin/sh
# run_elfsym.sh - build the ELF/DWARF symbolizer's libFuzzer harness with
# clang (ASan+UBSan) and run it on mutated ELF files.
#   tests/fuzz/run_elfsym.sh [SECONDS [JOBS]]     (default 60 s, 1 job)
# The seeds are built here from tests/unit/elfsym_fixture.c (a PIE with
# DWARF 5, a shared object, a stripped one, a non-PIE with DWARF 4), into
# $FUZZ_WORK/elf-seeds; new inputs go to $FUZZ_WORK/elf-corpus, crashes
# to crash-* there.  Needs a configured tree (config.h): FUZZ_BUILD.
set -e
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
mkdir -p "$work/elf-seeds" "$work/elf-corpus"
srcs="$top/src/elfsym.c $top/src/util.c $top/src/sanitize.c"
defs="-DHAVE_LIBUNWIND=1"
if pkg-config --exists libdw; then
	srcs="$srcs $top/src/srcline.c $top/src/debugfile.c"
	defs="$defs -DHAVE_LIBDW=1"
fi
# shellcheck disable=SC2086
fuzz_build fuzz_elfsym fuzz_elfsym.c $defs $srcs \
	$(pkg-config --libs libelf) $(pkg-config --libs libdw 2>/dev/null || true)
fx=$top/tests/unit/elfsym_fixture.c
s=$work/elf-seeds
cc -g -gdwarf-5 -O0 -fPIE -pie -o "$s/pie_dwarf5" "$fx"
cc -g -gdwarf-4 -O1 -fno-pie -no-pie -o "$s/nopie_dwarf4" "$fx"
cc -g -O1 -fPIC -shared -o "$s/shared.so" "$fx"
cc -O2 -fPIE -pie -s -o "$s/stripped" "$fx"
# Leaks: libelf and libdw own what they return; the harness frees all.
fuzz_run -max_len=65536 -rss_limit_mb=2048 -close_fd_mask=3 elf-corpus elf-seeds
