#!/usr/bin/env python3
"""Scenario 1, the classic zombie (tests/scn/zombie_demo.c, the README demo):
the child exits 9 and stays a zombie ~0.3 s until its parent's waitpid."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

import re  # noqa: E402


def test(t):
    prog = zwtest.scn("zombie_demo")
    tr = t.run([prog])
    t.scenario_ok(tr)
    root = t.root_ok(tr)
    me = root["pid"]
    m = re.search(r"forked child (\d+)", tr.stdout)
    t.require(m, "demo printed its child's pid", tr.stdout)
    child = int(m.group(1))
    t.check("sleeping 300 ms before waiting" in tr.stdout,
            "demo prints that the parent sleeps 300 ms before waiting")
    t.check(re.search(r"reaped child \d+: exited 9", tr.stdout) is not None,
            "demo prints the reaped status")

    t.eq(len(tr.lifecycles), 2, "number of lifecycle records (PROG + child)")
    t.match(root, {"comm": "zombie_demo", "ppid": tr.zwatch_pid}, "PROG identity")
    lc = t.lifecycle(tr, child, "child lifecycle")
    t.match(lc, {"ppid": me, "creator": me, "comm": "zombie_demo",
                 "exit_code": 9, "exit_signal": None, "core_dumped": False,
                 "reaped_by": me, "reaper": "parent", "final": "reaped"},
            "child lifecycle")
    t.between(lc.get("zombie_seconds"), 0.25, 1.5, "child zombie_seconds",
              pids=[child])
    t.check(lc.get("born") is not None and lc.get("exited") is not None and
            lc.get("reaped") is not None and
            lc["born"] <= lc["exited"] <= lc["reaped"],
            "child born <= exited <= reaped", pids=[child])

    execs = tr.events("exec", pid=me)
    t.eq(len(execs), 1, "exec events for PROG", pids=[me])
    if execs:
        t.match(execs[0], {"path": prog, "comm": "zombie_demo", "argv": [prog]},
                "PROG exec event")
    spawns = tr.events("spawn", pid=child)
    t.eq(len(spawns), 1, "spawn events for the child", pids=[child])
    if spawns:
        t.match(spawns[0], {"ppid": me, "creator": me, "tid": me},
                "child spawn event")
    exits = tr.events("exit", pid=child)
    t.eq(len(exits), 1, "exit events for the child", pids=[child])
    if exits:
        t.match(exits[0], {"exit_code": 9, "exit_signal": None,
                           "core_dumped": False}, "child exit event")
    t.reaped_once(tr, child, me, "child")
    reaps = tr.events("reap", pid=child)
    if reaps:
        t.match(reaps[0], {"reaper": "parent"}, "child reap event")
        if "syscall" in reaps[0]:
            t.eq(reaps[0]["syscall"], "wait4", "reap syscall (waitpid is wait4)",
                 pids=[child])
    sigs = tr.events("signal", pid=me, si_pid=child)
    t.check(any(s.get("signal") == "SIGCHLD" and s.get("si_code") == "CLD_EXITED"
                and s.get("si_status") == 9 for s in sigs),
            "parent got SIGCHLD CLD_EXITED si_status 9 from the child",
            pids=[me, child])


zwtest.main(test)
