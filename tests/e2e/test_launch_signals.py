#!/usr/bin/env python3
"""Launch mode: SIGINT, SIGTERM and SIGHUP make zwatch detach, whatever
its loop is doing (blocked in waitpid() with nothing to watch, or busy
with a fork storm), and PROG goes on untraced with the signal
dispositions zwatch was started with.

- A sleeping PROG (zwatch blocked in waitpid()): SIGTERM -> zwatch exits
  143 within DETACH_LIMIT, PROG is untraced and ends on its own.
- zwatch started with SIGINT ignored (a shell's background job): SIGINT
  still detaches it; PROG still has SIGINT ignored.
- zwatch started with SIGHUP ignored (nohup): SIGHUP is ignored, tracing
  goes on to PROG's end; PROG has SIGHUP ignored too.
- SIGTERM at 10 random moments of a fork storm: zwatch always ends in
  time and nothing is left stopped or traced."""
import ctypes
import os
import random
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

DETACH_LIMIT = 1.5
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """PROG outlives zwatch here; PID 1 of this machine does not reap
    orphans, so the test adopts them itself."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise zwtest.HardError("prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_orphans(pids):
    """Kills what is left of pids and reaps every adopted orphan."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def ignoring(*sigs):
    def pre():
        for s in sigs:
            signal.signal(s, signal.SIG_IGN)
    return pre


def start(t, argv, pre=None):
    out = os.path.join(t.tmpdir, f"launch-{len(os.listdir(t.tmpdir))}.txt")
    p = subprocess.Popen([zwtest.zwatch_path(), "-q", "-o", out, "--"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         preexec_fn=pre, start_new_session=True)
    return p


def traced_child(zw_pid, timeout=10, zw=None):
    """The pid of zwatch's child once it is traced (exec'd PROG); None
    also as soon as zwatch (the Popen ZW, if given) has ended."""
    found = []

    def ready():
        if zw is not None and zw.poll() is not None:
            return True
        kids = zwtest.children_of(zw_pid)
        if kids and zwtest.tracer_pid(kids[0]) == zw_pid:
            found.append(kids[0])
            return True
        return False
    zwtest.poll_until(ready, timeout)
    return found[0] if found else None


def sig_ignored(pid, sig):
    st = zwtest.proc_status(pid) or {}
    return bool(int(st.get("SigIgn", "0"), 16) & (1 << (sig - 1)))


def ends_within(p, limit):
    t0 = time.monotonic()
    try:
        p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    return time.monotonic() - t0


def detach_on(t, sig, pre, label):
    p = start(t, ["sleep", "3"], pre)
    child = t.require(traced_child(p.pid), f"[{label}] PROG is traced")
    # Let the loop settle into its sleep: a blocking waitpid().
    time.sleep(0.2)
    ign_before = sig_ignored(child, signal.SIGINT)
    os.kill(p.pid, sig)
    took = ends_within(p, DETACH_LIMIT)
    t.check(took is not None, f"[{label}] zwatch ended within "
            f"{DETACH_LIMIT} s of {signal.Signals(sig).name}")
    if took is None:
        p.kill()
        p.wait()
    t.eq(p.returncode, 128 + sig, f"[{label}] zwatch's exit status")
    t.eq(zwtest.tracer_pid(child), 0, f"[{label}] PROG is no longer traced")
    t.check(zwtest.proc_state(child) not in ("t", "T"),
            f"[{label}] PROG is not left stopped")
    t.eq(sig_ignored(child, signal.SIGINT), ign_before,
         f"[{label}] PROG's SIGINT disposition is what zwatch was given")
    reap_orphans([child])


def nohup(t):
    p = start(t, ["sleep", "0.6"], ignoring(signal.SIGHUP))
    child = t.require(traced_child(p.pid), "[nohup] PROG is traced")
    t.check(sig_ignored(child, signal.SIGHUP), "[nohup] PROG has SIGHUP "
            "ignored, as zwatch was started")
    os.kill(p.pid, signal.SIGHUP)
    time.sleep(0.1)
    t.eq(zwtest.tracer_pid(child), p.pid, "[nohup] SIGHUP ignored: still "
         "traced")
    t.check(ends_within(p, 10) is not None, "[nohup] zwatch ends with PROG")
    t.eq(p.returncode, 0, "[nohup] zwatch's exit status is PROG's")


def storm(t, rng):
    worst, bad, hit = 0.0, [], 0
    for i in range(10):
        p = start(t, [zwtest.scn("many_children"), "2000"])
        if not traced_child(p.pid, zw=p):
            # On a loaded machine the whole storm can be over before
            # /proc is looked at: that run shows nothing.
            t.require(p.poll() is not None, f"[storm {i}] PROG is traced")
            t.note(f"[storm {i}] the storm ended before it was seen")
            continue
        hit += 1
        time.sleep(rng.uniform(0, 0.05))
        kids = [p.pid] + zwtest.children_of(p.pid)
        os.kill(p.pid, signal.SIGTERM)
        took = ends_within(p, DETACH_LIMIT)
        if took is None:
            bad.append(f"run {i}: zwatch did not end in time")
            p.kill()
            p.wait()
            continue
        worst = max(worst, took)
        for k in kids[1:]:
            for pid in [k] + zwtest.children_of(k):
                if zwtest.proc_state(pid) in ("t", "T") or \
                        zwtest.tracer_pid(pid) not in (0, None):
                    bad.append(f"run {i}: {pid} left stopped or traced")
        reap_orphans(kids[1:])
    t.check(hit >= 5, f"[storm] at least 5 of 10 SIGTERMs came mid-storm "
            f"({hit})")
    t.check(not bad, f"[storm] {hit} SIGTERMs mid-storm: zwatch always ended, "
            f"nothing left stopped or traced (slowest {worst:.3f} s)",
            "\n".join(bad))


def test(t):
    become_subreaper()
    rng = random.Random(int(os.environ.get("ZWTEST_SEED", "7")))
    detach_on(t, signal.SIGTERM, None, "sleeping PROG, SIGTERM")
    detach_on(t, signal.SIGINT, ignoring(signal.SIGINT),
              "started with SIGINT ignored, SIGINT")
    nohup(t)
    storm(t, rng)


zwtest.main(test)
