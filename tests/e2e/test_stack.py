#!/usr/bin/env python3
"""-k/--stack: each spawn event carries the creating thread's stack as
"binary+offset (function+offset)" frames with build-ids.  The fork site
(main -> start_pool -> spawn_worker -> fork) is named whether the program
has debug info or not and with -fomit-frame-pointer (unwinding uses
.eh_frame); a stripped copy degrades to binary+offset with its build-id,
never a crash."""
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def worker_stack(t, tr, label):
    w = int(tr.out_one("worker")["pid"])
    sp = tr.events("spawn", pid=w)
    if not t.check(len(sp) == 1 and sp[0].get("stack"),
                   f"[{label}] the worker's spawn has a stack", sp):
        return None
    st = sp[0]["stack"]
    for f in st:
        for k in ("pc", "binary", "offset", "function", "func_offset",
                  "build_id"):
            if k not in f:
                t.check(False, f"[{label}] frame has '{k}'", f)
                return None
    return st


def test(t):
    t.require_stacks()
    for name in ("forksite", "forksite_nodebug", "forksite_omitfp"):
        prog = zwtest.scn(name)
        tr = t.run([prog], opts=["-k"], name=name)
        st = worker_stack(t, tr, name)
        if not st:
            continue
        funcs = [f["function"] for f in st]
        t.check("spawn_worker" in funcs and "main" in funcs,
                f"[{name}] names spawn_worker and main", funcs)
        mine = [f for f in st if f["binary"] and
                os.path.realpath(f["binary"]) == os.path.realpath(prog)]
        t.check(mine and all(f["build_id"] for f in mine),
                f"[{name}] the program's frames carry its build-id", mine)
    stripped = os.path.join(t.tmpdir, "forksite_stripped")
    shutil.copy(zwtest.scn("forksite"), stripped)
    if subprocess.run(["strip", stripped]).returncode != 0:
        t.skip("strip failed")
    tr = t.run([stripped], opts=["-k"], name="stripped")
    st = worker_stack(t, tr, "stripped")
    if st:
        mine = [f for f in st if f["binary"] == stripped]
        t.check(mine and all(int(f["offset"], 16) > 0 and f["build_id"]
                             for f in mine),
                "[stripped] binary+offset with build-id", mine)
    tr = t.run([zwtest.scn("forksite")], opts=[], name="no-k")
    t.check(all("stack" not in e for e in tr.events("spawn")),
            "without -k, no stacks")


zwtest.main(test)
