#!/usr/bin/env python3
"""gen_trace.py - write a synthetic zwatch trace of N events (default
1,000,000) for benchmarking `zwatch report`:

    bench/gen_trace.py [-n EVENTS] [-o FILE]

A shell-like root forks children in waves; each child spawns, execs,
exits, its parent gets SIGCHLD, waits and reaps it (6 events per child),
with zombie times of 0-50 ms and pids that wrap and get reused, as on a
busy machine.  Lines are written exactly as zwatch -w writes them."""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("-o", default="-")
    a = ap.parse_args()
    out = sys.stdout if a.o == "-" else open(a.o, "w")
    rnd = random.Random(5)
    w = out.write
    w('{"event":"header","format":"zwatch-trace","version":1,"zwatch":"bench",'
      '"kernel":"synthetic","host":"bench","start":"2026-01-01T00:00:00Z",'
      '"start_unix":1767225600.000000,"command":["gen_trace.py"]}\n')
    root, t, n, pid = 1000, 0.0, 0, 1000
    w(f'{{"event":"spawn","t":{t:.6f},"pid":{root},"tid":999,"comm":"bench",'
      f'"ppid":999,"creator":999,"syscall":"fork","flags":[]}}\n')
    n += 1
    while n + 6 <= a.n:
        pid = pid + 1 if pid < 4_000_000 else 1001
        t += 0.00001
        born = t
        w(f'{{"event":"spawn","t":{born:.6f},"pid":{pid},"tid":{root},'
          f'"comm":"bench","ppid":{root},"creator":{root},"syscall":"clone",'
          f'"flags":["CLONE_CHILD_CLEARTID","CLONE_CHILD_SETTID"]}}\n')
        w(f'{{"event":"exec","t":{born + 0.000002:.6f},"pid":{pid},"tid":{pid},'
          f'"path":"/usr/bin/true","comm":"true","argv":["true","--flag"]}}\n')
        ex = born + 0.00001
        w(f'{{"event":"exit","t":{ex:.6f},"pid":{pid},"exit_code":0,'
          f'"exit_signal":null,"core_dumped":false}}\n')
        w(f'{{"event":"signal","t":{ex + 0.000001:.6f},"pid":{root},"tid":{root},'
          f'"signal":"SIGCHLD","si_code":"CLD_EXITED","si_pid":{pid},'
          f'"si_status":0}}\n')
        rp = ex + rnd.random() * 0.05
        w(f'{{"event":"wait","t":{rp + 0.000001:.6f},"pid":{root},"tid":{root},'
          f'"syscall":"wait4","id":-1,"options":["WNOHANG"],"result":{pid}}}\n')
        w(f'{{"event":"reap","t":{rp:.6f},"pid":{pid},"by":{root},"tid":{root},'
          f'"reaper":"parent","syscall":"wait4"}}\n')
        n += 6
    out.close()


main()
