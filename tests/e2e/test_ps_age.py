#!/usr/bin/env python3
"""zwatch ps (issue 13): the zombie's age, from se.exec_start in
/proc/PID/sched against CLOCK_MONOTONIC, checked on zombies of known age:
ps_parent never 2000 makes one zombie, waits 2 s, makes two more; the test
looks when the second is 1 s old and the first 3 s.  Each zombie's exit lies
between its own last clock reading (tc) and its parent seeing it dead (t);
zwatch's age must lie within the documented bound (pstest.AGE_BOUND, the
man page's) of [start - t, end - tc], start and end bracketing the run.
Twice, to catch a lucky run.  Also --max-zombie-age: exit 3 only when a
zombie is older."""
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402


def check_ages(t, run):
    steal = zwtest.Steal()
    p = pstest.Parent("never", 2000)
    first, second = p.zombies[0], p.zombies[1]
    time.sleep(max(0, second["t"] + 1.0 - time.monotonic()))
    start = time.monotonic()
    rc, doc, _, _ = pstest.ps(t, ["--no-stop", p.pid], expect_rc=3)
    end = time.monotonic()
    g = pstest.group(t, doc, p.pid)
    ages = {z["pid"]: z["age"] for z in g["zombies"]}
    stolen = steal.accrued()
    for z, known in ((first, 3), (second, 1)):
        lo, hi = start - z["t"], end - z["tc"]
        age = ages.get(z["pid"])
        if age is not None:
            t.note(f"run {run}: {known} s zombie: age {age:.4f}, truth in "
                   f"[{lo:.4f}, {hi:.4f}]; steal since {stolen:.3f} s")
        t.check(age is not None and lo - pstest.AGE_BOUND - stolen <= age <=
                hi + pstest.AGE_BOUND,
                f"run {run}: the {known} s old zombie's age",
                f"age {age}, known to be in [{lo:.4f}, {hi:.4f}] "
                f"± {pstest.AGE_BOUND}, less the steal {stolen:.3f} s")
    t.check(abs(g["oldest"] - ages.get(first["pid"], -1)) < 1e-6,
            f"run {run}: oldest is the first zombie's age", str(g["oldest"]))
    # --max-zombie-age halfway between the first zombie and the others
    # (2 s apart: 1 s of margin for the run itself) counts the first one
    # only; 60 s none.
    mid = time.monotonic() - second["t"] + 1.0
    rc, doc, _, _ = pstest.ps(t, ["--no-stop", f"--max-zombie-age={mid:.3f}",
                                  p.pid], expect_rc=3)
    t.eq(doc["over_age"], 1, f"run {run}: one zombie older than {mid:.3f} s")
    rc, doc, _, _ = pstest.ps(t, ["--no-stop", "--max-zombie-age=60s", p.pid],
                              expect_rc=0)
    t.eq((doc["zombies"], doc["over_age"]), (3, 0),
         f"run {run}: three zombies, none older than 60 s")
    p.finish()


def test(t):
    pstest.become_subreaper()
    if not os.path.exists(f"/proc/{os.getpid()}/sched"):
        t.skip("no /proc/PID/sched (kernel without CONFIG_SCHED_DEBUG)")
    for run in (1, 2):
        check_ages(t, run)
    pstest.reap_strays()


zwtest.main(test)
