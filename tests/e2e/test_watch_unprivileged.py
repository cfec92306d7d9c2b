#!/usr/bin/env python3
"""zwatch watch without privileges.  (1) As nobody, in a network
namespace of its own (where no proc connector event arrives, as in a
container): it says it falls back to /proc scans, exports
zwatch_info{source="scan"}, and still finds the 3 zombies of
tests/scn/watch_leaker (JSON lines with estimated ages, the textfile
with the gauge), then their releases (pidfd hang-up) with lifetimes of
about HOLD.  (2) Root without CAP_NET_ADMIN (setpriv --bounding-set
-net_admin): runs and reports its source (Linux 6.18 lets unprivileged
listeners subscribe; older kernels answer EPERM and it falls back).
Needs root to start them (setpriv, unshare)."""
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

HOLD_MS = 2000
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
          "--inh-caps=-all"]


def textfile(d):
    try:
        with open(os.path.join(d, "zwatch.prom")) as f:
            return f.read()
    except OSError:
        return ""


def scan_mode(t):
    d = os.path.join(t.tmpdir, "textfile")
    os.mkdir(d)
    os.chmod(d, 0o777)
    os.chmod(t.tmpdir, 0o755)
    w = watchtest.Watch(t, ["-p", str(os.getpid()), "--textfile", d,
                            "--max-zombie-age=300ms", "--interval", "200ms"],
                        prefix=["unshare", "-n"] + NOBODY, name="nobody")
    leaker = None
    try:
        start = w.wait_start(15)
        t.eq(start["source"], "scan", "as nobody in a new netns: source")
        t.check("falling back to a /proc scan" in w.stderr(),
                "it says it falls back to /proc scans", w.stderr())
        steal = zwtest.Steal()
        leaker = subprocess.Popen(
            [zwtest.scn("watch_leaker"), "3", str(HOLD_MS), "1000", "7"],
            stdout=subprocess.PIPE, text=True)
        pids = {int(leaker.stdout.readline().split()[1]) for _ in range(3)}
        lab = {"parent": "watch_leaker", "cgroup": watchtest.own_cgroup()}
        got = zwtest.poll_until(
            lambda: {l["pid"]: l for l in w.lines()
                     if l.get("event") == "zombie_age" and l["pid"] in pids}
            if len([l for l in w.lines() if l.get("event") == "zombie_age"
                    and l["pid"] in pids]) == 3 else None, 5, 0.05)
        t.require(got, "a zombie_age line for each of the 3 zombies")
        t.check(all(l["age_estimated"] for l in got.values()),
                "their ages are estimated (census)")
        m = zwtest.poll_until(
            lambda: watchtest.metric(p := watchtest.parse_metrics(textfile(d)),
                                     "zwatch_zombies", **lab) == 3 and p, 3, 0.05)
        t.require(m, "the textfile shows 3 zombies of watch_leaker")
        t.eq(watchtest.metric(m, "zwatch_info", version=watchtest.version(),
                              source="scan"), 1, 'zwatch_info{source="scan"}')
        r = subprocess.run(["promtool", "check", "metrics"], input=textfile(d),
                           capture_output=True, text=True, timeout=30) \
            if shutil.which("promtool") else None
        if r:
            t.check(r.returncode == 0, "promtool check metrics on the textfile",
                    r.stdout + r.stderr)
        for _ in range(3):
            leaker.stdout.readline()
        m = zwtest.poll_until(
            lambda: watchtest.metric(p := watchtest.parse_metrics(textfile(d)),
                                     "zwatch_reaps_total", reaper="parent",
                                     **lab) == 3 and p, 3, 0.05)
        t.require(m, "the textfile shows 3 reaps by the parent")
        total = watchtest.metric(m, "zwatch_zombie_lifetime_seconds_sum", **lab)
        t.between(total / 3, HOLD_MS / 1000 - 0.05 - steal.accrued(),
                  HOLD_MS / 1000 + 0.5, "mean lifetime of the 3 (s)")
        t.eq(watchtest.metric(m, "zwatch_zombies", **lab), 0,
             "zwatch_zombies of watch_leaker after the reaps")
    finally:
        if leaker:
            leaker.kill()
            leaker.wait()
        t.eq(w.stop(), 0, "exit status after SIGTERM")


def no_net_admin(t):
    w = watchtest.Watch(t, ["-p", str(os.getpid()), "--log-releases"],
                        prefix=["setpriv", "--inh-caps=-all",
                                "--bounding-set=-net_admin"], name="nocap")
    try:
        start = w.wait_start(15)
        t.note(f"root without CAP_NET_ADMIN: source {start['source']}; "
               f"stderr: {w.stderr().strip() or '(empty)'}")
        t.check(start["source"] == "connector" or
                "falling back" in w.stderr(),
                "without CAP_NET_ADMIN: the connector, or a fallback it "
                "announces")
        r = subprocess.run([zwtest.scn("watch_leaker"), "2", "100", "0", "3"],
                           stdout=subprocess.PIPE, text=True, timeout=30)
        pids = {int(l.split()[1]) for l in r.stdout.splitlines()
                if l.startswith("zombie")}
        if start["source"] == "connector":
            got = zwtest.poll_until(
                lambda: {l["pid"] for l in w.lines()
                         if l.get("event") == "release"} >= pids, 5, 0.05)
            t.check(got, "both zombies' releases are logged")
    finally:
        t.eq(w.stop(), 0, "exit status after SIGTERM")


def test(t):
    if os.geteuid() != 0:
        t.skip("needs root to drop privileges (setpriv, unshare -n)")
    for tool in ("setpriv", "unshare"):
        if not shutil.which(tool):
            t.skip(f"{tool} missing (util-linux)")
    scan_mode(t)
    no_net_admin(t)


zwtest.main(test)
