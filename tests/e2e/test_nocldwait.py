#!/usr/bin/env python3
"""Scenario 4: SA_NOCLDWAIT makes the kernel autoreap children, with a
SIGCHLD handler installed and without one (SIG_DFL), and in a parent with
a second thread (zwatch reads the flag from the parent at its SIGCHLD
stop, so the thread that got the signal does not matter)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def one(t, variant):
    tr = t.run([zwtest.scn("nocldwait"), variant], name=f"nocldwait-{variant}")
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    kids = tr.out("child")
    t.require(len(kids) == 3 or None, f"[{variant}] scenario reported 3 children",
              tr.stdout)
    t.eq(len(tr.children(me)), 3, f"[{variant}] children of the parent",
         pids=[me])
    for k in kids:
        pid = k["pid"]
        lc = t.lifecycle(tr, pid, f"[{variant}] child {pid}")
        t.match(lc, {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                     "reaped_by": None, "reaper": "autoreap",
                     "final": "autoreaped"}, f"[{variant}] child {pid} lifecycle")
        reaps = tr.events("reap", pid=pid)
        t.eq([(r.get("by"), r.get("reaper")) for r in reaps],
             [(None, "autoreap")], f"[{variant}] child {pid} reap events",
             pids=[pid])
    if variant in ("handler", "threaded"):
        t.eq(tr.out_one("handler").get("ran"), "yes",
             f"[{variant}] the SIGCHLD handler still ran (scenario's own view)")


def test(t):
    one(t, "handler")
    one(t, "nohandler")
    one(t, "threaded")


zwtest.main(test)
