#!/usr/bin/env python3
"""zwatch report names where the longest zombies were forked (issue 6):
a trace recorded with -k --diagnose has the worker of forksite linger as
a zombie; the text report lists it with its spawn stack, frame for frame
as the live text output writes them (source lines too, where the trace
has them), and the latest diagnosis with the
parent's stack; the HTML report has the same in a details element;
--min-zombie keeps or drops it; the JSON records stay as they were; a
trace without stacks says how to get them."""
import html
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

SECTION = "fork sites of the longest zombies"


def report(t, args):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report"] + args,
                                   what="zwatch report")
    t.eq(rc, 0, f"zwatch report {' '.join(args)}: exit status")
    if rc:
        t.note(f"stderr: {err}")
    return out


def frame_text(f):
    """A frame as sink_text writes it, from its JSON form (both %#lx)."""
    s = f"{f['binary']}+{f['offset']}" if f["binary"] else f["pc"]
    if f["function"]:
        s += f" ({f['function']}+{f['func_offset']})"
    if "line" in f:
        s += f" at {os.path.basename(f['file'])}:{f['line']}"
    if f["build_id"]:
        s += f" [{f['build_id']}]"
    return s


def site_block(out, pid):
    """The lines of pid's entry in the fork-site section."""
    if SECTION not in out:
        return None
    lines = out.split(SECTION + "\n", 1)[1].splitlines()
    for i, l in enumerate(lines):
        if re.match(rf"^  {pid} ", l):
            end = i + 1
            while end < len(lines) and lines[end].startswith("    "):
                end += 1
            return lines[i:end]
    return None


def frames_of(block, start):
    """The stack lines from block[start] on, without their '#N ' index."""
    got = []
    for l in block[start:]:
        m = re.match(r"^      #(\d+) +(.*)$", l)
        if not m:
            break
        got.append(m.group(2))
    return got


def check_text(t, rec, worker, spawn, diag):
    out = report(t, [rec])
    block = site_block(out, worker)
    if not t.check(block, "text: the worker has a fork-site entry", out):
        return
    t.check(re.match(rf"^  {worker} forksite, zombie 0\.[4-9]\d+ s, reaped by "
                     rf"\d+ (\S+ )?\(parent\), forked at:$", block[0]),
            "text: pid, comm, zombie time and fate", block[0])
    want = [frame_text(f) for f in spawn["stack"]]
    got = frames_of(block, 1)
    t.eq(got, want, "text: the spawn stack, frames as the live output has them")
    t.check(any("(spawn_worker+0x" in f for f in got),
            "text: the fork site names spawn_worker", got)
    line = f"    diagnosed at {diag['t']:.6f} s: {diag['text']}"
    t.check(line in block, "text: the latest diagnosis and its text", block)
    if diag.get("stack"):
        i = block.index(f"    parent {diag['parent']} was at:") \
            if f"    parent {diag['parent']} was at:" in block else -1
        t.check(i > 0 and frames_of(block, i + 1) ==
                [frame_text(f) for f in diag["stack"]],
                "text: the parent's stack at the diagnosis", block)


def check_html(t, rec, worker, spawn, diag):
    out = report(t, ["--format=html", rec])
    m = re.search(rf'<details class="site" id="site-{worker}">(.*?)</details>',
                  out, re.S)
    if not t.check(m, "html: a details element for the worker", out[-3000:]):
        return
    text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
    t.check("forked at:" in text and "(spawn_worker+0x" in text,
            "html: it shows the spawn stack", text)
    t.check(diag["text"] in text, "html: and the diagnosis text", text)
    sw = [f for f in spawn["stack"] if f["function"] == "spawn_worker"]
    if sw and "line" in sw[0]:
        t.check(f"(spawn_worker+{sw[0]['func_offset']}) at forksite.c:"
                f"{sw[0]['line']} [" in text,
                "html: with the fork site's source line", text)


def test(t):
    t.require_stacks()
    rec = os.path.join(t.tmpdir, "sites.trace")
    tr = t.run([zwtest.scn("forksite"), "600"],
               opts=["-k", "--diagnose=200ms", "-w", rec])
    t.scenario_ok(tr)
    worker = int(tr.out_one("worker")["pid"])
    spawn = t.require(tr.events("spawn", pid=worker) or None,
                      "the worker's spawn event")[0]
    diags = t.require(tr.events("diagnosis", pid=worker) or None,
                      "the worker was diagnosed")
    t.require(spawn.get("stack") or None, "the worker's spawn has a stack")
    check_text(t, rec, worker, spawn, diags[-1])
    check_html(t, rec, worker, spawn, diags[-1])

    out = report(t, ["--min-zombie=300ms", rec])
    t.check(site_block(out, worker), "--min-zombie=300ms: still listed", out)
    out = report(t, ["--min-zombie=10s", rec])
    t.check(SECTION not in out, "--min-zombie=10s: no zombie, no section", out)

    lines = [json.loads(l) for l in
             report(t, ["--format=json", rec]).splitlines()]
    t.check(lines and all(r["event"] == "lifecycle" and "stack" not in r
                          for r in lines),
            "json: lifecycle records only, as before", lines)

    plain = os.path.join(t.tmpdir, "plain.trace")
    t.run([zwtest.scn("forksite"), "50"], opts=["-w", plain], name="plain")
    out = report(t, [plain])
    t.check("fork sites: not in this trace (zwatch -k -w FILE records them)"
            in out and SECTION not in out,
            "without -k: the report says how to get fork sites", out)


zwtest.main(test)
