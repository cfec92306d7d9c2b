"""zwtest - helpers for zwatch's end-to-end tests (tests/e2e/*.py).

A test file looks like this:

    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import zwtest

    def test(t):
        tr = t.run([zwtest.scn("zombie_demo")])
        child = t.require(tr.one(tr.children(tr.root["pid"])), "one child")
        t.match(child, {"exit_code": 9, "reaper": "parent"}, "child lifecycle")

    zwtest.main(test)

It runs `zwatch --json -o FILE -- PROG ARGS`, parses the JSON Lines, and
offers lookups (lifecycle(pid), by_comm(), events(type, key=value...)) and
checks that print what they compared ("ok"/"FAIL" lines with the expected
and actual values, and the relevant trace lines on failure).

Exit codes follow automake's test protocol: 0 pass, 1 fail, 77 skip,
99 hard error (the harness or a scenario itself broke).  Every subprocess
has a timeout; on expiry its whole process group is killed.

Environment:
  ZWATCH            the zwatch binary (default $abs_top_builddir/zwatch)
  abs_top_builddir  the build tree (scenario binaries in tests/scn/);
                    default: the source tree this file is in
  abs_top_srcdir    the source tree; default: derived from this file
  ZWTEST_KEEP=1     keep the temporary directory (traces) even on success
  ZWTEST_VERBOSE=1  print the whole trace of every run
  ZWTEST_PLAN=FILE  record every command run (zwatch runs and run_cmd) as
                    JSON lines in FILE, with paths as a VM sees them, for
                    tests/vm/ to run elsewhere (the test runs here as usual)
  ZWTEST_REPLAY=DIR take each run's results from DIR (written by
                    tests/vm/vmtool.py from a VM's console) instead of
                    running anything: the same assertions, applied to a
                    JSON trace produced on another kernel or architecture
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True

PASS, FAIL, SKIP, HARD_ERROR = 0, 1, 77, 99

_HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("abs_top_srcdir") or os.path.dirname(_HERE)
BUILDDIR = os.environ.get("abs_top_builddir") or SRCDIR

EVENT_NAMES = ("spawn", "exec", "exit", "signal", "wait", "reparent", "reap",
               "attach", "detach")
REAPERS = ("parent", "subreaper", "init", "autoreap")
REAP_VIAS = ("syscall", "registers", "release", "tracer")
FINALS = ("reaped", "autoreaped", "zombie", "running")
LIFECYCLE_KEYS = ("pid", "ppid", "creator", "comm", "born", "exited",
                  "exit_code", "exit_signal", "core_dumped", "reaped",
                  "reaped_by", "reaper", "zombie_seconds", "final")


# ------------------------------------------------- running elsewhere (VMs)
# A test runs where zwatch does.  In a VM (tests/vm/) there is no Python,
# so the commands a test runs on the host are recorded (ZWTEST_PLAN), run
# in the VM by a shell script, and the results fed back to the same test
# (ZWTEST_REPLAY): each t.run() and t.run_cmd() takes the next recorded
# result, in order.  In the VM, zwatch is /bin/zwatch and the scenario
# programs are in /scn.

PLAN = os.environ.get("ZWTEST_PLAN")
REPLAY = os.environ.get("ZWTEST_REPLAY")
VM_ZWATCH = "/bin/zwatch"
VM_SCN = "/scn"


def elsewhere():
    """True when the commands run (or ran) in a VM: a test leaves out what
    needs the host's files after a run (say, a copy it made itself)."""
    return bool(PLAN or REPLAY)


def machine():
    """The architecture zwatch runs on (uname -m): the VM's in REPLAY."""
    if REPLAY:
        with open(os.path.join(REPLAY, "uname")) as f:
            return f.read().split()[-2]
    return os.uname().machine


def _vm_path(arg):
    """ARG as the VM sees it: zwatch and the scenario programs move."""
    if arg == zwatch_path():
        return VM_ZWATCH
    for d in (os.path.join(BUILDDIR, "tests", "scn"),
              os.path.join(SRCDIR, "tests", "scn"), _compiled_dir):
        if d and arg.startswith(d + "/"):
            return VM_SCN + arg[len(d):]
    if os.path.isabs(arg) and os.path.basename(arg) == "unshare":
        return "unshare"    # busybox's, in PATH
    return arg


def _plan_add(test, kind, argv, opts=(), prefix=(), timeout=30):
    rec = {"test": test.name, "idx": test.remote_idx, "kind": kind,
           "argv": [_vm_path(a) for a in argv],
           "opts": [_vm_path(a) for a in opts],
           "prefix": [_vm_path(a) for a in prefix], "timeout": timeout}
    with open(PLAN, "a") as f:
        f.write(json.dumps(rec) + "\n")


