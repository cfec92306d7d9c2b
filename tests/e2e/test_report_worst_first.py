#!/usr/bin/env python3
"""The worst first, and --min-zombie as a threshold only (issue 15), on a
synthetic trace whose answers are known: under make, parent pe has a
0.5 s zombie and a 1 s leak, pa a 0.1 s leak, pb two 1 s zombies, pc
three of 0.15 to 0.25 s, pd only zombies of 1 ms (noise).

  worst parents (text and HTML): pe, pa (leaks first, the longer first),
    then pb, pc (zombie-seconds); pd is not one;
  leaks (text and HTML): the oldest first: 62, then 21;
  longest zombies (HTML): leaks first (62, 21), then by length (31, 32
    of 1 s in order of appearance, 61, then pc's);
  --min-zombie=300ms: the same processes, pc's zombies now "reaped at
    once" (not counted, folded in the tree, not in the worst parents);
    --zombies selects those past it."""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

END = 5.0


def trace_lines():
    ev, pids = [], []

    def add(t, **kw):
        ev.append((t, len(ev), json.dumps(dict(kw, t=round(t, 6)))))

    def spawn(t, pid, parent, comm):
        pids.append(pid)
        add(t, event="spawn", pid=pid, tid=parent, comm=comm, ppid=parent,
            creator=parent, syscall="clone", flags=[])
        add(t + 1e-5, event="exec", pid=pid, tid=pid, path="/bin/" + comm,
            comm=comm, argv=[comm])

    def child(parent, pid, exit_t, zombie, code=0):
        spawn(exit_t - 0.05, pid, parent, "job")
        add(exit_t, event="exit", pid=pid, exit_code=code, exit_signal=None,
            core_dumped=False)
        if zombie is not None:
            add(exit_t + zombie, event="reap", pid=pid, by=parent, tid=parent,
                reaper="parent", syscall="wait4", via="syscall")

    spawn(0.0, 10, 9, "make")
    for pid, comm in ((20, "pa"), (30, "pb"), (40, "pc"), (50, "pd"), (60, "pe")):
        spawn(0.01 * pid / 10, pid, 10, comm)
    child(20, 21, 4.9, None)                 # pa: a 0.1 s leak
    child(30, 31, 1.0, 1.0)                  # pb: two 1 s zombies
    child(30, 32, 2.0, 1.0)
    for i in range(3):                       # pc: 0.25, 0.2, 0.15 s
        child(40, 41 + i, 1.0 + i, 0.25 - 0.05 * i)
    for i in range(3):                       # pd: noise, 1 ms
        child(50, 51 + i, 1.0 + i, 0.001, code=1)
    child(60, 61, 1.0, 0.5)                  # pe: 0.5 s, and a 1 s leak
    child(60, 62, 4.0, None)
    ev.sort()
    head = json.dumps({"event": "header", "format": "zwatch-trace", "version": 1,
                       "zwatch": "test", "kernel": "synthetic", "host": "test",
                       "start": "2026-01-01T00:00:00Z", "start_unix": 1767225600.0,
                       "command": ["make"]})
    return [head] + [e[2] for e in ev] + [
        json.dumps({"event": "lifecycle", "pid": p}) for p in pids]


def report(t, args):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report"] + args,
                                   timeout=60, env={"LC_ALL": "C", "COLUMNS": "200"})
    t.require(rc == 0, f"zwatch report {' '.join(args)}", err)
    return out


def section(text, start):
    m = re.search(rf"^  {start}.*?\n((?:    .*\n)*)", text, re.M)
    return m.group(1) if m else ""


def check_text(t, trace):
    out = report(t, [trace])
    worst = re.findall(r"^ +(\d+) (\S+) ", section(out, "worst parents"), re.M)
    t.eq([c for _, c in worst], ["pe", "pa", "pb", "pc"],
         "text: worst parents, leaks first, then zombie-seconds; pd (noise) not one",
         out)
    t.check(re.search(r"^ +60 pe .* over 2 zombies, 1 still a zombie at the end$",
                      out, re.M), "text: pe's zombies and leak counted", out)
    leaks = re.findall(r"^    (\d+) \(", section(out, "leaks:"), re.M)
    t.eq(leaks, ["62", "21"], "text: leaks, the oldest first")
    t.check(re.search(r"^  zombies: 8 of at least 10 ms", out, re.M) and
            re.search(r"^  reaped at once: \d+ ", out, re.M),
            "text: 8 zombies past 10 ms", out)
    hi = report(t, ["--min-zombie=300ms", trace])
    t.eq(re.search(r"^  processes: (\d+)", hi, re.M).group(1),
         re.search(r"^  processes: (\d+)", out, re.M).group(1),
         "text --min-zombie=300ms: the same processes (a threshold, not a selection)")
    t.check(re.search(r"^  zombies: 5 of at least 300 ms", hi, re.M),
            "text --min-zombie=300ms: 5 zombies past it", hi)
    worst = re.findall(r"^ +\d+ (\S+) ", section(hi, "worst parents"), re.M)
    t.eq(worst, ["pe", "pa", "pb"], "text --min-zombie=300ms: pc is no worst parent")
    t.check(re.search(r"pc \[\+3 reaped at once\]", hi),
            "text --min-zombie=300ms: pc's 0.2 s zombies folded as reaped at once", hi)
    sel = report(t, ["--zombies", "--min-zombie=300ms", trace])
    t.check(re.search(r"^  processes: 5 ", sel, re.M),
            "--zombies --min-zombie=300ms selects those 5", sel)


def table(html, tid):
    m = re.search(rf'<table id="{tid}">(.*?)</table>', html, re.S)
    return m.group(1) if m else ""


def check_html(t, trace):
    page = os.path.join(t.tmpdir, "w.html")
    report(t, ["--format=html", "-o", page, trace])
    html = open(page).read()
    pids = lambda tid: re.findall(r'class="pl">(\d+)</a>', table(html, tid))
    worst = re.findall(r'class="pl">\d+</a> (\w+)', table(html, "worst"))
    t.eq(worst, ["pe", "pa", "pb", "pc"], "html: worst parents, worst first")
    t.eq(pids("leaks")[::2], ["62", "21"], "html: leaks, the oldest first")
    longest = pids("longest")
    t.eq(longest, ["62", "21", "31", "32", "61", "41", "42", "43"],
         "html: longest zombies, leaks first, then the longest")
    t.check(re.search(r'<b class="bad">8</b> zombies of at least 10\.0', html),
            "html: the headline counts 8 past 10 ms")
    report(t, ["--format=html", "--min-zombie=300ms", "-o", page, trace])
    html = open(page).read()
    t.check(re.search(r'<b class="bad">5</b> zombies of at least 300\.0', html),
            "html --min-zombie=300ms: the headline counts 5")
    t.eq(re.findall(r'class="pl">(\d+)</a>', table(html, "longest")),
         ["62", "21", "31", "32", "61"], "html --min-zombie=300ms: pc's are not listed")
    data = json.loads(re.search(r'id="zw-data">(.*?)</script>', html, re.S).group(1))
    t.eq(data["thr"], 300000, "html: the page's script gets the threshold")
    t.eq(len(data["p"]), 17, "html: every process has a record whatever the threshold")


def test(t):
    trace = os.path.join(t.tmpdir, "w.trace")
    with open(trace, "w") as f:
        f.write("\n".join(trace_lines()) + "\n")
    check_text(t, trace)
    check_html(t, trace)


zwtest.main(test)
