#!/usr/bin/env python3
"""Attach mode (issue 4): SIGINT, SIGTERM or SIGHUP make zwatch detach.
Targets (tests/scn/attach_loop.c: a spinning thread, a main loop that
spins and sleeps, a sleeping child) are attached, then zwatch gets the
signal: it writes a "detach" event per traced process, exits 0 within
about a second, and leaves every thread untraced (TracerPid 0) and not
stopped; the targets then run on to their normal exit status, with no
spurious EINTR.  Variants: one target with SIGINT; two targets as
`-p A -p B` with SIGTERM and as `-p A,B` with SIGHUP; --targets-only
(the child is not attached) with SIGINT."""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

# "Detaches within 1 s": the limit, plus slack for the test's own polling.
DETACH_LIMIT = 1.5


def variant(t, sig, ntargets, style, targets_only=False):
    name = f"{signal.Signals(sig).name}, {ntargets} target(s)" + \
        (", --targets-only" if targets_only else "")
    t.note(f"--- {name}")
    prog = zwtest.scn("attach_loop")
    with zwtest.AttachSession(t) as s:
        tgts = [s.spawn([prog, str(7 + i)]) for i in range(ntargets)]
        info = [tg.wait_line("ready")[0] for tg in tgts]
        pids = [tg.pid for tg in tgts]
        kids = [r["child"] for r in info]
        if style == "repeat":
            opts = [a for p in pids[1:] for a in ("-p", str(p))]
            zw = s.attach(pids[:1], opts=opts)
        else:
            zw = s.attach(pids, opts=["--targets-only"] if targets_only else [])
        traced = pids if targets_only else pids + kids
        ev = zw.wait_attached(traced)
        for tg, r in zip(tgts, info):
            t.eq(len(zwtest.thread_states(tg.pid)), 2,
                 f"{name}: target {tg.pid} has its 2 threads", pids=[tg.pid])
        if targets_only:
            t.eq([zwtest.tracer_pid(k) for k in kids], [0] * len(kids),
                 f"{name}: the children are not traced (TracerPid)")
            t.check(not any(r.get("event") == "attach" and r.get("pid") in kids
                            for r in zw.records()),
                    f"{name}: no attach event for the children")
        for p in pids:
            t.match(ev[p], {"ppid": os.getpid(), "comm": "attach_loop"},
                    f"{name}: attach event of target {p}")

        zw.signal(sig)
        tr = zw.finish(timeout=20)
        t.check(tr.after_signal is not None and tr.after_signal <= DETACH_LIMIT,
                f"{name}: zwatch ended {tr.after_signal:.3f} s after the "
                f"signal (limit {DETACH_LIMIT} s)")
        left = {}
        for p in pids + kids:
            for tid, (st, tp) in zwtest.thread_states(p).items():
                if tp != 0 or st in ("t", "T"):
                    left[tid] = (st, tp)
        t.check(not left, f"{name}: after zwatch, no thread is traced or "
                f"stopped", f"(state, TracerPid) by tid: {left}")
        det = sorted(e["pid"] for e in tr.events("detach"))
        t.eq(det, sorted(traced), f"{name}: one detach event per traced "
             "process", pids=traced)
        for p in traced:
            lc = tr.lifecycle(p)
            t.match(lc, {"born": None, "exited": None, "reaped": None,
                         "final": "running"},
                    f"{name}: lifecycle of {p}, still running")

        for i, tg in enumerate(tgts):
            tg.close_stdin()
            rc = tg.wait(timeout=30)
            if rc == 99:
                raise zwtest.HardError(f"scenario broke:\n{tg.stderr}")
            t.eq(rc, 7 + i, f"{name}: target {tg.pid} ran on to its own "
                 "exit status", pids=[tg.pid])
            done = tg.out("done")
            t.check(len(done) == 1 and done[0].get("eintr") == 0,
                    f"{name}: target {tg.pid} saw no EINTR",
                    f"stdout: {tg.stdout}")
            t.eq([c.get("status") for c in tg.out("child")], ["exited 4"],
                 f"{name}: target {tg.pid}'s child exited 4")


def test(t):
    variant(t, signal.SIGINT, 1, "list")
    variant(t, signal.SIGTERM, 2, "repeat")
    variant(t, signal.SIGHUP, 2, "list")
    variant(t, signal.SIGINT, 1, "list", targets_only=True)


zwtest.main(test)
