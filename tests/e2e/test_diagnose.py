#!/usr/bin/env python3
"""--diagnose=DUR: a zombie older than DUR gets a "diagnosis" event that
names what its parent is doing and why it has not reaped it: sleeping
before it waits, SIGCHLD blocked, waiting for another pid only, a
SIGCHLD handler that takes one child per (coalesced) signal.  --diagnose=0
turns it off."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

CASES = {
    # The sleep shows as clock_nanosleep(), or as resumed if a SIGCHLD
    # stop interrupted it: either way, a sleep.
    "sleep": ["sleep", "has not called wait4/waitid"],
    "blocked": ["blocks SIGCHLD"],
    "onepid": ["blocked in wait4() for pid"],
    "handler": ["handles SIGCHLD with a handler that did not reap it",
                "polled with WNOHANG"],
}


HAVE_STACKS = False


def test(t):
    global HAVE_STACKS
    probe = subprocess.run([zwtest.zwatch_path(), "-k", "-q", "-o", "/dev/null",
                            "--", "/bin/true"], capture_output=True, timeout=30)
    HAVE_STACKS = probe.returncode == 0
    prog = zwtest.scn("lingering")
    for mode, phrases in CASES.items():
        tr = t.run([prog, mode], opts=["--diagnose=300ms"], name=mode)
        zombies = [int(r["pid"]) for r in tr.out("zombie")]
        t.check(zombies, f"[{mode}] the scenario made zombies")
        diags = {d["pid"]: d for d in tr.events("diagnosis")}
        # The handler takes one of its three: only those left linger.
        lingered = [z for z in zombies if tr.lifecycle(z) and
                    (tr.lifecycle(z)["zombie_seconds"] or 0) > 0.5]
        t.check(len(lingered) >= (2 if mode == "handler" else 1),
                f"[{mode}] zombies lingered", lingered)
        for z in lingered:
            d = diags.get(z)
            if not t.check(d is not None, f"[{mode}] zombie {z} was diagnosed"):
                continue
            t.eq(d["parent"], tr.root["pid"], f"[{mode}] its parent is named")
            t.check(d["t"] >= 0.25, f"[{mode}] only after --diagnose=300ms",
                    d)
            for ph in phrases:
                t.check(ph in d["text"], f"[{mode}] says '{ph}'", d["text"])
            t.check(f"pid {z} (lingering) has been a zombie for" in d["text"],
                    f"[{mode}] names the zombie", d["text"])
            if HAVE_STACKS and mode in ("sleep", "onepid") and "stack" in d:
                fn = [f["function"] for f in d["stack"]]
                t.check("main" in fn and " at " in d["text"],
                        f"[{mode}] the parent's stack shows where it is", fn)
        lc = [tr.lifecycle(z) for z in zombies]
        t.check(all(l and l["reaper"] == "parent" for l in lc),
                f"[{mode}] and the parent reaps them in the end")
    tr = t.run([prog, "sleep"], opts=["--diagnose=0"], name="off")
    t.eq(tr.events("diagnosis"), [], "--diagnose=0: no diagnosis")


zwtest.main(test)
