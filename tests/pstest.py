"""pstest - helpers for zwatch ps's end-to-end tests (tests/e2e/test_ps_*.py).

The tests only ever look at, stop, nudge or reap processes they started:
every zwatch ps run names them (PID arguments, --pidns, --cgroup).  Each
test makes itself a child subreaper, so that the zombies of a parent that
dies (killed by the test) come to the test, which reaps them, and never to
PID 1 (which does not reap here).

A parent is tests/scn/ps_parent MODE (see its header): started with a pipe
on its stdin, read until "READY pid=P", ended by closing its stdin.
"""
import atexit
import ctypes
import json
import os
import select
import signal
import subprocess
import time

import zwtest

PR_SET_CHILD_SUBREAPER = 36
# zombies.h ZOMBIE_AGE_BOUND: the documented bound of an age, seconds.
AGE_BOUND = 0.05


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise zwtest.HardError("prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_strays():
    """Reaps what came to us (orphans of killed parents), without blocking."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


_parents = []


@atexit.register
def _cleanup():
    """A test that stops early leaves no parent behind."""
    for p in _parents:
        if p.proc.poll() is None:
            p.kill()


class Parent:
    """A running ps_parent: .pid (the parent with the zombies, from READY),
    .zombies: [{"pid", "code", "tc", "t"}] (code < 0: killed by -code),
    .lines: everything it printed so far."""

    def __init__(self, mode, *args, prefix=(), timeout=30):
        argv = list(prefix) + [zwtest.scn("ps_parent"), mode] + \
            [str(a) for a in args]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _parents.append(self)
        self.lines, self.zombies, self.ready = [], [], None
        self._buf = b""
        deadline = time.monotonic() + timeout
        while self.ready is None:
            line = self._readline(deadline)
            if line is None:
                self.kill()
                raise zwtest.HardError(f"ps_parent {mode}: no READY line; "
                                       f"printed: {self.lines}")
            rec = zwtest.parse_kv(line)
            if rec["tag"] == "ZOMBIE":
                rec["t"], rec["tc"] = float(rec["t"]), float(rec["tc"])
                self.zombies.append(rec)
            elif rec["tag"] == "READY":
                self.ready = rec
        self.pid = self.ready["pid"]

    def _readline(self, deadline):
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        line = line.decode(errors="replace")
        self.lines.append(line)
        return line

    def finish(self, timeout=30):
        """Closes its stdin; returns (exit status, all its lines)."""
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise zwtest.HardError("ps_parent did not end at EOF")
        rest = (self._buf + out).decode(errors="replace").splitlines()
        self.lines += rest
        return self.proc.returncode, self.lines

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        reap_strays()


def ps(t, args, expect_rc=None, timeout=60, prefix=()):
    """Runs `PREFIX zwatch ps --json ARGS`; returns (rc, parsed JSON,
    stderr, seconds)."""
    cmd = list(prefix) + [zwtest.zwatch_path(), "ps", "--json"] + \
        [str(a) for a in args]
    t.note("run: " + " ".join(cmd))
    rc, out, err, _, elapsed = t.run_cmd(cmd, timeout=timeout,
                                         what="zwatch ps")
    try:
        doc = json.loads(out)
    except ValueError as e:
        t.check(False, "zwatch ps --json prints one JSON object",
                f"{e}\nstdout: {out[:2000]}\nstderr: {err[:2000]}")
        raise zwtest.Stop("no JSON")
    if expect_rc is not None:
        t.eq(rc, expect_rc, "zwatch ps exit status")
    return rc, doc, err, elapsed


def group(t, doc, parent):
    """The group of parent in a zwatch ps JSON document (required)."""
    for g in doc["parents"]:
        if g["parent"] == parent:
            return g
    return t.require(None, f"a group for parent {parent}",
                     json.dumps(doc)[:3000])


def expected_status(code):
    """What zwatch reports for a ps_parent zombie code (< 0: a signal)."""
    if code < 0:
        return {"exit_code": None, "signal": signal.Signals(-code).name}
    return {"exit_code": code, "signal": None}


def check_zombies(t, g, zombies, what):
    """g's zombies are exactly ZOMBIES (ps_parent's lines), statuses too."""
    t.eq(g["count"], len(zombies), f"{what}: zombie count")
    t.eq(sorted(z["pid"] for z in g["zombies"]),
         sorted(z["pid"] for z in zombies), f"{what}: zombie pids")
    by_pid = {z["pid"]: z for z in g["zombies"]}
    for z in zombies:
        got = by_pid.get(z["pid"])
        if got:
            exp = expected_status(z["code"])
            t.eq({k: got[k] for k in exp}, exp,
                 f"{what}: exit status of {z['pid']}")


def without_waits(lines):
    """A parent's output without the lines an action may change."""
    return [x for x in lines
            if not x.startswith(("WAIT ", "HANDLER ", "ZOMBIE "))]


def waits(lines):
    return {r["pid"]: r for r in map(zwtest.parse_kv, lines)
            if r["tag"] == "WAIT"}
