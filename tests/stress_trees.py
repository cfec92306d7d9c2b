#!/usr/bin/env python3
"""make stress: random process trees (tests/scn/random_tree SEED) under
zwatch, each checked against the kernel's own record from the proc
connector: every process the kernel saw under PROG is in zwatch's
lifecycles and nothing else, with the kernel's parent and exit status,
and every one is reaped by the end (the tree's root is a subreaper).
Orphans reaped by an adopter zwatch had no stop for are counted (reaper
null), not failed: that is attribution, not a lost event.
STRESS_TREES (default 100) sets how many; the first seed is STRESS_SEED."""
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
import zwtest  # noqa: E402
from test_proc_connector import ProcConnector  # noqa: E402


def check_tree(t, seed):
    pc = ProcConnector()
    try:
        if not pc.acked.wait(3):
            t.skip("proc connector gave no acknowledgement")
        tr = t.run([zwtest.scn("random_tree"), str(seed)], name=f"tree{seed}")
        time.sleep(0.2)
    finally:
        pc.close()
    if pc.overflow:
        t.note(f"seed {seed}: proc connector overflow, tree skipped")
        return
    me = tr.root["pid"]
    parent, tree, status = pc.tree(me)
    got = {l["pid"]: l for l in tr.lifecycles}
    bad = []
    if set(got) != tree:
        bad.append(f"pids: zwatch only {sorted(set(got) - tree)}, kernel "
                   f"only {sorted(tree - set(got))}")
    for pid in tree & set(got):
        l, raw = got[pid], status.get(pid)
        if pid != me and l["ppid"] != parent.get(pid):
            bad.append(f"{pid}: ppid {l['ppid']} != kernel {parent.get(pid)}")
        if raw is not None and not raw & 0x7f and l["exit_code"] != raw >> 8:
            bad.append(f"{pid}: exit {l['exit_code']} != kernel {raw >> 8}")
        if l["final"] != "reaped":
            bad.append(f"{pid}: {l['final']}, not reaped")
        elif l["reaper"] is None:
            # Released after its parent died, by an adopter zwatch did
            # not see at it (known gap, counted, not a lost event).
            UNSEEN.append((seed, pid))
    t.check(not bad, f"seed {seed}: {len(tree)} processes match the kernel",
            "\n".join(bad[:10]))


UNSEEN = []


def test(t):
    n = int(os.environ.get("STRESS_TREES", "100"))
    first = int(os.environ.get("STRESS_SEED", "1"))
    for seed in range(first, first + n):
        check_tree(t, seed)
    t.note(f"{len(UNSEEN)} orphan reaps with no reaper seen: {UNSEEN[:20]}")


zwtest.main(test)
