#!/usr/bin/env python3
"""Faults (issue 7): an exec storm from threads.  tests/scn/exec_storm.c
forks 300 children, 6 at a time; in each, 4 threads call execve at once,
4 rounds in a row (the exec'd image races its own 4 threads again), and
the last image forks a grandchild; child i and its grandchild exit with
1 + i % 100.  zwatch must lose nothing: one lifecycle per process and
none for a thread, every child with exactly 4 exec events, every exit code
right, everything reaped by its parent, no zombie left, exit status 0.

Cross-checked twice: against the program's own output (pids, exit
codes, wait statuses), and against the kernel's proc connector (every
fork, exec and exit on the machine while the storm runs): the kernel's
processes under PROG, their parents, exec counts and exit statuses must
be zwatch's.  Without the proc connector (not root, another network
namespace) or when it dropped events, only that second part is left
out."""
import os
import struct
import sys
import time

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE))
sys.path.insert(0, _HERE)
import zwtest  # noqa: E402
from test_proc_connector import ProcConnector, CN_MSG, PROC_EV  # noqa: E402

N, PAR, ROUNDS = 300, 6, 4
PROC_EVENT_EXEC = 0x2
EXEC = struct.Struct("=ii")             # process pid, process tgid


class ExecConnector(ProcConnector):
    """The proc connector reader of test_proc_connector, plus exec events."""

    def __init__(self):
        self.execs = []     # (pid, tgid)
        super().__init__()

    def _parse(self, msg):
        if len(msg) >= CN_MSG.size + PROC_EV.size + EXEC.size and \
                PROC_EV.unpack_from(msg, CN_MSG.size)[0] == PROC_EVENT_EXEC:
            self.execs.append(EXEC.unpack_from(msg, CN_MSG.size + PROC_EV.size))
            return
        super()._parse(msg)


def index(tr):
    """Lifecycles by pid, exec events by pid and children by ppid, once
    (the Trace lookups scan the whole trace each time)."""
    lcs = {r["pid"]: r for r in tr.lifecycles}
    execs, kids = {}, {}
    for e in tr.events("exec"):
        execs.setdefault(e["pid"], []).append(e)
    for r in lcs.values():
        kids.setdefault(r["ppid"], []).append(r)
    return lcs, execs, kids


def kernel_check(t, tr, pc, me):
    lcs, execs, _ = index(tr)
    parent = {ctgid: ptgid for ptgid, cpid, ctgid in pc.forks if cpid == ctgid}
    t.check(parent.get(me) == tr.zwatch_pid,
            f"kernel: PROG {me} is the child of zwatch {tr.zwatch_pid}")
    tree, frontier = {me}, [me]
    kids = {}
    for c, p in parent.items():
        kids.setdefault(p, []).append(c)
    while frontier:
        nxt = []
        for p in frontier:
            for c in kids.get(p, []):
                if c not in tree:
                    tree.add(c)
                    nxt.append(c)
        frontier = nxt
    t.note(f"kernel: {len(tree)} processes under PROG {me}, "
           f"{sum(1 for _, tg in pc.execs if tg in tree)} execs")
    mine = sorted(r["pid"] for r in tr.lifecycles)
    t.eq(len(mine), len(tree), "kernel: number of processes")
    missing, extra = sorted(tree - set(mine)), sorted(set(mine) - tree)
    t.check(not missing and not extra, "kernel: zwatch's pids are the "
            "kernel's", f"missing in zwatch: {missing[:20]}\n"
            f"not in the kernel's tree: {extra[:20]}", pids=missing + extra)
    status = {tg: code for pid, tg, code in pc.exits if pid == tg}
    kexecs = {}
    for pid, tg in pc.execs:
        kexecs[tg] = kexecs.get(tg, 0) + 1
    bad = []
    for pid in sorted(tree & set(mine)):
        lc = lcs[pid]
        raw = status.get(pid)
        want_parent = parent.get(pid, tr.zwatch_pid)
        if raw is None:
            bad.append(f"{pid}: the kernel reported no exit")
            continue
        code = None if raw & 0x7f else (raw >> 8) & 0xff
        if lc["ppid"] != want_parent or lc["exit_code"] != code:
            bad.append(f"{pid}: kernel parent {want_parent} status {raw:#x}; "
                       f"zwatch ppid {lc['ppid']} exit_code {lc['exit_code']}")
        got = len(execs.get(pid, []))
        if got != kexecs.get(pid, 0):
            bad.append(f"{pid}: kernel {kexecs.get(pid, 0)} execs, zwatch {got}")
    t.check(not bad, "kernel: every process's parent, exit status and "
            "number of execs match", "\n".join(bad[:30]))


