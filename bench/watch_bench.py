#!/usr/bin/env python3
"""make bench-watch (part of make bench): the cost of `zwatch watch`.

1. A system-wide fork storm: one tests/scn/watch_burst per CPU at once
   (fork, _exit, wait, N times each), alone, beside `zwatch watch
   --listen` (system-wide) and beside `forkstat -e fork,exit` (the same
   proc connector, printing to /dev/null), interleaved: each round runs
   the three in a rotating order, and a round's ratios are to its own
   "alone" run, so that a machine whose speed drifts (shared, loaded)
   still compares like with like.  Medians of the rounds' ratios (goal
   <= 1.05x) and of the times.  Two storms: fork() (on a VM with nested
   paging, fork's page-table copy makes it slow: the monitor's share is
   small) and vfork() (the same connector events, ~20x faster: the
   monitor's share is large, the harder test).  And beside
   bench/bare_listener.c, which only subscribes to the connector and
   drains it: the floor, the kernel's own cost of sending the events
   and waking a listener, which no connector-based monitor can beat.
2. The CPU zwatch and forkstat use during the storm per 1,000 forks/s
   (CPU seconds per second, i.e. the share of one core).  Both see every
   fork of the machine, not only the storm's: the rate is the machine's,
   from the "processes" counter of /proc/stat.
3. zwatch's resident memory with Z zombies (watch_burst Z Z vfork),
   forkstat's beside it, median of MEM_RUNS.  Z is 30,000: as root the
   bench raises kernel.pid_max to 65,536 if it is lower (and puts it
   back), so that the zombies leave pids for the machine's other users;
   otherwise a third of pid_max.

Environment: WATCH_BENCH_FORKS (fork() per burster, default 4000),
WATCH_BENCH_VFORKS (vfork() per burster, 20000), WATCH_BENCH_RUNS
(rounds, 5), WATCH_BENCH_ZOMBIES, WATCH_BENCH_MEM_RUNS (3),
WATCH_BENCH_PARTS (default "storm memory"; "vfork" or "fork" for one
storm).  Only same-run ratios mean
anything.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

FORKS = int(os.environ.get("WATCH_BENCH_FORKS", "4000"))
VFORKS = int(os.environ.get("WATCH_BENCH_VFORKS", "20000"))
RUNS = int(os.environ.get("WATCH_BENCH_RUNS", "5"))
MEM_RUNS = int(os.environ.get("WATCH_BENCH_MEM_RUNS", "3"))
BURSTERS = os.cpu_count() or 1
BARE = None     # the built bare_listener
PID_MAX_WANTED = 65536
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


def storm(n, mode):
    """Seconds for BURSTERS x n forks, all at once."""
    t0 = time.monotonic()
    ps = [subprocess.Popen([zwtest.scn("watch_burst"), str(n), "0", mode],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
          for _ in range(BURSTERS)]
    for p in ps:
        p.wait(3600)
    return time.monotonic() - t0


class Beside:
    """A monitor running during a measurement: zwatch watch or forkstat."""

    def __init__(self, kind):
        self.kind = kind
        if kind == "zwatch":
            self.port = watchtest.free_port()
            cmd = [zwtest.zwatch_path(), "watch", "--listen",
                   f"127.0.0.1:{self.port}"]
        elif kind == "listener":
            cmd = [BARE]
        else:
            cmd = ["forkstat", "-e", "fork,exit"]
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE
                                  if kind == "listener" else subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  stdin=subprocess.DEVNULL)
        if kind == "zwatch" and not zwtest.poll_until(self._up, 120, 0.1):
            self.close()
            raise RuntimeError("zwatch watch did not come up")
        elif kind == "listener":
            if self.p.stdout.readline().strip() != b"ready":
                self.close()
                raise RuntimeError("bare_listener did not subscribe")
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


def fork_storm(n, mode):
    kinds = ["alone", "listener", "zwatch"] + \
        (["forkstat"] if shutil.which("forkstat") else [])
    secs = {k: [] for k in kinds}
    ratio = {k: [] for k in kinds if k != "alone"}
    load = {k: [] for k in kinds if k != "alone"}
    for run in range(RUNS):
        order = kinds[run % len(kinds):] + kinds[:run % len(kinds)]
        for k in order:
            b = Beside(k) if k != "alone" else None
            try:
                c0 = cpu(b.p.pid) if b else 0
                f0 = machine_forks()
                s = storm(n, mode)
                if b:
                    # its CPU per second over the machine's forks per
                    # second, per 1,000
                    rate = (machine_forks() - f0) / s
                    load[k].append((cpu(b.p.pid) - c0) / s / (rate / 1000))
            finally:
                if b:
                    b.close()
            secs[k].append(s)
        for k in ratio:
            ratio[k].append(secs[k][-1] / secs["alone"][-1])
        print(f"# {mode} round {run + 1} ({' '.join(order)}): " +
              ", ".join(f"{k} {secs[k][-1]:.2f} s" for k in kinds) +
              f"; load {os.getloadavg()[0]:.1f}", flush=True)
    total = n * BURSTERS
    print(f"{mode} storm, {BURSTERS} x {n} forks at once, {RUNS} rounds "
          f"(median):")
    for k in kinds:
        m = statistics.median(secs[k])
        r = f"{statistics.median(ratio[k]):.3f}x (rounds: " + \
            " ".join(f"{x:.2f}" for x in ratio[k]) + ")" if k in ratio else ""
        print(f"  {k:9s} {m:7.3f} s  {total / m:8.0f} forks/s  {r}")
    over = [z / f for z, f in zip(secs["zwatch"], secs["listener"])]
    print(f"  zwatch over the bare listener (the floor): "
          f"{statistics.median(over):.3f}x (rounds: " +
          " ".join(f"{x:.2f}" for x in over) + ")")
    for k, v in load.items():
        print(f"  {k} CPU at 1,000 forks/s: {statistics.median(v) * 100:.2f}% "
              f"of a core (median; rounds: " +
              " ".join(f"{x * 100:.1f}" for x in v) + ")")


def tasks_in_use():
    """Threads of the machine: each holds a pid."""
    with open("/proc/loadavg") as f:
        return int(f.read().split()[3].split("/")[1])


class PidMax:
    """kernel.pid_max raised to PID_MAX_WANTED for the zombies, as root,
    and put back."""

    def __init__(self):
        self.old = pid_max()
        self.raised = False
        if self.old < PID_MAX_WANTED and os.geteuid() == 0:
            try:
                with open("/proc/sys/kernel/pid_max", "w") as f:
                    f.write(str(PID_MAX_WANTED))
                self.raised = True
            except OSError as e:
                print(f"# cannot raise kernel.pid_max: {e}")

    def close(self):
        if self.raised:
            with open("/proc/sys/kernel/pid_max", "w") as f:
                f.write(str(self.old))


def memory_once(z):
    zw, fs = Beside("zwatch"), (Beside("forkstat") if shutil.which("forkstat")
                                else None)
    b = None
    try:
        before = rss(zw.p.pid)
        fs_before = rss(fs.p.pid) if fs else 0
        b = subprocess.Popen([zwtest.scn("watch_burst"), str(z), str(z),
                              "vfork"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
        b.stdout.readline()

        def counted():     # until zwatch has them all
            try:    # busy with 30,000 exits on a loaded machine: slow
                m = watchtest.parse_metrics(watchtest.http_get(
                    f"http://127.0.0.1:{zw.port}/metrics", 30))
            except OSError:
                return False
            return watchtest.metric(m, "zwatch_zombies", parent="watch_burst",
                                    cgroup=watchtest.own_cgroup()) == z
        ok = zwtest.poll_until(counted, 120, 0.1)
        after = rss(zw.p.pid)
        fs_after = rss(fs.p.pid) if fs else 0
        print(f"# {z} zombies{'' if ok else ' (not all counted!)'}: zwatch "
              f"RSS {before / 1e6:.2f} -> {after / 1e6:.2f} MB, forkstat "
              f"{fs_before / 1e6:.2f} -> {fs_after / 1e6:.2f} MB", flush=True)
        return ok, before, after, fs_before, fs_after
    finally:
        if b:
            b.stdin.close()
            b.wait(600)
        zw.close()
        if fs:
            fs.close()


def memory():
    pm = PidMax()
    try:
        # zombies hold pids: leave the machine 5,000 besides its own
        room = pid_max() - tasks_in_use() - 5000
        z = int(os.environ.get("WATCH_BENCH_ZOMBIES", "0")) or \
            min(30000, max(room, 1000) if pm.raised or pid_max() >= 40000
                else pid_max() // 3)
        runs = [memory_once(z) for _ in range(MEM_RUNS)]
    finally:
        pm.close()
    med = lambda i: statistics.median(r[i] for r in runs)  # noqa: E731
    print(f"memory with {z} zombies, median of {MEM_RUNS} "
          f"(kernel.pid_max {pid_max()}"
          f"{f', raised to {PID_MAX_WANTED} meanwhile' if pm.raised else ''};"
          f" all counted: {all(r[0] for r in runs)}):")
    print(f"  zwatch watch RSS {med(1) / 1e6:.1f} MB -> {med(2) / 1e6:.1f} MB"
          f" ({statistics.median((r[2] - r[1]) / z for r in runs):.0f} bytes "
          f"per zombie)")
    if shutil.which("forkstat"):
        print(f"  forkstat     RSS {med(3) / 1e6:.1f} MB -> {med(4) / 1e6:.1f}"
              f" MB (it keeps no zombie state)")


if __name__ == "__main__":
    print(f"# zwatch watch bench: {os.uname().release}, {os.cpu_count()} CPUs,"
          f" load {os.getloadavg()[0]:.1f}")
    parts = os.environ.get("WATCH_BENCH_PARTS", "storm memory").split()
    with tempfile.TemporaryDirectory() as tmp:
        BARE = os.path.join(tmp, "bare_listener")
        subprocess.run(["cc", "-O2", "-o", BARE,
                        os.path.join(HERE, "bare_listener.c")], check=True)
        if "storm" in parts or "vfork" in parts:
            fork_storm(VFORKS, "vfork")
        if "storm" in parts or "fork" in parts:
            fork_storm(FORKS, "fork")
    if "memory" in parts:
        memory()
    print(f"# load at the end {os.getloadavg()[0]:.1f}")
