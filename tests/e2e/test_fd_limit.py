#!/usr/bin/env python3
"""A horde of zombies beyond zwatch's descriptors.  zwatch watches each
zombie's release with a pidfd, up to its descriptor limit less a reserve
for /proc and its output; the rest are polled.  Here the hard limit is
1024 (and, as root, CAP_SYS_RESOURCE is dropped so zwatch cannot raise
it): of 1,000 zombies at once about a third are polled.  Every child must
still have its exit code and its right reaper: the parent's waitpid(-1)
(`horde N wait`), or the kernel under SA_NOCLDWAIT (`horde N nocldwait`).
The same at a limit of 256, where every zombie is polled."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

N = 1000


def limited(nofile):
    """The prefix that runs zwatch under a hard descriptor limit."""
    prefix = ["prlimit", f"--nofile={nofile}:{nofile}"]
    if os.geteuid() == 0:
        prefix = ["setpriv", "--inh-caps=-sys_resource",
                  "--bounding-set=-sys_resource"] + prefix
    return prefix


def check_horde(t, nofile, mode):
    label = f"[{mode}, nofile {nofile}]"
    tr = t.run([zwtest.scn("horde"), str(N), mode], timeout=200,
               prefix=limited(nofile), name=f"horde-{mode}-{nofile}")
    t.scenario_ok(tr)
    # setpriv and prlimit exec: zwatch made the first spawn.
    tr.zwatch_pid = tr.events("spawn")[0]["creator"]
    me = t.root_ok(tr)["pid"]
    kids = tr.out("child")
    t.require(len(kids) == N or None, f"{label} scenario reported {N} children")
    if mode == "wait":
        want = {"ppid": me, "reaped_by": me, "reaper": "parent",
                "final": "reaped"}
    else:
        want = {"ppid": me, "reaped_by": None, "reaper": "autoreap",
                "final": "autoreaped"}
    t.children_ok(tr, kids, want, label)
    t.note(f"{label} {N} zombies traced in {tr.elapsed:.1f} s")


def test(t):
    for tool in ("prlimit", "setpriv"):
        if not shutil.which(tool):
            t.skip(f"{tool} (util-linux) is not installed")
    for nofile in (1024, 256):
        for mode in ("wait", "nocldwait"):
            check_horde(t, nofile, mode)


zwtest.main(test)
