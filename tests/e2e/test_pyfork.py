#!/usr/bin/env python3
"""Scenario 14: a Python program forking with os.fork (tests/scn/pyfork.py,
run by /usr/bin/python3): exit codes 5..8 (and a grandchild 9), each reaped
by its parent."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


PY = "/usr/bin/python3"


def test(t):
    if not os.access(PY, os.X_OK):
        t.skip(f"{PY} is not available")
    script = zwtest.scn_script("pyfork.py")
    tr = t.run([PY, script])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    ex = tr.events("exec", pid=me)
    t.eq([e.get("argv") for e in ex], [[PY, script]], "PROG exec events (argv)")
    kids = tr.out("child")
    reaped = {r["pid"]: r["by"] for r in tr.out("reaped")}
    t.require(len(kids) == 5 or None, "scenario reported 5 forks", tr.stdout)
    for k in kids:
        pid = k["pid"]
        lc = t.lifecycle(tr, pid, f"child {pid}")
        parent = reaped.get(pid)
        t.match(lc, {"ppid": parent, "exit_code": k["code"], "exit_signal": None,
                     "reaped_by": parent, "reaper": "parent", "final": "reaped"},
                f"process {pid} (code {k['code']}) lifecycle")
        t.reaped_once(tr, pid, parent, f"process {pid}")
    t.eq(len(tr.lifecycles), 6, "number of lifecycle records (PROG + 5)")


zwtest.main(test)
