#!/usr/bin/env python3
"""The diagnosis's "at FILE:LINE (function)" is the innermost frame of the
parent's own code, not the C library's and not _start, wherever that code
lives: in a python whose interpreter is in libpython3.X.so (pyenv builds
it so), the executable holds only main and _start, and the parent sleeping
in time.sleep() is "at timemodule.c:N (time_sleep+0x..)".  A python
without that library (Debian's, its interpreter in the executable) is at
a frame of its executable."""
import glob
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

SCRIPT = ("import os, time\n"
          "p = os.fork()\n"
          "if p == 0:\n"
          "    os._exit(0)\n"
          "time.sleep(1.5)\n"
          "os.waitpid(p, 0)\n")


def libpython_python():
    """A python whose code is in libpython3.X.so, or None."""
    for exe in sorted(glob.glob(os.path.expanduser(
            "~/.pyenv/versions/3.*/bin/python3.*"))):
        lib = glob.glob(os.path.join(os.path.dirname(os.path.dirname(exe)),
                                     "lib", "libpython3*.so.1.0"))
        if lib and os.access(exe, os.X_OK) and not exe.endswith("-config"):
            return exe
    return None


def where(t, tr, label):
    ds = tr.events("diagnosis")
    if not t.check(ds, f"[{label}] the zombie was diagnosed", tr.records):
        return ""
    text = ds[0]["text"]
    t.check(" at _start" not in text and "(_start" not in text,
            f"[{label}] not at _start", text)
    return text


def test(t):
    t.require_stacks()
    lines = "lines" in zwtest.features()
    py = libpython_python()
    if py:
        tr = t.run([py, "-c", SCRIPT], opts=["--diagnose=300ms"],
                   name="libpython")
        text = where(t, tr, "libpython")
        want = "at timemodule.c:" if lines else "at time_sleep+0x"
        t.check(want in text and "(time_sleep+0x" in text or
                not lines and "at time_sleep+0x" in text,
                f"[libpython] the parent is in time_sleep ('{want}')", text)
    else:
        t.note("no python with libpython3.X.so (pyenv): that case not tried")
    deb = "/usr/bin/python3"
    if os.access(deb, os.X_OK):
        tr = t.run([deb, "-c", SCRIPT], opts=["--diagnose=300ms"],
                   name="python")
        text = where(t, tr, "python")
        t.check(" at " in text and " at libc" not in text,
                "[python] at a frame outside libc", text)
    if not py and not os.access(deb, os.X_OK):
        t.skip("no python3 to run (a real program with its own code)")


zwtest.main(test)
