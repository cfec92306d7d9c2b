#!/usr/bin/env python3
"""Scenario 7b: a child that calls abort() with RLIMIT_CORE 0: exit_signal
"SIGABRT", exit_code null, core_dumped as waitpid saw it (false unless
core_pattern pipes cores to a helper, which ignores RLIMIT_CORE)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    try:
        with open("/proc/sys/kernel/core_pattern") as f:
            pattern = f.read().strip()
    except OSError:
        pattern = "?"
    t.note(f"core_pattern: {pattern!r}")
    tr = t.run([zwtest.scn("abort_child")])
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    child = tr.out_one("child")["pid"]
    seen = tr.out_one("reaped")
    t.require(seen.get("status", "").startswith("killed SIGABRT") or None,
              "the parent saw the child killed by SIGABRT", seen)
    core = seen["status"].endswith("core=1")
    if not pattern.startswith("|"):
        t.eq(core, False, "no core dump with RLIMIT_CORE 0 and a file "
             "core_pattern (scenario's own view)")
    lc = t.lifecycle(tr, child, "child")
    t.match(lc, {"ppid": me, "exit_code": None, "exit_signal": "SIGABRT",
                 "core_dumped": core, "reaped_by": me, "reaper": "parent",
                 "final": "reaped"}, "child lifecycle")
    exits = tr.events("exit", pid=child)
    t.eq([(e.get("exit_code"), e.get("exit_signal"), e.get("core_dumped"))
          for e in exits], [(None, "SIGABRT", core)],
         "child exit events (exit_code, exit_signal, core_dumped)", pids=[child])
    t.reaped_once(tr, child, me, "child")


zwtest.main(test)
