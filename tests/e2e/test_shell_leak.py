#!/usr/bin/env python3
"""Scenario 13: sh -c 'sleep 0.2 & exec sleep 0.5'.  The backgrounded sleep
B becomes a child of the exec'd 'sleep 0.5' S, which never waits: B stays a
zombie until S exits, is then orphaned, reparented to the nearest
subreaper (tests/scn/subreaper_run, since PID 1 here does not reap), and
reaped by it: reaper "subreaper", zombie_seconds ~0.3."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("subreaper_run"), "/bin/sh", "-c",
                "sleep 0.2 & exec sleep 0.5"])
    t.scenario_ok(tr)
    w = t.root_ok(tr)["pid"]
    s = tr.out_one("command")["pid"]
    ls = t.lifecycle(tr, s, "shell S (exec'd into sleep 0.5)")
    t.match(ls, {"ppid": w, "comm": "sleep", "exit_code": 0, "reaped_by": w,
                 "reaper": "parent", "final": "reaped"}, "S lifecycle")
    ex = tr.events("exec", pid=s)
    t.eq([e.get("argv") for e in ex], [["/bin/sh", "-c", "sleep 0.2 & exec sleep 0.5"],
                                        ["sleep", "0.5"]],
         "S exec events (argv)", pids=[s])
    kids = tr.children(s)
    t.require(len(kids) == 1 or None, "S has exactly one child B in the trace",
              pids=[s])
    b = kids[0]["pid"]
    lb = kids[0]
    t.match(lb, {"comm": "sleep", "exit_code": 0, "reaped_by": w,
                 "reaper": "subreaper", "final": "reaped"}, "B lifecycle")
    t.require(lb.get("exited") is not None and ls.get("exited") is not None
              and lb["exited"] < ls["exited"] or None,
              "B (sleep 0.2) exited before S (sleep 0.5)", pids=[b, s])
    t.between(lb.get("zombie_seconds"), 0.1, 2.0,
              "B zombie_seconds (until S exits, ~0.3)", pids=[b])
    if lb.get("reaped") is not None:
        t.check(lb["reaped"] >= ls["exited"] - 0.001,
                "B is reaped only after S exited", pids=[b, s])
    rep = tr.events("reparent", pid=b)
    t.eq([(r.get("from"), r.get("to")) for r in rep], [(s, w)],
         "B reparent events (from, to)", pids=[b, s])
    t.reaped_once(tr, b, w, "B")
    t.reaped_once(tr, s, w, "S")


zwtest.main(test)
