#!/usr/bin/env python3
"""Scenario 9: vfork + exec /bin/true: spawn via vfork, exec seen, exit 0,
reaped by the parent."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("vfork_exec")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    child = tr.out_one("child")["pid"]
    sp = tr.events("spawn", pid=child)
    t.eq(len(sp), 1, "spawn events for the child", pids=[child])
    if sp:
        # aarch64 has no vfork syscall: glibc's vfork() is a clone.
        call = "vfork" if zwtest.machine() == "x86_64" else "clone"
        t.match(sp[0], {"ppid": me, "creator": me, "syscall": call,
                        "flags": lambda f: "CLONE_VFORK" in f},
                "child spawn event")
    ex = tr.events("exec", pid=child)
    t.eq([(e.get("comm"), e.get("argv")) for e in ex], [("true", ["true"])],
         "child exec events (comm, argv)", pids=[child])
    if ex:
        # The path as given to execve, or the file it resolves to (with a
        # merged /usr, /bin/true is /usr/bin/true).
        paths = ("/bin/true", os.path.realpath("/bin/true"))
        t.check(ex[0].get("path") in paths,
                f"child exec path {ex[0].get('path')!r} in {paths}", pids=[child])
    lc = t.lifecycle(tr, child, "child")
    t.match(lc, {"ppid": me, "comm": "true", "exit_code": 0, "exit_signal": None,
                 "reaped_by": me, "reaper": "parent", "final": "reaped"},
            "child lifecycle")
    t.reaped_once(tr, child, me, "child")


zwtest.main(test)
