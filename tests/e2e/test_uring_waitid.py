#!/usr/bin/env python3
"""Reaps without wait4 (issue 11, item 5).  tests/scn/uring_waitid.c
reaps one child with io_uring's IORING_OP_WAITID (Linux 6.7+): no wait
system call is made, the parent only sits in io_uring_enter; zwatch
learns the release from the zombie's pidfd and credits the parent, and
the reap event says so: "via": "release", no "syscall".  Then one with
waitid(P_PIDFD) (Go 1.23+ waits so): seen at the call, "syscall":
"waitid", "via": "syscall".  5 runs."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = 5


def test(t):
    uring_seen = False
    for run in range(RUNS):
        tr = t.run([zwtest.scn("uring_waitid")], name=f"run{run}")
        t.scenario_ok(tr)
        parent = t.root_ok(tr)["pid"]
        for o in tr.out("reaped"):
            pid, how = int(o["pid"]), o["how"]
            lc = t.lifecycle(tr, pid, f"run {run}: {how} child")
            t.match(lc, {"reaped_by": parent, "reaper": "parent",
                         "final": "reaped",
                         "exit_code": int(o["status"].split()[-1])},
                    f"run {run}: the {how} child reaped by its parent")
            reap = t.require(tr.one(tr.events("reap", pid=pid)),
                             f"run {run}: one reap event for the {how} child")
            if how == "uring":
                uring_seen = True
                t.check(reap.get("via") == "release" and "syscall" not in reap,
                        f"run {run}: io_uring reap: via release, no syscall",
                        reap)
            elif how == "pidfd":
                t.check(reap.get("via") == "syscall" and
                        reap.get("syscall") == "waitid",
                        f"run {run}: waitid(P_PIDFD) reap: via syscall waitid",
                        reap)
    if not uring_seen:
        t.note("IORING_OP_WAITID unsupported by this kernel (Linux 6.7+): "
               f"{tr.out('uring')}; only waitid(P_PIDFD) was tested")


zwtest.main(test)
