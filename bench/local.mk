## bench/local.mk - benchmarks, run by `make bench`, never by `make check`.
EXTRA_DIST += bench/bare_tracer.c
