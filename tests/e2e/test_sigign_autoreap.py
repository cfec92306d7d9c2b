#!/usr/bin/env python3
"""Scenario 3: the parent sets SIGCHLD to SIG_IGN, so its children are
autoreaped by the kernel: reaper "autoreap", final "autoreaped",
reaped_by null, exit codes 20..22."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("sigign_autoreap")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    t.eq(tr.out_one("wait").get("errno"), "ECHILD",
         "the parent's wait() fails with ECHILD (scenario's own view)")
    kids = tr.out("child")
    t.require(len(kids) == 3 or None, "scenario reported 3 children", tr.stdout)
    t.eq(len(tr.children(me)), 3, "children of the parent in the trace", pids=[me])
    for k in kids:
        pid = k["pid"]
        lc = t.lifecycle(tr, pid, f"child {pid}")
        t.match(lc, {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                     "reaped_by": None, "reaper": "autoreap",
                     "final": "autoreaped"}, f"child {pid} lifecycle")
        reaps = tr.events("reap", pid=pid)
        t.eq([(r.get("by"), r.get("reaper")) for r in reaps],
             [(None, "autoreap")], f"child {pid} reap events (by, reaper)",
             pids=[pid])


zwtest.main(test)
