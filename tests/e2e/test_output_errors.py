#!/usr/bin/env python3
"""A full disk for the output (/dev/full): zwatch says so, exits 1, and the
traced program is not harmed -- with -w it is released at once and goes on
untraced to its normal end; with -o the report fails at the end."""
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def run(t, opts, name, untraced):
    done = os.path.join(t.tmpdir, name + ".done")
    # The program leaves a mark at its end: it must not have been stopped
    # or killed (and, once zwatch let go early, not be traced any more).
    check = "grep -q '^TracerPid:[[:space:]]*0$' /proc/$$/status && " \
        if untraced else ""
    script = f"sleep 0.3; {check}echo done > {done}; exit 4"
    p = subprocess.run([zwtest.zwatch_path()] + opts + ["--", "/bin/sh", "-c",
                       script], capture_output=True, text=True, timeout=30)
    return p, done


def test(t):
    p, done = run(t, ["-q", "-o", "/dev/null", "-w", "/dev/full"], "record",
                  True)
    t.eq(p.returncode, 1, "-w /dev/full: zwatch exits 1")
    t.check("cannot write /dev/full: No space left on device" in p.stderr,
            "-w /dev/full: says why", p.stderr)
    t.check("detached" in p.stderr, "-w /dev/full: says it let go", p.stderr)
    ok = zwtest.poll_until(lambda: os.path.exists(done), 10)
    t.check(ok, "-w /dev/full: the program went on untraced to its end")

    p, done = run(t, ["--json", "-o", "/dev/full"], "output", False)
    t.eq(p.returncode, 1, "-o /dev/full: zwatch exits 1 (not the program's 4)")
    t.check("cannot write /dev/full" in p.stderr, "-o /dev/full: says why",
            p.stderr)
    ok = zwtest.poll_until(lambda: os.path.exists(done), 10)
    t.check(ok, "-o /dev/full: the program ran to its end")


zwtest.main(test)
