#!/usr/bin/env python3
"""Scenario 10: clone(CLONE_PARENT|SIGCHLD) by a child C makes a sibling X
of C: X's ppid is C's parent, creator is C, and C's parent reaps it."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("clone_parent")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    c = tr.out_one("creator")["pid"]
    x = tr.out_one("sibling")["pid"]
    lc = t.lifecycle(tr, c, "creator C")
    t.match(lc, {"ppid": me, "creator": me, "exit_code": 0, "reaped_by": me,
                 "reaper": "parent", "final": "reaped"}, "creator C lifecycle")
    lx = t.lifecycle(tr, x, "sibling X")
    t.match(lx, {"ppid": me, "creator": c, "exit_code": 4, "reaped_by": me,
                 "reaper": "parent", "final": "reaped"}, "sibling X lifecycle")
    sp = tr.events("spawn", pid=x)
    t.eq(len(sp), 1, "spawn events for X", pids=[x])
    if sp:
        t.match(sp[0], {"ppid": me, "creator": c, "tid": c, "syscall": "clone",
                        "flags": lambda f: isinstance(f, list) and
                        "CLONE_PARENT" in f},
                "X spawn event (flags include CLONE_PARENT)")
    t.reaped_once(tr, c, me, "creator C")
    t.reaped_once(tr, x, me, "sibling X")
    t.eq(tr.events("reparent", pid=x), [], "X is never reparented (C's exit "
         "does not orphan it)", pids=[x])


zwtest.main(test)
