#!/usr/bin/env python3
"""`zwatch report` on a damaged trace: a small real trace cut at byte
offsets and with random bytes changed.  Every answer is exit 0 (a cut
last line is dropped with a warning) or 1 with a message naming the
problem; never a crash, a sanitizer report, a hang or a silent failure.

make check cuts at every 29th offset and flips 30 times; make
stress-redteam (ZWTEST_DAMAGED_FULL=1) cuts at every offset and flips
300 times.  Run it with an ASan+UBSan zwatch (ZWATCH=...) for the most."""
import os
import random
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

FULL = os.environ.get("ZWTEST_DAMAGED_FULL") == "1"


def report(t, path):
    try:
        p = subprocess.run([zwtest.zwatch_path(), "report", path],
                           capture_output=True, text=True, timeout=30,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return "hang"
    if p.returncode not in (0, 1):
        return f"exit {p.returncode}: {p.stderr[-300:]}"
    if p.returncode == 1 and not p.stderr.strip():
        return "exit 1 without a message"
    if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        return p.stderr[-500:]
    return None


def test(t):
    src = os.path.join(t.tmpdir, "small.trace")
    rc, _, err, _, _ = t.run_cmd(
        [zwtest.zwatch_path(), "-q", "-o", "/dev/null", "-w", src, "--",
         "/bin/sh", "-c", "true & wait; exit 3"], what="record", remote=False)
    t.eq(rc, 3, "recorded a small trace")
    with open(src, "rb") as f:
        data = f.read()
    damaged = os.path.join(t.tmpdir, "damaged.trace")
    bad = []
    offsets = range(0, len(data) + 1, 1 if FULL else 29)
    for n in offsets:
        with open(damaged, "wb") as f:
            f.write(data[:n])
        why = report(t, damaged)
        if why:
            bad.append(f"cut at {n}: {why}")
    t.check(not bad, f"cut at {len(offsets)} offsets of {len(data)} bytes: "
            "exit 0 or 1 with a message", "\n".join(bad[:10]))
    rng = random.Random(int(os.environ.get("ZWTEST_SEED", "11")))
    bad = []
    flips = 300 if FULL else 30
    for i in range(flips):
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        with open(damaged, "wb") as f:
            f.write(b)
        why = report(t, damaged)
        if why:
            bad.append(f"flip {i}: {why}")
    t.check(not bad, f"{flips} traces with 1 to 3 bytes changed: exit 0 or 1 "
            "with a message", "\n".join(bad[:10]))


zwtest.main(test)
