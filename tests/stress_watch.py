#!/usr/bin/env python3
"""make stress-watch (part of make stress): 100,000 forks in a few
seconds (two tests/scn/watch_burst of 50,000 each, in parallel, with
vfork(): the kernel's fork and exit of a process of its own, without the
page-table copy that limits fork() to ~300/s on this VM) under
`zwatch watch --listen --event-buffer=256k`.  zwatch keeps up with that
(15,000 forks/s, nothing lost, measured here), so that the kernel drops
events it is also stopped (SIGSTOP) for the second half of the burst and
continued at its end (WATCH_BURST_STOP=0: not stopped), as a monitor
starved of CPU would be.  zwatch survives, counts the overflows
(zwatch_event_overflows_total > 0, censuses after them) and the events
lost (zwatch_lost_events_total, from the gaps in each CPU's event
numbers: once each CPU has made an event since, exactly the drops
/proc/net/netlink shows for zwatch's socket),
and once the burst is over its gauge of the bursts' zombies (KEEP left by
each) is right again within one census interval (--interval, 1 s) plus a
scrape.  The test is a child subreaper: a burster killed midway leaves
its zombies to it, not to a PID 1 that does not reap.
WATCH_BURST (default 50000) forks per burster, WATCH_BURST_MODE (vfork
or fork), WATCH_BURST_BUFFER (the --event-buffer, 256k)."""
import ctypes
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
MODE = os.environ.get("WATCH_BURST_MODE", "vfork")
BUFFER = os.environ.get("WATCH_BURST_BUFFER", "256k")
STOP = os.environ.get("WATCH_BURST_STOP", "1") != "0"
KEEP = 500
INTERVAL = 1.0
PR_SET_CHILD_SUBREAPER = 36


def machine_forks():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("processes "):
                return int(line.split()[1])
    return 0


def reap_strays():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def socket_drops(pid):
    """The Drops column of pid's proc connector socket (NETLINK_CONNECTOR,
    port id = pid)."""
    with open("/proc/net/netlink") as f:
        for line in f:
            c = line.split()
            if c[1] == "11" and c[2] == str(pid):
                return int(c[8])
    return None


def scrape(port):
    return watchtest.parse_metrics(
        watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))


def test(t):
    if ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise zwtest.HardError("prctl(PR_SET_CHILD_SUBREAPER) failed")
    port = watchtest.free_port()
    w = watchtest.Watch(t, ["-p", str(os.getpid()), "--listen",
                            f"127.0.0.1:{port}", f"--event-buffer={BUFFER}",
                            "--interval", f"{INTERVAL}s", "--log-releases"])
    bursts = []
    try:
        if w.wait_start()["source"] != "connector":
            t.skip("no proc connector")
        w.wait_http(port)
        lab = {"parent": "watch_burst", "cgroup": watchtest.own_cgroup()}
        t0, forks0 = time.monotonic(), machine_forks()
        for _ in range(2):
            bursts.append(subprocess.Popen(
                [zwtest.scn("watch_burst"), str(N), str(KEEP), MODE],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        if STOP:
            # the second half: half the forks made (the machine's
            # counter), whatever this machine's speed
            zwtest.poll_until(lambda: machine_forks() - forks0 >= N, 600,
                              0.01)
            w.p.send_signal(signal.SIGSTOP)
        secs = [float(b.stdout.readline().split()[1]) for b in bursts]
        if STOP:
            w.p.send_signal(signal.SIGCONT)
        end, forks = time.monotonic(), machine_forks() - forks0
        t.note(f"{2 * N} forks in {end - t0:.2f} s "
               f"({2 * N / (end - t0):.0f}/s; bursters: {secs}; "
               f"{forks} on the machine)")
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
        over = watchtest.metric(m, "zwatch_event_overflows_total")
        lost = watchtest.metric(m, "zwatch_lost_events_total")
        cens = watchtest.metric(m, "zwatch_censuses_total")
        t.note(f"gauge {got} (truth {2 * KEEP}) {took:.2f} s after the "
               f"burst; overflows {over}, events lost {lost}, censuses {cens}")
        t.check(ok, f"zwatch_zombies of watch_burst == {2 * KEEP}")
        t.check(took <= INTERVAL + 1.5, f"right again within one census "
                f"interval ({INTERVAL} s) plus a scrape: {took:.2f} s")
        t.check(over and over > 0, "the overflows were counted "
                "(zwatch_event_overflows_total > 0)")
        # The gaps of a CPU show at its next event: one on each CPU.
        # Then the count must be the kernel's own: the drops of zwatch's
        # socket (netlink drops an event for a full socket, and says
        # ENOBUFS only once until the queue has been emptied).
        for cpu in sorted(os.sched_getaffinity(0)):
            subprocess.run(["taskset", "-c", str(cpu), "true"], check=True)
        drops = None

        def counted():
            nonlocal lost, drops
            lost = watchtest.metric(scrape(port), "zwatch_lost_events_total")
            drops = socket_drops(w.p.pid)
            return lost == drops
        zwtest.poll_until(counted, 5, 0.05)
        t.check(lost and lost == drops, f"the lost events were counted "
                f"exactly: {lost}, the kernel's drops for zwatch's socket "
                f"(/proc/net/netlink) {drops}")
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
        reap_strays()
        t.eq(w.stop(), 0, "zwatch watch's exit status after SIGTERM")


zwtest.main(test)