def _replayed(test, what):
    """The next recorded result of TEST: (rc, stdout, stderr, pid,
    elapsed, trace text or None).  A missing one is a hard error: the VM
    did not get that far."""
    d = os.path.join(REPLAY, test.name, str(test.remote_idx))

    def read(ext, default=None):
        try:
            with open(d + "." + ext, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            if default is None:
                raise HardError(f"{what}: no recorded {d}.{ext} (the VM "
                                "run ended before it)")
            return default
    rc = int(read("rc").strip())
    pid = int(read("pid").strip())
    elapsed = float(read("elapsed", "0").strip() or 0)
    return (rc, read("out"), read("err"), pid, elapsed,
            read("jsonl", "\0"))


class Skip(Exception):
    """The test cannot run here (exit 77)."""


class HardError(Exception):
    """The harness or a scenario program broke (exit 99)."""


class Stop(Exception):
    """A required check failed; the rest of the test makes no sense."""


# --------------------------------------------------------------- locating

def zwatch_path():
    return os.environ.get("ZWATCH") or os.path.join(BUILDDIR, "zwatch")


def _steal_ticks():
    """{cpu: steal ticks} from /proc/stat (column 8 of each cpuN line)."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            w = line.split()
            if w[0].startswith("cpu") and w[0] != "cpu" and len(w) > 8:
                out[w[0]] = int(w[8])
    return out


class Steal:
    """The steal time each CPU accounts on a VM (its host ran something
    else).  The scheduler's task clock, from which zwatch estimates a
    zombie's exit (se.exec_start), does not advance through it: an exit
    estimated now reads later by the steal accrued on the zombie's CPU
    since the exit (documented).  A test of estimated ages allows that
    much: the largest increase of any CPU since this object was made,
    plus a tick."""

    def __init__(self):
        self.start = _steal_ticks()

    def accrued(self):
        now = _steal_ticks()
        tick = os.sysconf("SC_CLK_TCK")
        return (max([now[c] - self.start.get(c, now[c]) for c in now],
                    default=0) + 1) / tick


def sanitized():
    """True if zwatch was built with AddressSanitizer (CI's second build):
    several times slower, so timing bounds that promise a release build's
    precision are widened there, and say so."""
    try:
        with open(zwatch_path(), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


_features = None


def features():
    """What this zwatch was built with, from the "features:" line of
    `zwatch -V`: a set holding "stacks" (-k, libunwind) and "lines"
    (source lines in frames, libdw), or fewer."""
    global _features
    if _features is None and REPLAY:
        with open(os.path.join(REPLAY, "zwatch-V.out")) as f:
            out = f.read()
    elif _features is None:
        out = subprocess.run([zwatch_path(), "-V"], capture_output=True,
                             text=True, timeout=30).stdout
    if _features is None:
        _features = set()
        for line in out.splitlines():
            if line.startswith("features:"):
                _features = set(line.split()[1:])
    return _features


_compiled_dir = None


def scn(name):
    """Path of the built scenario program NAME (tests/scn/NAME in the build
    tree).  When it has not been built (running a test file directly before
    `make check`), it is compiled from tests/scn/NAME.c into a temporary
    directory, so that a test can always be run on its own."""
    global _compiled_dir
    if REPLAY:
        return os.path.join(VM_SCN, name)
    path = os.path.join(BUILDDIR, "tests", "scn", name)
    if os.access(path, os.X_OK):
        return path
    src = os.path.join(SRCDIR, "tests", "scn", name + ".c")
    if not os.path.exists(src):
        raise HardError(f"scenario {name}: neither {path} nor {src} exists")
    if _compiled_dir is None:
        _compiled_dir = tempfile.mkdtemp(prefix="zwtest-scn-")
    out = os.path.join(_compiled_dir, name)
    if not os.path.exists(out):
        cc = shlex.split(os.environ.get("CC", "cc"))
        cmd = cc + ["-std=c11", "-Wall", "-Wextra", "-O2", "-pthread",
                    "-o", out, src]
        print(f"# {path} is not built; compiling: {' '.join(cmd)}")
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120, universal_newlines=True)
        if r.returncode != 0:
            raise HardError(f"cannot compile {src}:\n{r.stdout}")
    return out


def scn_script(name):
    """Path of a scenario script shipped in the source tree (tests/scn/)."""
    path = os.path.join(SRCDIR, "tests", "scn", name)
    if not os.path.exists(path):
        raise HardError(f"scenario script {path} is missing")
    return path


# ------------------------------------------------------------------ trace

def parse_kv(line):
    """'tag a=1 b=x y' -> {'tag': 'tag', 'a': 1, 'b': 'x y'}.  A value runs
    to the next ' key=' (so 'status=exited 9' keeps its space); values
    that are integers become ints."""
    tag, _, rest = line.partition(" ")
    rec = {"tag": tag}
    for m in re.finditer(r"(\w+)=(.*?)(?=\s+\w+=|$)", rest):
        v = m.group(2).strip()
        rec[m.group(1)] = int(v) if re.fullmatch(r"-?\d+", v) else v
    return rec


class Trace:
    """The result of one zwatch run: exit status, PROG's stdout/stderr, and
    the parsed JSON Lines."""

    def __init__(self, argv, rc, stdout, stderr, text, zwatch_pid, path,
                 elapsed):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.text = text
        self.zwatch_pid = zwatch_pid
        self.path = path
        self.elapsed = elapsed
        self.records = []
        self.bad_lines = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                self.bad_lines.append((n, line, str(e)))
                continue
            if not isinstance(rec, dict) or "event" not in rec:
                self.bad_lines.append((n, line, 'not an object with "event"'))
                continue
            rec["_line"] = n
            self.records.append(rec)

    # ---- JSON lookups
    def events(self, type=None, **match):
        """Event records (not lifecycles), optionally of one type and whose
        keys equal the given values: events("reap", pid=123)."""
        out = []
        for r in self.records:
            if r["event"] == "lifecycle":
                continue
            if type is not None and r["event"] != type:
                continue
            if all(r.get(k) == v for k, v in match.items()):
                out.append(r)
        return out

    @property
    def lifecycles(self):
        return [r for r in self.records if r["event"] == "lifecycle"]

    def lifecycle(self, pid):
        """The lifecycle record of PID, or None."""
        found = [r for r in self.lifecycles if r.get("pid") == pid]
        return found[0] if found else None

    def by_comm(self, comm):
        return [r for r in self.lifecycles if r.get("comm") == comm]

    def children(self, ppid):
        """Lifecycles whose (birth) parent is PPID."""
        return [r for r in self.lifecycles if r.get("ppid") == ppid]

    @property
    def root(self):
        """The lifecycle of PROG itself: the child of zwatch."""
        found = [r for r in self.lifecycles if r.get("ppid") == self.zwatch_pid]
        return found[0] if len(found) == 1 else None

    @staticmethod
    def one(items):
        return items[0] if len(items) == 1 else None

    # ---- PROG's own output
    def out(self, tag):
        """PROG's stdout lines 'TAG k=v ...' parsed by parse_kv."""
        return [parse_kv(l) for l in self.stdout.splitlines()
                if l.split(" ", 1)[0] == tag]

    def out_one(self, tag):
        recs = self.out(tag)
        if len(recs) != 1:
            raise HardError(f"scenario printed {len(recs)} '{tag}' lines, "
                            f"expected 1; stdout:\n{self.stdout}")
        return recs[0]

    def lines_about(self, pids):
        """The raw JSON lines mentioning any of PIDS (for failure output)."""
        pids = set(pids)
        keys = ("pid", "ppid", "creator", "by", "from", "to", "si_pid",
                "result", "tid", "old_tid")
        out = []
        for line in self.text.splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                out.append(line)
                continue
            if isinstance(r, dict) and any(r.get(k) in pids for k in keys):
                out.append(line)
        return out


# ------------------------------------------------------------------- test

def _fmt(v):
    return json.dumps(v) if not isinstance(v, str) or v == "" else repr(v)


class Test:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.tmpdir = tempfile.mkdtemp(prefix=f"zwtest-{name}-")
        self.traces = []
        self._last = None
        self.remote_idx = 0     # the next command's number (PLAN, REPLAY)

    # ---- reporting
    def _ok(self, what):
        self.passed += 1
        print(f"ok {self.passed + self.failed} - {what}", flush=True)
        return True

    def _fail(self, what, detail=None, trace=None, pids=()):
        self.failed += 1
        print(f"FAIL {self.passed + self.failed} - {what}", flush=True)
        if detail:
            for line in str(detail).rstrip("\n").split("\n"):
                print(f"#   {line}")
        trace = trace or self._last
        if trace is not None and pids:
            lines = trace.lines_about(pids)
            if lines:
                print(f"#   trace lines about pids {sorted(set(pids))} "
                      f"({trace.path}):")
                for l in lines[:60]:
                    print(f"#     {l}")
                if len(lines) > 60:
                    print(f"#     ... {len(lines) - 60} more")
        sys.stdout.flush()
        return False

    def note(self, msg):
        for line in str(msg).rstrip("\n").split("\n"):
            print(f"# {line}")
        sys.stdout.flush()

    # ---- checks (they record and go on; require() stops the test)
    def check(self, cond, what, detail=None, pids=()):
        return self._ok(what) if cond else self._fail(what, detail, pids=pids)

    def eq(self, actual, expected, what, pids=()):
        if actual == expected:
            return self._ok(f"{what} == {_fmt(expected)}")
        return self._fail(f"{what}: expected {_fmt(expected)}, got {_fmt(actual)}",
                          pids=pids)

    def between(self, value, lo, hi, what, pids=()):
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and lo <= value <= hi:
            return self._ok(f"{what} = {value} in [{lo}, {hi}]")
        return self._fail(f"{what}: expected a number in [{lo}, {hi}], "
                          f"got {_fmt(value)}", pids=pids)

    def match(self, record, expected, what, pids=None):
        """RECORD (a dict) has every key of EXPECTED with that value.  A
        value may be a callable predicate (given the actual value)."""
        if record is None:
            return self._fail(f"{what}: record missing", pids=pids or ())
        bad = []
        for k, v in expected.items():
            if k not in record:
                bad.append(f"{k}: missing (expected {_fmt(v)})")
            elif callable(v):
                if not v(record[k]):
                    bad.append(f"{k}: {_fmt(record[k])} fails "
                               f"{getattr(v, '__name__', 'predicate')}")
            elif record[k] != v or type(record[k]) is not type(v) \
                    and not (isinstance(v, float) and isinstance(record[k], int)):
                bad.append(f"{k}: expected {_fmt(v)}, got {_fmt(record[k])}")
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in expected.items()
                          if not callable(v))
        if not bad:
            return self._ok(f"{what}: {shown}" if shown else what)
        rec = {k: v for k, v in record.items() if k != "_line"}
        if pids is None:
            pids = [record.get("pid")]
        return self._fail(f"{what}", "\n".join(bad) + "\nrecord: " +
                          json.dumps(rec), pids=pids)

    def require(self, value, what, detail=None, pids=()):
        """Like check(bool(value)), but stops the test when it fails.
        Returns VALUE, so it can wrap lookups."""
        if value is None or value is False:
            self._fail(what + " (required)", detail, pids=pids)
            raise Stop(what)
        self._ok(what)
        return value

    def require_stacks(self):
        """Skips the test if this zwatch was built without libunwind (-k
        then refuses and says so)."""
        rc, _, err, _, _ = self.run_cmd([zwatch_path(), "-k", "-q", "-o",
                                         "/dev/null", "--", "/bin/true"],
                                        what="zwatch -k probe")
        if rc != 0 and "libunwind" in err:
            self.skip("zwatch built without libunwind")

    def require_pidns(self):
        """The prefix that runs a command as pid 1 of a new pid namespace
        (unshare -fp --mount-proc); skips the test where that cannot
        work here."""
        unshare = shutil.which("unshare")
        if not unshare:
            self.skip("unshare(1) is not installed")
        prefix = [unshare, "-fp", "--mount-proc"]
        rc, _, err, _, _ = self.run_cmd(prefix + ["/bin/true"], timeout=20,
                                        what="unshare probe")
        if rc != 0:
            self.skip(f"unshare -fp --mount-proc does not work here: {err.strip()}")
        return prefix

    def skip(self, reason):
        raise Skip(reason)

    # ---- running
    def run_cmd(self, argv, timeout=30, env=None, stdin=subprocess.DEVNULL,
                what=None, remote=True):
        """Run any command with a timeout; returns (rc, stdout, stderr,
        pid).  On timeout the process group is killed and the test stops.
        REMOTE: the command is one a VM run records or replays."""
        if REPLAY and remote:
            rc, out, err, pid, elapsed, _ = _replayed(self, what or argv[0])
            self.remote_idx += 1
            return rc, out, err, pid, elapsed
        if PLAN and remote:
            _plan_add(self, "cmd", argv, timeout=timeout)
            self.remote_idx += 1
        start = time.monotonic()
        p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _killpg(p)
            out, err = p.communicate()
            self._fail(f"{what or argv[0]}: timed out after {timeout} s",
                       f"command: {shlex.join(argv)}\nstdout: {_tail(out)}\n"
                       f"stderr: {_tail(err)}")
            raise Stop("timeout")
        finally:
            if p.poll() is None:
                _killpg(p)
        elapsed = time.monotonic() - start
        return (p.returncode, out.decode(errors="replace"),
                err.decode(errors="replace"), p.pid, elapsed)

    def run(self, argv, timeout=60, opts=(), prefix=(), expect_rc=0,
            name=None, env=None):
        """Run `PREFIX zwatch --json -o FILE OPTS -- ARGV` and parse the
        trace.  EXPECT_RC (None: don't check) is zwatch's exit status, which
        is PROG's.  The run fails (and the test stops) on a timeout or when
        zwatch wrote no trace at all."""
        zw = zwatch_path()
        if not REPLAY and not os.access(zw, os.X_OK):
            raise HardError(f"zwatch binary {zw} not found: build it first "
                            "(or set ZWATCH)")
        name = name or os.path.basename(argv[0])
        path = os.path.join(self.tmpdir, f"{len(self.traces)}-{name}.jsonl")
        cmd = list(prefix) + [zw, "--json", "-o", path] + list(opts) + \
            ["--"] + list(argv)
        if REPLAY:
            self.note(f"replay {self.remote_idx}: {shlex.join(cmd)}")
            path = os.path.join(REPLAY, self.name, f"{self.remote_idx}.jsonl")
            rc, out, err, pid, elapsed, text = _replayed(self, "zwatch")
            self.remote_idx += 1
        else:
            if PLAN:
                _plan_add(self, "run", argv, opts, prefix, timeout)
                self.remote_idx += 1
            self.note(f"run: {shlex.join(cmd)}")
            rc, out, err, pid, elapsed = self.run_cmd(cmd, timeout=timeout,
                                                       env=env, what="zwatch",
                                                       remote=False)
            text = _read_or_none(path)
        if text is None or text == "\0":
            self._fail(f"zwatch wrote no trace file {path}",
                       f"exit status {rc}\nstderr: {_tail(err)}")
            raise Stop("no trace")
        tr = Trace(argv, rc, out, err, text, None if prefix else pid, path,
                   elapsed)
        self.traces.append(tr)
        self._last = tr
        self.note(f"zwatch exited {rc} after {elapsed:.2f} s; "
                  f"{len(tr.records)} JSON lines, {len(tr.lifecycles)} lifecycles")
        if os.environ.get("ZWTEST_VERBOSE"):
            self.note(f"stdout:\n{out}\nstderr:\n{err}\ntrace:\n{text}")
        if tr.bad_lines:
            self._fail(f"{len(tr.bad_lines)} trace lines are not JSON objects "
                       f"with \"event\"",
                       "\n".join(f"line {n}: {e}: {l[:200]}"
                                 for n, l, e in tr.bad_lines[:10]))
        if expect_rc is not None:
            if rc != expect_rc:
                self._fail(f"zwatch exit status: expected {expect_rc}, got {rc}",
                           f"stdout: {_tail(out)}\nstderr: {_tail(err)}")
            else:
                self._ok(f"zwatch exit status == {expect_rc}")
        return tr

    # ---- common assertions on a trace
    def lifecycle(self, tr, pid, what):
        """The lifecycle of PID; the test stops if there is none (or if
        there are several)."""
        found = [r for r in tr.lifecycles if r.get("pid") == pid]
        if len(found) != 1:
            self._fail(f"{what}: expected 1 lifecycle record for pid {pid}, "
                       f"found {len(found)}", pids=[pid])
            raise Stop(what)
        return found[0]

    def reaped_once(self, tr, pid, by, what):
        """PID has exactly one reap event, by BY (a tgid), not autoreaped."""
        reaps = tr.events("reap", pid=pid)
        ok = self.eq(len(reaps), 1, f"{what}: number of reap events for {pid}",
                     pids=[pid])
        if reaps:
            self.eq(reaps[0].get("by"), by, f"{what}: reap event 'by'",
                    pids=[pid])
        return ok

    def children_ok(self, tr, kids, want, what):
        """Each of KIDS (PROG's "child pid=P code=C" lines, parsed) has
        exactly one lifecycle record, with exit code C, no signal, and the
        values of WANT.  Two checks, each listing the first failures."""
        by_pid = {}
        for r in tr.lifecycles:
            by_pid.setdefault(r.get("pid"), []).append(r)
        missing, wrong = [], []
        for k in kids:
            recs = by_pid.get(k["pid"], [])
            if len(recs) != 1:
                missing.append(k["pid"])
                continue
            w = dict(want, exit_code=k["code"], exit_signal=None)
            diff = {key: recs[0].get(key) for key, v in w.items()
                    if recs[0].get(key) != v}
            if diff:
                wrong.append((k["pid"], k["code"], diff))
        self.check(not missing, f"{what}: every child has exactly one "
                   f"lifecycle record ({len(missing)} do not)",
                   f"first pids: {missing[:10]}", pids=missing[:3])
        self.check(not wrong, f"{what}: every child's exit code and "
                   f"{', '.join(f'{k}={v}' for k, v in want.items())} "
                   f"({len(wrong)} wrong)",
                   "\n".join(f"pid {p} (code {c}): {d}"
                             for p, c, d in wrong[:10]),
                   pids=[p for p, _, _ in wrong[:3]])

    def root_ok(self, tr, code=0):
        """PROG's own lifecycle: child of zwatch, reaped by zwatch."""
        root = self.require(tr.root, "PROG has one lifecycle with ppid = "
                            f"zwatch's pid ({tr.zwatch_pid})",
                            pids=[tr.zwatch_pid])
        self.match(root, {"exit_code": code, "exit_signal": None,
                          "reaped_by": tr.zwatch_pid, "reaper": "parent",
                          "final": "reaped"}, "PROG lifecycle")
        return root

    def scenario_ok(self, tr):
        """The scenario program's own verdict (its exit status) was 'all as
        expected'.  A scenario that broke itself is a hard error."""
        if tr.rc == 99:
            raise HardError(f"scenario {tr.argv[0]} broke (exit 99):\n"
                            f"{tr.stderr}")

    def finish(self):
        total = self.passed + self.failed
        if self.failed or os.environ.get("ZWTEST_KEEP"):
            self.note(f"traces kept in {self.tmpdir}")
        else:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        if total == 0:
            print(f"{self.name}: no check ran")
            return HARD_ERROR
        return FAIL if self.failed else PASS


def _read_or_none(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _killpg(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(b, n=2000):
    s = b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
    return s if len(s) <= n else "..." + s[-n:]


# ----------------------------------------------------------------- schema

def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def schema_problems(tr):
    """Every way TR's JSON differs from the documented contract (field
    names and types, and the lifecycle's internal consistency)."""
    probs = []

    def need(rec, key, pred, desc):
        if key not in rec:
            probs.append(f"line {rec['_line']} ({rec['event']}): no \"{key}\"")
        elif not pred(rec[key]):
            probs.append(f"line {rec['_line']} ({rec['event']}): \"{key}\" "
                         f"should be {desc}, is {_fmt(rec[key])}")

    def opt_int(v):
        return v is None or _is_int(v)

    def sig(v):
        return isinstance(v, str) and v.startswith("SIG")

    def strlist(v):
        return isinstance(v, list) and all(isinstance(x, str) for x in v)

    seen_lifecycle = False
    pids = {}
    for r in tr.records:
        ev = r["event"]
        if ev == "lifecycle":
            seen_lifecycle = True
            need(r, "pid", _is_int, "an int")
            pids[r.get("pid")] = pids.get(r.get("pid"), 0) + 1
            for k in LIFECYCLE_KEYS:
                if k not in r:
                    probs.append(f"line {r['_line']} (lifecycle): no \"{k}\"")
            need(r, "ppid", opt_int, "an int")
            need(r, "creator", opt_int, "an int or null")
            need(r, "comm", lambda v: isinstance(v, str), "a string")
            for k in ("born", "exited", "reaped", "zombie_seconds"):
                need(r, k, lambda v: v is None or _is_num(v), "a number or null")
            need(r, "exit_code", opt_int, "an int or null")
            need(r, "exit_signal", lambda v: v is None or sig(v),
                 "\"SIG...\" or null")
            need(r, "core_dumped", lambda v: isinstance(v, bool), "a bool")
            need(r, "reaped_by", opt_int, "an int or null")
            need(r, "reaper", lambda v: v is None or v in REAPERS,
                 f"one of {REAPERS} or null")
            need(r, "final", lambda v: v in FINALS, f"one of {FINALS}")
            f = r.get("final")
            L = f"line {r['_line']} (lifecycle pid {r.get('pid')})"
            if r.get("exited") is not None and \
                    (r.get("exit_code") is None) == (r.get("exit_signal") is None):
                probs.append(f"{L}: exactly one of exit_code/exit_signal "
                             f"should be set")
            # reaper null: released by someone zwatch could not tell
            # (documented); then reaped_by is null too.
            if f == "reaped" and (r.get("reaped") is None or
                                  r.get("reaper") not in ("parent", "subreaper",
                                                          "init", None) or
                                  (r.get("reaper") is None and
                                   r.get("reaped_by") is not None)):
                probs.append(f"{L}: final reaped but reaped/reaper are "
                             f"{_fmt(r.get('reaped'))}/{_fmt(r.get('reaper'))}")
            if f == "autoreaped" and (r.get("reaper") != "autoreap" or
                                      r.get("reaped_by") is not None):
                probs.append(f"{L}: final autoreaped needs reaper autoreap "
                             f"and reaped_by null")
            if f == "zombie" and (r.get("exited") is None or
                                  r.get("reaped") is not None):
                probs.append(f"{L}: final zombie needs exited set, reaped null")
            if f == "running" and r.get("exited") is not None:
                probs.append(f"{L}: final running but exited is set")
            ex, rp, zs = r.get("exited"), r.get("reaped"), r.get("zombie_seconds")
            if f == "reaped" and _is_num(ex) and _is_num(rp):
                if not _is_num(zs) or abs(zs - (rp - ex)) > 0.002:
                    probs.append(f"{L}: zombie_seconds {_fmt(zs)} != reaped - "
                                 f"exited = {rp - ex:.6f}")
            continue
        if ev not in EVENT_NAMES:
            probs.append(f"line {r['_line']}: unknown event {ev!r}")
            continue
        if seen_lifecycle:
            probs.append(f"line {r['_line']} ({ev}): event after the "
                         f"lifecycle records")
        need(r, "t", lambda v: _is_num(v) and v >= 0, "a number >= 0")
        need(r, "pid", lambda v: _is_int(v) and v > 0, "a pid")
        if ev == "spawn":
            for k in ("tid", "ppid", "creator"):
                need(r, k, _is_int, "an int")
            need(r, "syscall", lambda v: v in ("fork", "vfork", "clone", "clone3"),
                 "fork/vfork/clone/clone3")
            need(r, "flags", lambda v: strlist(v) and
                 all(x.startswith("CLONE_") for x in v), "a list of CLONE_*")
        elif ev == "exec":
            need(r, "tid", _is_int, "an int")
            need(r, "path", lambda v: isinstance(v, str), "a string")
            need(r, "comm", lambda v: isinstance(v, str), "a string")
            need(r, "argv", strlist, "a list of strings")
            if "old_tid" in r:
                need(r, "old_tid", _is_int, "an int")
        elif ev == "exit":
            need(r, "exit_code", opt_int, "an int or null")
            need(r, "exit_signal", lambda v: v is None or sig(v),
                 "\"SIG...\" or null")
            need(r, "core_dumped", lambda v: isinstance(v, bool), "a bool")
            if (r.get("exit_code") is None) == (r.get("exit_signal") is None):
                probs.append(f"line {r['_line']} (exit): exactly one of "
                             f"exit_code/exit_signal should be set")
        elif ev == "signal":
            need(r, "tid", _is_int, "an int")
            need(r, "signal", sig, "\"SIG...\"")
            need(r, "si_code", lambda v: isinstance(v, str), "a string")
            need(r, "si_pid", _is_int, "an int")
            need(r, "si_status", _is_int, "an int")
        elif ev == "wait":
            need(r, "tid", _is_int, "an int")
            need(r, "syscall", lambda v: v in ("wait4", "waitid"), "wait4/waitid")
            need(r, "options", strlist, "a list of strings")
            need(r, "result", _is_int, "an int")
        elif ev == "reparent":
            need(r, "from", _is_int, "an int")
            need(r, "to", _is_int, "an int")
        elif ev == "reap":
            need(r, "by", opt_int, "an int or null")
            need(r, "reaper", lambda v: v is None or v in REAPERS,
                 f"one of {REAPERS} or null (unknown)")
            if "tid" in r:
                need(r, "tid", _is_int, "an int")
            if "syscall" in r:
                need(r, "syscall", lambda v: v in ("wait4", "waitid"),
                     "wait4/waitid")
            need(r, "via", lambda v: v in REAP_VIAS, f"one of {REAP_VIAS}")
            if (r.get("via") in ("syscall", "registers", "tracer")) != \
                    ("syscall" in r):
                probs.append(f"line {r['_line']} (reap): a syscall exactly "
                             f"when via is syscall, registers or tracer")
            if "by_comm" in r:
                need(r, "by_comm", lambda v: isinstance(v, str) and v and
                     r.get("by") is not None, "a name, with a reaper")
            if (r.get("reaper") in ("autoreap", None)) != (r.get("by") is None):
                probs.append(f"line {r['_line']} (reap): by must be null "
                             f"exactly when reaper is autoreap or unknown")
    for pid, n in pids.items():
        if n > 1:
            probs.append(f"{n} lifecycle records for pid {pid}")
    return probs


# ------------------------------------------------------------ attach mode
# Helpers for tests of `zwatch -p PID` (attach mode): scenario processes the
# test starts itself (Target), a zwatch attached to them (Attached), both
# run inside an AttachSession, a context manager that kills whatever is
# still running at the end (zwatch first, so that no target is left
# traced, then the targets' process groups).  Only ever attach to
# processes the test started: never to PID 1, the test itself or an
# ancestor.

def poll_until(pred, timeout, interval=0.005):
    """Bounded polling: calls PRED until it returns a true value (which is
    returned) or TIMEOUT seconds have passed (returns None)."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def _proc_path(pid, tid=None):
    return f"/proc/{pid}" if tid is None else f"/proc/{pid}/task/{tid}"


def proc_status(pid, tid=None):
    """/proc/PID/status (or the thread TID's) as a dict of strings; None
    when the process is gone."""
    try:
        with open(_proc_path(pid, tid) + "/status") as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def tracer_pid(pid, tid=None):
    """TracerPid of PID (or of its thread TID); None when it is gone."""
    st = proc_status(pid, tid)
    return int(st["TracerPid"]) if st and "TracerPid" in st else None


def proc_stat(pid, tid=None):
    """(state letter, ppid) from /proc/PID/stat; None when it is gone."""
    try:
        with open(_proc_path(pid, tid) + "/stat") as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    rest = text[text.rfind(")") + 2:].split()
    return rest[0], int(rest[1])


def proc_state(pid, tid=None):
    """The /proc state letter of PID (or thread TID); None when gone."""
    st = proc_stat(pid, tid)
    return st[0] if st else None


def thread_ids(pid):
    """The tids of PID's threads (empty when it is gone)."""
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except (FileNotFoundError, ProcessLookupError):
        return []


def children_of(pid):
    """PID's children (of all its threads), from /proc/PID/task/*/children."""
    out = []
    for tid in thread_ids(pid):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return sorted(set(out))


def ns_pids(pid):
    """PID's pids in its nested pid namespaces (NSpid), outermost first."""
    st = proc_status(pid)
    return [int(x) for x in st.get("NSpid", "").split()] if st else []


def thread_states(pid):
    """{tid: (state letter, TracerPid)} for every thread of PID."""
    out = {}
    for tid in thread_ids(pid):
        s, tp = proc_state(pid, tid), tracer_pid(pid, tid)
        if s is not None:
            out[tid] = (s, tp)
    return out


class Target:
    """A scenario process the test started (in its own session, so its
    process group can be killed).  Its stdin is a pipe (send(), close_stdin()),
    its stdout and stderr go to files that wait_line() polls."""

    def __init__(self, t, argv, name, env=None):
        self.t = t
        self.argv = list(argv)
        self.name = name
        base = os.path.join(t.tmpdir, f"target-{name}")
        self.out_path, self.err_path = base + ".out", base + ".err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                      stdout=out, stderr=err, env=env,
                                      start_new_session=True)
        self.pid = self.p.pid
        self.rc = None
        t.note(f"started {name} as pid {self.pid}: {shlex.join(self.argv)}")

    def _read(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    @property
    def stdout(self):
        return self._read(self.out_path)

    @property
    def stderr(self):
        return self._read(self.err_path)

    def out(self, tag):
        """Complete stdout lines 'TAG k=v ...' parsed by parse_kv."""
        return [parse_kv(l) for l in self.stdout.split("\n")[:-1]
                if l.split(" ", 1)[0] == tag]

    def out_one(self, tag):
        recs = self.out(tag)
        if len(recs) != 1:
            raise HardError(f"{self.name} printed {len(recs)} '{tag}' lines, "
                            f"expected 1; stdout:\n{self.stdout}")
        return recs[0]

    def wait_line(self, tag, count=1, timeout=30):
        """Waits (bounded) until the program has printed COUNT 'TAG' lines;
        returns them parsed.  A program that dies or stays silent is a
        hard error."""
        def have():
            recs = self.out(tag)
            if len(recs) >= count:
                return recs
            if self.p.poll() is not None:
                raise HardError(f"{self.name} exited {self.p.returncode} "
                                f"before printing '{tag}':\n{self.stdout}\n"
                                f"{self.stderr}")
            return None
        recs = poll_until(have, timeout)
        if recs is None:
            raise HardError(f"{self.name} printed no '{tag}' line within "
                            f"{timeout} s:\n{self.stdout}\n{self.stderr}")
        return recs

    def send(self, text="go\n"):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def close_stdin(self):
        if self.p.stdin and not self.p.stdin.closed:
            self.p.stdin.close()

    def wait(self, timeout=60):
        """Waits for (and reaps) the program; returns its exit status.  On
        timeout its process group is killed and the test stops."""
        try:
            self.rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.t._fail(f"{self.name} (pid {self.pid}) did not exit within "
                         f"{timeout} s", f"state: {thread_states(self.pid)}\n"
                         f"stdout: {_tail(self.stdout)}\nstderr: "
                         f"{_tail(self.stderr)}")
            raise Stop("timeout")
        return self.rc

    def kill(self):
        """Kills the whole process group (SIGKILL works on stopped
        processes too) and reaps the program."""
        self.close_stdin()
        if self.p.poll() is None:
            _killpg(self.p)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class Attached:
    """A running `PREFIX zwatch --json -o FILE OPTS -p PIDS`.  PREFIX must
    exec zwatch in the same process (sh -c 'exec ...', setpriv, unshare
    without -f) so that the pid is zwatch's."""

    def __init__(self, t, pids, opts=(), prefix=(), name="attach", json=True):
        zw = zwatch_path()
        if not os.access(zw, os.X_OK):
            raise HardError(f"zwatch binary {zw} not found: build it first "
                            "(or set ZWATCH)")
        self.t = t
        self.index = len(t.traces)
        self.path = os.path.join(t.tmpdir, f"{self.index}-{name}.jsonl")
        t.traces.append(None)    # reserves the number; finish() fills it
        # The -o output is buffered; the -w record file is flushed line by
        # line, so wait_attached() watches that one.
        self.rec_path = self.path[:-len(".jsonl")] + ".rec"
        pidargs = ["-p", ",".join(str(p) for p in pids)] if pids else []
        self.argv = list(prefix) + [zw] + (["--json"] if json else []) + \
            ["-o", self.path, "-w", self.rec_path] + list(opts) + pidargs
        base = os.path.join(t.tmpdir, f"zwatch-{name}")
        self.out_path, self.err_path = base + ".out", base + ".err"
        t.note(f"run: {shlex.join(self.argv)}")
        self.start = time.monotonic()
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                      stdout=out, stderr=err,
                                      start_new_session=True)
        self.pid = self.p.pid
        self.signal_time = None
        self.trace = None

    def text(self):
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def records(self):
        """The complete JSON lines of the record file (-w) written so far
        (bad ones skipped)."""
        try:
            with open(self.rec_path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        out = []
        for line in text.split("\n")[:-1]:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict):
                out.append(r)
        return out

    @property
    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_attached(self, pids, timeout=30):
        """Waits (bounded) until zwatch has written an attach event for
        every pid of PIDS and is the tracer of every thread of those that
        are not zombies.  Returns {pid: attach event}; the test stops when
        that does not happen."""
        pids = list(pids)

        def done():
            if self.p.poll() is not None:
                return "exited"
            ev = {r["pid"]: r for r in self.records()
                  if r.get("event") == "attach" and r.get("pid") in pids}
            if len(ev) < len(pids):
                return None
            for pid in pids:
                if ev[pid].get("state") == "Z":
                    continue
                # A leader gone by pthread_exit() shows Z: not seizable.
                ts = {tid: tp for tid, (st, tp) in thread_states(pid).items()
                      if st != "Z"}
                if not ts or any(tp != self.pid for tp in ts.values()):
                    return None
            return ev
        ev = poll_until(done, timeout)
        if ev is None or ev == "exited":
            self.t._fail(f"zwatch (pid {self.pid}) attached to {pids}",
                         f"{'it exited ' + str(self.p.returncode) if ev else 'not within ' + str(timeout) + ' s'}\n"
                         f"threads: { {p: thread_states(p) for p in pids} }\n"
                         f"stderr: {_tail(self.stderr)}\ntrace: {_tail(self.text())}")
            raise Stop("attach")
        self.t._ok(f"zwatch (pid {self.pid}) attached to {pids} "
                   f"(attach events, TracerPid of every thread)")
        return ev

    def signal(self, sig):
        self.signal_time = time.monotonic()
        os.kill(self.pid, sig)

    def finish(self, timeout=30, expect_rc=0):
        """Waits for zwatch to end (killing it after TIMEOUT s: the test
        stops), parses the trace and checks the exit status (None: don't).
        Returns a Trace; .after_signal is the time from signal() to the
        exit (None without a signal)."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.t._fail(f"zwatch (pid {self.pid}) did not end within "
                         f"{timeout} s", f"stderr: {_tail(self.stderr)}\n"
                         f"trace: {_tail(self.text())}")
            raise Stop("timeout")
        end = time.monotonic()
        err = self.stderr
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            out = f.read()
        tr = Trace(self.argv, rc, out, err, self.text(), self.pid, self.path,
                   end - self.start)
        tr.after_signal = (end - self.signal_time) if self.signal_time else None
        self.t._last = tr
        self.t.traces[self.index] = tr
        self.trace = tr
        self.t.note(f"zwatch exited {rc} after {tr.elapsed:.2f} s; "
                    f"{len(tr.records)} JSON lines, {len(tr.lifecycles)} "
                    f"lifecycles")
        if os.environ.get("ZWTEST_VERBOSE"):
            self.t.note(f"stderr:\n{err}\ntrace:\n{tr.text}")
        if tr.bad_lines:
            self.t._fail(f"{len(tr.bad_lines)} trace lines are not JSON "
                         f"objects with \"event\"",
                         "\n".join(f"line {n}: {e}: {l[:200]}"
                                   for n, l, e in tr.bad_lines[:10]))
        if expect_rc is not None:
            self.t.eq(rc, expect_rc, "zwatch exit status") or \
                self.t.note(f"stderr: {_tail(err)}")
        return tr

    def kill(self):
        if self.p.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class AttachSession:
    """with zwtest.AttachSession(t) as s: tgt = s.spawn([...]);
    zw = s.attach([tgt.pid]) ...  On exit, kills any zwatch still running
    (the kernel detaches its tracees), then the process group of every
    target not reaped yet."""

    def __init__(self, t):
        self.t = t
        self.targets = []
        self.zwatches = []

    def __enter__(self):
        return self

    def spawn(self, argv, name=None, env=None):
        name = name or f"{len(self.targets)}-{os.path.basename(argv[0])}"
        tgt = Target(self.t, argv, name, env=env)
        self.targets.append(tgt)
        return tgt

    def attach(self, pids, opts=(), prefix=(), name=None, json=True):
        zw = Attached(self.t, pids, opts=opts, prefix=prefix,
                      name=name or f"attach{len(self.zwatches)}", json=json)
        self.zwatches.append(zw)
        return zw

    def __exit__(self, *exc):
        for zw in self.zwatches:
            zw.kill()
        for tgt in self.targets:
            tgt.kill()
        return False


# ------------------------------------------------------------------- main

def main(test_fn, name=None):
    """Run TEST_FN(t) and exit with the automake test protocol status."""
    name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
    t = Test(name)
    print(f"# {name}: zwatch = {zwatch_path()}")
    try:
        test_fn(t)
    except Skip as e:
        print(f"SKIP: {name}: {e}")
        shutil.rmtree(t.tmpdir, ignore_errors=True)
        sys.exit(SKIP)
    except Stop:
        pass
    except HardError as e:
        print(f"ERROR: {name}: {e}")
        print(f"# files kept in {t.tmpdir}")
        sys.exit(HARD_ERROR)
    except Exception:
        traceback.print_exc(file=sys.stdout)
        print(f"ERROR: {name}: the test itself raised an exception")
        print(f"# files kept in {t.tmpdir}")
        sys.exit(HARD_ERROR)
    finally:
        if _compiled_dir:
            shutil.rmtree(_compiled_dir, ignore_errors=True)
    sys.exit(t.finish())
