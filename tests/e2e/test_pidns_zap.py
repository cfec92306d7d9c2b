#!/usr/bin/env python3
"""A pid namespace's init that dies with a zombie still its own: dumb-init
as pid 1 exits as soon as it has reaped its own child, and the kernel
reaps what is left (zap_pid_ns_processes) in its name.  Its child sh
leaves a zombie (its subshell exits 3 at once, then sh execs sleep, which
never waits); when sleep exits the zombie is handed to dumb-init, which
reaps sleep first and exits.  The zombie was reaped by dumb-init, the
init: once it came out reaped by nobody (issue 11).  dumb-init sleeps in
sigtimedwait() with every signal blocked but those it waits for: it must
be seen as a parent that reaps with no SIGCHLD stop.

And tini as pid 1 dying with an orphan (a subshell it adopted) that has
a child (sleep 5) of its own: the kernel SIGKILLs both as tini dies, the
sleep's parent dies with it, and tini reaps them (zap_pid_ns_processes).
The sleep came out reaped by nobody (3 runs of 5); it was tini's, handed
to it by its parent's death.  10 runs each."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = 10


def test(t):
    unshare, dinit = shutil.which("unshare"), shutil.which("dumb-init")
    tini = shutil.which("tini")
    if not unshare or not dinit or not tini:
        t.skip("unshare(1), dumb-init or tini is not installed")
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
    for run in range(RUNS):
        tr = t.run(prefix + [tini, "--", "sh", "-c",
                             'sh -c "(sleep 5; exit 3) &"; sleep 0.1'],
                   name=f"tini{run}")
        t.eq(tr.rc, 0, f"tini run {run}: exit status")
        init = zwtest.Trace.one(tr.by_comm("tini"))
        killed = [lc for lc in tr.by_comm("sleep")
                  if lc.get("exit_signal") == "SIGKILL"]
        if not t.check(init and len(killed) == 1,
                       f"tini run {run}: tini and the killed sleep traced"):
            continue
        t.match(killed[0], {"reaped_by": init["pid"], "reaper": "init",
                            "parent": init["pid"], "final": "reaped"},
                f"tini run {run}: the killed sleep reaped by tini, the init",
                pids=[killed[0]["pid"]])


zwtest.main(test)
