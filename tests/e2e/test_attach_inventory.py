#!/usr/bin/env python3
"""Attach mode (issue 4): the inventory of what exists before the attach.
A target (tests/scn/attach_zombies.c) has 3 zombies (exit codes 10, 11,
12) and 2 sleeping children when `zwatch -p TARGET` attaches; once zwatch
is attached it reaps them all.  The zombies are recorded with their exit
codes, "exited": null and their zombie time counted from the attach; all
five are reaped by the target ("parent"); the pre-existing target has
"born": null; zwatch ends by itself when the target is gone, exit 0."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def test(t):
    prog = zwtest.scn("attach_zombies")
    with zwtest.AttachSession(t) as s:
        tgt = s.spawn([prog])
        tgt.wait_line("ready")
        me = tgt.pid
        zombies = {r["pid"]: r["code"] for r in tgt.out("zombie")}
        sleepers = {r["pid"]: r["code"] for r in tgt.out("sleeper")}
        if len(zombies) != 3 or len(sleepers) != 2:
            raise zwtest.HardError(f"scenario output:\n{tgt.stdout}")
        for z in zombies:
            if zwtest.proc_state(z) != "Z":
                raise zwtest.HardError(f"{z} is not a zombie before the attach")
        t.eq(zwtest.tracer_pid(me), 0, "target untraced before the attach")

        zw = s.attach([me])
        ev = zw.wait_attached([me] + list(zombies) + list(sleepers))
        t.match(ev[me], {"ppid": os.getpid(), "comm": "attach_zombies",
                         "state": lambda v: v in ("S", "R")},
                "target attach event")
        for z, code in zombies.items():
            t.match(ev[z], {"ppid": me, "state": "Z", "exit_code": code,
                            "exit_signal": None, "core_dumped": False},
                    f"zombie {z} attach event")
        for c in sleepers:
            t.match(ev[c], {"ppid": me, "state": lambda v: v in ("S", "R")},
                    f"sleeper {c} attach event")
            t.check("exit_code" not in ev[c],
                    f"sleeper {c} attach event has no exit_code", pids=[c])

        tgt.close_stdin()    # go: reap everything
        rc = tgt.wait(timeout=60)
        if rc == 99:
            raise zwtest.HardError(f"scenario broke:\n{tgt.stderr}")
        t.eq(rc, 0, "the target saw every status right itself")
        tr = zw.finish(timeout=30)

    t.check(not zwtest.schema_problems(tr), "trace follows the schema",
            "\n".join(zwtest.schema_problems(tr)[:20]))
    t.eq(len(tr.lifecycles), 6, "lifecycle records (target, 3 zombies, "
         "2 sleepers)")
    attach_t = {r["pid"]: r["t"] for r in tr.events("attach")}
    root = t.lifecycle(tr, me, "target")
    # Its parent (this test) is not traced: whether zwatch still saw the
    # reap before it ended is a race.
    t.match(root, {"born": None, "ppid": os.getpid(), "exit_code": 0,
                   "exit_signal": None,
                   "final": lambda v: v in ("reaped", "zombie")},
            "target lifecycle")
    if root.get("final") == "reaped":
        t.match(root, {"reaped_by": os.getpid(), "reaper": "parent"},
                "target reaped by its untraced parent, the test")
    for z, code in zombies.items():
        lc = t.lifecycle(tr, z, f"zombie {z}")
        t.match(lc, {"ppid": me, "born": None, "exited": None,
                     "exit_code": code, "exit_signal": None,
                     "core_dumped": False, "reaped_by": me, "reaper": "parent",
                     "final": "reaped"}, f"pre-existing zombie {z} lifecycle")
        t.reaped_once(tr, z, me, f"zombie {z}")
        if isinstance(lc.get("reaped"), (int, float)) and z in attach_t:
            since = lc["reaped"] - attach_t[z]
            zs = lc.get("zombie_seconds")
            t.check(isinstance(zs, (int, float)) and abs(zs - since) <= 0.002,
                    f"zombie {z}: zombie_seconds counts from the attach "
                    f"(reaped - attach t = {since:.6f}, got {zs})", pids=[z])
        t.check(tr.events("exit", pid=z) == [],
                f"no exit event for the pre-existing zombie {z}", pids=[z])
    for c, code in sleepers.items():
        lc = t.lifecycle(tr, c, f"sleeper {c}")
        t.match(lc, {"ppid": me, "born": None, "exit_code": code,
                     "exit_signal": None, "reaped_by": me, "reaper": "parent",
                     "final": "reaped",
                     "exited": lambda v: isinstance(v, (int, float))},
                f"sleeper {c} lifecycle")
        t.reaped_once(tr, c, me, f"sleeper {c}")
        t.eq(len(tr.events("exit", pid=c)), 1, f"exit events of sleeper {c}",
             pids=[c])
    t.eq(tr.events("spawn"), [], "no spawn events (nothing was born)")
    t.eq(tr.events("detach"), [], "no detach events (everything ended)")


zwtest.main(test)
