## bench/local.mk - benchmarks, run by `make bench`, never by `make check`.
EXTRA_DIST += bench/bare_tracer.c
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
