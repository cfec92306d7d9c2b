#!/usr/bin/env python3
"""zwatch report (issue 5): record real traces with -w and check every
format: the text summary, JSON records equal to the live --json lifecycle
lines, Perfetto JSON with its tracks/slices/flows, a self-contained HTML
page; and the selection options."""
import json
import os
import re
import sys
from html.parser import HTMLParser

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def report(t, args, expect_rc=0):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report"] + args,
                                   what="zwatch report")
    t.eq(rc, expect_rc, f"zwatch report {' '.join(args)}: exit status")
    if rc != expect_rc:
        t.note(f"stderr: {err}")
    return out, err


def same_record(a, b):
    """Lifecycle records equal; times may differ by the trace's 1 us
    rounding (the live zombie_seconds uses unrounded times)."""
    if set(a) != set(b):
        return False
    for k in a:
        if isinstance(a[k], float) or isinstance(b[k], float):
            if a[k] is None or b[k] is None or abs(a[k] - b[k]) > 1.5e-6:
                return False
        elif a[k] != b[k]:
            return False
    return True


def check_json(t, tr, rec):
    out, _ = report(t, ["--format=json", rec])
    got = [json.loads(l) for l in out.splitlines()]
    live = [{k: v for k, v in r.items() if k != "_line"} for r in tr.lifecycles]
    t.eq(len(got), len(live), "json: as many records as live --json")
    t.check(all(same_record(a, b) for a, b in zip(got, live)),
            "json: records equal the live --json lifecycle lines",
            f"report: {got}\nlive: {live}")


def check_text(t, rec, child, parent):
    out, _ = report(t, [rec])
    t.check(out.startswith(f"zwatch report of {rec}\n"), "text: title line")
    # zwatch, PROG's parent, has no record: named from /proc all the same
    t.check(re.search(rf"^\s+{parent} .* reaped by \d+ zwatch \(parent\) .*\| zombie_demo",
                      out, re.M) is not None, "text: parent row, its reaper named", out)
    # the child's row: its reaper named, its bar, then the tree guide
    # (ASCII or box drawing, as the locale says); it made no exec, so no
    # command line
    t.check(re.search(rf"^\s+{child} +[\d.]+ +[\d.]+ +0\.[23]\d+ "
                      rf"reaped by {parent} zombie_demo \(parent\) +\|[ =zZ]+\| "
                      rf"(?:`- |└─ )zombie_demo$", out, re.M)
            is not None, "text: child row indented under its parent, with bar",
            out)
    for want in [r"^  processes: 2 \(2 exited, 0 running at the end\)",
                 r"^  zombies: 1 of at least 10 ms, at most 1 at once \(at [\d.]+ s\)",
                 r"^  reaped at once: 1 \(a zombie for less than 10 ms\)",
                 r"^  zombie time: p50 [\d.]+ s, p90 0\.[23]\d+ s, max 0\.[23]\d+ s"
                 rf" \({child} zombie_demo\)",
                 r"^  reaped: 2 by parent, 0 by subreaper, 0 by init, 0 autoreaped, "
                 r"0 unknown$",
                 r"^  leaks: none$",
                 rf"^ +{parent} zombie_demo +0\.[23]\d+ s over 1 zombie$"]:
        t.check(re.search(want, out, re.M) is not None, f"text: /{want}/", out)


def check_perfetto(t, rec, child, parent):
    out, _ = report(t, ["--format=perfetto", rec])
    try:
        doc = json.loads(out)
    except ValueError as e:
        t.check(False, f"perfetto: valid JSON ({e})", out[:2000])
        return
    evs = doc.get("traceEvents", [])
    t.check(len(evs) > 0, "perfetto: has traceEvents")

    def find(**kv):
        return [e for e in evs if all(e.get(k) == v for k, v in kv.items())]
    names = {e["pid"]: e["args"]["name"] for e in find(ph="M", name="process_name")}
    t.eq(names.get(child), f"zombie_demo ({child})", "perfetto: child track name")
    t.eq(names.get(parent), f"zombie_demo ({parent})", "perfetto: parent track name")
    sort = {e["pid"]: e["args"]["sort_index"]
            for e in find(ph="M", name="process_sort_index")}
    t.check(sort.get(parent, 99) < sort.get(child, -1),
            "perfetto: the parent sorts before its child")
    run = find(ph="X", name="running", pid=child)
    zom = find(ph="X", name="zombie", pid=child)
    t.eq(len(run), 1, "perfetto: one running slice for the child")
    t.eq(len(zom), 1, "perfetto: one zombie slice for the child")
    if zom:
        t.between(zom[0]["dur"], 250000, 1500000, "perfetto: zombie slice dur (us)")
        if run:
            t.check(abs(run[0]["ts"] + run[0]["dur"] - zom[0]["ts"]) < 1,
                    "perfetto: the zombie slice starts where running ends")
    t.check(any(e.get("s") == "t" for e in find(ph="i", name="SIGCHLD", pid=parent)),
            "perfetto: SIGCHLD instant on the parent's track")
    t.check(len(find(ph="i", name=f"wait4 = {child}", pid=parent)) == 1,
            "perfetto: wait4 instant on the parent's track")
    starts = find(ph="s", pid=parent)
    ends = find(ph="f", pid=child)
    t.check(len(starts) == 1 and len(ends) == 1 and
            starts[0]["id"] == ends[0]["id"] and ends[0].get("bp") == "e",
            "perfetto: one reap flow from the parent to the child", f"{starts} {ends}")
    if ends and zom:
        z = zom[0]
        t.check(z["ts"] <= ends[0]["ts"] <= z["ts"] + z["dur"],
                "perfetto: the flow ends inside the zombie slice")
    if starts:
        host = [e for e in find(ph="X", pid=parent)
                if e["ts"] <= starts[0]["ts"] <= e["ts"] + e["dur"] and
                e["name"].startswith("reap")]
        t.check(len(host) == 1, "perfetto: the flow starts in a reap slice")


