#!/usr/bin/env python3
"""execve from a thread while sibling threads fork, exec and wait (issue
11, item 3).  tests/scn/exec_amid_forks.c: under the subreaper R, P's 16
threads each run 20 x (fork, exec /bin/true, waitpid) and a 17th execs
/bin/echo after 20 ms.  Children reaped before the exec are P's; those
left over stay P's children and R reaps them after echo exits (R prints
each).  zwatch must say exactly that: every process reaped by P unless
R says it reaped it, no init, no unknown, and no event about a process
after its reap.  10 runs (it went wrong in 4 of 15)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = 10


def test(t):
    for run in range(RUNS):
        tr = t.run([zwtest.scn("exec_amid_forks")], name=f"run{run}")
        t.scenario_ok(tr)
        r = t.root_ok(tr)["pid"]
        p = int(tr.out_one("exec_pid")["pid"])
        by_r = {int(o["pid"]) for o in tr.out("reaped")}
        wrong = []
        for lc in tr.lifecycles:
            if lc["pid"] == r:
                continue
            want = r if lc["pid"] in by_r else p
            if lc.get("reaped_by") != want or lc.get("final") != "reaped":
                wrong.append((lc["pid"], lc.get("reaped_by"), want))
        t.check(not wrong, f"run {run}: {len(tr.lifecycles) - 1} processes "
                f"reaped by whom the program says (pid, zwatch, program)",
                wrong[:10], pids=[w[0] for w in wrong[:5]])
        gone, late = set(), []
        for ev in tr.events():
            if ev["event"] == "reap":
                gone.add(ev["pid"])
            elif ev.get("pid") in gone and ev["event"] != "wait":
                late.append(ev)
        t.check(not late, f"run {run}: no event about a process after its "
                f"reap", late[:5])


zwtest.main(test)
