#!/usr/bin/env python3
"""Sizes and times that once broke zwatch (issue 12, items 7-9).

- 1,500 arguments of 1,000 bytes (two-byte characters): the trace header
  keeps the start of the command with "command_truncated" and
  "command_argc", the exec event the start of argv with "argv_truncated"
  and "argc", each cut between characters; `zwatch report` reads the
  trace it wrote (it refused the 1.5 MB header line before);
- --diagnose=2000h with a lingering zombie ends when the program ends
  (the timeout overflowed an int into an endless wait), and a DUR whose
  seconds are infinite is refused;
- a trace with a negative or absurd time is refused naming its line."""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

N, LEN = 1500, 1000
ARG = "\u00e9" * (LEN // 2)


def test(t):
    zw = zwtest.zwatch_path()
    d = t.tmpdir
    trace = os.path.join(d, "big.trace")
    rc, _, err, _, _ = t.run_cmd([zw, "-q", "-o", "/dev/null", "-w", trace,
                                  "--", "/bin/true"] + [ARG] * N)
    t.eq(rc, 0, "zwatch runs a 1.5 MB command")
    with open(trace, "rb") as f:
        lines = f.read().split(b"\n")
    recs = [json.loads(l.decode("utf-8")) for l in lines if l]
    hdr = recs[0]
    t.check(max(len(l) for l in lines) < 1024 * 1024, "no line over 1 MiB")
    t.eq(hdr.get("command_truncated"), True, "header: command_truncated")
    t.eq(hdr.get("command_argc"), N + 1, "header: command_argc")
    t.check(all(set(a) <= {"\u00e9"} for a in hdr["command"][1:]),
            "header: arguments cut between characters")
    ex = [r for r in recs if r.get("event") == "exec"]
    if t.check(len(ex) == 1, "one exec event"):
        t.eq(ex[0].get("argv_truncated"), True, "exec: argv_truncated")
        t.eq(ex[0].get("argc"), N + 1, "exec: argc")
        t.check(all(set(a) <= {"\u00e9"} for a in ex[0]["argv"][1:]),
                "exec: arguments cut between characters", ex[0]["argv"][-1])
    rc, out, err, _, _ = t.run_cmd([zw, "report", trace])
    t.eq(rc, 0, "zwatch report reads it")
    t.check(f"[truncated: {N + 1} arguments]" in out,
            "the report says the command is cut", out[:300])

    # a timeout of 2000 h, while a zombie lingers
    rc, out, err, _, elapsed = t.run_cmd(
        [zw, "--diagnose=2000h", "-o", "/dev/null", "--",
         zwtest.scn("lingering"), "sleep"], timeout=30)
    t.check(rc in (0, 1), "--diagnose=2000h: the program's status", rc)
    t.check("runtime error" not in err, "--diagnose=2000h: no UBSan report",
            err)
    huge = "1" + "0" * 308 + "h"
    rc, _, err, _, _ = t.run_cmd([zw, "--diagnose=" + huge, "--",
                                  "/bin/true"])
    t.eq(rc, 2, "a DUR of infinite seconds is refused")

    # times a writer never writes
    head = ('{"event":"header","format":"zwatch-trace","version":1,'
            '"command":["x"]}')
    for bad in ("-0.5", "1e308"):
        path = os.path.join(d, "t" + bad)
        with open(path, "w") as f:
            f.write(head + "\n" + '{"event":"spawn","t":0.1,"pid":2,'
                    '"ppid":1}\n' + '{"event":"exit","t":%s,"pid":2,'
                    '"exit_code":0}\n' % bad)
        rc, out, err, _, _ = t.run_cmd([zw, "report", path])
        t.eq(rc, 1, f"t = {bad}: refused")
        t.check(":3:" in err and "out of range" in err,
                f"t = {bad}: the error names line 3", err)


zwtest.main(test)
