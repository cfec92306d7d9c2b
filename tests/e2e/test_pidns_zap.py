#!/usr/bin/env python3
"""A pid namespace's init that dies with a zombie still its own: dumb-init
as pid 1 exits as soon as it has reaped its own child, and the kernel
reaps what is left (zap_pid_ns_processes) in its name.  Its child sh
leaves a zombie (its subshell exits 3 at once, then sh execs sleep, which
never waits); when sleep exits the zombie is handed to dumb-init, which
reaps sleep first and exits.  The zombie was reaped by dumb-init, the
init: once it came out reaped by nobody (issue 11).  dumb-init sleeps in
sigtimedwait() with every signal blocked but those it waits for: it must
be seen as a parent that reaps with no SIGCHLD stop.  10 runs."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = 10


def test(t):
    unshare, dinit = shutil.which("unshare"), shutil.which("dumb-init")
    if not unshare or not dinit:
        t.skip("unshare(1) or dumb-init is not installed")
    prefix = [unshare, "-fp", "--mount-proc"]
    rc, _, err, _, _ = t.run_cmd(prefix + ["true"], what="unshare probe")
    if rc != 0:
        t.skip(f"unshare -fp --mount-proc does not work here: {err.strip()}")
    for run in range(RUNS):
        tr = t.run(prefix + [dinit, "sh", "-c", "(exit 3) & exec sleep 0.1"],
                   name=f"run{run}")
        t.eq(tr.rc, 0, f"run {run}: exit status")
        init = zwtest.Trace.one(tr.by_comm("dumb-init"))
        sleep = zwtest.Trace.one(tr.by_comm("sleep"))
        left = zwtest.Trace.one([lc for lc in tr.by_comm("sh")
                                 if lc.get("exit_code") == 3])
        if not t.check(init and sleep and left,
                       f"run {run}: dumb-init, sleep and the zombie traced"):
            continue
        t.match(sleep, {"reaped_by": init["pid"], "reaper": "parent"},
                f"run {run}: sleep reaped by dumb-init")
        t.match(left, {"reaped_by": init["pid"], "reaper": "init",
                       "final": "reaped", "parent": init["pid"]},
                f"run {run}: the zombie left reaped by dumb-init, the init",
                pids=[left["pid"]])


zwtest.main(test)
