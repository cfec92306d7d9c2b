#!/usr/bin/env python3
"""Scenario 8: a double fork under a child subreaper.  The grandchild is
reparented (reparent event) to the subreaper and reaped by it with reaper
"subreaper"; the middle child is reaped by its parent with reaper "parent"."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("subreaper_double_fork")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    mid = tr.out_one("middle")["pid"]
    gc = tr.out_one("grandchild")["pid"]
    t.eq(tr.out_one("adopted").get("ppid"), me,
         "the grandchild was adopted by the subreaper (scenario's own view)")
    m = t.lifecycle(tr, mid, "middle child")
    t.match(m, {"ppid": me, "creator": me, "exit_code": 5, "reaped_by": me,
                "reaper": "parent", "final": "reaped"}, "middle child lifecycle")
    g = t.lifecycle(tr, gc, "grandchild")
    t.match(g, {"ppid": mid, "creator": mid, "exit_code": 6, "reaped_by": me,
                "reaper": "subreaper", "final": "reaped"}, "grandchild lifecycle")
    rep = tr.events("reparent", pid=gc)
    t.eq([(r.get("from"), r.get("to")) for r in rep], [(mid, me)],
         "grandchild reparent events (from, to)", pids=[gc, mid])
    mexit = tr.events("exit", pid=mid)
    if rep and mexit:
        t.check(rep[0]["t"] >= mexit[0]["t"] - 0.001,
                "the reparent comes when the middle child exits, not before",
                f"reparent t={rep[0]['t']} middle exit t={mexit[0]['t']}",
                pids=[gc, mid])
    t.reaped_once(tr, mid, me, "middle child")
    t.reaped_once(tr, gc, me, "grandchild")
    reaps = tr.events("reap", pid=gc)
    if reaps:
        t.eq(reaps[0].get("reaper"), "subreaper", "grandchild reap event reaper",
             pids=[gc])


zwtest.main(test)
