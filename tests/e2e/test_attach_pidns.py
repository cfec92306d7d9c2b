#!/usr/bin/env python3
"""Attach mode (issue 4): the `strace -p 1` experiment, done safely on a
private init.  `unshare -fp --mount-proc tini -s -- attach_orphans` makes
tini PID 1 of a new pid namespace; the scenario (tests/scn/
attach_orphans.c) leaves two orphans that tini adopts before the attach
and a third after it.  zwatch, outside the namespace, attaches to tini's
outer pid (the child of unshare) and its existing descendants.  Every
orphan is reaped by tini: reaper "init", reaped_by tini's outer pid; all
pids in the trace are outer pids (the scenario's own namespace pids are
small); the late orphan's reparent goes to tini's outer pid.  zwatch ends
by itself when the namespace is gone.  Skipped (77) without unshare -p or
tini."""
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def json_line(e):
    return json.dumps({k: v for k, v in e.items() if k != "_line"})


def test(t):
    tini = shutil.which("tini") or ("/usr/bin/tini"
                                   if os.access("/usr/bin/tini", os.X_OK)
                                   else None)
    if not tini:
        t.skip("tini is not installed")
    prefix = t.require_pidns()

    with zwtest.AttachSession(t) as s:
        ns = s.spawn(prefix + [tini, "-s", "--", zwtest.scn("attach_orphans")],
                     name="pidns")
        ready = ns.wait_line("ready")[0]
        kids = zwtest.children_of(ns.pid)
        if len(kids) != 1:
            raise zwtest.HardError(f"unshare {ns.pid} has children {kids}, "
                                   "expected one (tini)")
        init = kids[0]
        if zwtest.ns_pids(init)[-1:] != [1]:
            raise zwtest.HardError(f"{init} is not PID 1 of its namespace: "
                                   f"NSpid {zwtest.ns_pids(init)}")
        # outer pid of every process under tini, by namespace pid
        inner = {}
        for p in zwtest.children_of(init):
            nsp = zwtest.ns_pids(p)
            if len(nsp) == 2:
                inner[nsp[1]] = p
        main_ns = ready["pid"]
        orphans_ns = {r["pid"]: r["code"] for r in ns.out("orphan")}
        if main_ns not in inner or not all(o in inner for o in orphans_ns) \
                or any(r.get("ppid") != 1 for r in ns.out("orphan")):
            raise zwtest.HardError(f"namespace pids {inner} do not match the "
                                   f"scenario's output:\n{ns.stdout}")
        main = inner[main_ns]
        early = {inner[o]: code for o, code in orphans_ns.items()}
        t.note(f"tini: outer pid {init}; scenario: {main} (ns {main_ns}); "
               f"orphans {early} (ns {sorted(orphans_ns)})")

        zw = s.attach([init])
        ev = zw.wait_attached([init, main] + list(early))
        t.match(ev[init], {"ppid": ns.pid, "comm": "tini"},
                "tini's attach event (outer pids)")
        t.match(ev[main], {"ppid": init}, "the scenario's attach event")
        for o in early:
            t.match(ev[o], {"ppid": init}, f"orphan {o}'s attach event: "
                    "adopted by tini")

        ns.close_stdin()    # go
        rc = ns.wait(timeout=60)
        if rc == 99:
            raise zwtest.HardError(f"scenario broke:\n{ns.stderr}")
        t.eq(rc, 0, "the namespace's init passed on the scenario's status")
        tr = zw.finish(timeout=30)

    late_ns = [r["pid"] for r in ns.out("orphan") if r["code"] == 7]
    t.require(len(late_ns) == 1 or None, "the scenario made a late orphan",
              ns.stdout)
    t.eq([r.get("ppid") for r in ns.out("adopted")], [1],
         "the late orphan saw itself adopted by PID 1 (its own view)")
    ns_small = set(orphans_ns) | {main_ns, 1, late_ns[0]} | \
        {r["pid"] for r in ns.out("middle")}
    keys = ("pid", "ppid", "creator", "reaped_by")
    small = [(r["pid"], k, r.get(k)) for r in tr.lifecycles for k in keys
             if r.get(k) in ns_small]
    t.check(not small, "no namespace pid in the lifecycles (all outer pids)",
            f"(pid, key, value): {small}")
    t.check(not [e for e in tr.events("reap") if e.get("by") in ns_small],
            "no namespace pid as a reaper in the reap events")
    bad = [e for e in tr.events("wait") if e.get("result") in ns_small] + \
        [e for e in tr.events("signal") if e.get("si_pid") in ns_small]
    t.check(not bad, "no namespace pid as a wait result or a SIGCHLD si_pid "
            "(outer pids, like everywhere else)",
            "\n".join(json_line(e) for e in bad[:10]))

    # Orphans adopted before the attach: zwatch only ever saw tini as their
    # parent (/proc keeps no birth parent), so "parent" is as right as
    # "init" for them; reaped_by must be tini's outer pid either way.
    for o, code in early.items():
        t.match(t.lifecycle(tr, o, f"early orphan {o}"),
                {"born": None, "exit_code": code, "exit_signal": None,
                 "reaped_by": init, "final": "reaped",
                 "reaper": lambda v: v in ("init", "parent")},
                f"early orphan {o} lifecycle")
        t.reaped_once(tr, o, init, f"early orphan {o}")
    mids = [r for r in tr.children(main) if r.get("born") is not None]
    t.require(len(mids) == 1 or None, "one middle child born after the attach",
              pids=[main])
    mid = mids[0]
    t.match(mid, {"exit_code": 0, "reaped_by": main, "reaper": "parent",
                  "final": "reaped"}, "the late middle child lifecycle")
    late = tr.children(mid["pid"])
    t.require(len(late) == 1 or None, "one late orphan in the trace",
              pids=[mid["pid"]])
    lo = late[0]
    t.match(lo, {"exit_code": 7, "reaped_by": init, "reaper": "init",
                 "final": "reaped", "born": lambda v: v is not None},
            "late orphan lifecycle")
    t.eq([(r.get("from"), r.get("to")) for r in tr.events("reparent",
                                                          pid=lo["pid"])],
         [(mid["pid"], init)], "late orphan reparent events (from, to)",
         pids=[lo["pid"], mid["pid"]])
    t.reaped_once(tr, lo["pid"], init, "late orphan")
    reaps = tr.events("reap", pid=lo["pid"])
    if reaps:
        t.eq(reaps[0].get("reaper"), "init", "late orphan reap event reaper",
             pids=[lo["pid"]])
    t.match(t.lifecycle(tr, main, "the scenario"),
            {"born": None, "exit_code": 0, "reaped_by": init,
             "reaper": "parent", "final": "reaped"}, "the scenario's lifecycle")
    t.match(t.lifecycle(tr, init, "tini"),
            {"born": None, "exit_code": 0, "ppid": ns.pid}, "tini's lifecycle")


zwtest.main(test)
