## tests/local.mk - the test suite, included by the top Makefile.am.
##
## End-to-end tests: small real C scenario programs (tests/scn/*.c, built
## by `make check`, never installed) are run under zwatch by Python tests
## (tests/e2e/*.py, one per file, helper module tests/zwtest.py) that
## assert on zwatch's JSON output.  Exit codes follow the automake
## protocol: 0 pass, 1 fail, 77 skip, 99 hard error.
##
##   make check                                   # everything
##   make check TESTS=tests/e2e/test_zombie_demo.py
##   python3 tests/e2e/test_zombie_demo.py        # one test, directly
##
## Append with += below; the core's unit tests go in their own section at
## the end.

check_PROGRAMS =
TESTS =
TEST_EXTENSIONS = .py
PY_LOG_COMPILER = python3
AM_TESTS_ENVIRONMENT = \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	abs_top_srcdir='$(abs_top_srcdir)'; export abs_top_srcdir;

# --- e2e: scenario programs ---
# One lifecycle concern each; see the comment at the top of each source.
check_PROGRAMS += \
	tests/scn/zombie_demo \
	tests/scn/sigchld_handler \
	tests/scn/sigign_autoreap \
	tests/scn/nocldwait \
	tests/scn/wnowait_peek \
	tests/scn/thread_reaper \
	tests/scn/sigkill_child \
	tests/scn/abort_child \
	tests/scn/subreaper_double_fork \
	tests/scn/subreaper_run \
	tests/scn/vfork_exec \
	tests/scn/clone_parent \
	tests/scn/thread_exec \
	tests/scn/kill_sigchld \
	tests/scn/many_children \
	tests/scn/orphan_grandchild \
	tests/scn/exit_status \
	tests/scn/fork_tree \
	tests/scn/stop_cont \
	tests/scn/lingering \
	tests/scn/forksite \
	tests/scn/forksite_nodebug \
	tests/scn/forksite_omitfp \
	tests/scn/signals \
	tests/scn/exec_kinds \
	tests/scn/masked_reaper

tests_scn_zombie_demo_SOURCES = tests/scn/zombie_demo.c tests/scn/scn.h
tests_scn_sigchld_handler_SOURCES = tests/scn/sigchld_handler.c tests/scn/scn.h
tests_scn_sigign_autoreap_SOURCES = tests/scn/sigign_autoreap.c tests/scn/scn.h
tests_scn_nocldwait_SOURCES = tests/scn/nocldwait.c tests/scn/scn.h
tests_scn_nocldwait_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_nocldwait_LDFLAGS = -pthread
tests_scn_wnowait_peek_SOURCES = tests/scn/wnowait_peek.c tests/scn/scn.h
tests_scn_thread_reaper_SOURCES = tests/scn/thread_reaper.c tests/scn/scn.h
tests_scn_thread_reaper_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_thread_reaper_LDFLAGS = -pthread
tests_scn_sigkill_child_SOURCES = tests/scn/sigkill_child.c tests/scn/scn.h
tests_scn_abort_child_SOURCES = tests/scn/abort_child.c tests/scn/scn.h
tests_scn_subreaper_double_fork_SOURCES = tests/scn/subreaper_double_fork.c tests/scn/scn.h
tests_scn_subreaper_run_SOURCES = tests/scn/subreaper_run.c tests/scn/scn.h
tests_scn_vfork_exec_SOURCES = tests/scn/vfork_exec.c tests/scn/scn.h
tests_scn_clone_parent_SOURCES = tests/scn/clone_parent.c tests/scn/scn.h
tests_scn_thread_exec_SOURCES = tests/scn/thread_exec.c tests/scn/scn.h
tests_scn_thread_exec_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_thread_exec_LDFLAGS = -pthread
tests_scn_kill_sigchld_SOURCES = tests/scn/kill_sigchld.c tests/scn/scn.h
tests_scn_many_children_SOURCES = tests/scn/many_children.c tests/scn/scn.h
tests_scn_orphan_grandchild_SOURCES = tests/scn/orphan_grandchild.c tests/scn/scn.h
tests_scn_exit_status_SOURCES = tests/scn/exit_status.c tests/scn/scn.h
tests_scn_fork_tree_SOURCES = tests/scn/fork_tree.c tests/scn/scn.h
tests_scn_stop_cont_SOURCES = tests/scn/stop_cont.c tests/scn/scn.h
tests_scn_lingering_SOURCES = tests/scn/lingering.c tests/scn/scn.h
tests_scn_signals_SOURCES = tests/scn/signals.c tests/scn/scn.h
tests_scn_exec_kinds_SOURCES = tests/scn/exec_kinds.c tests/scn/scn.h
tests_scn_masked_reaper_SOURCES = tests/scn/masked_reaper.c tests/scn/scn.h
# One fork site, three builds: -k must name spawn_worker in each, and
# give its line only where there is debug info.  The user's CFLAGS come
# after these (a -g there wins over -g0), so the builds without debug
# info are also linked with --strip-debug.
tests_scn_forksite_SOURCES = tests/scn/forksite.c tests/scn/scn.h
tests_scn_forksite_CFLAGS = $(AM_CFLAGS) -g -O0
tests_scn_forksite_nodebug_SOURCES = tests/scn/forksite.c tests/scn/scn.h
tests_scn_forksite_nodebug_CFLAGS = $(AM_CFLAGS) -g0 -O2
tests_scn_forksite_nodebug_LDFLAGS = -Wl,--strip-debug
tests_scn_forksite_omitfp_SOURCES = tests/scn/forksite.c tests/scn/scn.h
tests_scn_forksite_omitfp_CFLAGS = $(AM_CFLAGS) -g0 -O2 -fomit-frame-pointer
tests_scn_forksite_omitfp_LDFLAGS = -Wl,--strip-debug

