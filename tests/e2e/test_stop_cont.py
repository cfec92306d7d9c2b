#!/usr/bin/env python3
"""Scenario 20: group-stop transparency.  A parent stops its child with
SIGSTOP and continues it with SIGCONT; its waitpid(WUNTRACED/WCONTINUED)
must see the same as without zwatch: identical output."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    prog = zwtest.scn("stop_cont")
    rc, plain, err, _, _ = t.run_cmd([prog], timeout=30, what="stop_cont alone")
    if rc != 0:
        raise zwtest.HardError(f"stop_cont fails without zwatch ({rc}):\n"
                               f"{plain}\n{err}")
    t.note("without zwatch:\n" + plain)
    tr = t.run([prog])
    t.scenario_ok(tr)
    if tr.stdout != plain:
        import difflib
        diff = "".join(difflib.unified_diff(
            plain.splitlines(True), tr.stdout.splitlines(True),
            "without zwatch", "under zwatch"))
        t.check(False, "program output identical with and without zwatch", diff)
    else:
        t.check(True, "program output identical with and without zwatch")
    me = t.root_ok(tr)["pid"]
    kids = tr.children(me)
    t.require(len(kids) == 1 or None, "one child in the trace", pids=[me])
    t.match(kids[0], {"exit_code": 3, "exit_signal": None, "reaped_by": me,
                      "reaper": "parent", "final": "reaped"}, "child lifecycle")
    t.reaped_once(tr, kids[0]["pid"], me, "child")


zwtest.main(test)
