#!/usr/bin/env python3
"""zwatch ps (issue 13): one parent per verdict, made by tests/scn/ps_parent,
each checked for its group (parent, count, zombie pids, exit statuses), its
verdict and the facts behind it, and the exit status (3: zombies).  Then the
parent is let go: the look (a moment's ptrace stop) must have left it as it
was, so it reaps its zombies itself with the statuses they had.

  never    never-waits, blocked in read() at its source line, no handler
  one      handler-reaps-one, the handler named (reap_one)
  blocked  sigchld-blocked, one pending
  waitone  waits-for-other, the pid it waits for
  ignore   ignores-too-late
  stop     stopped (not touched: a look would end its stop)
  traced   traced, held by another tracer (TracerPid), not touched
  strace   never-waits under strace -p (running): the tracer named
  leader   no zombie: a leader that called pthread_exit() is not counted

Only processes the test started are named to zwatch ps."""
import os
import shutil
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402


def common(t, mode, g, p):
    pstest.check_zombies(t, g, p.zombies, mode)
    t.check(bool(g["why"]) and bool(g["fix"]), f"{mode}: why and fix given",
            str(g))


def let_go(t, mode, p, cont=False):
    if cont:
        os.kill(p.pid, signal.SIGCONT)
    rc, lines = p.finish()
    t.eq(rc, 0, f"{mode}: the parent ends normally after the look")
    w = pstest.waits(lines)
    for z in p.zombies:
        got = w.get(z["pid"], {})
        t.check("status" in got, f"{mode}: the parent still reaps {z['pid']}"
                " itself", str(lines))


def check_never(t):
    p = pstest.Parent("never")
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "never", g, p)
    t.match(g, {"verdict": "never-waits", "syscall": "read",
                "sigchld": "default", "looked": True, "tracer": None},
            "never: verdict")
    if "lines" in zwtest.features():
        t.check(any(x in (g["where"] or "") for x in (".c:", ".h:")),
                "never: where names FILE:LINE", str(g["where"]))
    t.check("no SIGCHLD handler" in g["why"], "never: why says no handler",
            g["why"])
    t.eq(doc["zombies"], 3, "never: total")
    let_go(t, "never", p)


def check_one(t):
    p = pstest.Parent("one")
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    # The handler reaped one of three: the other two are left.
    zombies = [z for z in p.zombies
               if zwtest.proc_state(z["pid"]) == "Z"]
    t.eq(len(zombies), 2, "one: two of three left by the handler")
    pstest.check_zombies(t, g, zombies, "one")
    t.match(g, {"verdict": "handler-reaps-one", "sigchld": "handler",
                "sigchld_blocked": False}, "one: verdict")
    t.check((g["handler"] or "").startswith("reap_one"),
            "one: the handler is named", str(g["handler"]))
    rc, lines = p.finish()
    t.eq(rc, 0, "one: the parent ends normally")


def check_blocked(t):
    p = pstest.Parent("blocked")
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "blocked", g, p)
    t.match(g, {"verdict": "sigchld-blocked", "sigchld_blocked": True,
                "sigchld_pending": True}, "blocked: verdict")
    t.check("pending" in g["why"], "blocked: why says pending", g["why"])
    let_go(t, "blocked", p)


def check_waitone(t):
    p = pstest.Parent("waitone")
    other = [c for c in zwtest.children_of(p.pid)
             if c not in [z["pid"] for z in p.zombies]]
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "waitone", g, p)
    t.match(g, {"verdict": "waits-for-other", "syscall": "wait4"},
            "waitone: verdict")
    t.eq([g["waits_for"]], other, "waitone: the pid it waits for")
    let_go(t, "waitone", p)


def check_ignore(t):
    p = pstest.Parent("ignore")
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "ignore", g, p)
    t.match(g, {"verdict": "ignores-too-late", "sigchld": "ignored"},
            "ignore: verdict")
    p.finish()


def check_stop(t):
    p = pstest.Parent("stop")
    zwtest.poll_until(lambda: zwtest.proc_state(p.pid) == "T", 10)
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "stop", g, p)
    t.match(g, {"verdict": "stopped", "state": "T", "looked": False},
            "stop: verdict")
    t.eq(zwtest.proc_state(p.pid), "T", "stop: still stopped after ps")
    let_go(t, "stop", p, cont=True)


def check_traced(t):
    p = pstest.Parent("traced")
    tracer = p.ready["tracer"]
    zwtest.poll_until(lambda: zwtest.proc_state(p.pid) == "t", 10)
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    common(t, "traced", g, p)
    t.match(g, {"verdict": "traced", "tracer": tracer, "looked": False},
            "traced: verdict")
    t.eq(zwtest.tracer_pid(p.pid), tracer, "traced: its tracer unchanged")
    rc, _ = p.finish()
    t.eq(rc, 0, "traced: the tracer ends normally")


def check_strace(t):
    """A parent traced by strace but running: its own verdict, the tracer
    named, and no look (a process has one tracer)."""
    if not shutil.which("strace"):
        t.note("no strace: that case is left out")
        return
    p = pstest.Parent("never")
    st = subprocess.Popen(["strace", "-q", "-o", os.devnull, "-p",
                           str(p.pid)], stderr=subprocess.DEVNULL)
    try:
        t.require(zwtest.poll_until(lambda: zwtest.tracer_pid(p.pid) ==
                                    st.pid, 10), "strace attached")
        rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=3)
        g = pstest.group(t, doc, p.pid)
        common(t, "strace", g, p)
        t.match(g, {"verdict": "never-waits", "tracer": st.pid,
                    "looked": False}, "strace: verdict, tracer named")
        t.check("traced by" in g["why"], "strace: why names the tracer",
                g["why"])
    finally:
        st.terminate()
        st.wait(timeout=30)
    let_go(t, "strace", p)


def check_leader(t):
    p = pstest.Parent("leader")
    zwtest.poll_until(lambda: zwtest.proc_state(p.pid) == "Z", 10)
    rc, doc, _, _ = pstest.ps(t, [p.pid], expect_rc=0)
    t.eq(doc["zombies"], 0, "leader: not counted as a zombie")
    t.eq(doc["not_zombies"], [p.pid], "leader: named as not a zombie")
    rc, _ = p.finish()
    t.eq(rc, 0, "leader: the process ends normally")


def test(t):
    pstest.become_subreaper()
    for check in (check_never, check_one, check_blocked, check_waitone,
                  check_ignore, check_stop, check_traced, check_strace,
                  check_leader):
        check(t)
    pstest.reap_strays()


zwtest.main(test)
