#!/usr/bin/env python3
"""Scenario 6: a second thread of the parent reaps the child; reaped_by is
the parent's tgid, and threads get no lifecycle of their own."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("thread_reaper")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    child = tr.out_one("child")["pid"]
    tid = tr.out_one("reaper")["tid"]
    t.check(tid != me, f"the reaping thread {tid} is not the main thread")
    lc = t.lifecycle(tr, child, "child")
    t.match(lc, {"ppid": me, "exit_code": 21, "reaped_by": me,
                 "reaper": "parent", "final": "reaped"}, "child lifecycle")
    t.reaped_once(tr, child, me, "child")
    reaps = tr.events("reap", pid=child)
    if reaps and "tid" in reaps[0]:
        t.eq(reaps[0]["tid"], tid, "reap event tid = the reaping thread",
             pids=[child])
    t.eq(tr.lifecycle(tid), None, "no lifecycle record for the thread",
         pids=[tid])
    t.eq(len(tr.lifecycles), 2, "number of lifecycle records (PROG + child)")
    t.eq(tr.events("spawn", pid=tid), [], "no spawn event for the thread")


zwtest.main(test)
