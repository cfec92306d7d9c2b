#!/usr/bin/env python3
"""zwatch ps --cgroup (issue 13): the test makes a cgroup in the cgroup v2
hierarchy (wherever it is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified
on a hybrid system), starts one parent with zombies inside it (a child
cgroup below, too) and one outside, and lists --cgroup with the directory's
path and with the path /proc/PID/cgroup shows: the two inside, not the one
outside.  A cgroup that does not exist: exit 1.  Skipped without a writable
cgroup v2 hierarchy."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split()[0] == "cgroup2":
                return left.split()[4]
    return None


def test(t):
    root = cgroup2_root()
    if not root:
        t.skip("no cgroup v2 hierarchy mounted")
    cg = os.path.join(root, f"zwatch-ps-test-{os.getpid()}")
    sub = os.path.join(cg, "inner")
    try:
        os.makedirs(sub)
    except OSError as e:
        t.skip(f"cannot make a cgroup in {root}: {e}")
    pstest.become_subreaper()
    try:
        run(t, root, cg, sub)
    finally:
        pstest.reap_strays()
        for d in (sub, cg):
            zwtest.poll_until(lambda: _rmdir(d), 5)


def _rmdir(d):
    try:
        os.rmdir(d)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def run(t, root, cg, sub):
    def inside(d):
        return ["sh", "-c", f'echo $$ > {d}/cgroup.procs && exec "$0" "$@"']
    a = pstest.Parent("never", prefix=inside(cg))
    b = pstest.Parent("blocked", prefix=inside(sub))
    out = pstest.Parent("never")
    rel = "/" + os.path.relpath(cg, root)
    for arg in (cg, rel, cg + "/"):
        rc, doc, _, _ = pstest.ps(t, ["--cgroup", arg], expect_rc=3)
        t.eq(sorted(g["parent"] for g in doc["parents"]),
             sorted([a.pid, b.pid]), f"--cgroup {arg}: the parents inside")
        t.eq(doc["zombies"], 4, f"--cgroup {arg}: their zombies only")
        ga = pstest.group(t, doc, a.pid)
        t.eq(ga["cgroup"], rel, f"--cgroup {arg}: the parent's cgroup")
    rc, doc, _, _ = pstest.ps(t, ["--cgroup", sub], expect_rc=3)
    t.eq([g["parent"] for g in doc["parents"]], [b.pid],
         "--cgroup of the child cgroup: its parent only")
    rc, _, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "ps", "--cgroup",
                                  cg + "-none"])
    t.eq(rc, 1, "--cgroup that does not exist: exit 1")
    t.check("--cgroup" in err, "--cgroup that does not exist: said", err)
    for p in (a, b, out):
        p.finish()


zwtest.main(test)
