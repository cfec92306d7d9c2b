#!/usr/bin/env python3
"""Bytes a traced program controls never reach an output raw (issue 12).

tests/scn/hostile_names names itself "\\033]0;OWNED\\007\\033[2J\\n" with
prctl, runs a copy of itself from a path made of every byte value 1..255
with an argument of every byte value, names the copy with C1 CSI bytes,
and leaves a zombie for --diagnose to explain.  zwatch runs it in text
mode (recording a trace) and in JSON mode; `zwatch report` turns the
trace into every format.  In every output: no C0 control but the sinks'
own newlines, no DEL, no C1 control (raw byte or UTF-8), no invalid
UTF-8; the JSON outputs are valid UTF-8 JSON whose strings come back as
the bytes the program chose (invalid UTF-8 bytes as the code point of the
same number), the same through the trace file as live."""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

EVIL = "\033]0;OWNED\007\033[2J\n"
# the kernel keeps 15 bytes of a comm
CSI = b"\x9b31m\xc2\x9b2J\x7f\xff"
EVERY = bytes(range(1, 256))
NAME = bytes(c for c in range(1, 256) if c != ord("/"))


def latin1_where_invalid(b):
    """What json_put_string makes of bytes: valid UTF-8 as it is, each
    other byte as the code point of its number."""
    return b.decode("utf-8", errors="surrogateescape").translate(
        {c: c - 0xdc00 for c in range(0xdc80, 0xdd00)})


def raw_controls(data, allowed=b"\n"):
    """Offending characters of an output, as (offset, repr) pairs."""
    bad = []
    text = data.decode("utf-8", errors="surrogateescape")
    for i, ch in enumerate(text):
        c = ord(ch)
        if (c < 0x20 and ch.encode() not in allowed) or 0x7f <= c <= 0x9f:
            bad.append((i, repr(ch)))
        elif 0xdc80 <= c <= 0xdcff:
            bad.append((i, f"invalid UTF-8 byte {c - 0xdc00:#x}"))
    return bad


def check_clean(t, name, path, allowed=b"\n"):
    with open(path, "rb") as f:
        data = f.read()
    t.check(len(data) > 0, f"{name}: has output")
    bad = raw_controls(data, allowed)
    t.check(not bad, f"{name}: no raw control byte or invalid UTF-8",
            f"{len(bad)} found, first: {bad[:5]}")
    return data


def json_lines(t, name, data):
    recs = []
    try:
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                recs.append(json.loads(line))
    except (UnicodeDecodeError, ValueError) as e:
        t.check(False, f"{name}: valid UTF-8 JSON", str(e))
        return []
    t.check(True, f"{name}: valid UTF-8 JSON")
    for r in recs:
        again = json.loads(json.dumps(r, ensure_ascii=False))
        if again != r:
            t.check(False, f"{name}: round-trips through json", r)
            break
    return recs


def test(t):
    scn = zwtest.scn("hostile_names")
    zw = zwtest.zwatch_path()
    d = t.tmpdir
    text, trace, js = (os.path.join(d, n) for n in ("text.out", "trace",
                                                     "json.out"))
    rc, out, err, _, _ = t.run_cmd(
        [zw, "-o", text, "-w", trace, "--diagnose=100ms", "--", scn, d])
    if rc == 99:
        raise zwtest.HardError(f"scenario broke:\n{err}")
    t.eq(rc, 0, "text run: exit status")
    with open(text, "rb") as f:
        tdata = f.read()
    # zwatch reads a comm set after the exec from /proc: in the diagnosis
    t.check(b"\\x1b]0;OWNED\\x07\\x1b[2J" in tdata,
            "text: the comm is shown escaped")
    t.check(b"\\x9b31m\\xc2\\x9b2J\\x7f" in tdata,
            "text: the C1 comm is shown escaped")
    t.check(b"\\x01\\x02\\x03" in tdata, "text: the path is shown escaped")
    t.check(b"diagnos" in tdata, "text: a diagnosis line is there")
    check_clean(t, "text", text)
    t.check(not raw_controls(err.encode("utf-8", "surrogateescape")),
            "text run: stderr clean")

    rc, out, err, _, _ = t.run_cmd(
        [zw, "--json", "-o", js, "--diagnose=100ms", "--", scn, d])
    t.eq(rc, 0, "JSON run: exit status")
    live = json_lines(t, "JSON", check_clean(t, "JSON", js))
    comms = sorted(r.get("comm") for r in live if r.get("event") == "lifecycle")
    diag = " ".join(r.get("text") for r in live if r.get("event") == "diagnosis")
    t.check(EVIL[:-1] in diag, "JSON: the comm comes back as set", diag)
    t.check(latin1_where_invalid(CSI) in diag,
            "JSON: the C1 comm comes back as set", diag)
    seen = set("".join(c for c in comms if c))
    missing = set(latin1_where_invalid(NAME)) - seen
    t.check(not missing, "JSON: the comms hold every byte value but '/'",
            sorted(missing))
    execs = [r for r in live if r.get("event") == "exec"
             and len(r.get("argv") or []) == 3]
    if t.check(len(execs) == 1, "JSON: the copy's exec event", execs):
        ex = execs[0]
        t.eq(ex["argv"][2], latin1_where_invalid(EVERY),
             "JSON: argv of every byte value")
        t.eq(os.path.basename(ex["path"]), latin1_where_invalid(NAME),
             "JSON: path of every byte value")
        t.eq(ex["comm"], latin1_where_invalid(NAME[:15]), "JSON: exec comm")

    check_clean(t, "trace", trace)
    json_lines(t, "trace", open(trace, "rb").read())
    for fmt in ("text", "json", "perfetto", "html"):
        path = os.path.join(d, "report." + fmt)
        rc, out, err, _, _ = t.run_cmd(
            [zw, "report", "--format=" + fmt, "-o", path, trace])
        t.eq(rc, 0, f"report --format={fmt}: exit status")
        # the page's own markup has newlines only; the Perfetto JSON none
        data = check_clean(t, f"report {fmt}", path)
        t.check(not raw_controls(err.encode("utf-8", "surrogateescape")),
                f"report {fmt}: stderr clean")
        if fmt == "json":
            recs = json_lines(t, "report json", data)
            rcomms = sorted(r.get("comm") for r in recs)
            t.eq(rcomms, comms, "report json: comms as live (round trip)")
        elif fmt == "perfetto":
            try:
                json.loads(data.decode("utf-8"))
                t.check(True, "perfetto: valid UTF-8 JSON")
            except (UnicodeDecodeError, ValueError) as e:
                t.check(False, "perfetto: valid UTF-8 JSON", str(e))
        elif fmt == "text":
            t.check(b"\\x1b]0;OWNED" in data, "report text: comm escaped")


zwtest.main(test)
