## bench/local.mk - benchmarks, run by `make bench`, never by `make check`.
EXTRA_DIST += bench/bare_tracer.c bench/bare_listener.c
EXTRA_DIST += bench/gen_trace.py bench/report_bench.sh

# zwatch report on a generated 1,000,000-event trace, each format timed.
bench-report: zwatch
	$(srcdir)/bench/report_bench.sh

.PHONY: bench-report

# Each workload untraced, under zwatch, a bare ptrace loop and strace,
# alternating; medians and ratios (bench/README.md).
bench: zwatch
	ZWATCH=$(abs_top_builddir)/zwatch python3 $(srcdir)/bench/bench.py

EXTRA_DIST += bench/bench.py
.PHONY: bench

# zwatch watch: a fork storm alone, beside zwatch watch and beside
# forkstat; their CPU at 1,000 forks/s; memory with many zombies.
bench-watch: zwatch tests/scn/watch_burst
	ZWATCH=$(abs_top_builddir)/zwatch abs_top_builddir='$(abs_top_builddir)' \
		abs_top_srcdir='$(abs_top_srcdir)' python3 $(srcdir)/bench/watch_bench.py

bench: bench-watch
EXTRA_DIST += bench/watch_bench.py
.PHONY: bench-watch
