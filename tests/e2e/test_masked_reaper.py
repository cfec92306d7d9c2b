#!/usr/bin/env python3
"""A parent that reaps with SIGCHLD blocked (bash around waitpid(), make
outside pselect()) gets its SIGCHLD stop only later, as it unblocks the
signal, with registers that show sigprocmask() (or a handler's wait that
found nothing), not the wait that reaped.  That is no sign of
SA_NOCLDWAIT: every child is reaped by the parent, none 'autoreaped'.
Then the same for real programs: bash command substitutions, and make
running recipes through bash."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

MAKEFILE = """\
all: a b c d
a b c d:
\t@echo "  GEN     $@"; true $@ && echo $@ > /dev/null
"""


def test(t):
    tr = t.run([zwtest.scn("masked_reaper"), "5"])
    t.scenario_ok(tr)
    parent = t.root_ok(tr)["pid"]
    for r in tr.out("reaped"):
        lc = t.lifecycle(tr, int(r["pid"]), f"child {r['pid']}")
        t.match(lc, {"exit_code": int(r["code"]), "reaper": "parent",
                     "reaped_by": parent, "final": "reaped"},
                f"child {r['pid']}: reaped by its parent, not autoreaped")
    # bash reaps a command substitution with SIGCHLD blocked, then its
    # SIGCHLD handler's waitpid(WNOHANG) finds nothing: ECHILD at the stop.
    for i in range(5):
        tr = t.run(["bash", "-c", "x=$(echo hi); y=`true`; z=$(date); "
                    "echo $x$y$z"], name=f"bash{i}")
        t.check(all(l.get("final") == "reaped" and l.get("reaper") == "parent"
                    for l in tr.lifecycles),
                f"bash command substitutions ({i}): every process reaped by "
                f"its parent", [l for l in tr.lifecycles
                                if l.get("reaper") != "parent"])
    make = shutil.which("make")
    if not make:
        t.note("make not installed: the real-program half is skipped")
        return
    mk = os.path.join(t.tmpdir, "Makefile")
    with open(mk, "w") as f:
        f.write(MAKEFILE)
    tr = t.run([make, "-s", "-j2", "-f", mk, "-C", t.tmpdir], name="make")
    auto = [l for l in tr.lifecycles if l.get("final") == "autoreaped"]
    t.check(not auto, f"make -j2: none of {len(tr.lifecycles)} processes "
            f"autoreaped (nobody ignores SIGCHLD)", auto)
    # make blocks SIGCHLD and reaps its last recipe shell as it exits:
    # zwatch watches its waits before the shell is a zombie (issue 11).
    t.check(all(l.get("final") == "reaped" and l.get("reaper") == "parent"
                for l in tr.lifecycles),
            "make -j2: every process reaped by its parent",
            [l for l in tr.lifecycles if l.get("reaper") != "parent"])

zwtest.main(test)
