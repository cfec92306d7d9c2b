#!/usr/bin/env python3
"""Reapers known only as reapers are named (issue 15): in a new pid
namespace whose init is tini (a copy of it whose name has an escape
byte, in one round), zwatch traces `sh -c 'sleep 0.2 & exit 0'`: sh is
reaped by zwatch, the orphaned sleep by tini as pid 1, neither traced.
The live timeline says "by 1 tini (init)" and "by 2 zwatch (parent",
the recorded reap events carry "by_comm", and `zwatch report` has the
names in its text rows and its HTML records; a hostile name is escaped
everywhere.  Then the same under a subreaper outside the trace (a Python
process that sets PR_SET_CHILD_SUBREAPER and names itself zwsubreaper):
the orphan is reaped by "PID zwsubreaper (subreaper)".  Three rounds (the orphan's reap is a race with nothing, but
the namespace's start is slow on a loaded machine).  Skips (77) without
unshare or tini."""
import json
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

ROUNDS = 3


def reaps(trace):
    out = {}
    for line in open(trace):
        r = json.loads(line)
        if r.get("event") == "reap":
            out[r["pid"]] = r
    return out


def comms(trace):
    return {r["pid"]: r.get("comm") for r in map(json.loads, open(trace))
            if r.get("event") in ("spawn", "exec")}


def one_round(t, prefix, init, shown, k):
    trace = os.path.join(t.tmpdir, f"r{k}.trace")
    log = os.path.join(t.tmpdir, f"r{k}.log")
    rc, _, err, _, _ = t.run_cmd(prefix + [init, "--", zwtest.zwatch_path(),
                                           "-w", trace, "-o", log, "--", "sh",
                                           "-c", "sleep 0.2 & exit 0"],
                                 timeout=60, what="unshare tini zwatch")
    if not t.check(rc == 0, f"[{k}] the run ends well", err):
        return
    rs, names = reaps(trace), comms(trace)
    sh = next((p for p, c in names.items() if c == "sh"), None)
    sl = next((p for p, c in names.items() if c == "sleep"), None)
    t.require(sh and sl, f"[{k}] sh and sleep traced", str(names))
    t.match(rs.get(sh, {}), {"by": 2, "reaper": "parent", "by_comm": "zwatch"},
            f"[{k}] sh, reaped by zwatch (pid 2 there): by_comm")
    t.match(rs.get(sl, {}), {"by": 1, "reaper": "init", "by_comm": init_comm(init)},
            f"[{k}] the orphan, reaped by tini as pid 1: by_comm")
    text = open(log).read()
    t.check(re.search(rf"^ +[\d.]+ +{sl} sleep +reap +by 1 {re.escape(shown)} \(init\)",
                      text, re.M), f"[{k}] live: 'by 1 {shown} (init)'", text)
    t.check(re.search(rf"^ +[\d.]+ +{sh} sh +reap +by 2 zwatch \(parent, wait4",
                      text, re.M), f"[{k}] live: 'by 2 zwatch (parent, ...'", text)
    t.check("\x1b" not in text, f"[{k}] live: no raw escape byte")
    body = "".join(l for l in open(trace) if '"event":"header"' not in l)
    t.eq(zwtest.schema_problems(zwtest.Trace(None, 0, "", "", body, 1, trace, 0)),
         [], f"[{k}] the trace follows the schema")
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report", "--all", trace],
                                   timeout=60, what="zwatch report")
    t.check(rc == 0 and re.search(rf"^ +{sl} .*reaped by 1 {re.escape(shown)} \(init\)",
                                  out, re.M) and
            re.search(rf"^ +{sh} .*reaped by 2 zwatch \(parent\)", out, re.M),
            f"[{k}] report: both reapers named in the rows", out + err)
    t.check("\x1b" not in out, f"[{k}] report: no raw escape byte")
    page = os.path.join(t.tmpdir, f"r{k}.html")
    rc, _, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report", "--format=html",
                                  "-o", page, trace], timeout=60, what="html")
    html = open(page).read() if rc == 0 else ""
    m = re.search(r'id="zw-data">(.*?)</script>', html, re.S)
    if t.check(m, f"[{k}] html: the records", err):
        data = json.loads(m.group(1))
        rows = {r[0]: dict(zip(data["cols"], r)) for r in data["p"]}
        t.eq((rows.get(sl, {}).get("bycomm"), rows.get(sh, {}).get("bycomm")),
             (init_comm(init), "zwatch"), f"[{k}] html: bycomm of both reapers")
        if k == 0:
            check_details(t, page, rows.get(sh, {}).get("seq"))
    t.check("\x1b" not in html, f"[{k}] html: no raw escape byte")


