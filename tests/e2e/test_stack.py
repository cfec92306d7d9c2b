#!/usr/bin/env python3
"""-k/--stack: each spawn event carries the creating thread's stack as
"binary+offset (function+offset)" frames with build-ids.  The fork site
(main -> start_pool -> spawn_worker -> fork) is named whether the program
has debug info or not and with -fomit-frame-pointer (unwinding uses
.eh_frame); a stripped copy degrades to binary+offset with its build-id,
never a crash.  With libdw, the build with debug info gives the source
line of each frame: spawn_worker's is the fork() call's (the line before
the return address, not the next statement), in JSON ("file", "line")
and in the text output ("at forksite.c:N"); the builds without debug
info and the stripped copy give none.  Without libdw, no frame has a
line."""
import os
import re
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
        for k in ("pc", "binary", "offset", "function", "build_id"):
            if k not in f:
                t.check(False, f"[{label}] frame has '{k}'", f)
                return None
        if ("func_offset" in f) != (f["function"] is not None):
            t.check(False, f"[{label}] 'func_offset' if and only if "
                    "'function'", f)
            return None
        if ("file" in f) != ("line" in f) or "line" in f and not (
                isinstance(f["line"], int) and f["line"] > 0 and
                isinstance(f["file"], str) and f["file"]):
            t.check(False, f"[{label}] 'file' and 'line' together, "
                    "a name and a line from 1", f)
            return None
    return st


def source_line(path, marker):
    """The 1-based line of path that holds marker."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise zwtest.HardError(f"{path} has no {marker}")


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_lines(t, name, prog, st, lines):
    """The program's frames have lines only where there is debug info and
    libdw; spawn_worker's is the fork() call's."""
    mine = [f for f in st if f["binary"] and
            os.path.realpath(f["binary"]) == os.path.realpath(prog)]
    if name != "forksite" or not lines:
        t.check(mine and not any("line" in f for f in mine),
                f"[{name}] no frame has a line", mine)
        return
    src = os.path.join(zwtest.SRCDIR, "tests", "scn", "forksite.c")
    fork_line = source_line(src, "/* FORK_SITE")
    ours = [f for f in mine if f["function"] in
            ("spawn_worker", "start_pool", "main")]
    t.check(len(ours) == 3 and all("line" in f for f in ours),
            f"[{name}] its functions' frames have a line (not _start's, "
            "which crt1.o has none for)", mine)
    sw = [f for f in mine if f["function"] == "spawn_worker"]
    if not t.check(len(sw) == 1 and "line" in sw[0],
                   f"[{name}] spawn_worker's frame has a line", mine):
        return
    t.eq(sw[0]["line"], fork_line,
         f"[{name}] spawn_worker's line is the fork() call's")
    t.eq(os.path.basename(sw[0]["file"]), "forksite.c",
         f"[{name}] in forksite.c")
    t.check(same_file(sw[0]["file"], src),
            f"[{name}] the file names the source, directory and all",
            sw[0]["file"])
    return fork_line


def check_text(t, prog, fork_line):
    """The text output puts the line after the function, base name only."""
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "-k",
                                    "--color=never", "--", prog],
                                   what="zwatch -k (text)")
    t.eq(rc, 0, "[text] exit status")
    t.check(re.search(r"#\d+ +\S+/forksite\+0x[0-9a-f]+ \(spawn_worker\+0x"
                      rf"[0-9a-f]+\) at forksite\.c:{fork_line} \[[0-9a-f]+\]$",
                      err, re.M),
            "[text] '(spawn_worker+0x..) at forksite.c:N [build-id]'", err)


def test(t):
    t.require_stacks()
    lines = "lines" in zwtest.features()
    if not lines:
        t.note("zwatch built without libdw: frames must have no line")
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
        fork_line = check_lines(t, name, prog, st, lines)
        if fork_line:
            check_text(t, prog, fork_line)
    if zwtest.elsewhere():
        t.note("in a VM: no stripped copy (it would be made on the host)")
    else:
        check_stripped(t)
    tr = t.run([zwtest.scn("forksite")], opts=[], name="no-k")
    t.check(all("stack" not in e for e in tr.events("spawn")),
            "without -k, no stacks")


def check_stripped(t):
    """A stripped copy gives binary+offset with its build-id, no line."""
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
        t.check(not any("line" in f for f in mine), "[stripped] no line",
                mine)


zwtest.main(test)
