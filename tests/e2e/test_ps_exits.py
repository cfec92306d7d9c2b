#!/usr/bin/env python3
"""zwatch ps (issue 13) on a parent that exits while being looked at: the
test starts zwatch ps PID and SIGKILLs the parent (its own ps_parent) a
random moment later, 20 times, so that the kill lands before, during and
after the moment's stop.  zwatch ps must end promptly every time with 0 or 3
and valid JSON, and say nothing untrue: a group it lists is that parent's,
with its zombies.  The orphaned zombies come to the test (a subreaper),
which reaps them.  (The dead parent is then a zombie of the test, and in
the subtree of PID: zwatch ps may list it, under the test.)"""
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402


def once(t, i, rnd):
    p = pstest.Parent("never")
    zombies = sorted(z["pid"] for z in p.zombies)
    z = subprocess.Popen([zwtest.zwatch_path(), "ps", "--json", str(p.pid)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(rnd.uniform(0, 0.1))
    os.kill(p.pid, signal.SIGKILL)
    try:
        out, err = z.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        z.kill()
        z.communicate()
        t.check(False, f"run {i}: zwatch ps ends")
        return
    p.kill()
    t.check(z.returncode in (0, 3), f"run {i}: exit 0 or 3",
            f"exit {z.returncode}, stderr {err.decode(errors='replace')}")
    try:
        doc = json.loads(out)
    except ValueError:
        t.check(False, f"run {i}: valid JSON", out.decode(errors="replace"))
        return
    for g in doc["parents"]:
        got = sorted(x["pid"] for x in g["zombies"])
        # The parent's, or the dead parent itself, a zombie of the test
        # (the subtree of PID holds PID).
        t.check((g["parent"] == p.pid and set(got) <= set(zombies)) or
                (g["parent"] == os.getpid() and got == [p.pid]),
                f"run {i}: a group listed is the parent's, with its zombies,"
                " or its own", json.dumps(g)[:1000])
    return doc


def test(t):
    pstest.become_subreaper()
    rnd = random.Random(os.getpid())
    seen = {"listed": 0, "gone": 0}
    for i in range(20):
        doc = once(t, i, rnd)
        if doc is not None:
            mine = [g for g in doc["parents"] if g["parent"] != os.getpid()]
            seen["listed" if mine else "gone"] += 1
        pstest.reap_strays()
    t.note(f"parent listed in {seen['listed']} runs, already gone in "
           f"{seen['gone']}")


zwtest.main(test)
