#!/usr/bin/env python3
"""zwatch watch scraped by a real Prometheus (Debian's prometheus, on
127.0.0.1 with a temporary config and data directory, every 200 ms).
In a cgroup of its own (--cgroup), tests/scn/watch_leaker keeps 3
zombies (exit 7) for 3 s, then reaps them.  Through Prometheus's HTTP
query API: the zombie gauge is 3 with the leaker as parent and the
cgroup as label, the oldest zombie's age matches the children's own
exit times, then after the reaps the gauge is 0, 3 reaps by
reaper="parent", a lifetime histogram of 3 in (1 s, 5 s], 3 exits of
class "failure"; nothing outside the cgroup is exported.  `promtool
check metrics` passes on /metrics, and `promtool check rules` on the
shipped alert rules."""
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

HOLD_MS = 3000


def test(t):
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        t.skip("prometheus or promtool missing (apt-get install prometheus)")
    cg = watchtest.Cgroup(t, "zwtest-watch-prom")
    port = watchtest.free_port()
    w = prom = leaker = None
    try:
        w = watchtest.Watch(t, ["--listen", f"127.0.0.1:{port}",
                                "--cgroup", cg.dir])
        w.wait_http(port)
        prom = watchtest.Prometheus(t, f"127.0.0.1:{port}")
        t.require(zwtest.poll_until(prom.up, 30, 0.2),
                  "Prometheus scrapes zwatch watch (up == 1)")
        leaker = subprocess.Popen(
            [zwtest.scn("watch_leaker"), "3", str(HOLD_MS), "3000", "7"],
            stdout=subprocess.PIPE, preexec_fn=cg.preexec(), text=True)
        check(t, w, prom, cg, leaker, port)
    finally:
        if leaker and leaker.poll() is None:
            leaker.kill()
            leaker.wait()
        if prom:
            prom.close()
        if w:
            w.stop()
        cg.close()


def value(prom, expr):
    r = prom.query(expr)
    return r[0] if len(r) == 1 else None


def check(t, w, prom, cg, leaker, port):
    sel = f'parent="watch_leaker",cgroup="{cg.path}"'
    exits = []
    for _ in range(3):
        f = leaker.stdout.readline().split()
        exits.append(float(f[2]))       # the child's CLOCK_REALTIME
    first = min(exits)
    got = zwtest.poll_until(
        lambda: (v := value(prom, f"zwatch_zombies{{{sel}}}")) and
        v[2] == 3 and v, 5, 0.1)
    t.require(got, f"Prometheus: zwatch_zombies{{{sel}}} == 3")
    # An age worth checking: past a second.
    zwtest.poll_until(lambda: time.time() > first + 1.5, 3, 0.05)
    # Raw samples with their scrape timestamps (an instant query would
    # stamp the last sample with the evaluation time instead).
    r = zwtest.poll_until(
        lambda: prom.query(f"zwatch_oldest_zombie_seconds{{{sel}}}[3s]"), 3,
        0.1)
    samples = [(float(ts), float(v)) for ts, v in r[0]["values"]] if r else []
    samples = [(ts, v) for ts, v in samples if ts > first + 0.5]
    t.require(samples, "Prometheus has oldest-zombie samples past 0.5 s")
    errs = [v - (ts - first) for ts, v in samples]
    t.note(f"{len(samples)} samples of the oldest zombie's age; age minus "
           f"its truth at the scrape: {min(errs):+.3f} .. {max(errs):+.3f} s")
    t.check(all(-0.1 <= e <= 0.1 for e in errs),
            "every sample of zwatch_oldest_zombie_seconds within 0.1 s of "
            "the true age at its scrape", str(list(zip(samples, errs))))
    text = watchtest.http_get(f"http://127.0.0.1:{port}/metrics")
    path = os.path.join(t.tmpdir, "metrics.txt")
    with open(path, "w") as f:
        f.write(text)
    r = subprocess.run(["promtool", "check", "metrics"], input=text,
                       capture_output=True, text=True, timeout=30)
    t.check(r.returncode == 0, "promtool check metrics passes on /metrics",
            r.stdout + r.stderr)
    t.note("/metrics while leaking:\n" + "\n".join(
        l for l in text.splitlines() if "watch_leaker" in l and
        "_bucket" not in l))

    # The reaps.
    for _ in range(3):
        leaker.stdout.readline()
    def reaped():
        z = value(prom, f"zwatch_zombies{{{sel}}}")
        r = value(prom, f'zwatch_reaps_total{{{sel},reaper="parent"}}')
        return z and r and z[2] == 0 and r[2] == 3
    t.require(zwtest.poll_until(reaped, 5, 0.1),
              "Prometheus: after the reaps 0 zombies and 3 reaps by the parent")
    for expr, want in [
            (f'zwatch_zombie_lifetime_seconds_count{{{sel}}}', 3),
            (f'zwatch_zombie_lifetime_seconds_bucket{{{sel},le="1"}}', 0),
            (f'zwatch_zombie_lifetime_seconds_bucket{{{sel},le="5"}}', 3),
            (f'zwatch_exits_total{{{sel},status="failure"}}', 3),
            (f'zwatch_exits_total{{{sel},status="success"}}', 0),
            (f'zwatch_reaps_total{{{sel},reaper="autoreap"}}', 0),
            (f'zwatch_oldest_zombie_seconds{{{sel}}}', 0)]:
        v = value(prom, expr)
        t.eq(v and v[2], want, f"Prometheus: {expr}")
    v = value(prom, f'zwatch_zombie_lifetime_seconds_sum{{{sel}}}')
    t.between(v and v[2], 3 * (HOLD_MS / 1000 - 0.1),
              3 * (HOLD_MS / 1000 + 0.5), "sum of the 3 lifetimes (s)")
    others = [m for m, _, _ in prom.query("zwatch_exits_total")
              if m.get("cgroup") not in (cg.path, "_unknown", "_overflow")]
    t.check(not others, "no series from outside the cgroup",
            str(others[:5]))
    leaker.wait(10)
    t.eq(w.p.poll(), None, "zwatch watch still running")
    rules = os.path.join(zwtest.SRCDIR, "contrib", "prometheus",
                         "zwatch-alerts.yml")
    r = subprocess.run(["promtool", "check", "rules", rules],
                       capture_output=True, text=True, timeout=30)
    t.check(r.returncode == 0, "promtool check rules contrib/prometheus/"
            "zwatch-alerts.yml", r.stdout + r.stderr)


zwtest.main(test)
