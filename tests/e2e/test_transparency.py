#!/usr/bin/env python3
"""Signal transparency and faults.  A program whose output depends on
signals (handlers, SIG_IGN, queued realtime signals with sigwaitinfo,
SIGSTOP/SIGCONT of a child seen through waitpid) prints the same under
zwatch as without it.  zwatch SIGKILLed mid-launch: the traced program
goes on untraced (no PTRACE_O_EXITKILL) to its normal end.  A child that
SIGKILLs itself: the record says so, nothing hangs."""
import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def plain(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


def comm_of(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def test(t):
    prog = zwtest.scn("signals")
    alone = plain([prog])
    t.eq(alone.returncode, 0, "the signal program runs alone")
    tr = t.run([prog], name="signals")
    t.eq(tr.stdout, alone.stdout, "same output under zwatch as without it")

    # zwatch killed with SIGKILL while the program runs.
    mark = os.path.join(t.tmpdir, "survived")
    script = (f"sleep 0.4; grep -q '^TracerPid:[[:space:]]*0$' /proc/$$/status "
              f"&& echo ok > {mark}")
    zw = subprocess.Popen([zwtest.zwatch_path(), "-q", "-o", "/dev/null", "--",
                           "/bin/sh", "-c", script], start_new_session=True)
    # Once the program runs traced (an ASan zwatch on a loaded machine
    # took 1.3 s to start): a kill before that tests nothing.
    zwtest.poll_until(lambda: any(zwtest.tracer_pid(c) == zw.pid and
                                  comm_of(c) == "sh"
                                  for c in zwtest.children_of(zw.pid)), 10)
    zw.send_signal(signal.SIGKILL)
    zw.wait(timeout=10)
    ok = zwtest.poll_until(lambda: os.path.exists(mark), 10)
    t.check(ok, "zwatch SIGKILLed: the program went on untraced to its end")

    # A child that SIGKILLs itself: recorded as such, its parent goes on.
    tr = t.run(["/bin/sh", "-c", "sh -c 'kill -9 $$' ; echo after"],
               name="killed-child")
    kids = [l for l in tr.lifecycles if l["exit_signal"] == "SIGKILL"]
    t.check(kids, "the killed child is recorded as killed by SIGKILL")
    t.check("after" in tr.stdout, "and its parent went on")


zwtest.main(test)
