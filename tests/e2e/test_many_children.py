#!/usr/bin/env python3
"""Scenario 15: 3000 children with exit codes i % 100, all reaped by the
parent, every exit code right."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


N = 3000


def test(t):
    tr = t.run([zwtest.scn("many_children"), str(N)], timeout=280)
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    kids = tr.out("child")
    t.require(len(kids) == N or None, f"scenario reported {N} children")
    t.eq(tr.out_one("summary").get("ok"), N,
         "the parent itself saw every exit code right")
    if len({k["pid"] for k in kids}) != N:
        t.note("some pids were reused during the run")
    t.children_ok(tr, kids, {"ppid": me, "reaped_by": me, "reaper": "parent",
                             "final": "reaped"}, "3000 children")
    t.eq(len(tr.children(me)), N, "children of the parent in the trace")
    reaps = tr.events("reap", by=me)
    t.eq(len(reaps), N, "reap events by the parent")
    t.note(f"{N} children traced in {tr.elapsed:.1f} s")


zwtest.main(test)
