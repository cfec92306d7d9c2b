"""A zwatch killed (SIGKILL) at each step of running rt_sigaction inside a
traced parent (--diagnose; src/inject.c) must leave the parent whole: it
goes on with its own registers (general, vector), signal mask, restarted
sleep and SIGCHLD count, and exits as untraced.  zwatch kills itself at
the named step (ZWATCH_TEST_KILL_AT, src/killpoint.h), so every step is
hit every time: one thread, two threads, a parent in nanosleep()
(restarted through restart_syscall()), and the SA_NOCLDWAIT probe.
Before this design the kill at the single-step's trap killed the parent
with SIGTRAP (exit 133)."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import killtest  # noqa: E402

STEPS = ("inject-move", "inject-entry", "inject-frame", "inject-regs",
         "inject-call", "inject-exit", "inject-restored", "inject-back")


def test(t):
    killtest.become_subreaper()
    prog = zwtest.scn("inject_victim")
    # "nanosleep": the call is made at the entry of restart_syscall(),
    # and the fallback makes nanosleep() again (see inject.c).
    for mode in ((), ("threads",), ("nanosleep",)):
        argv = [prog, *mode]
        want_out, want_st = killtest.untraced(argv, t.tmpdir)
        t.eq(want_st, 3 << 8, f"{mode}: untraced run exits 3")
        # Not killed: the diagnosis names the handler (the call ran).
        got = killtest.run(argv, t.tmpdir, opts=["--diagnose=1ms"])
        killtest.check(t, f"{mode} no kill", got, want_out, want_st,
                       expect_killed=False)
        with open(os.path.join(t.tmpdir, "trace")) as f:
            t.check("on_chld" in f.read(), f"{mode}: the diagnosis names "
                    "the handler read by the injected rt_sigaction")
        for step in STEPS:
            got = killtest.run(argv, t.tmpdir, opts=["--diagnose=1ms"],
                               kill_at=step)
            killtest.check(t, f"{mode} {step}", got, want_out, want_st)
    # The SA_NOCLDWAIT probe (reap.c): asked at a SIGCHLD delivery stop,
    # the parent is taken on to its next call, SIGCHLD delivered on the
    # way.  Its output has pids: compared without them.
    argv = [zwtest.scn("nocldwait"), "handler"]
    want_out, want_st = killtest.untraced(argv, t.tmpdir)
    for step in STEPS:
        got = killtest.run(argv, t.tmpdir, kill_at=step)
        got.out = re.sub(r"pid=\d+", "pid=N", got.out)
        killtest.check(t, f"nocldwait {step}", got,
                       re.sub(r"pid=\d+", "pid=N", want_out), want_st)


zwtest.main(test)
