#!/usr/bin/env python3
"""zwatch -p on one of its own ancestors (issue 12, item 10).

A shell started here runs zwatch -p SHELL: zwatch is among the shell's
descendants.  It says it does not trace itself (not "cannot attach to
<its pid>") and attaches to the rest.  Then the same with zwatch running
under strace -f: strace, which traces zwatch, is a descendant too;
seizing it would stop the tracer zwatch's own stops wait for (a
deadlock: before, the run hung).  zwatch says so, skips it, and ends on
SIGINT.  Only processes this test started are traced."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def poll(cond, secs=15):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    return None


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def run_case(t, name, wrapper):
    """A shell runs WRAPPER zwatch -p SHELL; returns zwatch's stderr and
    output, after a SIGINT to zwatch, or None if it hung."""
    zw = zwtest.zwatch_path()
    out, err = (os.path.join(t.tmpdir, f"{name}.{x}") for x in ("out", "err"))
    sh = subprocess.Popen(
        ["sh", "-c", '"$@" -o "$OUT" -p $$ 2>"$ERR" & wait', "sh"] +
        wrapper + [zw], env=dict(os.environ, OUT=out, ERR=err),
        start_new_session=True)
    try:
        def zwatch_pid():
            for c in children(sh.pid):
                for p in [c] + children(c):
                    try:
                        if os.readlink(f"/proc/{p}/exe") == os.path.realpath(zw):
                            return p
                    except OSError:
                        pass
            return None
        zpid = poll(zwatch_pid)
        t.require(zpid, f"{name}: zwatch started")
        t.check(poll(lambda: f"TracerPid:\t{zpid}\n" in
                     read(f"/proc/{sh.pid}/status")),
                f"{name}: the shell is traced", read(err))
        os.kill(zpid, signal.SIGINT)
        try:
            sh.wait(timeout=20)
        except subprocess.TimeoutExpired:
            t.check(False, f"{name}: zwatch ends on SIGINT (it hung)",
                    read(err))
            return None
        return read(err), read(out)
    finally:
        if sh.poll() is None:
            os.killpg(sh.pid, signal.SIGKILL)
            sh.wait()


def test(t):
    r = run_case(t, "plain", [])
    if r:
        err, out = r
        t.check("that is zwatch itself" in err, "says zwatch is not traced",
                err)
        t.check("cannot attach" not in err, "no attach error", err)
        t.check(" sh " in out and "attach" in out, "the shell is traced", out)
    if not shutil.which("strace"):
        t.skip("strace is not installed (needed for the tracer-chain case)")
    r = run_case(t, "strace", ["strace", "-f", "-o", "/dev/null"])
    if r:
        err, out = r
        t.check("it traces zwatch" in err, "says its tracer is skipped", err)


zwtest.main(test)
