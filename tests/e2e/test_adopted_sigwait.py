#!/usr/bin/env python3
"""An adopted process that blocks SIGCHLD and reaps its own child (issue
11, item 2: tini's pattern).  tests/scn/adopted_sigwait.c: under the
subreaper R, A forks B and exits; B blocks SIGCHLD, forks C, takes C's
SIGCHLD with sigwaitinfo() (no stop for a tracer), reaps C with
waitpid(WNOHANG) and exits at once.  C was reaped by B, its parent, as
the program says: never by R, never by nobody.  5 rounds, 4 runs."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

ROUNDS, RUNS = 5, 4


def test(t):
    for run in range(RUNS):
        tr = t.run([zwtest.scn("adopted_sigwait"), str(ROUNDS)],
                   name=f"run{run}")
        t.scenario_ok(tr)
        r = t.root_ok(tr)["pid"]
        own = tr.out("reaped")
        t.eq(len([o for o in own if "by" in o]), ROUNDS,
             f"run {run}: the program reaped {ROUNDS} grandchildren itself")
        for o in own:
            pid = int(o["pid"])
            by = int(o["by"]) if "by" in o else r
            lc = t.lifecycle(tr, pid, f"run {run}: pid {pid}")
            t.match(lc, {"reaped_by": by, "final": "reaped",
                         "reaper": "parent" if lc["ppid"] == by else
                         "subreaper"},
                    f"run {run}: {pid} reaped by {by}, as it says")


zwtest.main(test)
