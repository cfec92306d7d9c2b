"""watchtest - helpers for the tests of `zwatch watch` (tests/e2e/
test_watch_*.py, tests/stress_watch.py, bench/watch_bench.py).

Watch: a `zwatch watch` in the background, its stdout (JSON lines) and
stderr in files, stopped with SIGTERM.  Prometheus: Debian's prometheus
on 127.0.0.1 with a temporary config and data directory, scraping it.
Cgroup: a cgroup v2 directory the test creates and removes.

The machine is shared: system-wide, zwatch watch sees every helper's
processes.  Tests restrict their checks to their own processes (-p, a
cgroup of their own, or the pids their scenarios print).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zwtest  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
from test_proc_connector import (ProcConnector, CN_MSG, PROC_EV,  # noqa: E402
                                 PROC_EVENT_NONE, PROC_EVENT_EXIT)
import struct  # noqa: E402

EXIT_FULL = struct.Struct("=iiIIii")  # pid, tgid, code, signal, ppid, ptgid


class KernelExits(ProcConnector):
    """The test's own proc connector listener, independent of zwatch:
    .exit[tgid] = (kernel timestamp in CLOCK_MONOTONIC seconds, parent
    tgid at exit (0: released at exit), wait status)."""

    def __init__(self):
        self.exit = {}
        super().__init__()

    def _parse(self, msg):
        if len(msg) < CN_MSG.size + PROC_EV.size:
            return
        what, _, ts = PROC_EV.unpack_from(msg, CN_MSG.size)
        body = CN_MSG.size + PROC_EV.size
        if what == PROC_EVENT_NONE:
            self.acked.set()
        elif what == PROC_EVENT_EXIT and len(msg) >= body + EXIT_FULL.size:
            pid, tgid, code, _, _, ptgid = EXIT_FULL.unpack_from(msg, body)
            if pid == tgid:
                self.exit[tgid] = (ts / 1e9, ptgid, code)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


class Watch:
    """zwatch watch ARGS in the background."""

    def __init__(self, t, args, prefix=(), name="watch", cmd=None):
        """cmd: a whole command line instead (one that execs zwatch watch
        in the end)."""
        self.t = t
        self.out = os.path.join(t.tmpdir, f"{name}.out")
        self.err = os.path.join(t.tmpdir, f"{name}.err")
        self.cmd = cmd or \
            list(prefix) + [zwtest.zwatch_path(), "watch"] + list(args)
        t.note("start: " + " ".join(self.cmd))
        with open(self.out, "wb") as o, open(self.err, "wb") as e:
            self.p = subprocess.Popen(self.cmd, stdout=o, stderr=e,
                                      stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        self.rc = None

    def lines(self):
        out = []
        with open(self.out, errors="replace") as f:
            for line in f:
                if line.endswith("\n"):
                    out.append(json.loads(line))
        return out

    def stderr(self):
        with open(self.err, errors="replace") as f:
            return f.read()

    def wait_start(self, timeout=10):
        """Until the "start" JSON line (needs --log-releases or
        --max-zombie-age); the subscription and census are done then."""
        ok = zwtest.poll_until(
            lambda: self.p.poll() is not None or
            any(l.get("event") == "start" for l in self.lines()), timeout)
        if self.p.poll() is not None or not ok:
            raise zwtest.HardError(f"zwatch watch did not start (rc "
                                   f"{self.p.poll()}): {self.stderr()}")
        return next(l for l in self.lines() if l.get("event") == "start")

    def wait_http(self, port, timeout=10):
        def up():
            if self.p.poll() is not None:
                return True
            try:
                return http_get(f"http://127.0.0.1:{port}/metrics", 1)
            except OSError:
                return None
        if not zwtest.poll_until(up, timeout, 0.05) or self.p.poll() is not None:
            raise zwtest.HardError(f"zwatch watch does not serve port {port} "
                                   f"(rc {self.p.poll()}): {self.stderr()}")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.rc = self.p.returncode
        return self.rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def parse_metrics(text):
    """{(name, frozenset(labels.items())): value} of a /metrics text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, labels = head, {}
        if "{" in head:
            name, _, rest = head.partition("{")
            for part in rest.rstrip("}").split('",'):
                if part:
                    k, _, v = part.partition('="')
                    labels[k] = v.rstrip('"')
        out[(name, frozenset(labels.items()))] = float(value)
    return out


def metric(parsed, name, **labels):
    """The value of NAME with exactly LABELS, or None."""
    return parsed.get((name, frozenset(labels.items())))


class Prometheus:
    """A real Prometheus scraping TARGET (host:port) every 200 ms."""

    def __init__(self, t, target):
        self.bin = shutil.which("prometheus")
        if not self.bin:
            t.skip("no prometheus binary (apt-get install prometheus)")
        self.t = t
        self.port = free_port()
        self.dir = os.path.join(t.tmpdir, "prometheus")
        os.makedirs(os.path.join(self.dir, "data"))
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                    "scrape_configs:\n  - job_name: zwatch\n"
                    f"    static_configs:\n      - targets: ['{target}']\n")
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.p = subprocess.Popen(
            [self.bin, f"--config.file={cfg}",
             f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        ready = zwtest.poll_until(self._ready, 60, 0.2)
        if not ready:
            self.close()
            raise zwtest.HardError("prometheus did not become ready")

    def _ready(self):
        if self.p.poll() is not None:
            return True
        try:
            http_get(f"http://127.0.0.1:{self.port}/-/ready", 1)
            return True
        except OSError:
            return False

    def query(self, expr):
        """[(labels, timestamp, value)] of an instant query; for a range
        selector, Prometheus's matrix (dicts with "metric", "values")."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?" +
               urllib.parse.urlencode({"query": expr}))
        r = json.loads(http_get(url))
        if r.get("status") != "success":
            raise zwtest.HardError(f"query {expr}: {r}")
        if r["data"]["resultType"] == "matrix":
            return r["data"]["result"]
        return [(s["metric"], float(s["value"][0]), float(s["value"][1]))
                for s in r["data"]["result"]]

    def up(self):
        r = self.query("up")
        return r and r[0][2] == 1

    def close(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.log.close()


CGROUP_ROOTS = ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")


class Cgroup:
    """A cgroup v2 directory of our own; .path relative to the root."""

    def __init__(self, t, name):
        for root in CGROUP_ROOTS:
            if os.path.exists(os.path.join(root, "cgroup.procs")):
                break
        else:
            t.skip("no cgroup v2 hierarchy")
        self.root = root
        self.path = f"/{name}-{os.getpid()}"
        self.dir = root + self.path
        try:
            os.mkdir(self.dir)
        except OSError as e:
            t.skip(f"cannot create a cgroup ({e}): needs root")

    def preexec(self):
        """For Popen(preexec_fn=...): the child enters the cgroup."""
        d = self.dir

        def enter():
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write("0")
        return enter

    def close(self):
        for _ in range(100):
            try:
                os.rmdir(self.dir)
                return
            except OSError:
                time.sleep(0.05)


def version():
    """zwatch's version, as zwatch_info labels it."""
    out = subprocess.run([zwtest.zwatch_path(), "-V"], capture_output=True,
                         text=True, timeout=30).stdout
    return out.split()[1] if out.split()[1:] else ""


def own_cgroup():
    """Our cgroup v2 path, as zwatch labels it."""
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip()
    return "/"


def read_log(path):
    with open(path) as f:
        return [l.split() for l in f if l.strip()]
