#!/usr/bin/env python3
"""test_inject_kill.py's kill points, in the VMs of make check-vm (a VM
has no Python: tests/scn/killrun runs zwatch with ZWATCH_TEST_KILL_AT
set, as a subreaper, and reports what zwatch's death left).  zwatch
kills itself at each step of running rt_sigaction inside a traced parent
(--diagnose=1ms on tests/scn/inject_victim, plain and with its nanosleep
first, and the SA_NOCLDWAIT probe on tests/scn/nocldwait): the parent
must go on with its own registers (on aarch64 x7 among them: a syscall
stop shows a stand-in), signal mask, sleeps and SIGCHLD count, and exit
as untraced; nothing may be left stopped or traced.  The steps are those
of both architectures (inject.c, inject_aarch64.c): the points the one
in use never reaches leave zwatch alive, and the run is then checked the
same way.  Whether the SA_NOCLDWAIT probe reaches a point is timing (a
SIGCHLD that comes first makes it give up until the next stop): there a
point must be reached in one of 3 runs (always 3: a VM replays the
commands the host recorded), and every run is checked.  Run
by make check-vm only (tests/vm/tests.list); on the host,
test_inject_kill.py and test_kill_random.py cover it."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

COMMON = ("inject-move", "inject-entry", "inject-frame", "inject-regs",
          "inject-call", "inject-exit", "inject-restored", "inject-back")
AARCH64 = ("inject-args", "inject-nr", "inject-nonr")
MINE = re.compile(r"^(zwatch status|orphan |harm )")


def split(out):
    """killrun's output: (the program's lines, zwatch's status, the
    statuses of the orphans but zwatch's helpers, harm lines)."""
    prog = [ln for ln in out.splitlines() if not MINE.match(ln)]
    zw = re.findall(r"^zwatch status=(.*)$", out, re.M)
    orphans = [st for comm, st in
               re.findall(r"^orphan comm=(\S*) status=(.*)$", out, re.M)
               if not comm.startswith("zw")]
    harm = re.findall(r"^harm .*$", out, re.M)
    return sorted(prog), zw, orphans, harm


def test(t):
    arch = zwtest.machine()
    zw = zwtest.zwatch_path()
    killrun = zwtest.scn("killrun")
    cases = [("victim", [zwtest.scn("inject_victim")], ["--diagnose=1ms"], 3),
             ("victim nanosleep", [zwtest.scn("inject_victim"), "nanosleep"],
              ["--diagnose=1ms"], 3),
             ("nocldwait", [zwtest.scn("nocldwait"), "handler"], [], 0)]
    for what, argv, opts, want_rc in cases:
        rc, out, err, _, _ = t.run_cmd(argv, timeout=60, what=f"{what} untraced")
        t.eq(rc, want_rc, f"{what}: untraced run exits {want_rc}")
        want = sorted(re.sub(r"pid=\d+", "pid=N", out).splitlines())
        for step in ("-",) + COMMON + AARCH64:
            must = step in COMMON or (step in AARCH64 and arch == "aarch64")
            # Whether a run reaches the point is timing: the SA_NOCLDWAIT
            # probe is given up when the next SIGCHLD comes first (it is
            # the program's, delivered as it came), and the three
            # children exit together.  So that case runs RUNS times,
            # always (a VM replays what the host recorded: the number
            # of runs cannot depend on their outcome); every run is
            # checked for harm, and the point must be reached in one.
            runs = RUNS if what == "nocldwait" else 1
            outcomes = [run_step(t, killrun, zw, step, what, argv, opts,
                                 want, want_rc, attempt, must)
                        for attempt in range(1, runs + 1)]
            ran = [k for k in outcomes if k is not None]
            if must and ran:
                t.check(any(ran), f"{what} {step}: zwatch died by SIGKILL "
                        f"(the kill point was reached, in {sum(ran)} of "
                        f"{len(ran)} runs)", "")
            elif step == "-" and ran:
                t.check(not any(ran), f"{what}: zwatch lives without a "
                        "kill point", "")

RUNS = 3


def run_step(t, killrun, zw, step, what, argv, opts, want, want_rc, attempt,
             must):
    """One killrun at step; None if it did not run, else whether zwatch
    was killed.  The program must exit and print as untraced, and
    nothing may be left stopped or traced."""
    cmd = [killrun, step, zw, "-j", "-o", "/tmp/killrun.trace",
           "--no-summary"] + opts + ["--"] + argv
    run = f"{what} {step}" + (f" (run {attempt})" if attempt > 1 else "")
    rc, out, err, _, _ = t.run_cmd(cmd, timeout=60, what=run)
    prog, zst, orphans, harm = split(re.sub(r"pid=\d+", "pid=N", out))
    if rc != 0 or len(zst) != 1:
        t.eq(rc, 0, f"{run}: killrun ran ({err.strip()})")
        return None
    killed = zst[0].startswith("killed SIGKILL")
    if must and not killed:
        t.note(f"{run}: zwatch {zst[0]}")
    status = orphans[0] if killed and orphans else zst[0]
    t.eq(status, f"exited {want_rc}", f"{run}: the program's exit status "
         "as untraced")
    t.eq(prog, want, f"{run}: output as untraced")
    t.eq(harm, [], f"{run}: nothing left stopped or traced")
    return killed

zwtest.main(test)