def test(t):
    pc = ExecConnector.start(t)
    try:
        tr = t.run([zwtest.scn("exec_storm"), str(N), str(PAR), str(ROUNDS)],
                   timeout=60, name="storm")
        if pc:
            time.sleep(0.3)     # let the last events arrive
    finally:
        if pc:
            pc.close()
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]
    storm = tr.out_one("storm")
    t.eq((storm.get("children"), storm.get("bad")), (N, 0),
         "the program saw every child exit with its code (own view)")

    code = {r["pid"]: r["code"] for r in tr.out("child")}
    t.eq(len(code), N, "the program forked N children (own view)")
    reaped = {r["pid"]: r["status"] for r in tr.out("reaped")}
    lcs, execs, children = index(tr)
    kids = {r["pid"]: r for r in children.get(me, [])}
    t.check(sorted(kids) == sorted(code), "zwatch: PROG's children are the "
            "program's", f"only zwatch's: {sorted(set(kids) - set(code))[:20]}\n"
            f"only the program's: {sorted(set(code) - set(kids))[:20]}")
    grand = {}
    for c in kids:
        g = children.get(c, [])
        if len(g) == 1:
            grand[c] = g[0]
    t.eq(len(grand), N, "zwatch: each child has its one grandchild")
    t.eq(len(tr.lifecycles), 1 + 2 * N, "zwatch: one lifecycle per process "
         "(PROG, children, grandchildren), none for a thread")

    bad = []
    for c, want in sorted(code.items()):
        lc = kids.get(c)
        if lc is None:
            bad.append(f"{c}: no lifecycle")
            continue
        if (lc["exit_code"], lc["exit_signal"], lc["reaped_by"], lc["reaper"],
                lc["final"], lc["comm"]) != \
                (want, None, me, "parent", "reaped", "exec_storm"):
            bad.append(f"child {c}: {lc}")
        if reaped.get(c) != f"exited {want}":
            bad.append(f"child {c}: the program saw {reaped.get(c)!r}")
        ex = execs.get(c, [])
        if len(ex) != ROUNDS or any(e.get("tid") != c for e in ex) or \
                [e.get("argv", [None, None, None])[2] for e in ex] != \
                [str(r) for r in range(ROUNDS - 1, -1, -1)]:
            bad.append(f"child {c}: exec events {[(e.get('tid'), e.get('old_tid'), e.get('argv')) for e in ex]}")
        g = grand.get(c)
        if g and (g["exit_code"], g["reaped_by"], g["reaper"], g["final"]) != \
                (want, c, "parent", "reaped"):
            bad.append(f"grandchild {g['pid']}: {g}")
    t.check(not bad, f"zwatch: all {N} children exec'd {ROUNDS} times (the "
            "winning thread takes the pid), exited with their codes and "
            "were reaped by their parents, and so were the grandchildren",
            "\n".join(bad[:30]))
    spawned = sorted(e["pid"] for e in tr.events("spawn"))
    t.check(spawned == sorted(r["pid"] for r in tr.lifecycles),
            "zwatch: one spawn event per process, none for a thread",
            f"{len(spawned)} spawn events for {len(tr.lifecycles)} processes")
    left = [r["pid"] for r in tr.lifecycles if r["final"] != "reaped"]
    t.eq(left, [], "zwatch: nothing left as a zombie or running")
    alive = [p for p in [me] + list(kids) + [g["pid"] for g in grand.values()]
             if zwtest.proc_state(p) is not None]
    t.eq(alive, [], "no process of the storm is left (no zombie)")

    if pc is None:
        return
    if pc.overflow:
        t.note("the proc connector dropped events (ENOBUFS): no kernel "
               "cross-check this time")
        return
    kernel_check(t, tr, pc, me)


zwtest.main(test)
