#!/usr/bin/env python3
"""Scenario 16: zwatch as PID 1 of a new pid namespace
(unshare -fp --mount-proc zwatch ...) reaps an orphaned grandchild itself:
reaper "init", reaped_by 1.  Skipped (77) where unshare is unavailable."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


ROUNDS = 5


def test(t):
    prefix = t.require_pidns()
    # Several rounds: the orphan's exit can race its parent's in
    # waitpid()'s order (then our own waitpid() reaped it, as init).
    for _ in range(ROUNDS):
        one_round(t, prefix)


def one_round(t, prefix):
    tr = t.run([zwtest.scn("orphan_grandchild")], prefix=prefix)
    t.scenario_ok(tr)
    tr.zwatch_pid = 1   # in the namespace
    root = t.root_ok(tr)
    me = root["pid"]
    t.eq(me, 2, "PROG is pid 2 of the namespace")
    mid = tr.out_one("middle")["pid"]
    gc = tr.out_one("grandchild")["pid"]
    t.eq(tr.out_one("adopted").get("ppid"), 1,
         "the orphan was adopted by pid 1 (scenario's own view)")
    lm = t.lifecycle(tr, mid, "middle child")
    t.match(lm, {"ppid": me, "exit_code": 0, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "middle child lifecycle")
    lg = t.lifecycle(tr, gc, "orphaned grandchild")
    t.match(lg, {"ppid": mid, "exit_code": 8, "reaped_by": 1, "reaper": "init",
                 "final": "reaped"}, "orphan lifecycle")
    rep = tr.events("reparent", pid=gc)
    t.eq([(r.get("from"), r.get("to")) for r in rep], [(mid, 1)],
         "orphan reparent events (from, to)", pids=[gc, mid])
    t.reaped_once(tr, gc, 1, "orphan")
    reaps = tr.events("reap", pid=gc)
    if reaps:
        t.eq(reaps[0].get("reaper"), "init", "orphan reap event reaper",
             pids=[gc])


zwtest.main(test)
