#!/usr/bin/env python3
"""Scenario 19a: cross-check against the program's own view.  fork_tree
reports every process's pid, getppid() and planned exit code, and every
status its parents reaped; zwatch's lifecycles must agree on all of it."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    tr = t.run([zwtest.scn("fork_tree")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    procs = tr.out("proc")
    t.require(len(procs) == 10 or None, "fork_tree reported 10 processes",
              tr.stdout)
    t.eq(sorted(r["pid"] for r in tr.lifecycles), sorted(p["pid"] for p in procs),
         "the set of pids traced == the set of pids that reported themselves")
    for p in procs:
        if p["pid"] == me:
            t.eq(p["ppid"], tr.zwatch_pid, "root's own getppid() is zwatch")
            continue
        lc = t.lifecycle(tr, p["pid"], f"process {p['pid']}")
        t.match(lc, {"ppid": p["ppid"], "exit_code": p["code"],
                     "reaped_by": p["ppid"], "reaper": "parent",
                     "final": "reaped"},
                f"process {p['pid']} (own view: ppid {p['ppid']}, "
                f"code {p['code']})")
    for r in tr.out("reaped"):
        want = int(r["status"].split()[1]) if r["status"].startswith("exited")             else None
        lc = tr.lifecycle(r["pid"])
        t.check(lc is not None and lc.get("exit_code") == want and
                lc.get("reaped_by") == r["by"],
                f"parent {r['by']} reaped {r['pid']} with '{r['status']}': "
                f"zwatch agrees", pids=[r["pid"]])


zwtest.main(test)
