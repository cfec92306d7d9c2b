"""The general rule: zwatch killed (SIGKILL) at each kind of stop it
handles -- fork event, exec event, exit, SIGCHLD stop, syscall stop,
injection, detach -- leaves the traced programs exactly as untraced:
same output, same exit status, nothing left stopped or traced.  zwatch
kills itself at the named point (ZWATCH_TEST_KILL_AT, src/killpoint.h),
the first time and the third time it gets there."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import killtest  # noqa: E402

# Forks, execs, exits, SIGCHLDs, waits (syscall stops while a zombie is
# there), a pipeline, a subshell's exit status, a sleep to detach in.
SCRIPT = ("for i in 1 2 3; do /bin/echo line $i; done; (exit 5); "
          "echo st=$?; /bin/echo piped | /bin/cat; sleep 0.4; "
          "/bin/echo done; exit 4")
KINDS = ("fork-event", "exec-event", "exit", "sigchld-stop")


def sleeping(trace):
    """The script is in its sleep: an exec event of sleep is out."""
    return any('"event":"exec"' in line and "sleep" in line
               for line in trace.splitlines())


def test(t):
    killtest.become_subreaper()
    sh = ["/bin/sh", "-c", SCRIPT]
    want_out, want_st = killtest.untraced(sh, t.tmpdir)
    t.eq(want_st, 4 << 8, "untraced script exits 4")
    for kind in KINDS:
        for nth in (1, 3):
            got = killtest.run(sh, t.tmpdir, kill_at=f"{kind}:{nth}")
            killtest.check(t, f"{kind}:{nth}", got, want_out, want_st)
    # Detach (SIGINT), killed after the first thread is let go: the
    # others are still at the interrupt stops detach_all() made.
    got = killtest.run(sh, t.tmpdir, kill_at="detach",
                       sigint_after=sleeping)
    killtest.check(t, "detach", got, want_out, want_st)
    # Syscall stops: a parent with a zombie has its waits watched; the
    # victim keeps one 600 ms.  Injection (--diagnose runs rt_sigaction
    # in the parent): every step is in test_inject_kill.py; one here.
    victim = [zwtest.scn("inject_victim")]
    want_out, want_st = killtest.untraced(victim, t.tmpdir)
    for point, opts in (("syscall-stop:1", []), ("syscall-stop:3", []),
                        ("inject-call", ["--diagnose=1ms"])):
        got = killtest.run(victim, t.tmpdir, opts=opts, kill_at=point)
        killtest.check(t, point, got, want_out, want_st)


zwtest.main(test)