# --- e2e: tests ---
# Each needs the zwatch binary ($(abs_top_builddir)/zwatch, or $ZWATCH).
E2E_TESTS = \
	tests/e2e/test_zombie_demo.py \
	tests/e2e/test_sigchld_handler.py \
	tests/e2e/test_sigign_autoreap.py \
	tests/e2e/test_nocldwait.py \
	tests/e2e/test_wnowait_peek.py \
	tests/e2e/test_thread_reaper.py \
	tests/e2e/test_sigkill_child.py \
	tests/e2e/test_abort_child.py \
	tests/e2e/test_subreaper_double_fork.py \
	tests/e2e/test_vfork_exec.py \
	tests/e2e/test_clone_parent.py \
	tests/e2e/test_thread_exec.py \
	tests/e2e/test_kill_sigchld.py \
	tests/e2e/test_shell_leak.py \
	tests/e2e/test_pyfork.py \
	tests/e2e/test_many_children.py \
	tests/e2e/test_pidns_init.py \
	tests/e2e/test_exit_status.py \
	tests/e2e/test_leak_gate.py \
	tests/e2e/test_output_errors.py \
	tests/e2e/test_diagnose.py \
	tests/e2e/test_stack.py \
	tests/e2e/test_transparency.py \
	tests/e2e/test_usage_errors.py \
	tests/e2e/test_cross_check.py \
	tests/e2e/test_proc_connector.py \
	tests/e2e/test_stop_cont.py \
	tests/e2e/test_json_schema.py \
	tests/e2e/test_exec_info.py \
	tests/e2e/test_masked_reaper.py

TESTS += $(E2E_TESTS)

EXTRA_DIST += \
	tests/zwtest.py \
	tests/scn/pyfork.py \
	$(E2E_TESTS)

# --- unit tests (core) ---
# C unit tests of libzwatch.a: the model, decoders, the pid map.
UNIT_TESTS = \
	tests/unit/test_decode \
	tests/unit/test_intmap \
	tests/unit/test_model
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/check.h
tests_unit_test_decode_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_decode_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_decode_LDADD = $(ZW_LIBS)
tests_unit_test_intmap_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_intmap_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_intmap_LDADD = $(ZW_LIBS)
tests_unit_test_model_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_model_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_model_LDADD = $(ZW_LIBS)

if HAVE_LIBUNWIND
# The ELF symbolizer (elfsym.c), on one fixture with known functions
# built six ways: a PIE, a non-PIE, a shared object, the PIE and the
# shared object linked -s (no .symtab), and a PIE with -g for the source
# lines (srcline.c).  Only read, never run.
ELFSYM_FIXTURES = \
	tests/unit/elfsym_fixture \
	tests/unit/elfsym_fixture_g \
	tests/unit/elfsym_fixture_nopie \
	tests/unit/elfsym_fixture_stripped \
	tests/unit/elfsym_fixture.so \
	tests/unit/elfsym_fixture_stripped.so
