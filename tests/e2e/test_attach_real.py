#!/usr/bin/env python3
"""zwatch -p on real running programs, then SIGINT: each program's output
and exit status are what they are untraced, and afterwards no process of
the program is traced (TracerPid) or stopped (state t/T).

Programs, each attached mid-run and let go at a random moment:
- `make -j4` building 40 targets (each a sleep and an echo) and a C file;
- a Python `multiprocessing.Pool` of 4 workers mapping 60 tasks;
- bash running background jobs in a loop and collecting their statuses;
- a Python process whose 50 threads each run short subprocesses;
- a program that already has two zombies when zwatch attaches, and
  reaps them later (exit 3 and 5).

Repeat with ZWTEST_ATTACH_REAL_RUNS=N (make stress-redteam: 5)."""
import os
import random
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

RUNS = int(os.environ.get("ZWTEST_ATTACH_REAL_RUNS", "1"))
DETACH_LIMIT = 2.0

POOL = """
import multiprocessing as mp, time
def sq(x):
    time.sleep(0.02)
    return x * x
if __name__ == "__main__":
    print("start", flush=True)
    with mp.Pool(4) as p:
        r = p.map(sq, range(60), chunksize=1)
    print("sum", sum(r), flush=True)
"""

THREADS = """
import subprocess, threading, sys
res = [0] * 50
def work(i):
    for k in range(4):
        res[i] += subprocess.run(["sh", "-c", "exit %d" % (k + 1)]).returncode
ts = [threading.Thread(target=work, args=(i,)) for i in range(50)]
print("start", flush=True)
for t in ts: t.start()
for t in ts: t.join()
print("total", sum(res), "threads", len(ts), flush=True)
"""

BASHJOBS = r"""
echo start
for round in 1 2 3 4 5 6; do
  pids=
  for k in 1 2 3; do (sleep 0.0$k; exit $((round * 10 + k))) & pids="$pids $!"; done
  for p in $pids; do wait $p; echo "round $round status $?"; done
  sleep 0.05
done
echo end
"""

ZOMBIES = """
import os, time
print("start", flush=True)
time.sleep(1.2)
print(sorted(os.waitstatus_to_exitcode(os.wait()[1]) for _ in range(2)))
"""


def programs(t):
    py = shutil.which("python3", path="/usr/bin:/bin") or shutil.which(
        "python3")
    make = shutil.which("make")
    cc = shutil.which("cc") or shutil.which("gcc")
    bash = shutil.which("bash")
    progs = []
    if make and cc:
        d = os.path.join(t.tmpdir, "build")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "prog.c"), "w") as f:
            f.write("int main(void) { return 0; }\n")
        rules = ["all: prog " + " ".join(f"t{i}.txt" for i in range(40)),
                 "\t@echo all done"]
        for i in range(40):
            rules += [f"t{i}.txt:", f"\tsleep 0.05; echo {i} > $@"]
        rules += ["prog: prog.c", "\t$(CC) -o $@ $<",
                  "clean:", "\trm -f *.txt prog"]
        with open(os.path.join(d, "Makefile"), "w") as f:
            f.write("\n".join(rules) + "\n")
        # make's lines come in any order with -j: compared sorted.
        progs.append(("make", [make, "-j4", "-C", d], True,
                      [make, "-s", "-C", d, "clean"]))
    else:
        t.note("make or cc missing: the make case is not run")
    if py:
        progs.append(("pool", [py, "-c", POOL], False, None))
        progs.append(("threads", [py, "-c", THREADS], False, None))
        progs.append(("zombies", ["/bin/sh", "-c",
                                  '(exit 3) & (exit 5) & exec "$0" -c "$1"',
                                  py, ZOMBIES], False, None))
    if bash:
        progs.append(("bashjobs", [bash, "-c", BASHJOBS], False, None))
    return progs


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += zwtest.children_of(p)
    return out


def normal(text, unordered):
    lines = [l for l in text.splitlines()
             if not l.startswith(("make: Entering", "make: Leaving"))]
    return sorted(lines) if unordered else lines


def one(t, s, rng, name, argv, unordered, clean, run):
    if clean:
        t.run_cmd(clean, what=f"{name}: clean", remote=False)
    label = f"[{name} {run}]"
    tgt = s.spawn(argv, name=f"{name}-{run}")
    tgt.wait_line("start") if name != "make" else time.sleep(0.3)
    if tgt.p.poll() is not None:
        t.note(f"{label} ended before zwatch could attach")
        return None
    zw = s.attach([tgt.pid], name=f"{name}-{run}", json=True)
    zw.wait_attached([tgt.pid])
    time.sleep(rng.uniform(0.05, 0.8))
    zw.signal(signal.SIGINT)
    tr = zw.finish(timeout=10)
    t.check(tr.after_signal is not None and tr.after_signal < DETACH_LIMIT,
            f"{label} zwatch ended within {DETACH_LIMIT} s of SIGINT "
            f"({tr.after_signal:.3f} s)")
    left = []
    for p in tree(tgt.pid):
        for tid, (st, tp) in zwtest.thread_states(p).items():
            if tp not in (0, None) or st in ("t", "T"):
                left.append(f"{p}/{tid}: state {st} TracerPid {tp}")
    t.check(not left, f"{label} after the detach nothing is traced or "
            "stopped", "\n".join(left))
    rc = tgt.wait(timeout=120)
    return rc, normal(tgt.stdout, unordered)


def test(t):
    rng = random.Random(int(os.environ.get("ZWTEST_SEED",
                                           str(int(time.time())))))
    with zwtest.AttachSession(t) as s:
        for name, argv, unordered, clean in programs(t):
            if clean:
                t.run_cmd(clean, what=f"{name}: clean", remote=False)
            rc, out, err, _, _ = t.run_cmd(argv, timeout=120,
                                           what=f"{name} untraced")
            want = (rc, normal(out, unordered))
            t.note(f"{name} untraced: exit {rc}, {len(want[1])} lines")
            for run in range(RUNS):
                got = one(t, s, rng, name, argv, unordered, clean, run)
                if got is None:
                    continue
                t.eq(got[0], want[0], f"[{name} {run}] exit status as "
                     "untraced")
                t.check(got[1] == want[1], f"[{name} {run}] output as "
                        "untraced", f"untraced: {want[1]}\nattached: {got[1]}")


zwtest.main(test)
