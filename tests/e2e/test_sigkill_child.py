#!/usr/bin/env python3
"""Scenario 7a: a child killed by SIGKILL: exit_signal "SIGKILL",
exit_code null, core_dumped false, reaped by the parent."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("sigkill_child")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    child = tr.out_one("child")["pid"]
    lc = t.lifecycle(tr, child, "child")
    t.match(lc, {"ppid": me, "exit_code": None, "exit_signal": "SIGKILL",
                 "core_dumped": False, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "child lifecycle")
    exits = tr.events("exit", pid=child)
    t.eq([(e.get("exit_code"), e.get("exit_signal"), e.get("core_dumped"))
          for e in exits], [(None, "SIGKILL", False)],
         "child exit events (exit_code, exit_signal, core_dumped)", pids=[child])
    t.reaped_once(tr, child, me, "child")
    sigs = [s for s in tr.events("signal", pid=me, si_pid=child)
            if s.get("signal") == "SIGCHLD"]
    if sigs:
        t.eq(sigs[0].get("si_code"), "CLD_KILLED", "SIGCHLD si_code",
             pids=[me, child])
        t.eq(sigs[0].get("si_status"), 9, "SIGCHLD si_status (SIGKILL)",
             pids=[me, child])


zwtest.main(test)