check_PROGRAMS += $(ELFSYM_FIXTURES) tests/unit/test_elfsym
TESTS += tests/unit/test_elfsym
tests_unit_test_elfsym_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_elfsym_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_elfsym_LDADD = $(ZW_LIBS)
ELFSYM_FIXTURE_LINK = -Wl,--build-id=sha1
tests_unit_elfsym_fixture_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_CFLAGS = $(AM_CFLAGS) -fPIE
tests_unit_elfsym_fixture_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -pie
tests_unit_elfsym_fixture_g_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_g_CFLAGS = $(AM_CFLAGS) -fPIE -g
tests_unit_elfsym_fixture_g_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -pie
tests_unit_elfsym_fixture_nopie_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_nopie_CFLAGS = $(AM_CFLAGS) -fno-pie
tests_unit_elfsym_fixture_nopie_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -no-pie
tests_unit_elfsym_fixture_stripped_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_stripped_CFLAGS = $(AM_CFLAGS) -fPIE
tests_unit_elfsym_fixture_stripped_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -pie -s
tests_unit_elfsym_fixture_so_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_so_CFLAGS = $(AM_CFLAGS) -fPIC
tests_unit_elfsym_fixture_so_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -shared
tests_unit_elfsym_fixture_stripped_so_SOURCES = tests/unit/elfsym_fixture.c
tests_unit_elfsym_fixture_stripped_so_CFLAGS = $(AM_CFLAGS) -fPIC
tests_unit_elfsym_fixture_stripped_so_LDFLAGS = $(ELFSYM_FIXTURE_LINK) -shared -s
endif

# --- report (issue 5) ---
# zwatch report: unit tests of the trace reader and the DUR parser, e2e
# tests of every format, of damaged input and of the leak exit status.
# The fuzz harness (tests/fuzz/run.sh) and the 1M-event benchmark
# (bench/report_bench.sh) are run by hand, not here.
REPORT_UNIT_TESTS = \
	tests/unit/test_duration \
	tests/unit/test_leakcheck \
	tests/unit/test_trace_reader
check_PROGRAMS += $(REPORT_UNIT_TESTS)
TESTS += $(REPORT_UNIT_TESTS)
tests_unit_test_duration_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_duration_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_duration_LDADD = $(ZW_LIBS)
tests_unit_test_leakcheck_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_leakcheck_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_leakcheck_LDADD = $(ZW_LIBS)
tests_unit_test_trace_reader_CFLAGS = $(ZW_CFLAGS)
tests_unit_test_trace_reader_LDFLAGS = $(SANITIZE_CFLAGS)
tests_unit_test_trace_reader_LDADD = $(ZW_LIBS)

REPORT_E2E_TESTS = \
	tests/e2e/test_report_formats.py \
	tests/e2e/test_report_errors.py \
	tests/e2e/test_report_stacks.py \
	tests/e2e/test_report_html_chromium.py
TESTS += $(REPORT_E2E_TESTS)
EXTRA_DIST += \
	$(REPORT_E2E_TESTS) \
	tests/fuzz/fuzz_trace_reader.c \
	tests/fuzz/run.sh \
	tests/fuzz/trace.dict \
	tests/fuzz/corpus \
	doc/report-example.png

# --- attach mode (issue 4) ---
# zwatch -p PID: the inventory of pre-existing zombies and children,
# threads, detaching on SIGINT/SIGTERM/SIGHUP (also from a stopped
# target), Yama ptrace_scope (faked in a mount namespace), attach errors,
# and a pid-namespace init (tini) attached from outside.  The tests only
# ever attach to scenario processes they started themselves.
ATTACH_SCN = \
	tests/scn/attach_loop \
	tests/scn/attach_zombies \
	tests/scn/attach_threads \
	tests/scn/attach_orphans \
	tests/scn/attach_leader_exit
