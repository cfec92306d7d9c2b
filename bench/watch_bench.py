#!/usr/bin/env python3
"""make bench-watch (part of make bench): the cost of `zwatch watch`.

1. A fork storm (tests/scn/watch_burst N 0: fork, _exit, wait, N times)
   alone, beside `zwatch watch --listen` (system-wide) and beside
   `forkstat` (the same proc connector, printing to /dev/null),
   alternating run by run; medians and ratios to alone (goal <= 1.05x).
2. The CPU zwatch and forkstat use during the storm per 1,000 forks/s
   (CPU seconds per second, i.e. the share of one core).  Both see every
   fork of the machine, not only the storm's: the rate is the machine's,
   from the "processes" counter of /proc/stat.
3. zwatch's resident memory with Z zombies (watch_burst Z Z), and
   forkstat's beside it.  Z defaults to 30,000 when pid_max leaves room
   for them and 10,000 more, else to a third of pid_max (this machine:
   pid_max 32768): zombies hold pids, and the machine is shared.

Environment: WATCH_BENCH_FORKS (default 20000), WATCH_BENCH_RUNS (5),
WATCH_BENCH_ZOMBIES, WATCH_BENCH_PARTS (default "storm memory").  Only
same-run ratios mean anything.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

FORKS = int(os.environ.get("WATCH_BENCH_FORKS", "20000"))
RUNS = int(os.environ.get("WATCH_BENCH_RUNS", "5"))
TICK = os.sysconf("SC_CLK_TCK")


def pid_max():
    with open("/proc/sys/kernel/pid_max") as f:
        return int(f.read())


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / TICK


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def machine_forks():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("processes "):
                return int(line.split()[1])
    return 0


def storm(n):
    """Seconds for n forks, as the burster measures them."""
    r = subprocess.run([zwtest.scn("watch_burst"), str(n), "0"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=3600)
    return float(r.stdout.split()[1])


class Beside:
    """A monitor running during a measurement: zwatch watch or forkstat."""

    def __init__(self, kind):
        self.kind = kind
        if kind == "zwatch":
            self.port = watchtest.free_port()
            cmd = [zwtest.zwatch_path(), "watch", "--listen",
                   f"127.0.0.1:{self.port}"]
        else:
            cmd = ["forkstat", "-e", "fork,exit"]
        self.p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  stdin=subprocess.DEVNULL)
        if kind == "zwatch" and not zwtest.poll_until(self._up, 120, 0.1):
            self.close()
            raise RuntimeError("zwatch watch did not come up")
        else:
            time.sleep(1)   # forkstat has no readiness signal

    def _up(self):
        try:
            watchtest.http_get(f"http://127.0.0.1:{self.port}/metrics", 1)
            return True
        except OSError:
            return False

    def close(self):
        if self.p.poll() is None:
            self.p.terminate()
        self.p.wait(30)


def fork_storm():
    kinds = ["alone", "zwatch"] + (["forkstat"] if shutil.which("forkstat")
                                   else [])
    secs = {k: [] for k in kinds}
    load = {k: [] for k in kinds if k != "alone"}
    for run in range(RUNS):
        for k in kinds:
            b = Beside(k) if k != "alone" else None
            try:
                c0 = cpu(b.p.pid) if b else 0
                f0 = machine_forks()
                s = storm(FORKS)
                if b:
                    # its CPU per second over the machine's forks per
                    # second, per 1,000
                    rate = (machine_forks() - f0) / s
                    load[k].append((cpu(b.p.pid) - c0) / s / (rate / 1000))
            finally:
                if b:
                    b.close()
            secs[k].append(s)
        print(f"# run {run + 1}: " + ", ".join(f"{k} {secs[k][-1]:.2f} s"
                                               for k in kinds), flush=True)
    base = statistics.median(secs["alone"])
    print(f"fork storm, {FORKS} forks, median of {RUNS}:")
    for k in kinds:
        m = statistics.median(secs[k])
        print(f"  {k:9s} {m:7.3f} s  {FORKS / m:8.0f} forks/s  "
              f"{m / base:.3f}x")
    for k, v in load.items():
        print(f"  {k} CPU at 1,000 forks/s: {statistics.median(v) * 100:.2f}% "
              f"of a core (median)")


def memory():
    z = int(os.environ.get("WATCH_BENCH_ZOMBIES", "0")) or \
        (30000 if pid_max() >= 40000 else pid_max() // 3)
    zw, fs = Beside("zwatch"), (Beside("forkstat") if shutil.which("forkstat")
                                else None)
    b = None
    try:
        before = rss(zw.p.pid)
        fs_before = rss(fs.p.pid) if fs else 0
        b = subprocess.Popen([zwtest.scn("watch_burst"), str(z), str(z)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
        b.stdout.readline()
        # until zwatch has them all
        def counted():
            m = watchtest.parse_metrics(watchtest.http_get(
                f"http://127.0.0.1:{zw.port}/metrics"))
            return watchtest.metric(m, "zwatch_zombies", parent="watch_burst",
                                    cgroup=watchtest.own_cgroup()) == z
        ok = zwtest.poll_until(counted, 60, 0.1)
        after = rss(zw.p.pid)
        fs_after = rss(fs.p.pid) if fs else 0
        print(f"memory with {z} zombies{'' if ok else ' (not all counted!)'}:")
        print(f"  zwatch watch RSS {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB"
              f" ({(after - before) / z:.0f} bytes per zombie)")
        if fs:
            print(f"  forkstat     RSS {fs_before / 1e6:.1f} MB -> "
                  f"{fs_after / 1e6:.1f} MB (it keeps no zombie state)")
    finally:
        if b:
            b.stdin.close()
            b.wait(600)
        zw.close()
        if fs:
            fs.close()


if __name__ == "__main__":
    print(f"# zwatch watch bench: {os.uname().release}, {os.cpu_count()} CPUs,"
          f" load {os.getloadavg()[0]:.1f}")
    parts = os.environ.get("WATCH_BENCH_PARTS", "storm memory").split()
    if "storm" in parts:
        fork_storm()
    if "memory" in parts:
        memory()
