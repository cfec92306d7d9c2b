#!/usr/bin/env python3
"""make, the most common parent there is (issue 11, item 1).  make blocks
SIGCHLD outside pselect(): it reaped its recipe shell and exited before
zwatch had switched it to syscall stops, and the shell came out "reaped
by 0 ((null))", its exit stamped after make's own.  Now, 20 times in a
row: `make -s clean` with one recipe through sh, and `make -j3` with a
shell and without one in the recipes: every process reaped by its parent
(make's recipes by make, with the wait call seen), each exit before its
reaper's, and the text output never says "(null)" or "reaped by 0"."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = 20
CLEAN = "clean:\n\trm -f *.o prog\n"
# a and b go through /bin/sh (a ';'), c and d are exec'd by make itself.
JOBS = """\
all: a b c d
a b:
\t@true $@; true
c d:
\ttrue $@
"""


def check_run(t, tr, what):
    lcs = {l["pid"]: l for l in tr.lifecycles}
    bad = [l for l in tr.lifecycles if l.get("reaper") != "parent" or
           l.get("final") != "reaped" or l.get("reaped_by") != l.get("ppid")]
    t.check(not bad, f"{what}: every process reaped by its parent", bad,
            pids=[l["pid"] for l in bad])
    order = [l for l in tr.lifecycles if l.get("ppid") in lcs and
             lcs[l["ppid"]].get("exited") is not None and
             l["exited"] > lcs[l["ppid"]]["exited"]]
    t.check(not order, f"{what}: every child exits before its parent", order,
            pids=[l["pid"] for l in order])
    make = [l["pid"] for l in tr.lifecycles if l.get("comm") == "make"]
    unseen = [r for r in tr.events("reap") if r.get("by") in make and
              not r.get("syscall")]
    t.check(not unseen, f"{what}: make's reaps show the wait call", unseen)


def test(t):
    make = shutil.which("make")
    if not make:
        t.skip("make is not installed")
    with open(os.path.join(t.tmpdir, "Makefile"), "w") as f:
        f.write(CLEAN)
    jobs = os.path.join(t.tmpdir, "jobs.mk")
    with open(jobs, "w") as f:
        f.write(JOBS)
    for i in range(RUNS):
        tr = t.run([make, "-s", "-C", t.tmpdir, "clean"], name=f"clean{i}")
        check_run(t, tr, f"make clean ({i})")
        tr = t.run([make, "-s", "-j3", "-f", jobs, "-C", t.tmpdir],
                   name=f"jobs{i}")
        check_run(t, tr, f"make -j3 ({i})")
    # The text output of the same (the summary included).
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "--", make, "-s",
                                    "-C", t.tmpdir, "clean"], what="zwatch")
    t.check("(null)" not in out + err and "reaped by 0" not in out + err,
            "text output: no '(null)', no 'reaped by 0'", out + err)


zwtest.main(test)
