#!/usr/bin/env python3
"""Scenario 11: a non-leader thread calls execve.  The process keeps its
pid; the exec event has pid = the tgid and old_tid = the exec'ing thread;
exactly one exit (code 12) after the exec; no lifecycle for any thread."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    prog = zwtest.scn("thread_exec")
    tr = t.run([prog])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    c = tr.out_one("child")["pid"]
    tid = tr.out_one("exec_tid")["tid"]
    t.eq(tr.out_one("after").get("pid"), c,
         "the exec'd image runs with the same pid (scenario's own view)")
    t.check(tid != c, f"the exec'ing thread {tid} is not the leader {c}")
    ex = tr.events("exec", pid=c)
    t.eq(len(ex), 1, "exec events for the child", pids=[c, tid])
    if ex:
        t.match(ex[0], {"tid": c, "old_tid": tid, "path": prog,
                        "comm": "thread_exec", "argv": ["thread_exec", "after"]},
                "child exec event", pids=[c, tid])
    exits = tr.events("exit", pid=c)
    t.eq([(e.get("exit_code"), e.get("exit_signal")) for e in exits], [(12, None)],
         "child exit events (exit_code, exit_signal)", pids=[c, tid])
    if ex and exits:
        t.check(exits[0]["t"] >= ex[0]["t"], "the exit comes after the exec",
                pids=[c])
    lc = t.lifecycle(tr, c, "child")
    t.match(lc, {"ppid": me, "comm": "thread_exec", "exit_code": 12,
                 "exit_signal": None, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "child lifecycle")
    t.reaped_once(tr, c, me, "child")
    t.eq(sorted(r["pid"] for r in tr.lifecycles), sorted([me, c]),
         "lifecycle pids: only PROG and the child (threads are not processes)")
    t.eq([e["pid"] for e in tr.events("spawn") if e["pid"] not in (me, c)], [],
         "no spawn events for threads")


zwtest.main(test)
