#!/usr/bin/env python3
"""Job-control signals to stopped children, as a shell sends them
(tests/scn/jobsig.c): SIGKILL and SIGTERM to a stopped child (with and
without SIGCHLD blocked in the parent, as dash and make block it), a
SIGTERM handler run only after SIGCONT, SIGTSTP re-raised as SIGSTOP,
kill(-pgid) SIGSTOP/SIGCONT/SIGKILL to a process group, sigqueue()
payloads queued while stopped, a stopped multithreaded child killed,
a SIGCONT handler.  The program's output is the same as without zwatch,
run after run, and every killed child is recorded as killed by its
signal and reaped by its parent.

A stopped tracee that SIGKILL takes from PTRACE_LISTEN to its exit stop
used to be left there for ever (zwatch took the exit stop for a
group-stop): `kill -9 %1` on a stopped job of a shell under zwatch hung
the job, and the shell with it."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = int(os.environ.get("ZWTEST_JOBSIG_RUNS", "3"))


def test(t):
    prog = zwtest.scn("jobsig")
    rc, plain, err, _, _ = t.run_cmd([prog], timeout=60,
                                     what="jobsig alone")
    if rc != 0:
        raise zwtest.HardError(f"jobsig fails without zwatch ({rc}):\n"
                               f"{plain}\n{err}")
    t.note("without zwatch:\n" + plain)
    for i in range(RUNS):
        tr = t.run([prog], timeout=60, name=f"jobsig-{i}")
        t.scenario_ok(tr)
        t.eq(tr.stdout, plain, f"[run {i}] the program's output is the "
             "same as without zwatch")
        me = t.root_ok(tr)["pid"]
        kids = tr.children(me)
        killed = [k for k in kids if k.get("exit_signal") == "SIGKILL"]
        # kill, killmasked, term (killed at the end), group x3, threads
        t.eq(len(killed), 7, f"[run {i}] children killed by SIGKILL")
        bad = [k for k in kids if k.get("reaper") != "parent" or
               k.get("reaped_by") != me or k.get("final") != "reaped"]
        t.check(not bad, f"[run {i}] every child reaped by its parent",
                "\n".join(str(k) for k in bad), pids=[k["pid"] for k in bad])


zwtest.main(test)
