#!/usr/bin/env python3
"""Scenario 15: 3000 children with exit codes i % 100, all reaped by the
parent, every exit code right."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


N = 3000


def test(t):
    tr = t.run([zwtest.scn("many_children"), str(N)], timeout=280)
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    kids = tr.out("child")
    t.require(len(kids) == N or None, f"scenario reported {N} children")
    t.eq(tr.out_one("summary").get("ok"), N,
         "the parent itself saw every exit code right")
    by_pid = {}
    for r in tr.lifecycles:
        by_pid.setdefault(r.get("pid"), []).append(r)
    if len({k["pid"] for k in kids}) != N:
        t.note("some pids were reused during the run; checking the others")
    missing, wrong = [], []
    for k in kids:
        recs = by_pid.get(k["pid"], [])
        if len(recs) != 1:
            missing.append(k["pid"])
            continue
        r = recs[0]
        want = {"ppid": me, "exit_code": k["code"], "exit_signal": None,
                "reaped_by": me, "reaper": "parent", "final": "reaped"}
        diff = {key: r.get(key) for key, v in want.items() if r.get(key) != v}
        if diff:
            wrong.append((k["pid"], k["code"], diff))
    t.check(not missing, f"every child has exactly one lifecycle record "
            f"({len(missing)} do not)",
            f"first pids: {missing[:10]}", pids=missing[:3])
    t.check(not wrong, f"every child: exit code i % 100, reaped by the parent "
            f"({len(wrong)} wrong)",
            "\n".join(f"pid {p} (code {c}): {d}" for p, c, d in wrong[:10]),
            pids=[p for p, _, _ in wrong[:3]])
    t.eq(len(tr.children(me)), N, "children of the parent in the trace")
    reaps = tr.events("reap", by=me)
    t.eq(len(reaps), N, "reap events by the parent")
    t.note(f"{N} children traced in {tr.elapsed:.1f} s")


zwtest.main(test)
