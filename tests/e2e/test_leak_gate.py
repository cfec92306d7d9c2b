#!/usr/bin/env python3
"""Live leak gate: --fail-on-leak exits 3 when a process is still a zombie
at the end, --max-zombie-age=DUR also when one was a zombie longer than
DUR; each offender is named on stderr with its parent.  Without a leak
zwatch keeps PROG's exit status."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def test(t):
    demo = zwtest.scn("zombie_demo")
    # The demo's child is a zombie for ~0.3 s and then reaped: no leak at
    # the end, but longer than 100 ms.
    tr = t.run([demo], opts=["--fail-on-leak"], expect_rc=0, name="demo-ok")
    t.check("leak" not in tr.stderr, "no leak reported for a reaped zombie")
    tr = t.run([demo], opts=["--max-zombie-age=100ms"], expect_rc=3,
               name="demo-age")
    child = [l for l in tr.lifecycles if l["pid"] != tr.root["pid"]][0]
    t.check(f"leak: {child['pid']} (zombie_demo)" in tr.stderr and
            f"its parent {tr.root['pid']}" in tr.stderr,
            "the late reap is named with its parent", tr.stderr)
    tr = t.run([demo], opts=["--max-zombie-age=5s"], expect_rc=0,
               name="demo-young")
    # A zombie left at the end: the exec'd sleep never waits for the
    # backgrounded one (and PID 1 here does not reap orphans either).
    tr = t.run(["/bin/sh", "-c", "sleep 0.05 & exec sleep 0.2"],
               opts=["--fail-on-leak"], expect_rc=3, name="shell-leak")
    t.check("is still a zombie at the end" in tr.stderr,
            "a zombie left at the end is a leak", tr.stderr)
    tr = t.run(["/bin/sh", "-c", "exit 5"], opts=["--fail-on-leak"],
               expect_rc=5, name="no-leak-status")
    p = subprocess.run([zwtest.zwatch_path(), "--max-zombie-age=bogus", "--",
                        "/bin/true"], capture_output=True, text=True,
                       timeout=30)
    t.eq(p.returncode, 2, "a bad DUR is a usage error")
    t.check("invalid duration" in p.stderr, "and says so", p.stderr)


zwtest.main(test)
