#!/usr/bin/env python3
"""zwatch -p on a process that already has zombie children and threads
(issue 16's scenario set, so it runs in the VMs too: one command,
tests/scn/attach_preexisting.c launches the target and then zwatch with
-p TARGET).  The target T has three zombies (exit 10, 11, 12) and two
threads when zwatch attaches, and a sleeper S with a child G.  Once G is
traced, T's second thread reaps the zombies; S reaps G (14) and exits
13; T reaps S.  The zombies are recorded from the inventory (state Z,
their exit codes, "exited": null, no exit event), every release is
credited to the right parent (a thread's wait counts for its process),
and zwatch ends by itself when T is gone, exit 0."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def out_pids(stdout, what):
    return {int(m.group(1)): int(m.group(2)) for m in
            re.finditer(rf"^{what} pid=(\d+) code=(\d+)$", stdout, re.M)}


def test(t):
    tr = t.run([], opts=["-p", "@TARGET@"], timeout=60, name="attach",
               prefix=[zwtest.scn("attach_preexisting")])
    zombies = out_pids(tr.stdout, "zombie")
    sleeper = out_pids(tr.stdout, "sleeper")
    grand = out_pids(tr.stdout, "grandchild")
    m = re.search(r"^target pid=(\d+)$", tr.stdout, re.M)
    if len(zombies) != 3 or len(sleeper) != 1 or len(grand) != 1 or not m:
        raise zwtest.HardError(f"scenario output:\n{tr.stdout}\n{tr.stderr}")
    me = int(m.group(1))
    (s, _), = sleeper.items()
    (g, _), = grand.items()
    t.check("target rc=0" in tr.stdout, "the target saw every status right "
            "itself", tr.stdout)
    t.check(not zwtest.schema_problems(tr), "trace follows the schema",
            "\n".join(zwtest.schema_problems(tr)[:20]))
    ev = {r["pid"]: r for r in tr.events("attach")}
    for z, code in zombies.items():
        t.match(ev.get(z, {}), {"ppid": me, "state": "Z", "exit_code": code},
                f"zombie {z} attach event")
        lc = t.lifecycle(tr, z, f"zombie {z}")
        t.match(lc, {"ppid": me, "born": None, "exited": None,
                     "exit_code": code, "exit_signal": None,
                     "reaped_by": me, "reaper": "parent", "final": "reaped"},
                f"pre-existing zombie {z} lifecycle")
        t.reaped_once(tr, z, me, f"zombie {z} (reaped by a thread of {me})")
        t.eq(tr.events("exit", pid=z), [], f"no exit event for the "
             f"pre-existing zombie {z}", pids=[z])
    t.match(ev.get(me, {}), {"state": lambda v: v in ("S", "R")},
            "target attach event")
    for pid, parent, code in ((s, me, 13), (g, s, 14)):
        lc = t.lifecycle(tr, pid, f"child {pid}")
        t.match(lc, {"ppid": parent, "born": None, "exit_code": code,
                     "reaped_by": parent, "reaper": "parent",
                     "final": "reaped",
                     "exited": lambda v: isinstance(v, (int, float))},
                f"pre-existing child {pid} lifecycle")
        t.reaped_once(tr, pid, parent, f"child {pid}")
    t.match(t.lifecycle(tr, me, "target"),
            {"born": None, "exit_code": 0,
             "final": lambda v: v in ("reaped", "zombie")}, "target lifecycle")
    t.eq(len(tr.lifecycles), 6, "lifecycle records (target, 3 zombies, "
         "sleeper, its child)")
    t.eq(tr.events("spawn"), [], "no spawn events (nothing was born)")


zwtest.main(test)
