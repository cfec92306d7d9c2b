#!/usr/bin/env python3
"""zwatch watch where the VMs of make check-vm can run it too (one shell
command: no HTTP, no Python in the VM): as root, `zwatch watch -p SHELL
--log-releases` must take its events from the proc connector (Debian
12's Linux 6.1 ignored zwatch's subscription once, and zwatch fell back
to /proc scans: only a VM showed it), and tests/scn/watch_leaker's 3
zombies (exit 7, held 300 ms) must each have one release line: exit
status 7, reaper "parent", the lifetime the leaker saw within 0.1 s.
Without the connector (not root) it is skipped, naming why."""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

# $1 zwatch, $2 watch_leaker.  The shell's own subtree only (-p $$).
SCRIPT = """
"$1" watch -p $$ --log-releases --interval 1s > /tmp/zwvm.out 2> /tmp/zwvm.err &
w=$!
sleep 1
"$2" 3 300 0 7
sleep 0.5
kill $w
wait $w
echo "watch rc=$?"
cat /tmp/zwvm.out
cat /tmp/zwvm.err >&2
rm -f /tmp/zwvm.out /tmp/zwvm.err
"""


def test(t):
    if os.geteuid() != 0 and not zwtest.REPLAY:
        t.skip("zwatch watch's connector needs root (CAP_NET_ADMIN)")
    rc, out, err, _, _ = t.run_cmd(["sh", "-c", SCRIPT, "sh",
                                    zwtest.zwatch_path(),
                                    zwtest.scn("watch_leaker")],
                                   timeout=60, what="zwatch watch -p")
    t.eq(rc, 0, "the shell ran", pids=())
    t.check("watch rc=0" in out, "zwatch watch exits 0 after SIGTERM",
            out[-500:] + err[-500:])
    lines = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    start = [ln for ln in lines if ln.get("event") == "start"]
    t.require(start or None, "a start line", err[-500:])
    t.eq(start[0].get("source"), "connector",
         "events from the proc connector, not /proc scans", pids=())
    died = {int(f[1]): float(f[3]) for f in map(str.split, out.splitlines())
            if len(f) == 4 and f[0] == "zombie"}
    reaped = {int(f[1]): float(f[2]) for f in map(str.split, out.splitlines())
              if len(f) == 3 and f[0] == "reap"}
    zombies = sorted(set(died) & set(reaped))
    t.eq(len(zombies), 3, "watch_leaker made 3 zombies", pids=())
    rel = {ln["pid"]: ln for ln in lines if ln.get("event") == "release"}
    for pid in zombies:
        r = rel.get(pid)
        t.require(r is not None, f"a release line for zombie {pid}",
                  out[-1000:])
        t.match(r, {"exit_status": 7 << 8, "reaper": "parent",
                    "parent_comm": "watch_leaker"}, f"zombie {pid}'s release")
        truth = reaped[pid] - died[pid]
        t.check(abs(r["lifetime"] - truth) <= 0.1, f"zombie {pid}'s lifetime "
                f"{r['lifetime']:.3f} s is the leaker's own ({truth:.3f} s: "
                f"its clock before _exit to after its wait; TCG and 20 ms "
                f"polling before Linux 6.9: within 0.1 s)", r)


zwtest.main(test)
