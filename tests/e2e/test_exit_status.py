#!/usr/bin/env python3
"""Scenario 17: zwatch exits with PROG's status: exit N -> N, killed by
signal N -> 128+N (SIGTERM -> 143, SIGKILL -> 137)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


CASES = [
    (["code", "0"], 0, {"exit_code": 0, "exit_signal": None}),
    (["code", "7"], 7, {"exit_code": 7, "exit_signal": None}),
    (["code", "255"], 255, {"exit_code": 255, "exit_signal": None}),
    (["signal", "15"], 143, {"exit_code": None, "exit_signal": "SIGTERM"}),
    (["signal", "9"], 137, {"exit_code": None, "exit_signal": "SIGKILL"}),
]


def test(t):
    prog = zwtest.scn("exit_status")
    for args, rc, want in CASES:
        tr = t.run([prog] + args, expect_rc=rc, name="exit_status-" + "-".join(args))
        root = t.require(tr.root, f"[{' '.join(args)}] PROG lifecycle")
        want = dict(want, reaped_by=tr.zwatch_pid, reaper="parent", final="reaped")
        t.match(root, want, f"[{' '.join(args)}] PROG lifecycle")


zwtest.main(test)
