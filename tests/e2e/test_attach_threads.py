#!/usr/bin/env python3
"""Attach mode (issue 4): a 4-thread target (tests/scn/attach_threads.c)
is attached (every thread seized) and then forks and reaps 160 children,
40 from each thread at the same time, exit codes 1..160.  Every child has
a spawn event and a lifecycle: born, exit code right, reaped by the
target ("parent"), reaped_by the target's pid whichever thread waited."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

PER_THREAD = 40
N = 4 * PER_THREAD


def test(t):
    prog = zwtest.scn("attach_threads")
    with zwtest.AttachSession(t) as s:
        tgt = s.spawn([prog, str(PER_THREAD)])
        tgt.wait_line("ready")
        me = tgt.pid
        tids = sorted(r["tid"] for r in tgt.out("thread"))
        if len(tids) != 4 or zwtest.thread_ids(me) != tids:
            raise zwtest.HardError(f"expected 4 threads {tids}, /proc has "
                                   f"{zwtest.thread_ids(me)}")
        zw = s.attach([me])
        ev = zw.wait_attached([me])
        t.match(ev[me], {"comm": "attach_threads", "ppid": os.getpid()},
                "target attach event")
        states = zwtest.thread_states(me)
        t.check(all(tp == zw.pid for _, tp in states.values()),
                "all 4 threads are traced by zwatch", f"{states}")
        tgt.send("go\n")
        rc = tgt.wait(timeout=120)
        if rc == 99:
            raise zwtest.HardError(f"scenario broke:\n{tgt.stderr}")
        tr = zw.finish(timeout=60)
    kids = tgt.out("child")
    t.require(len(kids) == N or None, f"scenario reported {N} children",
              tgt.stdout[-2000:])
    t.eq(tgt.out_one("summary").get("ok"), N,
         "the target itself saw every exit code right")
    t.eq(rc, 0, "target exit status")
    t.eq(sorted(k["code"] for k in kids), list(range(1, N + 1)),
         "exit codes 1..160, one each")
    t.eq(sorted({k["tid"] for k in kids}), tids,
         "every thread forked and reaped (children per thread)")

    by_pid = {}
    for r in tr.lifecycles:
        by_pid.setdefault(r.get("pid"), []).append(r)
    spawns = {}
    for e in tr.events("spawn"):
        spawns.setdefault(e.get("pid"), []).append(e)
    missing, wrong, spawn_bad = [], [], []
    if len({k["pid"] for k in kids}) != N:
        t.note("some pids were reused during the run; checking the others")
    for k in kids:
        recs = by_pid.get(k["pid"], [])
        if len(recs) != 1:
            missing.append(k["pid"])
            continue
        r = recs[0]
        want = {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                "reaped_by": me, "reaper": "parent", "final": "reaped"}
        diff = {key: r.get(key) for key, v in want.items() if r.get(key) != v}
        if not isinstance(r.get("born"), (int, float)):
            diff["born"] = r.get("born")
        if diff:
            wrong.append((k["pid"], k["code"], diff))
        sp = spawns.get(k["pid"], [])
        if len(sp) != 1 or sp[0].get("ppid") != me or \
                sp[0].get("tid") != k["tid"]:
            spawn_bad.append((k["pid"], k["tid"], sp))
    t.check(not missing, f"every child has exactly one lifecycle record "
            f"({len(missing)} do not)", f"first pids: {missing[:10]}",
            pids=missing[:3])
    t.check(not wrong, f"every child: born, exit code right, reaped by the "
            f"target ({len(wrong)} wrong)",
            "\n".join(f"pid {p} (code {c}): {d}" for p, c, d in wrong[:10]),
            pids=[p for p, _, _ in wrong[:3]])
    t.check(not spawn_bad, f"every child: one spawn event, ppid = target, "
            f"tid = the forking thread ({len(spawn_bad)} wrong)",
            "\n".join(f"pid {p} (thread {tid}): {sp}"
                      for p, tid, sp in spawn_bad[:10]),
            pids=[p for p, _, _ in spawn_bad[:3]])
    t.eq(len(tr.children(me)), N, "children of the target in the trace")
    t.eq(len(tr.events("reap", by=me)), N, "reap events by the target")
    root = t.lifecycle(tr, me, "target")
    # Its parent (this test) is not traced: whether zwatch still saw the
    # reap before it ended is a race.
    t.match(root, {"born": None, "exit_code": 0, "exit_signal": None,
                   "final": lambda v: v in ("reaped", "zombie")},
            "target lifecycle")


zwtest.main(test)
