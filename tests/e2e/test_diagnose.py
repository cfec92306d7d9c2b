#!/usr/bin/env python3
"""--diagnose=DUR: a zombie older than DUR gets a "diagnosis" event that
names what its parent is doing and why it has not reaped it: sleeping
before it waits, SIGCHLD blocked, waiting for another pid only, a
SIGCHLD handler that takes one child per (coalesced) signal.  --diagnose=0
turns it off.

With stacks (libunwind), the parent's SIGCHLD disposition is read by
running rt_sigaction() inside it: the handler is named from its symbols,
with its flags; the parent must not notice (its sleep, read, wait4,
sigsuspend and pause end as they would have: no EINTR, not early)."""
import os
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
    "handler": ["handles SIGCHLD with", "that did not reap it",
                "polled with WNOHANG"],
    "readpipe": ["handles SIGCHLD with"],
    "suspend": ["handles SIGCHLD with"],
    "pause": ["handles SIGCHLD with"],
    "spin": ["handles SIGCHLD with a handler that did not reap it "
             "(handler unknown"],
}

# Modes with the take_one() handler, which leaves some of three zombies;
# the flags it was installed with.
HANDLER_FLAGS = {"handler": [], "readpipe": ["SA_RESTART"], "suspend": [],
                 "pause": [], "spin": []}

# What the parent's own call must have seen, traced or not: (call, the
# least it took in ms, its result, its errno).  Helpers start their 1.5 s
# a little before the zombies exist, hence the lower bounds.
OBSERVED = {
    "sleep": ("sleep", 1495, 0, 0),
    "handler": ("sleep", 1495, 0, 0),
    "onepid": ("wait", 1300, 0, 0),
    "readpipe": ("read", 1300, 1, 0),
    "suspend": ("suspend", 1300, -1, "Interrupted system call"),
    "pause": ("pause", 1300, -1, "Interrupted system call"),
    "spin": ("spin", 1495, 0, 0),
}


HAVE_STACKS = False


def check_sigaction(t, mode, d):
    """The disposition read from inside the parent, with stacks only (the
    parent is interrupted only then)."""
    asked = HAVE_STACKS and mode != "spin"
    for key in ("sigchld_handler", "sigchld_flags", "sigchld_mask"):
        t.check((key in d) == asked, f"[{mode}] the diagnosis "
                f"{'has' if asked else 'has no'} {key}", d)
    if not HAVE_STACKS:
        t.eq(d.get("sigchld_flags"), None,
             f"[{mode}] without stacks the disposition is not read")
        return
    if mode == "spin":
        # Busy in user code, not in a syscall: nothing is injected.
        t.eq(d.get("sigchld_handler"), None, "[spin] handler unknown")
        t.eq(d.get("sigchld_flags"), None, "[spin] flags unknown")
    elif mode in HANDLER_FLAGS:
        t.eq(d.get("sigchld_handler"), "take_one+0x0",
             f"[{mode}] the handler is named from its symbol")
        t.eq(d.get("sigchld_flags"), HANDLER_FLAGS[mode],
             f"[{mode}] and its flags")
        t.eq(d.get("sigchld_mask"), [], f"[{mode}] and its mask")
        want = "handles SIGCHLD with take_one+0x0" + \
            (" (SA_RESTART)" if HANDLER_FLAGS[mode] else "") + \
            " that did not reap it"
        t.check(want in d["text"], f"[{mode}] says '{want}'", d["text"])
    elif mode != "blocked":
        t.eq(d.get("sigchld_handler"), None, f"[{mode}] SIG_DFL: no handler")
        t.eq(d.get("sigchld_flags"), [], f"[{mode}] SIG_DFL: no flags")
        t.check("has no SIGCHLD handler" in d["text"],
                f"[{mode}] says it has no handler", d["text"])


def check_observed(t, mode, tr):
    """The parent's call ended as it would have without zwatch."""
    want = OBSERVED.get(mode)
    if not want:
        return
    call, least, ret, err = want
    seen = [o for o in tr.out("observed") if o.get("call") == call]
    if not t.check(len(seen) == 1, f"[{mode}] the scenario reported its "
                   f"{call}", tr.stdout):
        return
    o = seen[0]
    t.check(o["ms"] >= least, f"[{mode}] its {call} was not cut short "
            f"(>= {least} ms)", o)
    t.eq(o["ret"], ret, f"[{mode}] its {call} returned as without zwatch")
    t.eq(o["errno"], err, f"[{mode}] and set errno as without zwatch")
    t.eq([x for x in tr.out("observed") if x.get("call") == "early-wakeup"],
         [], f"[{mode}] no early wakeup")
    if mode in ("suspend", "pause"):
        masks = [x for x in tr.out("observed") if x.get("call") == "mask"]
        t.check(masks and masks[0].get("usr2_blocked") == 1,
                f"[{mode}] its signal mask is as it was", masks)


def check_where(t, mode, prog, d):
    """'at file.c:N (function+0xoff)' when the parent's frame in its own
    program has a source line (built with -g, zwatch with libdw), else
    'at function+0xoff'."""
    mine = [f for f in d["stack"] if f["binary"] and f["function"] and
            os.path.realpath(f["binary"]) == os.path.realpath(prog)]
    if not mine:
        return
    f = mine[0]
    where = f"{f['function']}+{f['func_offset']}"
    if "line" in f:
        where = f"{os.path.basename(f['file'])}:{f['line']} ({where})"
    t.check(f" at {where}," in d["text"],
            f"[{mode}] it says where: 'at {where}'", d["text"])


def test(t):
    global HAVE_STACKS
    rc, _, _, _, _ = t.run_cmd([zwtest.zwatch_path(), "-k", "-q", "-o",
                                "/dev/null", "--", "/bin/true"],
                               what="zwatch -k probe")
    HAVE_STACKS = rc == 0
    prog = zwtest.scn("lingering")
    for mode, phrases in CASES.items():
        tr = t.run([prog, mode], opts=["--diagnose=300ms"], name=mode)
        zombies = [int(r["pid"]) for r in tr.out("zombie")]
        t.check(zombies, f"[{mode}] the scenario made zombies")
        diags = {d["pid"]: d for d in tr.events("diagnosis")}
        # The handler takes one of its three: only those left linger.
        lingered = [z for z in zombies if tr.lifecycle(z) and
                    (tr.lifecycle(z)["zombie_seconds"] or 0) > 0.5]
        t.check(len(lingered) >= (2 if mode in HANDLER_FLAGS else 1),
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
                check_where(t, mode, prog, d)
            check_sigaction(t, mode, d)
        if mode == "readpipe":
            # Zombies diagnosed in one pass after the first see their
            # parent in transit through the first one's stop.
            texts = [diags[z]["text"] for z in lingered if z in diags]
            t.check(any("blocked in read()" in x for x in texts),
                    "[readpipe] says 'blocked in read()'", texts)
        check_observed(t, mode, tr)
        lc = [tr.lifecycle(z) for z in zombies]
        t.check(all(l and l["reaper"] == "parent" for l in lc),
                f"[{mode}] and the parent reaps them in the end")
    tr = t.run([prog, "sleep"], opts=["--diagnose=0"], name="off")
    t.eq(tr.events("diagnosis"), [], "--diagnose=0: no diagnosis")


zwtest.main(test)
