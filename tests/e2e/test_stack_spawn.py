#!/usr/bin/env python3
"""-k through posix_spawn: glibc's __clone3 has no unwind information
where the parent returns from clone3, so the unwinder takes the return
address at the stack pointer there.  The frames then go on through
posix_spawn to the caller, on real posix_spawn callers: a C program
(spawn_true and main named, with their lines), Python's os.posix_spawn
(the python binary's frames follow), and make, whose recipes are spawned
so (child_execute_job).  With libc6-dbg's separate debug information
(/usr/lib/debug/.build-id), the libc frames are named too: __clone3 or
clone3, __spawni."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def spawn_stack(t, tr, label):
    sp = [e for e in tr.events("spawn") if "CLONE_VFORK" in
          " ".join(e.get("flags", [])) and e.get("stack")]
    if not t.check(sp, f"[{label}] a vfork-like spawn has a stack",
                   tr.events("spawn")):
        return None
    return sp[0]["stack"]


def after_posix_spawn(t, st, label):
    """The frames below posix_spawn's: None when there is no posix_spawn."""
    funcs = [f["function"] for f in st]
    if not t.check("posix_spawn" in funcs,
                   f"[{label}] a frame is posix_spawn", st):
        return None
    return st[funcs.index("posix_spawn") + 1:]


def libc_names(t, st, label):
    """With libc's debug file installed, the frames above posix_spawn
    are named from its .symtab."""
    dbg = "/usr/lib/debug/.build-id"
    if not os.path.isdir(dbg):
        t.note("no /usr/lib/debug/.build-id (libc6-dbg): libc's inner "
               "frames stay unnamed")
        return
    funcs = [f["function"] for f in st]
    t.check(funcs and funcs[0] in ("__clone3", "clone3") and
            "__spawni" in funcs,
            f"[{label}] libc's frames named from libc6-dbg: "
            "__clone3 ... __spawni ... posix_spawn", funcs)


def test(t):
    t.require_stacks()
    lines = "lines" in zwtest.features()
    prog = zwtest.scn("spawnsite")
    tr = t.run([prog], opts=["-k"], name="spawnsite")
    st = spawn_stack(t, tr, "C")
    if st:
        below = after_posix_spawn(t, st, "C") or []
        funcs = [f["function"] for f in below]
        t.check(funcs[:2] == ["spawn_true", "main"],
                "[C] posix_spawn is called by spawn_true, from main", st)
        if lines:
            t.check(all(f.get("line") for f in below[:2]),
                    "[C] spawn_true and main have lines", below[:2])
        libc_names(t, st, "C")

    py = "/usr/bin/python3"
    if os.access(py, os.X_OK):
        tr = t.run([py, "-c", "import os; p = os.posix_spawn('/bin/true', "
                    "['true'], os.environ); os.waitpid(p, 0)"],
                   opts=["-k"], name="python")
        st = spawn_stack(t, tr, "python")
        if st:
            below = after_posix_spawn(t, st, "python") or []
            exe = os.path.realpath(py)
            t.check(len(below) >= 3 and all(
                f["binary"] and (os.path.realpath(f["binary"]) == exe or
                                 "libpython" in f["binary"])
                for f in below[:3]),
                "[python] the interpreter's frames follow posix_spawn", st)
    else:
        t.note("no /usr/bin/python3: os.posix_spawn not tried")

    make = shutil.which("make")
    if make:
        d = os.path.join(t.tmpdir, "mk")
        os.mkdir(d)
        with open(os.path.join(d, "Makefile"), "w") as f:
            f.write("all:\n\t@true recipe\n")
        tr = t.run([make, "-s", "-C", d], opts=["-k"], name="make")
        st = spawn_stack(t, tr, "make")
        if st:
            below = after_posix_spawn(t, st, "make") or []
            t.check(below and below[0]["binary"] and
                    os.path.realpath(below[0]["binary"]) ==
                    os.path.realpath(make),
                    "[make] make's own frame follows posix_spawn", st)
    else:
        t.note("no make: its recipes not tried")


zwtest.main(test)
