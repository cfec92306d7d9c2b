#!/usr/bin/env python3
"""The text tree of zwatch report and the live timeline (issue 15).

On a synthetic build trace (tests/gen_tree_trace.py, 1,500 processes):
box-drawing guides in a UTF-8 locale and ASCII ones in the C locale;
processes only reaped at once folded into their parent's row unless
--all; failures and real zombies kept; reapers named; the command line
cut to $COLUMNS; the noise threshold in the summary; a trace with no end
records flagged as cut off.  Live: a normal exit 0 is not coloured as an
alarm, a failure is; the timeline's lines are not cut by the program's
own output on the same stderr."""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

ROW = re.compile(r"^ *(\d+) +[\d.-]+ +[\d.-]+ +[\d.-]+ (.{36}) \|[ =zZ]{40}\| (.*)$")


def gen(t, n, *extra):
    path = os.path.join(t.tmpdir, f"t{n}{''.join(extra)}.trace")
    rc, _, err, _, _ = t.run_cmd([sys.executable, os.path.join(
        zwtest.SRCDIR, "tests", "gen_tree_trace.py"), "-n", str(n), "-o", path,
        *extra], timeout=60, what="gen_tree_trace.py")
    t.require(rc == 0, "generate a trace", err)
    return path


def report(t, args, env_extra):
    env = dict(os.environ, **env_extra)
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report", *args],
                                   env=env, timeout=60)
    t.require(rc == 0, f"zwatch report {args}", err)
    return out


def rows(out):
    return [m for m in (ROW.match(l) for l in out.splitlines()) if m]


def check_tree(t, trace):
    out = report(t, [trace], {"LC_ALL": "C.UTF-8", "COLUMNS": "160"})
    rs = rows(out)
    names = [r.group(3) for r in rs]
    t.check(names and names[0].startswith("make [+") and
            any(n.startswith("├─ sh") for n in names) and
            any(n.startswith("└─ sh") for n in names) and
            any(re.match(r"│  +└─ cc", n) for n in names),
            "UTF-8: ├─ └─ │ guides", "\n".join(names[:20]))
    m = re.search(r"^\((\d+) processes that were only reaped at once are folded: "
                  r"--all lists them\)$", out, re.M)
    t.check(m and len(rs) < 100, f"the noise is folded ({len(rs)} rows)", out[:3000])
    t.check(all(len(l) <= 160 for l in out.splitlines() if ROW.match(l)) and
            any(l.endswith("...") for l in out.splitlines() if ROW.match(l)),
            "the command column is cut to COLUMNS=160")
    leak = [r for r in rs if "STILL A ZOMBIE" in r.group(2)]
    t.eq(len(leak), 2, "both leaks have a row")
    t.check(any("cc1" in r.group(3) for r in rs),
            "a killed compiler (SIGSEGV) has a row though reaped at once")
    t.check(re.search(r"reaped by \d+ make \(parent\)", out), "reapers are named")
    t.check(re.search(r"^  zombies: \d+ of at least 10 ms, at most \d+ at once", out, re.M)
            and re.search(r"^  reaped at once: \d+ \(a zombie for less than 10 ms\)$",
                          out, re.M), "summary: zombies past the threshold, the rest apart")
    ascii_out = report(t, [trace], {"LC_ALL": "C", "COLUMNS": "160"})
    an = [r.group(3) for r in rows(ascii_out)]
    t.check(any(n.startswith("|- sh") for n in an) and
            any(re.match(r"\|  +`- cc", n) for n in an) and
            not any("─" in n for n in an), "C locale: ASCII guides", "\n".join(an[:10]))
    full = report(t, ["--all", trace], {"LC_ALL": "C"})
    procs = int(re.search(r"^  processes: (\d+) ", full, re.M).group(1))
    t.eq(len(rows(full)), procs, "--all: a row per process")
    t.check("CUT OFF" not in out, "a complete trace is not flagged")
    cut = report(t, [gen(t, 15, "--cut")], {"LC_ALL": "C"})
    t.check(re.search(r"^  CUT OFF: the trace has no end records", cut, re.M),
            "a trace with no end records is flagged as cut off", cut[:800])


def check_live_colours(t):
    for code, alarm in ((0, False), (3, True)):
        rc, _, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "--color=always",
                                      "--", "sh", "-c", f"exit {code}"])
        line = next((l for l in err.splitlines() if " exit " in l and "zombie" in l), "")
        coloured = "\033[31m" in line or "\033[33m" in line
        t.check(line and coloured == alarm,
                f"live: exit {code} is {'' if alarm else 'not '}in an alarm colour",
                repr(line))


def check_whole_lines(t, rounds=3):
    """Interleaving is a race: a few rounds."""
    prog = "for i in $(seq 150); do echo PROG-LINE-$i >&2; /bin/true; done"
    for k in range(rounds):
        r = subprocess.run([zwtest.zwatch_path(), "--", "sh", "-c", prog],
                           capture_output=True, text=True, timeout=60)
        bad = [l for l in r.stderr.splitlines()
               if l and not re.match(r"^PROG-LINE-\d+$", l) and
               not re.match(r"^ +\d+\.\d{6} +\d+ ", l) and "PROG-LINE" in l]
        mine = re.findall(r"^PROG-LINE-\d+$", r.stderr, re.M)
        t.check(len(mine) == 150 and not bad,
                f"live [{k}]: the program's lines and the timeline's never "
                "share a line", "\n".join(bad[:10]))
        # the reap lines name the reaper: sh for /bin/true, zwatch for sh
        t.check(re.search(r" reap +by \d+ sh \(parent, wait4", r.stderr) and
                re.search(r" reap +by \d+ zwatch \(parent, wait4", r.stderr),
                f"live [{k}]: reapers named with their pid", r.stderr[-1500:])


def test(t):
    check_tree(t, gen(t, 1500))
    check_live_colours(t)
    check_whole_lines(t)


zwtest.main(test)
