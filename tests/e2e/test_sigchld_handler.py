#!/usr/bin/env python3
"""Scenario 2: a SIGCHLD handler reaps with waitpid(-1, WNOHANG) in a loop;
five children (exit 10..14) all reaped by the parent, codes right."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("sigchld_handler")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    kids = tr.out("child")
    t.require(len(kids) == 5 or None, "scenario reported 5 children", tr.stdout)
    t.eq(sorted(c["pid"] for c in tr.children(me)),
         sorted(k["pid"] for k in kids), "children of the parent in the trace",
         pids=[me])
    for k in kids:
        lc = t.lifecycle(tr, k["pid"], f"child {k['pid']}")
        t.match(lc, {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                     "reaped_by": me, "reaper": "parent", "final": "reaped"},
                f"child {k['pid']} lifecycle")
        t.reaped_once(tr, k["pid"], me, f"child {k['pid']}")
        for r in tr.events("reap", pid=k["pid"]):
            if "syscall" in r:
                t.eq(r["syscall"], "wait4", f"child {k['pid']} reap syscall")


zwtest.main(test)
