"""killtest - run a program under zwatch, kill zwatch (SIGKILL), and check
that the program did not notice: its output and exit status exactly as
untraced, and no process of it left stopped or traced.

zwatch kills itself at a named point when ZWATCH_TEST_KILL_AT says so
(src/killpoint.h): deterministic.  Or the harness kills it after a delay:
random moments.  The test process is a child subreaper (prctl), so the
program, orphaned by zwatch's death, is reparented to it and its exit
status can be collected; nothing is left to PID 1.
"""

import ctypes
import os
import signal
import subprocess
import time

import zwtest

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise zwtest.HardError("prctl(PR_SET_CHILD_SUBREAPER) failed")


def _reap_all(deadline):
    """Reaps every child of ours until none is left or deadline; returns
    {pid: wait status} and the pids still there."""
    got = {}
    while True:
        try:
            pid, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return got, []
        if pid:
            got[pid] = st
            continue
        if time.monotonic() >= deadline:
            return got, zwtest.children_of(os.getpid())
        time.sleep(0.005)


def _harm_in_states(pids):
    """Threads of pids that are stopped or still traced, as text."""
    bad = []
    for pid in pids:
        for tid, (state, tracer) in zwtest.thread_states(pid).items():
            if state in "tT" or tracer:
                bad.append(f"{pid}/{tid} state {state} TracerPid {tracer}")
    return bad


class Outcome:
    def __init__(self, zw_rc, prog, prog_status, out, harm, elapsed):
        self.zw_rc = zw_rc              # zwatch's returncode (-9: killed)
        self.started = prog is not None  # PROG ran (zwatch died after)
        self.prog_status = prog_status  # PROG's wait status, None if lost
        self.out = out                  # PROG's stdout
        self.harm = harm                # stopped/traced leftovers
        self.elapsed = elapsed


def untraced(argv, tmpdir, timeout=30):
    """PROG's (stdout, wait status) without zwatch."""
    path = os.path.join(tmpdir, "untraced.out")
    with open(path, "wb") as f:
        p = subprocess.Popen(argv, stdout=f, stdin=subprocess.DEVNULL)
        p.wait(timeout=timeout)
    with open(path, errors="replace") as f:
        out = f.read()
    st = p.returncode
    # Popen's returncode -> a wait status, to compare with os.waitpid's.
    return out, (st << 8) if st >= 0 else -st


def run(argv, tmpdir, opts=(), kill_at=None, kill_after=None,
        sigint_after=None, timeout=30):
    """Runs zwatch OPTS -- ARGV with PROG's stdout in a file; zwatch dies at
    kill_at (a killpoint name) or is SIGKILLed kill_after seconds in, or
    gets SIGINT (detach) sigint_after seconds in.  Waits for PROG (now ours
    or still zwatch's child) and everything it left."""
    env = dict(os.environ)
    env.pop("ZWATCH_TEST_KILL_AT", None)
    if kill_at:
        env["ZWATCH_TEST_KILL_AT"] = kill_at
    out_path = os.path.join(tmpdir, "prog.out")
    pid_path = os.path.join(tmpdir, "prog.pid")
    for p in (out_path, pid_path, os.path.join(tmpdir, "trace")):
        if os.path.exists(p):
            os.unlink(p)
    # PROG is the sh that writes its pid and execs the program.
    wrapped = ["/bin/sh", "-c", 'echo $$ > "$0"; exec "$@"', pid_path] + \
        list(argv)
    cmd = [zwtest.zwatch_path(), "-j", "-o", os.path.join(tmpdir, "trace"),
           "--no-summary"] + list(opts) + ["--"] + wrapped
    start = time.monotonic()
    with open(out_path, "wb") as f:
        zw = subprocess.Popen(cmd, stdout=f, stdin=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env)
    if kill_after is not None:
        time.sleep(kill_after)
        zw.send_signal(signal.SIGKILL)
    elif sigint_after is not None:
        # A delay, or a predicate on the trace so far (bounded polling).
        if callable(sigint_after):
            trace = os.path.join(tmpdir, "trace")
            zwtest.poll_until(lambda: zw.poll() is not None or
                              sigint_after(_read(trace)), timeout)
        else:
            time.sleep(sigint_after)
        if zw.poll() is None:
            zw.send_signal(signal.SIGINT)
    try:
        zw_rc = zw.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        zw.kill()
        zw_rc = zw.wait()
    deadline = time.monotonic() + timeout
    prog = zwtest.poll_until(lambda: _read_pid(pid_path), 2.0)
    harm = []
    # Orphans are ours now: none may be stopped or traced, once
    # exit_ptrace() has run (it has: zwatch is reaped).
    left = zwtest.children_of(os.getpid())
    if left:
        zwtest.poll_until(lambda: not _harm_in_states(left), 1.0)
        harm += _harm_in_states(left)
    got, stuck = _reap_all(deadline)
    for pid in stuck:
        harm.append(f"{pid} still there after {timeout} s: "
                    f"{zwtest.thread_states(pid)}")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _reap_all(time.monotonic() + 5)
    if prog is not None and prog in got:
        status = got[prog]
    elif zw_rc >= 0 and prog is not None and prog not in got:
        # zwatch lived and reaped PROG itself: its status is zwatch's.
        status = zw_rc << 8 if zw_rc < 128 else zw_rc - 128
    else:
        status = None
    with open(out_path, errors="replace") as f:
        out = f.read()
    return Outcome(zw_rc, prog, status, out, harm, time.monotonic() - start)


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0) or None
    except (OSError, ValueError):
        return None


def check(t, what, got, want_out, want_status, expect_killed=True):
    """The outcome is harmless (and zwatch died, if expected)."""
    if expect_killed:
        t.eq(got.zw_rc, -signal.SIGKILL, f"{what}: zwatch died by SIGKILL "
             "(the kill point was reached)")
    t.eq(got.harm, [], f"{what}: no process left stopped or traced")
    t.eq(got.prog_status, want_status, f"{what}: exit status as untraced")
    t.eq(got.out, want_out, f"{what}: output as untraced")
