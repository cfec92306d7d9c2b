#!/usr/bin/env python3
"""Exec events: zwatch reads an exec's argv and comm from the new
program's stack (argc, argv, AT_EXECFN), not from /proc.  Every shape of
exec (plain, through a symlink longer than a comm, empty and spaced
arguments, argc 0, fexecve, a 64 KiB environment) must give exactly what
the exec'd program itself finds in /proc/self/comm and /proc/self/cmdline."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

CASES = ("plain", "symlink", "args", "argc0", "fexecve", "bigenv")


def test(t):
    tr = t.run([zwtest.scn("exec_kinds"), t.tmpdir])
    t.scenario_ok(tr)
    reports = tr.out("report")
    t.require(len(reports) == len(CASES) or None,
              f"the scenario reported {len(CASES)} execs", reports)
    for case, rep in zip(CASES, reports):
        pid = int(rep["pid"])
        ex = tr.events("exec", pid=pid)
        if not t.check(len(ex) == 1, f"[{case}] one exec event", ex):
            continue
        want_argv = rep["argv"].split("|") if int(rep["argc"]) else []
        t.eq(ex[0].get("comm"), rep["comm"], f"[{case}] comm as /proc says")
        t.eq(ex[0].get("argv"), want_argv, f"[{case}] argv as /proc says",
             pids=[pid])
        t.eq(os.path.basename(ex[0].get("path") or ""), "exec_kinds",
             f"[{case}] path is the executable")


zwtest.main(test)
