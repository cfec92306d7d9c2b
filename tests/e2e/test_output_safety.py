#!/usr/bin/env python3
"""Output never destroys data (issue 12, items 5 and 6).

- `zwatch -w F -o F` is refused (exit 2) before either is truncated,
  also when the two names are a symlink or a hard link of one file, and
  a refused run leaves no new file behind;
- `zwatch report -o OLD DAMAGED` exits 1 and leaves OLD as it was, with
  no temporary left beside it; a good report replaces OLD through a
  symlink (the link stays a link) and keeps OLD's mode;
- `-o` to a FIFO and to /dev/stdout is written in place;
- `zwatch report -o TRACE TRACE`, by any name, is refused."""
import os
import stat
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test(t):
    zw = zwtest.zwatch_path()
    d = t.tmpdir
    p = lambda n: os.path.join(d, n)  # noqa: E731

    rc, _, err, _, _ = t.run_cmd([zw, "-w", p("F"), "--", "/bin/true"])
    t.eq(rc, 0, "a trace is recorded")
    trace = read(p("F"))
    os.symlink("F", p("L"))
    os.link(p("F"), p("H"))
    for o, w in (("F", "F"), ("L", "F"), ("F", "L"), ("H", "F")):
        rc, _, err, _, _ = t.run_cmd([zw, "-w", p(w), "-o", p(o), "--",
                                      "/bin/true"])
        t.eq(rc, 2, f"-w {w} -o {o}: refused")
        t.check("overwrite" in err, f"-w {w} -o {o}: says why", err)
        t.check(read(p("F")) == trace, f"-w {w} -o {o}: the trace is intact")
    rc, _, err, _, _ = t.run_cmd([zw, "-w", p("new"), "-o", p("new"), "--",
                                  "/bin/true"])
    t.eq(rc, 2, "-w new -o new: refused")
    t.check(not os.path.exists(p("new")), "-w new -o new: no file left")
    rc, _, _, _, _ = t.run_cmd([zw, "-w", p("t2"), "-o", "/dev/null", "--",
                                "/bin/true"])
    t.eq(rc, 0, "-w FILE -o /dev/null runs")

    # report: a damaged trace leaves the old report alone
    rc, _, _, _, _ = t.run_cmd([zw, "report", "--format=html", "-o",
                                p("old.html"), p("F")])
    t.eq(rc, 0, "report -o old.html")
    os.chmod(p("old.html"), 0o640)
    old = read(p("old.html"))
    with open(p("damaged"), "wb") as f:
        f.write(trace[:len(trace) // 2] + b"\n{broken\n" + trace)
    before = sorted(os.listdir(d))
    rc, _, err, _, _ = t.run_cmd([zw, "report", "--format=html", "-o",
                                  p("old.html"), p("damaged")])
    t.eq(rc, 1, "report of a damaged trace fails")
    t.check(read(p("old.html")) == old, "the old report is intact")
    t.eq(sorted(os.listdir(d)), before, "no temporary file left")

    # a good report replaces the file a symlink names, keeping its mode
    os.symlink("old.html", p("link.html"))
    rc, _, _, _, _ = t.run_cmd([zw, "report", "-o", p("link.html"), p("F")])
    t.eq(rc, 0, "report -o link.html")
    t.check(os.path.islink(p("link.html")), "the symlink stays a symlink")
    t.check(read(p("old.html")).startswith(b"zwatch report of"),
            "its target holds the new report")
    t.eq(stat.S_IMODE(os.stat(p("old.html")).st_mode), 0o640,
         "the target keeps its mode")
    t.eq(sorted(os.listdir(d)), sorted(before + ["link.html"]),
         "no temporary file left")

    # a FIFO and /dev/stdout are written in place
    os.mkfifo(p("fifo"))
    got = []
    reader = threading.Thread(target=lambda: got.append(read(p("fifo"))))
    reader.start()
    rc, _, _, _, _ = t.run_cmd([zw, "report", "-o", p("fifo"), p("F")])
    reader.join(10)
    t.eq(rc, 0, "report -o FIFO")
    t.check(got and got[0].startswith(b"zwatch report of"),
            "the report came through the FIFO")
    rc, out, _, _, _ = t.run_cmd([zw, "report", "-o", "/dev/stdout", p("F")])
    t.eq(rc, 0, "report -o /dev/stdout")
    t.check(out.startswith("zwatch report of"), "the report is on stdout")

    for o in ("F", "L", "H"):
        rc, _, err, _, _ = t.run_cmd([zw, "report", "-o", p(o), p("F")])
        t.eq(rc, 2, f"report -o {o} F: refused")
        t.check(read(p("F")) == trace, f"report -o {o} F: the trace is intact")


zwtest.main(test)
