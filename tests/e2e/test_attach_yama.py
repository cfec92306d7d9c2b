#!/usr/bin/env python3
"""Attach mode (issue 4): Yama's ptrace_scope, in attach and launch mode.
Yama is simulated: zwatch runs in a private mount namespace where a tmpfs
over /proc/sys/kernel holds yama/ptrace_scope = N (the kernel itself may
have no Yama).  Scope 1: root may attach and launch.  Scope 2: allowed with
CAP_SYS_PTRACE; refused without it (setpriv drops it), with a message that
names ptrace_scope, exit 1.  Scope 3: always refused, message naming
ptrace_scope and 3, exit 1.  A refused attach leaves the target untraced;
a refused launch does not run PROG.  Skipped (77) when the mount namespace
or the tmpfs mount is not permitted (or setpriv is missing)."""
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

SCOPE_FILE = "/proc/sys/kernel/yama/ptrace_scope"
# $0 is the scope; "$@" the command to exec (same pid: no fork anywhere).
FAKE_YAMA = ("mount -t tmpfs none /proc/sys/kernel && "
             "mkdir /proc/sys/kernel/yama && "
             f"echo \"$0\" > {SCOPE_FILE} && exec \"$@\"")


def names_scope(err, scope):
    """The message names ptrace_scope and, close after it, its value."""
    return re.search(r"ptrace_scope[^0-9\n]{0,40}\b%d\b" % scope, err) is not None


def yama_prefix(scope, drop_cap=False, setpriv=None):
    prefix = ["unshare", "-m", "sh", "-c", FAKE_YAMA, str(scope)]
    if drop_cap:
        prefix += [setpriv, "--bounding-set=-sys_ptrace",
                   "--inh-caps=-sys_ptrace", "--"]
    return prefix


def probe(t, setpriv):
    rc, out, err, _, _ = t.run_cmd(
        yama_prefix(2, True, setpriv) + ["sh", "-c", f"cat {SCOPE_FILE}; "
                                         "grep CapEff /proc/self/status"],
        timeout=20, what="fake Yama probe")
    if rc != 0 or out.split("\n")[0].strip() != "2":
        t.skip(f"cannot fake {SCOPE_FILE} (unshare -m + tmpfs mount): "
               f"exit {rc}: {err.strip()}")
    cap_eff = int(out.split()[-1], 16)
    if cap_eff & (1 << 19):
        t.skip("setpriv did not drop CAP_SYS_PTRACE")
    t.note(f"fake Yama works; without CAP_SYS_PTRACE CapEff = {cap_eff:x}")


def attach_case(t, s, prog, scope, drop_cap, allowed, code):
    what = f"attach, scope {scope}" + (" without CAP_SYS_PTRACE"
                                       if drop_cap else "")
    tgt = s.spawn([prog, str(code)], name=f"scope{scope}-{int(drop_cap)}")
    tgt.wait_line("ready")
    zw = s.attach([tgt.pid], prefix=yama_prefix(scope, drop_cap, s.setpriv),
                  name=f"attach-scope{scope}-{int(drop_cap)}")
    if allowed:
        zw.wait_attached([tgt.pid])
        tgt.close_stdin()
        rc = tgt.wait(timeout=30)
        tr = zw.finish(timeout=30)
        t.eq(rc, code, f"{what}: target exit status")
        t.check("ptrace_scope" not in tr.stderr,
                f"{what}: no ptrace_scope complaint", tr.stderr)
        t.match(tr.lifecycle(tgt.pid), {"born": None, "exit_code": code},
                f"{what}: target lifecycle")
        return
    tr = zw.finish(timeout=30, expect_rc=1)
    t.check(names_scope(tr.stderr, scope),
            f"{what}: refused with a message naming ptrace_scope and "
            f"{scope}", f"stderr: {tr.stderr!r}")
    t.eq(zwtest.tracer_pid(tgt.pid), 0, f"{what}: target untraced (TracerPid)")
    t.check(not any(r.get("event") == "attach" for r in zw.records())
            and not tr.events("attach"), f"{what}: no attach event")
    st = zwtest.thread_states(tgt.pid)
    t.check(st and all(v[0] not in ("t", "T") for v in st.values()),
            f"{what}: target not stopped", f"{st}")
    tgt.close_stdin()
    t.eq(tgt.wait(timeout=30), code, f"{what}: target exit status")


def launch_case(t, scope, drop_cap, allowed, setpriv):
    what = f"launch, scope {scope}" + (" without CAP_SYS_PTRACE"
                                       if drop_cap else "")
    marker = os.path.join(t.tmpdir, f"ran-{scope}-{int(drop_cap)}")
    prog = ["/bin/sh", "-c", f": > {marker}; exit 6"]
    zw = zwtest.zwatch_path()
    out = os.path.join(t.tmpdir, f"launch-{scope}-{int(drop_cap)}.jsonl")
    rc, _, err, _, _ = t.run_cmd(
        yama_prefix(scope, drop_cap, setpriv) +
        [zw, "--json", "-o", out, "--"] + prog, timeout=30, what=what)
    if allowed:
        t.eq(rc, 6, f"{what}: zwatch's exit status is PROG's")
        t.check(os.path.exists(marker), f"{what}: PROG ran")
        try:
            with open(out) as f:
                tr = zwtest.Trace(prog, rc, "", err, f.read(), None, out, 0)
        except OSError:
            tr = None
        t.check(tr is not None and any(r.get("exit_code") == 6
                                       for r in tr.lifecycles),
                f"{what}: PROG's lifecycle with exit code 6 in the trace")
        return
    t.eq(rc, 1, f"{what}: exit status")
    t.check(names_scope(err, scope),
            f"{what}: refused with a message naming ptrace_scope and {scope}",
            f"stderr: {err!r}")
    t.check(not os.path.exists(marker), f"{what}: PROG did not run")


def test(t):
    setpriv = shutil.which("setpriv")
    if not shutil.which("unshare") or not setpriv:
        t.skip("unshare(1) or setpriv(1) is not installed")
    if os.geteuid() != 0:
        t.skip("needs root (to fake ptrace_scope in a mount namespace)")
    probe(t, setpriv)
    prog = zwtest.scn("attach_loop")
    cases = [(1, False, True), (2, False, True), (2, True, False),
             (3, False, False), (3, True, False)]
    with zwtest.AttachSession(t) as s:
        s.setpriv = setpriv
        for i, (scope, drop, allowed) in enumerate(cases):
            attach_case(t, s, prog, scope, drop, allowed, 10 + i)
    for scope, drop, allowed in cases:
        launch_case(t, scope, drop, allowed, setpriv)


zwtest.main(test)