# A subreaper that runs zwatch (argv[1:]) and reaps whatever comes to it
# meanwhile (waiting for zwatch alone would leave the orphan a zombie
# till zwatch ends); exits with zwatch's status.
SUBREAPER = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, b"zwsubreaper", 0, 0, 0)       # PR_SET_NAME
libc.prctl(36, 1, 0, 0, 0)                    # PR_SET_CHILD_SUBREAPER
zw = os.fork()
if zw == 0:
    os.execv(sys.argv[1], sys.argv[1:])
rc = 99
while True:
    try:
        pid, st = os.wait()
    except ChildProcessError:
        break
    if pid == zw:
        rc = os.waitstatus_to_exitcode(st)
sys.exit(rc)
"""


def subreaper_round(t):
    trace = os.path.join(t.tmpdir, "sub.trace")
    log = os.path.join(t.tmpdir, "sub.log")
    rc, _, err, _, _ = t.run_cmd([sys.executable, "-c", SUBREAPER,
                                  zwtest.zwatch_path(), "-w", trace, "-o", log,
                                  "--", "sh", "-c", "sleep 0.2 & exit 0"],
                                 timeout=60, what="subreaper zwatch")
    if not t.check(rc == 0, "[subreaper] the run ends well", err):
        return
    names = comms(trace)
    sl = next((p for p, c in names.items() if c == "sleep"), None)
    r = reaps(trace).get(sl, {})
    t.match(r, {"reaper": "subreaper", "by_comm": "zwsubreaper"},
            "[subreaper] the orphan, reaped by a subreaper outside the trace")
    text = open(log).read()
    t.check(re.search(rf" {sl} sleep +reap +by {r.get('by')} zwsubreaper "
                      r"\(subreaper\)", text),
            "[subreaper] live: 'by PID zwsubreaper (subreaper)'", text)


def check_details(t, page, seq):
    """The page's script names them too: PROG's details say who its
    parent and reaper, zwatch, are, though zwatch has no row."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe or seq is None:
        return
    profile = os.path.join(t.tmpdir, "chromium-profile")
    rc, dom, err, _, _ = t.run_cmd(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         f"--user-data-dir={profile}", "--dump-dom", f"file://{page}#p{seq}"],
        timeout=120, what="chromium")
    d = re.search(r'<div id="details"[^>]*>(.*?)</div>', dom, re.S)
    t.check(rc == 0 and d and "parent: zwatch 2 (not traced)" in d.group(1) and
            "reaped by zwatch 2 (parent)" in d.group(1),
            "html: PROG's details name zwatch, its parent and reaper",
            d.group(1) if d else err[-1500:])


def init_comm(path):
    return os.path.basename(path)[:15]


def test(t):
    tini = shutil.which("tini")
    if not tini:
        t.skip("tini is not installed")
    prefix = t.require_pidns()
    evil = os.path.join(t.tmpdir, "ti\x1b[31mni")
    shutil.copy(tini, evil)
    os.chmod(evil, 0o755)
    for k in range(ROUNDS):
        if k == 1:
            one_round(t, prefix, evil, "ti\\x1b[31mni", k)
        else:
            one_round(t, prefix, tini, "tini", k)
    subreaper_round(t)


zwtest.main(test)
