#!/usr/bin/env python3
"""The JSON Lines contract itself: field names and types of every event and
lifecycle line, lifecycle lines last and one per process, and the
lifecycle's internal consistency (final vs reaper, zombie_seconds =
reaped - exited), over several scenarios."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


RUNS = [
    ["zombie_demo"],
    ["sigchld_handler"],
    ["sigign_autoreap"],
    ["sigkill_child"],
    ["clone_parent"],
    ["subreaper_double_fork"],
    ["thread_exec"],
    ["kill_sigchld"],
]


def test(t):
    for run in RUNS:
        tr = t.run([zwtest.scn(run[0])] + run[1:])
        probs = zwtest.schema_problems(tr)
        t.check(not probs, f"[{run[0]}] every JSON line follows the contract",
                "\n".join(probs[:20]) + (f"\n... {len(probs) - 20} more"
                                         if len(probs) > 20 else ""))
        t.check(all(r["event"] == "lifecycle" for r in
                    tr.records[len(tr.records) - len(tr.lifecycles):]),
                f"[{run[0]}] the lifecycle lines come last")


zwtest.main(test)
