#!/usr/bin/env python3
"""tests/vm/systemd/check.py CONSOLE-LOG: checks what tests/vm/systemd/
run.sh printed in the systemd VM (systemd as PID 1 running
contrib/systemd/zwatch-watch.service): the service ran under its
dynamic user with exactly its two capabilities, no new privileges and a
seccomp filter; zwatch took its events from the proc connector; the 3
zombies of tests/scn/watch_leaker (exit 7, 1.5 s) were counted, aged
and said in zombie_age lines with their parent's /proc facts, then
reaped by their parent; systemctl stop ended it cleanly.  Prints a line
per check; exit 0 if all passed, 1 if not."""
import json
import re
import sys

DYNAMIC_UIDS = range(61184, 65520)   # systemd's DynamicUser= range
CAPS = "0000000000081000"            # CAP_NET_ADMIN (12), CAP_SYS_PTRACE (19)


def parts(text):
    out, cur = {}, None
    for line in text.replace("\r", "").splitlines():
        m = re.match(r"^ZWTEST (\S+)$", line)
        if m:
            cur = m.group(1)
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return out


def keyvals(lines, sep):
    kv = {}
    for line in lines:
        if sep in line:
            k, v = line.split(sep, 1)
            kv[k.strip()] = v.strip()
    return kv


def metric(lines, name, **labels):
    for line in lines:
        m = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return None


def main(path):
    with open(path, errors="replace") as f:
        p = parts(f.read())
    results = []

    def check(ok, what, detail=""):
        results.append(bool(ok))
        print(f"{'ok' if ok else 'FAIL'} - {what}" +
              ("" if ok or not detail else f"\n#   {detail}"))

    check("end" in p, "the VM ran the test to its end",
          f"parts seen: {sorted(p)}")
    show = keyvals(p.get("show", []), "=")
    check(show.get("ActiveState") == "active" and show.get("NRestarts") == "0",
          "zwatch-watch.service is active, never restarted", show)
    check(show.get("User") == "zwatch-watch", "DynamicUser= named it "
          "zwatch-watch", show)
    st = keyvals(p.get("status", []), ":")
    uid = int((st.get("Uid") or "0").split()[0])
    check(uid in DYNAMIC_UIDS, f"it runs as a dynamic uid ({uid})", st)
    check(all(st.get(k) == CAPS for k in ("CapEff", "CapAmb", "CapBnd")),
          "its capabilities are CAP_NET_ADMIN and CAP_SYS_PTRACE only", st)
    check(st.get("NoNewPrivs") == "1" and st.get("Seccomp") == "2",
          "NoNewPrivs and a seccomp filter (SystemCallFilter=)", st)
    during, after = p.get("metrics-during", []), p.get("metrics-after", [])
    check(metric(during, "zwatch_info", source="connector") == 1,
          "events from the proc connector",
          [ln for ln in during if ln.startswith("zwatch_info")])
    lab = {"parent": "watch_leaker"}
    check(metric(during, "zwatch_zombies", **lab) == 3,
          "zwatch_zombies{parent=watch_leaker} 3 while they are zombies",
          metric(during, "zwatch_zombies", **lab))
    old = metric(during, "zwatch_oldest_zombie_seconds", **lab)
    check(old is not None and 0.5 <= old <= 2.0,
          f"their oldest is ~1 s old ({old})")
    check(metric(after, "zwatch_zombies", **lab) == 0 and
          metric(after, "zwatch_reaps_total", reaper="parent", **lab) == 3,
          "then 0 zombies, 3 reaps by their parent",
          [ln for ln in after if "watch_leaker" in ln][:8])
    check(metric(after, "zwatch_exits_total", status="failure", **lab) == 3,
          "3 exits with a failure status (7)")
    stop = keyvals(p.get("stopped", []), "=")
    check(stop.get("Result") == "success" and stop.get("ExecMainStatus") == "0",
          "systemctl stop: it exited 0 on SIGTERM", stop)
    log = [json.loads(ln) for ln in p.get("log", []) if ln.startswith("{")]
    start = [e for e in log if e.get("event") == "start"]
    check(start and start[0].get("source") == "connector",
          "its start line says source connector", start)
    leak = {int(f[1]) for f in map(str.split, p.get("leaker", []))
            if len(f) == 4 and f[0] == "zombie"}
    ages = [e for e in log if e.get("event") == "zombie_age" and
            e.get("pid") in leak]
    check(len({e["pid"] for e in ages}) == 3,
          "a zombie_age line for each of the 3 zombies (--max-zombie-age="
          "500ms)", [e.get("pid") for e in ages])
    par = ages[0].get("parent", {}) if ages else {}
    check(par.get("comm") == "watch_leaker" and par.get("wchan") and
          ages[0].get("verdict"), "with the parent's /proc facts (wchan) "
          "and a verdict, read under the unit's sandbox",
          ages[0] if ages else None)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
