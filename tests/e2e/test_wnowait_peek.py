#!/usr/bin/env python3
"""Scenario 5: waitid(WNOWAIT) peeks at the zombie without reaping it; the
real reap is a waitpid 100 ms later.  Reaped once, by the parent, at the
waitpid and not at the peek."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("wnowait_peek")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    child = tr.out_one("child")["pid"]
    t.eq(tr.out_one("peek").get("state"), "Z",
         "after the peek the child is still a zombie (scenario's own view)")
    lc = t.lifecycle(tr, child, "child")
    t.match(lc, {"ppid": me, "exit_code": 17, "reaped_by": me,
                 "reaper": "parent", "final": "reaped"}, "child lifecycle")
    # The peek comes right after the exit, the reap >= 100 ms later.
    t.between(lc.get("zombie_seconds"), 0.09, 5.0,
              "child zombie_seconds (reap at the waitpid, not the peek)",
              pids=[child])
    t.reaped_once(tr, child, me, "child")
    reaps = tr.events("reap", pid=child)
    if reaps and "syscall" in reaps[0]:
        t.eq(reaps[0]["syscall"], "wait4",
             "reap syscall is the waitpid (wait4), not the waitid peek",
             pids=[child])
    peeks = [w for w in tr.events("wait", pid=me)
             if "WNOWAIT" in (w.get("options") or [])]
    if peeks:
        t.eq(peeks[0].get("syscall"), "waitid", "WNOWAIT wait event syscall")
        if reaps:
            t.check(reaps[0]["t"] >= peeks[0]["t"] + 0.09,
                    "the reap is >= 0.09 s after the WNOWAIT peek",
                    f"peek t={peeks[0]['t']} reap t={reaps[0]['t']}",
                    pids=[child])
    else:
        t.note("no WNOWAIT wait event was reported (allowed by the contract)")


zwtest.main(test)
