#!/usr/bin/env python3
"""A zombie handed to a subreaper that ignores SIGCHLD
(tests/scn/adopt_ign.c): its parent M dies while it is a zombie, and the
kernel releases it inside M's exit.  No stop shows that and no /proc
file says who is a subreaper, so zwatch cannot name the adopter: the
grandchild's reaper is unknown (null, documented in Limitations), never
M, never a guess; its exit code and its zombie time (its exit to M's
death, ~300 ms) are right.  M itself is autoreaped (S ignores SIGCHLD)
and was never a zombie."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def test(t):
    tr = t.run([zwtest.scn("adopt_ign")])
    t.scenario_ok(tr)
    s = t.root_ok(tr)["pid"]
    m = tr.out_one("m")["pid"]
    g = tr.out_one("g")["pid"]
    lm = t.lifecycle(tr, m, "M")
    t.match(lm, {"ppid": s, "exit_code": 6, "reaper": "autoreap",
                 "reaped_by": None, "final": "autoreaped",
                 "zombie_seconds": 0.0}, "M: autoreaped at its exit")
    lg = t.lifecycle(tr, g, "G")
    t.match(lg, {"ppid": m, "exit_code": 5, "final": "reaped"},
            "G: exit 5, released")
    t.check(lg["reaper"] in (None, "autoreap") and lg["reaped_by"] is None,
            "G's reaper is unknown (or the kernel's autoreap), never M or a "
            "guessed process", lg)
    z = lg["zombie_seconds"]
    t.check(z is not None and 0.25 <= z <= 2.0, f"G was a zombie from its "
            f"exit to M's death (~0.3 s): {z}", lg)


zwtest.main(test)
