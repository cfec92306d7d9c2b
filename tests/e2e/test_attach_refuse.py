#!/usr/bin/env python3
"""What -p must refuse before it touches anything, and a thread id.

- A kernel thread (kthreadd, pid 2 here, or any PF_KTHREAD process the
  test can see): exit 1, "kernel thread", and not one ptrace call (strace
  on zwatch; the kernel thread itself is only read in /proc, never
  touched).  Given with a process of ours first (`-p OURS,2`), ours is not
  seized either: the refusal comes before any target is.
- `-p TID` of a thread that is not its process's leader: zwatch says so
  and traces the process, whose records carry the process id (they used to
  carry the thread id, as if it were a process)."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

PF_KTHREAD = 0x00200000


def kernel_thread():
    """A pid of a kernel thread: 2 (kthreadd) if it is one, else any."""
    pids = [2] + sorted(int(d) for d in os.listdir("/proc") if d.isdigit())
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[6]) & PF_KTHREAD:
            return pid
    return None


def ptrace_calls(path):
    with open(path) as f:
        return [l for l in f if "ptrace(" in l]


def refuse_kthread(t, s, zw, strace):
    kt = kernel_thread()
    if kt is None:
        t.note("no kernel thread visible here (a pid namespace): the "
               "kernel-thread refusal is not tried")
        return
    loop = s.spawn([zwtest.scn("attach_loop"), "3"], name="loop")
    loop.wait_line("ready")
    for label, pids in (("kernel thread", str(kt)),
                        ("ours, then a kernel thread", f"{loop.pid},{kt}")):
        log = os.path.join(t.tmpdir, f"strace-{len(os.listdir(t.tmpdir))}")
        rc, out, err, _, _ = t.run_cmd(
            [strace, "-f", "-qq", "-e", "trace=ptrace", "-o", log, zw,
             "-p", pids], timeout=30, what=f"zwatch -p {pids}")
        t.eq(rc, 1, f"[{label}] zwatch -p {pids}: exit status")
        t.check("kernel thread" in err, f"[{label}] says it is a kernel "
                "thread", f"stderr: {err!r}")
        calls = ptrace_calls(log)
        t.check(not calls, f"[{label}] not one ptrace call",
                "".join(calls[:5]))
    st = zwtest.thread_states(loop.pid)
    t.check(st and all(tp == 0 and s_ not in ("t", "T")
                       for s_, tp in st.values()),
            "our process is untraced and not stopped", str(st))
    loop.kill()


def thread_id(t, s):
    prog = s.spawn([zwtest.scn("attach_threads"), "2"], name="threads")
    prog.wait_line("ready")
    tids = [r["tid"] for r in prog.out("thread")]
    other = t.require(next((x for x in tids if x != prog.pid), None),
                      "a thread that is not the leader")
    zw = s.attach([other], name="by-tid")
    zw.wait_attached([prog.pid])
    prog.close_stdin()
    t.eq(prog.wait(timeout=60), 0, "the threaded program's own checks")
    zw.signal(2)
    tr = zw.finish()
    t.check(f"{other} is a thread of process {prog.pid}" in tr.stderr,
            "-p TID: says whose thread it is", tr.stderr)
    t.check(not [r for r in tr.lifecycles if r["pid"] == other],
            "no record for the thread id as a process")
    me = [r for r in tr.lifecycles if r["pid"] == prog.pid]
    t.eq(len(me), 1, "one record for the process")
    kids = tr.children(prog.pid)
    t.eq(len(kids), 8, "its 8 children, parent the process id")


def test(t):
    zw = zwtest.zwatch_path()
    strace = shutil.which("strace")
    if not strace:
        t.skip("strace is not installed")
    with zwtest.AttachSession(t) as s:
        refuse_kthread(t, s, zw, strace)
        thread_id(t, s)


zwtest.main(test)
