#!/usr/bin/env python3
"""make stress-watch (part of make stress): 100,000 forks in a few
seconds (two tests/scn/watch_burst of 50,000 each, in parallel) under
`zwatch watch --listen --event-buffer=256k`.  So that the kernel drops
events however fast this machine is, zwatch is also stopped (SIGSTOP)
for the second half of the burst and continued at its end
(WATCH_BURST_STOP=0: not stopped).  zwatch survives, counts the lost events
(zwatch_lost_events_total > 0, censuses after them), and once the burst
is over its gauge of the bursts' zombies (KEEP left by each) is right
again within one census interval (--interval, 1 s) plus a scrape.
WATCH_BURST (default 50000) forks per burster."""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

N = int(os.environ.get("WATCH_BURST", "50000"))
STOP = os.environ.get("WATCH_BURST_STOP", "1") != "0"
KEEP = 500
INTERVAL = 1.0


def scrape(port):
    return watchtest.parse_metrics(
        watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))


def test(t):
    port = watchtest.free_port()
    w = watchtest.Watch(t, ["-p", str(os.getpid()), "--listen",
                            f"127.0.0.1:{port}", "--event-buffer=256k",
                            "--interval", f"{INTERVAL}s", "--log-releases"])
    bursts = []
    try:
        if w.wait_start()["source"] != "connector":
            t.skip("no proc connector")
        w.wait_http(port)
        lab = {"parent": "watch_burst", "cgroup": watchtest.own_cgroup()}
        t0 = time.monotonic()
        for _ in range(2):
            bursts.append(subprocess.Popen(
                [zwtest.scn("watch_burst"), str(N), str(KEEP)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        if STOP:
            # the second half: by then the loop is well under way
            zwtest.poll_until(lambda: False, 0.5 * N / 2000, 0.1)
            w.p.send_signal(signal.SIGSTOP)
        secs = [float(b.stdout.readline().split()[1]) for b in bursts]
        if STOP:
            w.p.send_signal(signal.SIGCONT)
        end = time.monotonic()
        t.note(f"{2 * N} forks in {end - t0:.2f} s "
               f"({2 * N / (end - t0):.0f}/s; bursters: {secs})")
        t.check(w.p.poll() is None, "zwatch watch survived the burst",
                w.stderr())
        m = None

        def right():
            nonlocal m
            m = scrape(port)
            return watchtest.metric(m, "zwatch_zombies", **lab) == 2 * KEEP
        ok = zwtest.poll_until(right, INTERVAL + 10, 0.05)
        took = time.monotonic() - end
        got = watchtest.metric(m, "zwatch_zombies", **lab)
        lost = watchtest.metric(m, "zwatch_lost_events_total")
        cens = watchtest.metric(m, "zwatch_censuses_total")
        t.note(f"gauge {got} (truth {2 * KEEP}) {took:.2f} s after the "
               f"burst; lost-event overflows {lost}, censuses {cens}")
        t.check(ok, f"zwatch_zombies of watch_burst == {2 * KEEP}")
        t.check(took <= INTERVAL + 1.5, f"right again within one census "
                f"interval ({INTERVAL} s) plus a scrape: {took:.2f} s")
        t.check(lost and lost > 0, "the overflows were counted "
                "(zwatch_lost_events_total > 0)")
        t.check(cens and cens > 1, "censuses ran after the overflows")
        for b in bursts:
            b.stdin.close()
            b.stdout.readline()
            b.wait(60)
        ok = zwtest.poll_until(
            lambda: watchtest.metric(scrape(port), "zwatch_zombies", **lab)
            == 0, 5, 0.05)
        t.check(ok, "after the reaps: zwatch_zombies of watch_burst == 0")
        m = scrape(port)
        t.note(f"zwatch: CPU {watchtest.metric(m, 'process_cpu_seconds_total')} s,"
               f" RSS {watchtest.metric(m, 'process_resident_memory_bytes') / 1e6:.1f} MB")
    finally:
        for b in bursts:
            if b.poll() is None:
                b.kill()
                b.wait()
        t.eq(w.stop(), 0, "zwatch watch's exit status after SIGTERM")


zwtest.main(test)