class Page(HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags, self.texts = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.texts.append(data)


def check_html(t, rec, child, parent):
    out, _ = report(t, ["--format=html", rec])
    p = Page()
    p.feed(out)
    p.close()
    t.check(out.startswith("<!DOCTYPE html>"), "html: doctype")
    t.check(not p.errors and not p.stack, "html: tags balance",
            f"{p.errors} open: {p.stack}")
    ext = [(tag, a) for tag, a in p.tags
           if any(str(a.get(k, "")).startswith(("http:", "https:", "//"))
                  for k in ("src", "href"))]
    t.check(not ext and not any(tag in ("link", "iframe", "img") for tag, _ in p.tags),
            "html: self-contained (no external resources)", str(ext))
    # The records, embedded once as JSON for the page's script (issue 15)
    m = re.search(r'<script type="application/json" id="zw-data">(.*?)</script>',
                  out, re.S)
    if t.check(m is not None, "html: the records embedded as JSON"):
        data = json.loads(m.group(1))
        rows = [dict(zip(data["cols"], r)) for r in data["p"]]
        t.eq(sorted(r["pid"] for r in rows), sorted([child, parent]),
             "html: one record per process")
        kid = [r for r in rows if r["pid"] == child]
        t.check(kid and kid[0]["comm"] == "zombie_demo" and kid[0]["status"] == 9
                and kid[0]["by"] == parent and kid[0]["reaped"] > kid[0]["zsince"],
                "html: the child's name, status, reaper and zombie time", str(kid))
    t.check('<section id="answers">' in out and '<div id="tree">' in out,
            "html: answers first, then the tree")
    t.check('id="summary"' in out and "at most 1 at once" in out and
            out.index('id="summary"') < out.index('id="tree"'),
            "html: summary table")


def check_selection(t, rec, child, parent):
    out, _ = report(t, ["--format=json", f"--pid={child}", rec])
    t.eq([json.loads(l)["pid"] for l in out.splitlines()], [child],
         "--pid=CHILD selects the child alone")
    out, _ = report(t, ["--format=json", f"--pid={parent}", rec])
    t.eq(sorted(json.loads(l)["pid"] for l in out.splitlines()),
         sorted([parent, child]), "--pid=PARENT selects it and its child")
    out, _ = report(t, ["--format=json", "--zombies", "--min-zombie=200ms", rec])
    t.eq([json.loads(l)["pid"] for l in out.splitlines()], [child],
         "--zombies --min-zombie=200ms selects the long zombie")
    out, _ = report(t, ["--format=json", "--min-zombie=200ms", rec])
    t.eq(sorted(json.loads(l)["pid"] for l in out.splitlines()),
         sorted([parent, child]), "--min-zombie alone selects nothing: "
         "it is the threshold")
    out, _ = report(t, ["--format=json", "--comm=nosuch", rec])
    t.eq(out, "", "--comm=nosuch selects nothing")
    out, _ = report(t, ["--format=json", "--since=100s", rec])
    t.eq(out, "", "--since after the end selects nothing")
    out, _ = report(t, ["--format=perfetto", "--zombies", "--min-zombie=0.2", rec])
    evs = json.loads(out)["traceEvents"]
    t.check(evs and all(e["pid"] in (child, parent) for e in evs) and
            not any(e.get("name") == "running" and e["pid"] == parent for e in evs),
            "perfetto --zombies: only the child's slices (and its reaper's flow)")
    out, _ = report(t, ["--zombies", "--min-zombie=0.2", rec])
    t.check("processes: 1 " in out, "text --zombies: the summary counts the "
            "selection")
    # the threshold alone: every process, the long zombie counted, the
    # parent (reaped by zwatch at once) apart
    out, _ = report(t, ["--min-zombie=0.2", rec])
    t.check("processes: 2 " in out and "zombies: 1 of at least 200 ms" in out
            and "reaped at once: 1 " in out,
            "text --min-zombie: a threshold, not a selection", out)
    out, _ = report(t, ["--min-zombie=0.5", rec])
    t.check("processes: 2 " in out and "zombies: 0 of at least 500 ms" in out
            and "reaped at once: 2 " in out,
            "text --min-zombie=0.5: the 0.3 s zombie is reaped at once", out)


def test(t):
    rec = os.path.join(t.tmpdir, "demo.trace")
    tr = t.run([zwtest.scn("zombie_demo")], opts=["-w", rec])
    t.scenario_ok(tr)
    root = t.root_ok(tr)
    parent = root["pid"]
    m = re.search(r"forked child (\d+)", tr.stdout)
    child = int(t.require(m, "demo printed its child's pid").group(1))
    check_json(t, tr, rec)
    check_text(t, rec, child, parent)
    check_perfetto(t, rec, child, parent)
    check_html(t, rec, child, parent)
    check_selection(t, rec, child, parent)
    # -o FILE writes there, nothing on stdout
    outf = os.path.join(t.tmpdir, "r.txt")
    out, _ = report(t, ["-o", outf, rec])
    t.check(out == "" and open(outf).read().startswith("zwatch report of"),
            "-o FILE writes the report to FILE")


zwtest.main(test)
