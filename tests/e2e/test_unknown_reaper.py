#!/usr/bin/env python3
"""How an unknown reaper reads (issue 11, item 6).  A recorded trace of
tests/scn/zombie_demo whose child's reap is turned into one nobody was
seen doing ("by": null, "reaper": null, as zwatch writes it when it
cannot tell) is reported as text, HTML and Perfetto: "reaped by unknown",
never "(null)", "reaped by 0" or "?"; Perfetto's reaped_by is null; the
summary's counts read as counts and add up, with an "unknown" count.
The live text summary of a real run adds up too."""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

COUNTS = re.compile(r"^ *reaped: (\d+) by parent, (\d+) by subreaper, "
                    r"(\d+) by init, (\d+) autoreaped, (\d+) unknown$", re.M)


def unknown_trace(t, rec):
    """REC with the child's reap made unknown."""
    out = os.path.join(t.tmpdir, "unknown.jsonl")
    lines = []
    with open(rec) as f:
        recs = [json.loads(l) for l in f if l.strip()]
    root = next(r["pid"] for r in recs if r["event"] == "exec")
    for r in recs:
        if r["event"] == "reap" and r["pid"] != root:
            r = {"event": "reap", "t": r["t"], "pid": r["pid"], "by": None,
                 "reaper": None, "via": "release"}
        if r["event"] == "lifecycle" and r["pid"] != root:
            r.update(reaped_by=None, reaper=None)
        lines.append(json.dumps(r))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    return out


def report(t, args):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report"] + args,
                                   what="zwatch report")
    t.eq(rc, 0, f"zwatch report {' '.join(args[:-1])}: exit status")
    return out + err


def test(t):
    rec = os.path.join(t.tmpdir, "demo.jsonl")
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "-w", rec, "--",
                                    zwtest.scn("zombie_demo")], what="zwatch")
    t.eq(rc, 0, "zwatch -w zombie_demo: exit status")
    m = COUNTS.search(out + err)
    t.check(m and [int(x) for x in m.groups()] == [2, 0, 0, 0, 0],
            "live text: reaped: 2 by parent, ..., 0 unknown", out + err)
    bad = unknown_trace(t, rec)
    text = report(t, [bad])
    t.check(re.search(r"reaped by unknown", text) is not None,
            "text: the child is 'reaped by unknown'", text)
    for wrong in ("(null)", "reaped by 0", "(?)"):
        t.check(wrong not in text, f"text: no '{wrong}'", text)
    m = COUNTS.search(text)
    t.check(m and [int(x) for x in m.groups()] == [1, 0, 0, 0, 1],
            "text summary: 1 by parent, 1 unknown (they add up to 2)", text)
    html = report(t, ["--format=html", bad])
    t.check("reaped by unknown" in html and "(null)" not in html and
            "reaped by 0" not in html, "html: 'reaped by unknown'")
    pf = json.loads(report(t, ["--format=perfetto", bad]))
    z = [e for e in pf.get("traceEvents", []) if e.get("cat") == "zombie"]
    t.check(any(e.get("args", {}).get("reaped_by", 0) is None and
                e["args"].get("reaper") is None for e in z),
            "perfetto: the unknown zombie slice has reaped_by and reaper null",
            z)


zwtest.main(test)
