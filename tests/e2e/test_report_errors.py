#!/usr/bin/env python3
"""zwatch report (issue 5): damaged or foreign input gives the documented
message and exit status, never a crash; usage errors exit 2; leaks exit 3
with --fail-on-leak / --max-zombie-age.

Documented: unreadable file, empty file, no or foreign header, unknown
version, a garbage line, binary junk -> exit 1 with "zwatch: FILE[:LINE]:
..." on stderr and no report; a cut-off last line -> a warning naming the
line, exit 0, a report of what came before."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

HEADER = ('{"event":"header","format":"zwatch-trace","version":1,"zwatch":"t",'
          '"kernel":"k","host":"h","start":"s","start_unix":0,"command":["x"]}\n')
SPAWN = ('{"event":"spawn","t":0.1,"pid":2,"tid":1,"ppid":1,"creator":1,'
         '"syscall":"fork","flags":[]}\n')
EXIT = '{"event":"exit","t":0.2,"pid":2,"exit_code":0,"exit_signal":null,"core_dumped":false}\n'


def zw(t, args):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report"] + args,
                                   what="zwatch report")
    return rc, out, err


def bad(t, name, data, rc_want, msg, out_empty=True):
    path = os.path.join(t.tmpdir, name)
    with open(path, "wb") as f:
        f.write(data)
    for fmt in ("text", "json", "perfetto", "html"):
        rc, out, err = zw(t, [f"--format={fmt}", path])
        ok = rc == rc_want and re.search(msg.replace("FILE", re.escape(path)), err)
        t.check(ok, f"{name} ({fmt}): exit {rc_want}, /{msg}/",
                f"exit {rc}\nstderr: {err}")
        t.check("Sanitizer" not in err and "core dumped" not in err,
                f"{name} ({fmt}): no crash")
        if out_empty and fmt != "perfetto":
            t.eq(out, "", f"{name} ({fmt}): no report on stdout")
    outf = os.path.join(t.tmpdir, name + ".out")
    rc, _, _ = zw(t, ["-o", outf, "--format=html", path])
    if rc == 1:
        t.check(not os.path.exists(outf), f"{name}: no half-written -o file left")


def test(t):
    rc, out, err = zw(t, [os.path.join(t.tmpdir, "missing")])
    t.check(rc == 1 and re.search(r"^zwatch: cannot open trace .*missing: No such file",
                                  err, re.M), "missing file: exit 1", err)
    rc, out, err = zw(t, [t.tmpdir])
    t.check(rc == 1 and "Is a directory" in err, "a directory: exit 1", err)
    bad(t, "empty", b"", 1, r"^zwatch: FILE: empty file, not a zwatch trace$")
    bad(t, "blank", b"\n\n", 1, r"^zwatch: FILE: not a zwatch trace \(no header line\)")
    bad(t, "noheader", SPAWN.encode(), 1,
        r"^zwatch: FILE:1: not a zwatch trace \(no zwatch-trace header line")
    bad(t, "foreign", b'{"traceEvents":[]}\n', 1, r"^zwatch: FILE:1: not a zwatch trace")
    bad(t, "version", HEADER.replace('"version":1', '"version":7').encode() +
        SPAWN.encode(), 1,
        r"^zwatch: FILE:1: zwatch trace version 7 is not supported "
        r"\(this zwatch reads version 1\)")
    bad(t, "garbage", (HEADER + SPAWN + "this is not json\n" + EXIT).encode(), 1,
        r"^zwatch: FILE:3: not JSON")
    bad(t, "badfield", (HEADER + SPAWN + EXIT.replace('"pid":2', '"pid":"two"')).encode(),
        1, r'^zwatch: FILE:3: "pid" is not an integer')
    bad(t, "binary", HEADER.encode() + bytes(range(256)) * 4, 1,
        r"^zwatch: FILE:2: (binary data|not JSON)")
    bad(t, "binary-only", bytes(range(255, -1, -1)) * 8, 1,
        r"^zwatch: FILE:\d+: (binary data|not JSON)")
    bad(t, "hugeline", HEADER.encode() + b"x" * (2 << 20), 1,
        r"^zwatch: FILE:2: line longer than 1024 KiB")
    # a cut-off last line: a warning, and the report of what came before
    path = os.path.join(t.tmpdir, "truncated")
    with open(path, "w") as f:
        f.write(HEADER + SPAWN + EXIT[:30])
    rc, out, err = zw(t, ["--format=json", path])
    t.check(rc == 0 and re.search(rf"^zwatch: {re.escape(path)}:3: the last line is "
                                  r"cut short .*using the 1 events before it", err, re.M),
            "truncated last line: exit 0 and a warning with its line number", err)
    t.check('"pid":2' in out and '"final":"running"' in out,
            "truncated last line: the events before it are reported", out)
    # usage errors: exit 2, a message, a hint
    for args, msg in [([], "no trace file"),
                      (["--format=pdf", "x"], "invalid --format 'pdf'"),
                      (["--pid=abc", "x"], "invalid process ID 'abc'"),
                      (["--pid=0", "x"], "invalid process ID '0'"),
                      (["--since=5x", "x"], "invalid duration '5x'"),
                      (["--min-zombie=-1s", "x"], "invalid duration '-1s'"),
                      (["--max-zombie-age=", "x"], "invalid duration ''"),
                      (["--since=2s", "--until=1s", "x"], "--since is after --until"),
                      (["--bogus", "x"], "unknown option '--bogus'"),
                      (["-o"], "option '-o' needs an argument"),
                      (["a", "b"], "one trace file at a time ('b' is extra)")]:
        rc, out, err = zw(t, args)
        t.check(rc == 2 and f"zwatch report: {msg}" in err and
                "Try 'zwatch report --help'" in err,
                f"usage error {args}: exit 2, '{msg}'", f"exit {rc}\n{err}")
    rec0 = os.path.join(t.tmpdir, "same.trace")
    with open(rec0, "w") as f:
        f.write(HEADER + SPAWN)
    rc, out, err = zw(t, ["-o", rec0, rec0])
    t.check(rc == 2 and "would overwrite the trace" in err and
            open(rec0).read() == HEADER + SPAWN,
            "-o naming the trace itself: exit 2, the trace left alone", err)
    rc, out, err = zw(t, ["--help"])
    t.check(rc == 0 and out.startswith("Usage:\n zwatch report"), "--help")

    # leaks: sh's child stays a zombie (its parent execs sleep, never waits)
    rec = os.path.join(t.tmpdir, "leak.trace")
    tr = t.run(["sh", "-c", "sleep 0.05 & exec sleep 0.4"], opts=["-w", rec])
    z = [r for r in tr.lifecycles if r["final"] == "zombie"]
    t.require(len(z) == 1, "the leak scenario leaves one zombie", tr.text)
    z = z[0]
    rc, out, err = zw(t, [rec])
    t.check(rc == 0 and "leaks: 1 still a zombie at the end" in out,
            "without --fail-on-leak: exit 0, the leak in the summary", out)
    rc, out, err = zw(t, ["--fail-on-leak", "--format=json", rec])
    t.eq(rc, 3, "--fail-on-leak: exit 3")
    t.check(re.search(rf"^zwatch: leak: {z['pid']} \(sleep\) is still a zombie at "
                      rf"the end \([\d.]+ s\); its parent {z['parent']} ", err, re.M),
            "--fail-on-leak names the zombie and its parent", err)
    t.check(len(out.splitlines()) == len(tr.lifecycles),
            "--fail-on-leak still writes the report")
    # a zombie that lived 0.3 s, reaped: fails a 100ms limit, not a 1s one
    rec2 = os.path.join(t.tmpdir, "demo.trace")
    tr2 = t.run([zwtest.scn("zombie_demo")], opts=["-w", rec2])
    rc, out, err = zw(t, ["--max-zombie-age=100ms", rec2])
    t.check(rc == 3 and re.search(r"^zwatch: leak: \d+ \(zombie_demo\) was a zombie "
                                  r"for 0\.[23]\d+ s, longer than 0\.1 s; its parent "
                                  r"\d+ \(zombie_demo\) reaped it late$", err, re.M),
            "--max-zombie-age=100ms: exit 3, names the late reap", err)
    rc, out, err = zw(t, ["--max-zombie-age=1s", "--fail-on-leak", rec2])
    t.check(rc == 0 and "leak" not in err, "--max-zombie-age=1s: exit 0", err)


zwtest.main(test)
