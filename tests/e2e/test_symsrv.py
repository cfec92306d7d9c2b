#!/usr/bin/env python3
"""The ELF/DWARF of traced programs is parsed in a helper process, not in
zwatch: "zwsym:ZWATCH_PID", with no privileges (uid nobody when zwatch
runs as root, no capabilities, no_new_privs), a seccomp filter (when
built with libseccomp) and rlimits.  A helper that dies costs no event
and no stack: zwatch says so on stderr, starts another, and the later
frames are named again."""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

FORKS = 3
# Forks, then waits for the flag file (the test kills the helper
# meanwhile), then spawns from elsewhere (os.posix_spawn): new frames,
# which the tracer has not had named yet, for the next helper.
SCRIPT = ("import os, sys, time\n"
          f"for i in range({FORKS}):\n"
          "    p = os.fork()\n"
          "    if p == 0:\n"
          "        os._exit(0)\n"
          "    os.waitpid(p, 0)\n"
          "while not os.path.exists(sys.argv[1]):\n"
          "    time.sleep(0.02)\n"
          "p = os.posix_spawn('/bin/true', ['true'], os.environ)\n"
          "os.waitpid(p, 0)\n")


def helper_of(zpid):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/comm") as f:
                if f.read().strip() == f"zwsym:{zpid}":
                    return int(d)
        except OSError:
            pass
    return None


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def test(t):
    t.require_stacks()
    py = "/usr/bin/python3"
    if not os.access(py, os.X_OK):
        t.skip("no /usr/bin/python3")
    path = os.path.join(t.tmpdir, "trace.jsonl")
    flag = os.path.join(t.tmpdir, "flag")
    p = subprocess.Popen([zwtest.zwatch_path(), "--json", "-o", path, "-k",
                          "--", py, "-c", SCRIPT, flag],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        h = zwtest.poll_until(lambda: helper_of(p.pid), 10)
        if not t.check(h, "the helper zwsym:PID runs"):
            return
        st = status(h)
        if os.geteuid() == 0:
            t.eq(st["Uid"], ["65534"] * 4, "as root: the helper is nobody")
        t.eq(st["CapEff"], ["0000000000000000"], "no capabilities")
        t.eq(st["NoNewPrivs"], ["1"], "no_new_privs")
        if "seccomp" in zwtest.features():
            t.eq(st["Seccomp"], ["2"], "a seccomp filter")
        else:
            t.note("built without libseccomp: no filter to check")
        with open(f"/proc/{h}/limits") as f:
            t.check("Max cpu time" in (lim := f.read()) and
                    "unlimited" not in [ln for ln in lim.splitlines()
                                        if ln.startswith("Max cpu")][0],
                    "a CPU time limit", lim)
        # Kill it once the forks' stacks are out: the next lookup finds
        # it gone and starts another.
        zwtest.poll_until(lambda: os.path.exists(path) and open(path).read()
                          .count('"event":"spawn"') >= FORKS + 1, 10)
        os.kill(h, signal.SIGKILL)
        zwtest.poll_until(lambda: helper_of(p.pid) != h, 10)
        open(flag, "w").close()
        h2 = zwtest.poll_until(lambda: (lambda x: x if x and x != h
                                        else None)(helper_of(p.pid)), 10)
        t.check(h2, "another helper was started")
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    err = err.decode(errors="replace")
    t.eq(p.returncode, 0, "zwatch exit status")
    t.check("symbolizer helper died" in err, "the death is said", err)
    with open(path) as f:
        import json
        evs = [json.loads(ln) for ln in f if ln.strip()]
    sp = [e for e in evs if e.get("event") == "spawn" and
          e.get("comm", "").startswith("python")]
    t.eq(len(sp), FORKS + 1, "every fork and the spawn are in the trace")
    t.check(all(e.get("stack") for e in sp), "each has its stack", sp)
    last = sp[-1].get("stack") or []
    t.check(any(f["function"] == "posix_spawn" for f in last),
            "the spawn's frames are named by the new helper", last)


zwtest.main(test)
