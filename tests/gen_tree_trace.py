#!/usr/bin/env python3
"""gen_tree_trace.py - write a synthetic zwatch trace shaped like a build,
for the report tests at scale (issue 15):

    tests/gen_tree_trace.py -n PROCESSES [-o FILE] [--cut]

make forks one `sh -c 'cc ...'` per job, which forks cc, which forks cc1
and as: four levels, argv on every exec.  Nearly every zombie is reaped
within microseconds (noise); one job in 150 leaves a zombie for 20-400 ms,
one in 400 fails (exit 1), one in 600 is killed (SIGSEGV, core), and the
last two jobs leave a zombie that nobody reaps (leaks).  --cut leaves out
the end records, as a crash of the recording zwatch would."""
import argparse
import random
import sys


class Gen:
    def __init__(self, rnd):
        self.rnd, self.ev, self.pid = rnd, [], 1000

    def add(self, t, line):
        self.ev.append((t, len(self.ev), line))

    def spawn(self, parent, t, comm):
        self.pid += 1
        pid = self.pid
        self.add(t, f'{{"event":"spawn","t":{t:.6f},"pid":{pid},"tid":{parent},'
                 f'"comm":"{comm}","ppid":{parent},"creator":{parent},'
                 f'"syscall":"clone","flags":["CLONE_CHILD_CLEARTID",'
                 f'"CLONE_CHILD_SETTID"]}}')
        return pid

    def exec(self, pid, t, path, argv):
        comm = path.rsplit("/", 1)[-1][:15]
        args = ",".join('"' + a + '"' for a in argv)
        self.add(t, f'{{"event":"exec","t":{t:.6f},"pid":{pid},"tid":{pid},'
                 f'"path":"{path}","comm":"{comm}","argv":[{args}]}}')

    def exit(self, pid, t, code=0, sig=None, core=False):
        if sig:
            self.add(t, f'{{"event":"exit","t":{t:.6f},"pid":{pid},"exit_code":null,'
                     f'"exit_signal":"{sig}","core_dumped":{str(core).lower()}}}')
        else:
            self.add(t, f'{{"event":"exit","t":{t:.6f},"pid":{pid},"exit_code":{code},'
                     f'"exit_signal":null,"core_dumped":false}}')

    def reap(self, pid, by, t):
        self.add(t, f'{{"event":"reap","t":{t:.6f},"pid":{pid},"by":{by},"tid":{by},'
                 f'"reaper":"parent","syscall":"wait4"}}')

    def child(self, parent, t, path, argv, run, zombie=None, **how):
        """A child that execs path, runs for run s, exits; reaped after
        zombie s (a few us by default); returns (pid, time of reap)."""
        pid = self.spawn(parent, t, self.comm_of(parent))
        self.exec(pid, t + 2e-5, path, argv)
        end = t + run
        self.exit(pid, end, **how)
        z = zombie if zombie is not None else self.rnd.uniform(5e-6, 2e-4)
        if z >= 0:
            self.reap(pid, parent, end + z)
        return pid, end + max(z, 0)

    def comm_of(self, pid):
        return self.comms.get(pid, "make")


def job(g, make, t, i, n_jobs):
    r = g.rnd
    src = f"src/module{i // 50}/file{i}.c"
    slow = r.random() < 1 / 150
    fail = r.random() < 1 / 400
    killed = not fail and r.random() < 1 / 600
    leak = i >= n_jobs - 2
    sh = g.spawn(make, t, "make")
    g.comms[sh] = "make"
    g.exec(sh, t + 1e-5, "/bin/sh", ["sh", "-c", f"cc -O2 -c {src} -o {src[:-2]}.o"])
    g.comms[sh] = "sh"
    cc = g.spawn(sh, t + 1e-4, "sh")
    g.exec(cc, t + 1.2e-4, "/usr/bin/cc", ["cc", "-O2", "-c", src, "-o", src[:-2] + ".o"])
    g.comms[cc] = "cc"
    cc1, t1 = g.child(cc, t + 2e-4, "/usr/lib/gcc/cc1", ["cc1", "-quiet", src, "-O2"],
                      r.uniform(0.004, 0.03),
                      **({"sig": "SIGSEGV", "core": True} if killed else {}))
    as_, t2 = g.child(cc, t1 + 1e-4, "/usr/bin/as", ["as", "-o", src[:-2] + ".o"],
                      r.uniform(0.001, 0.004),
                      zombie=r.uniform(0.02, 0.4) if slow else None)
    end = t2 + 5e-5
    code = 1 if (fail or killed) else 0
    g.exit(cc, end, code=code)
    g.reap(cc, sh, end + r.uniform(5e-6, 1e-4))
    g.exit(sh, end + 2e-4, code=code)
    if leak:
        return end + 2e-4
    g.reap(sh, make, end + 2e-4 + r.uniform(5e-6, 1e-4))
    return end + 4e-4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1500, help="processes (about)")
    ap.add_argument("-o", default="-")
    ap.add_argument("--cut", action="store_true")
    a = ap.parse_args()
    g = Gen(random.Random(15))
    g.comms = {}
    out = sys.stdout if a.o == "-" else open(a.o, "w")
    out.write('{"event":"header","format":"zwatch-trace","version":1,'
              '"zwatch":"gen","kernel":"synthetic","host":"gen",'
              '"start":"2026-01-01T00:00:00Z","start_unix":1767225600.0,'
              '"command":["make","-j4"]}\n')
    make = 1000
    g.add(0.0, '{"event":"spawn","t":0.000000,"pid":1000,"tid":999,"comm":"zwatch",'
          '"ppid":999,"creator":999,"syscall":"fork","flags":[]}')
    g.exec(make, 1e-5, "/usr/bin/make", ["make", "-j4"])
    g.comms[make] = "make"
    n_jobs = max(1, (a.n - 1) // 4)
    lanes = [0.001] * 4
    for i in range(n_jobs):
        k = min(range(4), key=lambda j: lanes[j])
        lanes[k] = job(g, make, lanes[k], i, n_jobs)
    t_end = max(lanes) + 0.01
    g.exit(make, t_end, code=0)
    g.reap(make, 999, t_end + 1e-5)
    g.ev.sort()
    for _, _, line in g.ev:
        out.write(line + "\n")
    if not a.cut:
        out.write('{"event":"lifecycle","pid":1000}\n')
    out.close()


main()
