#!/usr/bin/env python3
"""Attach mode (issue 4): a target stopped with SIGSTOP before the attach
stays stopped.  tests/scn/attach_loop.c is stopped (state T), zwatch
attaches (the attach event says state T), the target stays stopped while
attached (t or T, not running) and after SIGINT makes zwatch detach it is
untraced and still in state T (every thread); only SIGCONT lets it run on
to its normal exit status.  Its child, never stopped, is untraced and not
stopped after the detach."""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def states(pid):
    return {tid: st for tid, (st, _) in zwtest.thread_states(pid).items()}


def test(t):
    prog = zwtest.scn("attach_loop")
    with zwtest.AttachSession(t) as s:
        tgt = s.spawn([prog, "5"])
        info = tgt.wait_line("ready")[0]
        me, child = tgt.pid, info["child"]
        os.kill(me, signal.SIGSTOP)
        stopped = zwtest.poll_until(
            lambda: len(states(me)) == 2 and
            all(st == "T" for st in states(me).values()), 10)
        if not stopped:
            raise zwtest.HardError(f"SIGSTOP did not stop {me}: {states(me)}")
        t.note(f"target {me} stopped: {states(me)}")

        zw = s.attach([me])
        ev = zw.wait_attached([me, child])
        t.match(ev[me], {"state": "T"}, "attach event: the target is stopped")
        t.match(ev[child], {"state": lambda v: v in ("S", "R")},
                "attach event: its child is not")
        st = states(me)
        t.check(all(v in ("t", "T") for v in st.values()),
                "while attached the target stays stopped (t/T)", f"{st}")
        # Writing to its stdin must not wake it either.
        tgt.send("go\n")

        zw.signal(signal.SIGINT)
        tr = zw.finish(timeout=20)
        st = zwtest.thread_states(me)
        t.check(len(st) == 2 and all(v == ("T", 0) for v in st.values()),
                "after the detach every thread of the target is stopped (T) "
                "and untraced", f"(state, TracerPid) by tid: {st}")
        cst = zwtest.thread_states(child)
        t.check(cst and all(tp == 0 and s_ not in ("t", "T")
                            for s_, tp in cst.values()),
                "after the detach the child is untraced and not stopped",
                f"(state, TracerPid): {cst}")
        t.eq(sorted(e["pid"] for e in tr.events("detach")), sorted([me, child]),
             "detach events (target and child)")
        t.match(tr.lifecycle(me), {"born": None, "exited": None,
                                   "final": "running"}, "target lifecycle")
        t.check(tgt.p.poll() is None and tgt.out("done") == [],
                "the target has not run on by itself")

        os.kill(me, signal.SIGCONT)
        rc = tgt.wait(timeout=30)
        if rc == 99:
            raise zwtest.HardError(f"scenario broke:\n{tgt.stderr}")
        t.eq(rc, 5, "after SIGCONT the target ran on to its exit status")
        done = tgt.out("done")
        t.check(len(done) == 1 and done[0].get("eintr") == 0,
                "the target saw no EINTR", f"stdout: {tgt.stdout}")


zwtest.main(test)
