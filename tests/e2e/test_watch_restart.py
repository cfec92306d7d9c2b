#!/usr/bin/env python3
"""zwatch watch stopped and started again while zombies exist: the new
instance finds them in its /proc census, with the honest age estimate
(se.exec_start of /proc/PID/sched: when the zombie last ran, i.e. its
exit), and marks them estimated.  tests/scn/watch_leaker keeps 4
zombies for 8 s; both instances run with -p (this test), --listen and
--max-zombie-age=300ms; each zombie gets one JSON line per instance;
the first instance's exit time is the kernel's (the exit event), after
the child's own clock before _exit (which can be tens of ms early on a
loaded machine); the second's estimate is within 5 ms of the kernel's;
the second instance's /metrics show 4 zombies, the right oldest age,
and after the reaps 4 lifetimes of about 8 s, reaper "parent"."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

HOLD_MS = 8000


def age_lines(w, pids):
    return {l["pid"]: l for l in w.lines()
            if l.get("event") == "zombie_age" and l["pid"] in pids}


def check_instance(t, w, truth, ref, what, stolen=0.0):
    """ref: None for the first instance (exit times from the connector,
    checked against the children's clocks), else the first instance's
    exit times, which the census's estimates must match."""
    got = zwtest.poll_until(
        lambda: len(a := age_lines(w, truth)) == len(truth) and a, 5, 0.05)
    t.require(got, f"{what}: a zombie_age line for each of the "
              f"{len(truth)} zombies")
    if ref is None:
        errs = [got[p]["exit_time"] - truth[p] for p in truth]
        lo, hi, vs = 0, 0.25, "the child's clock before _exit"
    else:
        errs = [got[p]["exit_time"] - ref[p] for p in truth]
        lo, hi, vs = -0.005, 0.005 + stolen, "the kernel's exit time"
    t.note(f"{what}: exit time minus {vs}: "
           f"{min(errs) * 1000:+.2f} .. {max(errs) * 1000:+.2f} ms")
    t.check(all(lo <= e <= hi for e in errs),
            f"{what}: every exit time minus {vs} in [{lo * 1000:g}, "
            f"{hi * 1000:g}] ms", str(errs))
    t.check(all(got[p]["age_estimated"] is (ref is not None) for p in truth),
            f"{what}: age_estimated is {ref is not None}")
    line = got[min(truth)]
    t.match(line, {"exit_status": 7 << 8,
                   "verdict": lambda v: isinstance(v, str) and
                   v.split(":")[0] in ("never-waits", "unknown"),
                   "diagnosis": lambda d: "has been a zombie" in d},
            f"{what}: the zombie_age line")
    t.match(line["parent"], {"comm": "watch_leaker", "alive": True,
                             "sigchld": "default"},
            f"{what}: the parent's /proc facts")
    return {p: got[p]["exit_time"] for p in truth}


def test(t):
    port = watchtest.free_port()
    args = ["-p", str(os.getpid()), "--max-zombie-age=300ms",
            "--listen", f"127.0.0.1:{port}"]
    leaker = None
    steal = zwtest.Steal()
    w1 = watchtest.Watch(t, args, name="first")
    try:
        w1.wait_start()
        leaker = subprocess.Popen(
            [zwtest.scn("watch_leaker"), "4", str(HOLD_MS), "1000", "7"],
            stdout=subprocess.PIPE, text=True)
        truth = {}
        for _ in range(4):
            f = leaker.stdout.readline().split()
            truth[int(f[1])] = float(f[3])
        kernel = check_instance(t, w1, truth, None, "first instance")
    finally:
        t.eq(w1.stop(), 0, "first instance's exit status after SIGTERM")
    w2 = watchtest.Watch(t, args, name="second")
    try:
        start = w2.wait_start()
        w2.wait_http(port)
        stolen = steal.accrued()
        t.note(f"steal accounted since the zombies exited: {stolen:.3f} s")
        check_instance(t, w2, truth, kernel, "second instance (census)",
                       stolen)
        m = watchtest.parse_metrics(
            watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))
        now = zwtest.time.monotonic()
        lab = {"parent": "watch_leaker", "cgroup": watchtest.own_cgroup()}
        t.eq(watchtest.metric(m, "zwatch_zombies", **lab), 4,
             "second instance: zwatch_zombies of watch_leaker")
        t.between(watchtest.metric(m, "zwatch_oldest_zombie_seconds", **lab)
                  - (now - min(truth.values())), -0.2 - stolen, 0.05,
                  "second instance: oldest age minus the truth (s)")
        for _ in range(4):
            leaker.stdout.readline()        # the reaps

        def reaped():
            m = watchtest.parse_metrics(
                watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))
            return watchtest.metric(m, "zwatch_reaps_total", reaper="parent",
                                    **lab) == 4 and m
        m = t.require(zwtest.poll_until(reaped, 5, 0.05),
                      "second instance: 4 reaps by the parent")
        total = watchtest.metric(m, "zwatch_zombie_lifetime_seconds_sum", **lab)
        t.between(total / 4, HOLD_MS / 1000 - 0.05 - steal.accrued(),
                  HOLD_MS / 1000 + 0.5,
                  "mean lifetime of the 4 (s), from estimated exit times")
        t.eq(start["source"], "connector", "second instance's source")
    finally:
        if leaker and leaker.poll() is None:
            leaker.kill()
        if leaker:
            leaker.wait()
        t.eq(w2.stop(), 0, "second instance's exit status after SIGTERM")


zwtest.main(test)