check_PROGRAMS += $(ATTACH_SCN)
tests_scn_attach_loop_SOURCES = tests/scn/attach_loop.c tests/scn/scn.h
tests_scn_attach_loop_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_attach_loop_LDFLAGS = -pthread
tests_scn_attach_zombies_SOURCES = tests/scn/attach_zombies.c tests/scn/scn.h
tests_scn_attach_threads_SOURCES = tests/scn/attach_threads.c tests/scn/scn.h
tests_scn_attach_threads_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_attach_threads_LDFLAGS = -pthread
tests_scn_attach_orphans_SOURCES = tests/scn/attach_orphans.c tests/scn/scn.h
tests_scn_attach_leader_exit_SOURCES = tests/scn/attach_leader_exit.c tests/scn/scn.h
tests_scn_attach_leader_exit_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_attach_leader_exit_LDFLAGS = -pthread

ATTACH_E2E_TESTS = \
	tests/e2e/test_attach_inventory.py \
	tests/e2e/test_attach_threads.py \
	tests/e2e/test_attach_leader_exit.py \
	tests/e2e/test_attach_detach.py \
	tests/e2e/test_attach_stopped.py \
	tests/e2e/test_attach_yama.py \
	tests/e2e/test_attach_errors.py \
	tests/e2e/test_attach_pidns.py
TESTS += $(ATTACH_E2E_TESTS)
EXTRA_DIST += $(ATTACH_E2E_TESTS)

# --- stress (make stress, not make check) ---
check_PROGRAMS += tests/scn/random_tree
tests_scn_random_tree_SOURCES = tests/scn/random_tree.c tests/scn/scn.h
tests_scn_random_tree_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_random_tree_LDFLAGS = -pthread
EXTRA_DIST += tests/stress_trees.py

# 100 random fork trees, each checked against the kernel's proc connector.
stress: zwatch tests/scn/random_tree
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
		python3 $(srcdir)/tests/stress_trees.py

.PHONY: stress

# --- faults (issue 7) ---
# Reliability under faults: a traced program SIGKILLed mid-vfork, an exec
# storm from threads cross-checked against the proc connector, targets
# that exit while zwatch attaches, and the diagnosis of an orphan whose
# adopter (a pid namespace's init) never reaps it.
FAULT_SCN = \
	tests/scn/vfork_kill \
	tests/scn/exec_storm \
	tests/scn/spawn_churn \
	tests/scn/noreap_init
check_PROGRAMS += $(FAULT_SCN)
tests_scn_vfork_kill_SOURCES = tests/scn/vfork_kill.c tests/scn/scn.h
tests_scn_exec_storm_SOURCES = tests/scn/exec_storm.c tests/scn/scn.h
tests_scn_exec_storm_CFLAGS = $(AM_CFLAGS) -pthread
tests_scn_exec_storm_LDFLAGS = -pthread
tests_scn_spawn_churn_SOURCES = tests/scn/spawn_churn.c tests/scn/scn.h
tests_scn_noreap_init_SOURCES = tests/scn/noreap_init.c tests/scn/scn.h

FAULT_E2E_TESTS = \
	tests/e2e/test_vfork_kill.py \
	tests/e2e/test_exec_storm.py \
	tests/e2e/test_attach_exiting.py \
	tests/e2e/test_diagnose_noreap_init.py \
	tests/e2e/test_launch_signals.py
TESTS += $(FAULT_E2E_TESTS)
EXTRA_DIST += $(FAULT_E2E_TESTS)

# --- VMs (issue 16): make check-vm, not make check ---
# The lifecycle scenarios of tests/vm/tests.list under zwatch in qemu
# VMs running Debian's Linux 6.1, x86_64 and aarch64 (cross-built), their
# JSON checked on the host by the same e2e tests (ZWTEST_REPLAY).  Needs
# root the first time (apt-get); see tests/vm/run-vm.sh.  CHECK_VM_ARCHS
# picks the architectures.
CHECK_VM_ARCHS = x86_64 aarch64
TESTS += tests/e2e/test_kfeatures.py
EXTRA_DIST += \
	tests/e2e/test_kfeatures.py \
	tests/vm/run-vm.sh \
	tests/vm/init.sh \
	tests/vm/vmtool.py \
	tests/vm/tests.list

check-vm: zwatch
	$(MAKE) $(AM_MAKEFLAGS) $(check_PROGRAMS)
	@rc=0; for a in $(CHECK_VM_ARCHS); do \
		abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
			$(SHELL) $(srcdir)/tests/vm/run-vm.sh $$a; r=$$?; \
		if [ $$r != 0 ] && [ $$r != 77 ]; then rc=1; fi; \
	done; exit $$rc

.PHONY: check-vm
