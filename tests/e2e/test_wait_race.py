#!/usr/bin/env python3
"""A subreaper blocked in wait4(-1, __WALL) reaps its own children that
exit at the same moment as an orphaned grandchild is handed to it (issue
11, item 4: such a child once came out "reaped_by": null).
tests/scn/wait_race.c: three children and a grandchild exit together
while the subreaper R sits in wait4; half the rounds the grandchild is a
zombie when its parent exits.  Every one was reaped by R, as R's own
wait4 says, and seen in that wait4 (never "via": "release").
WAIT_RACE_RUNS runs (default 3) of 10 rounds each."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

ROUNDS = 10
RUNS = int(os.environ.get("WAIT_RACE_RUNS", "3"))


def test(t):
    for run in range(RUNS):
        tr = t.run([zwtest.scn("wait_race"), str(ROUNDS)], name=f"run{run}")
        t.scenario_ok(tr)
        r = t.root_ok(tr)["pid"]
        kids = {int(o["pid"]): int(o["code"]) for o in tr.out("child")}
        reaped = [int(o["pid"]) for o in tr.out("reaped")]
        t.eq(len(kids), 5 * ROUNDS, f"run {run}: the program's children")
        t.eq(sorted(reaped), sorted(kids),
             f"run {run}: the program reaped each of them itself")
        for pid, code in sorted(kids.items()):
            lc = t.lifecycle(tr, pid, f"run {run}: pid {pid}")
            reap = zwtest.Trace.one(tr.events("reap", pid=pid))
            t.match(lc, {"reaped_by": r, "final": "reaped", "exit_code": code,
                         "reaper": "parent" if lc and lc["ppid"] == r
                         else "subreaper"},
                    f"run {run}: {pid} reaped by R", pids=[pid])
            t.match(reap, {"syscall": "wait4",
                           "via": lambda v: v in ("syscall", "registers")},
                    f"run {run}: {pid}'s reap seen in R's wait4", pids=[pid])


zwtest.main(test)
