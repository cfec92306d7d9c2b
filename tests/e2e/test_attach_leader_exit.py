#!/usr/bin/env python3
"""Attach mode: processes whose main thread called pthread_exit()
(tests/scn/attach_leader_exit.c).  /proc shows such a leader as 'Z' while
the other threads run, but the process is alive: `zwatch -p TARGET` must
not take the target or its child C for zombies.  Their live threads are
seized, the attach events show a live state, the target's three children
(exit 3, 4, 5) and C (exit 7) are followed and reaped by the target, and
the target's own exit 6 (exit() from its worker thread) is recorded."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def test(t):
    with zwtest.AttachSession(t) as s:
        tgt = s.spawn([zwtest.scn("attach_leader_exit")])
        ready = tgt.wait_line("ready")[0]
        me, worker, c = ready["pid"], ready["tid"], ready["child"]
        for p in (me, c):
            if zwtest.proc_state(p) != "Z":
                raise zwtest.HardError(f"leader {p} does not show Z")
        zw = s.attach([me])
        ev = zw.wait_attached([me, c])
        live = lambda v: v in ("S", "R")  # noqa: E731
        t.match(ev[me], {"ppid": os.getpid(), "state": live},
                "target attach event: alive, not a zombie")
        t.match(ev[c], {"ppid": me, "state": live},
                "child C attach event: alive, not a zombie")
        states = zwtest.thread_states(me)
        t.eq(states.get(worker, (None, None))[1], zw.pid,
             "the target's worker thread is traced by zwatch")
        cstates = {tid: tp for tid, (st, tp) in zwtest.thread_states(c).items()
                   if tid != c}
        t.check(cstates and all(tp == zw.pid for tp in cstates.values()),
                "C's live thread is traced by zwatch", f"{cstates}")
        tgt.send("go\n")
        rc = tgt.wait(timeout=60)
        if rc == 99:
            raise zwtest.HardError(f"scenario broke:\n{tgt.stderr}")
        tr = zw.finish(timeout=30)
    t.eq(rc, 6, "the target's exit status (exit(6) from its worker)")
    t.eq(tgt.out_one("summary").get("ok"), 4,
         "the target saw every child's status right")
    t.check(not zwtest.schema_problems(tr), "trace follows the schema",
            "\n".join(zwtest.schema_problems(tr)[:20]))
    t.eq(tr.stderr.strip(), "", "zwatch's stderr is empty")
    kids = tgt.out("child")
    t.eq([k["code"] for k in kids], [3, 4, 5, 7], "children, C last")
    for k in kids:
        lc = t.lifecycle(tr, k["pid"], f"child {k['pid']}")
        want = {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                "reaped_by": me, "reaper": "parent", "final": "reaped"}
        if k["pid"] != c:
            want["born"] = lambda v: isinstance(v, (int, float))
        t.match(lc, want, f"child {k['pid']} (exit {k['code']}) lifecycle")
        t.reaped_once(tr, k["pid"], me, f"child {k['pid']}")
    root = t.lifecycle(tr, me, "target")
    t.match(root, {"born": None, "exit_code": 6, "exit_signal": None,
                   "final": lambda v: v in ("reaped", "zombie")},
            "target lifecycle: exit 6")
    waits = [w for w in tr.events("wait", pid=me) if w.get("result", 0) > 0]
    t.check(waits and all(w.get("tid") == worker for w in waits),
            "the waits are the worker thread's", f"{waits}")


zwtest.main(test)
