#!/usr/bin/env python3
"""Scenario 12: 'kill -s CHLD' sent to a parent that has a real zombie child:
a signal event with si_code SI_USER from the killer, and the zombie reaped
once, later, by the parent."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("kill_sigchld")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    z = tr.out_one("zombie")["pid"]
    k = tr.out_one("killer")["pid"]
    t.eq(tr.out_one("got").get("si_pid"), k,
         "the parent's handler saw SI_USER from the killer (scenario's view)")
    user = [s for s in tr.events("signal", pid=me) if s.get("si_code") == "SI_USER"]
    t.eq([(s.get("signal"), s.get("si_pid")) for s in user], [("SIGCHLD", k)],
         "SI_USER signal events for the parent (signal, si_pid)", pids=[me, k])
    exited = [s for s in tr.events("signal", pid=me, si_pid=z)
              if s.get("si_code") == "CLD_EXITED"]
    t.eq(len(exited), 1, "SIGCHLD CLD_EXITED events from the zombie child",
         pids=[me, z])
    lz = t.lifecycle(tr, z, "zombie child")
    t.match(lz, {"ppid": me, "exit_code": 0, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "zombie child lifecycle")
    t.reaped_once(tr, z, me, "zombie child")
    if user and lz.get("reaped") is not None:
        t.check(lz["reaped"] > user[0]["t"],
                "the zombie is reaped after the SI_USER SIGCHLD",
                f"signal t={user[0]['t']} reaped t={lz['reaped']}", pids=[z])
    if user and lz.get("exited") is not None:
        t.check(lz["exited"] < user[0]["t"],
                "the zombie existed before the SI_USER SIGCHLD", pids=[z])
    lk = t.lifecycle(tr, k, "killer")
    t.match(lk, {"ppid": me, "exit_code": 0, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "killer lifecycle")


zwtest.main(test)
