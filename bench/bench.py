#!/usr/bin/env python3
"""make bench: each workload untraced, under zwatch, under a bare ptrace
loop and under strace, in the same run, alternating run by run; prints
medians and the ratio of each to untraced.  Only same-run ratios mean
anything: machines differ.

Environment: ZWATCH (default ./zwatch), BENCH_RUNS (default 7),
BENCH_QUICK=1 (3 runs, smaller workloads).
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = int(os.environ.get("BENCH_RUNS", "3" if QUICK else "7"))
ZWATCH = os.path.abspath(os.environ.get("ZWATCH", "./zwatch"))
STRACE = shutil.which("strace")

FORKS = 500 if QUICK else 2000
GETPPIDS = 300000 if QUICK else 1000000
TRUES = 100 if QUICK else 400
ATTACH_CALLS = 1000000 if QUICK else 3000000
STRACE_ATTACH_CALLS = 20000   # strace -p stops at every syscall: extrapolate

WORKLOADS_C = r'''
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = atol(argv[2]);

	if (!strcmp(argv[1], "forks")) {
		for (long i = 0; i < n; i++) {
			pid_t c = fork();
			if (c == 0)
				_exit(i % 100);
			waitpid(c, NULL, 0);
		}
	} else if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "horde")) {
		/* n children alive as zombies at once, then all reaped. */
		int p[2];
		char c;
		if (pipe(p) < 0)
			return 1;
		for (long i = 0; i < n; i++) {
			pid_t pid = fork();
			if (pid < 0)
				return 2;
			if (pid == 0) {
				close(p[0]);
				_exit(0);
			}
		}
		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		while (wait(NULL) > 0)
			;
	} else if (!strcmp(argv[1], "attach")) {
		/* Says "ready", waits for a line on stdin (the tracer is
		 * attached by then), times its own loop, prints seconds. */
		char line[16];
		double t;
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		t = now();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("%.6f\n", now() - t);
		fflush(stdout);
		/* Stay until told, so that detaching is not part of the loop. */
		if (!fgets(line, sizeof(line), stdin))
			return 0;
	}
	return 0;
}
'''


def build(tmp):
    src = os.path.join(tmp, "workloads.c")
    with open(src, "w") as f:
        f.write(WORKLOADS_C)
    out = os.path.join(tmp, "workloads")
    subprocess.run(["cc", "-O2", "-o", out, src], check=True)
    bare = os.path.join(tmp, "bare_tracer")
    subprocess.run(["cc", "-O2", "-o", bare, os.path.join(HERE, "bare_tracer.c")],
                   check=True)
    return out, bare


def timed(argv):
    t = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.monotonic() - t


def launch_variants(bare):
    v = {"untraced": [], "zwatch": [ZWATCH, "-q", "-o", "/dev/null", "--"],
         "bare ptrace": [bare]}
    if STRACE:
        v["strace"] = [STRACE, "-f", "--seccomp-bpf", "-e", "trace=process",
                       "-o", "/dev/null"]
    return v


def bench_launch(name, argv, variants):
    times = {k: [] for k in variants}
    for _ in range(RUNS):
        for k, prefix in variants.items():   # alternate run by run
            times[k].append(timed(prefix + argv))
    return name, times


def attach_run(work, n, tracer):
    """Runs the attach workload; TRACER is None, 'zwatch' or 'strace'.
    Returns the loop's own time in seconds."""
    p = subprocess.Popen([work, "attach", str(n)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    tr = None
    try:
        assert p.stdout.readline().strip() == "ready"
        if tracer == "zwatch":
            tr = subprocess.Popen([ZWATCH, "-q", "-o", "/dev/null", "-p",
                                   str(p.pid)], stderr=subprocess.DEVNULL)
        elif tracer == "strace":
            tr = subprocess.Popen([STRACE, "-f", "-o", "/dev/null", "-p",
                                   str(p.pid)], stderr=subprocess.DEVNULL)
        if tr:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with open(f"/proc/{p.pid}/status") as f:
                    if any(l.startswith("TracerPid:") and l.split()[1] != "0"
                           for l in f):
                        break
                time.sleep(0.005)
        p.stdin.write("go\n")
        p.stdin.flush()
        secs = float(p.stdout.readline())
    finally:
        if tr:
            tr.send_signal(signal.SIGINT)
            tr.wait(timeout=10)
        p.stdin.close()
        p.wait(timeout=10)
    return secs


def bench_attach(work):
    times = {"untraced": [], "zwatch -p": []}
    if STRACE:
        times["strace -f -p (extrapolated)"] = []
    for _ in range(RUNS):
        times["untraced"].append(attach_run(work, ATTACH_CALLS, None))
        times["zwatch -p"].append(attach_run(work, ATTACH_CALLS, "zwatch"))
        if STRACE:
            t = attach_run(work, STRACE_ATTACH_CALLS, "strace")
            times["strace -f -p (extrapolated)"].append(
                t * ATTACH_CALLS / STRACE_ATTACH_CALLS)
    return f"attached, {ATTACH_CALLS:,} getppid", times


# Checked in this order: the first key found in a workload's name wins.
GOALS = {"attached": 1.10, "fork storm": 1.40, "getppid": 1.02,
         "/bin/true": 1.35}


def report(results):
    print(f"\n{RUNS} runs each, alternating; medians in seconds "
          f"(min-max), ratio = median / untraced median\n")
    print(f"{'workload':34} {'variant':28} {'median':>9} {'min':>8} "
          f"{'max':>8} {'ratio':>7}")
    verdicts = []
    for name, times in results:
        base = statistics.median(times["untraced"])
        for k, ts in times.items():
            med = statistics.median(ts)
            print(f"{name:34} {k:28} {med:9.4f} {min(ts):8.4f} "
                  f"{max(ts):8.4f} {med / base:6.2f}x")
            if k.startswith("zwatch"):
                goal = next((g for key, g in GOALS.items() if key in name), None)
                if goal:
                    ok = med / base <= goal
                    verdicts.append(f"{name}: zwatch {med / base:.2f}x, goal "
                                    f"<= {goal:.2f}x: {'met' if ok else 'NOT met'}")
        print()
    print("\n".join(verdicts))


PID_MAX = "/proc/sys/kernel/pid_max"


def raised_pid_max(want):
    """Raises kernel.pid_max to WANT if it is lower and we may (root);
    returns the value to restore, or None."""
    try:
        with open(PID_MAX) as f:
            old = int(f.read())
        if old >= want:
            return None
        with open(PID_MAX, "w") as f:
            f.write(str(want))
        return old
    except (OSError, ValueError):
        return None


def restore_pid_max(old):
    if old is not None:
        with open(PID_MAX, "w") as f:
            f.write(str(old))


def bench_horde(work):
    """Peak RSS and time of zwatch with N zombies at once: the memory per
    tracked process is the slope between the smallest and largest N; time
    should grow linearly with N."""
    sizes = [1000, 5000] if QUICK else [1000, 10000, 30000]
    old = raised_pid_max(2 * sizes[-1] + 10000)
    try:
        horde_table(work, sizes)
    finally:
        restore_pid_max(old)


def horde_table(work, sizes):
    print("\nzombie horde: N children alive as zombies at once, then reaped")
    print(f"{'N':>7} {'untraced s':>11} {'zwatch s':>9} {'zwatch/N us':>12} "
          f"{'zwatch peak RSS':>16}")
    rows = []
    for n in sizes:
        t0 = timed([work, "horde", str(n)])
        # time(1) forks small: a fork of this Python would report its own
        # peak RSS as zwatch's.
        t = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", ZWATCH, "-q", "-o",
                            "/dev/null", "--diagnose=0", "--", work, "horde",
                            str(n)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        t1 = time.monotonic() - t
        lines = p.stderr.strip().splitlines()
        if p.returncode != 0 or not lines or not lines[-1].isdigit():
            print(f"{n:>7} failed: {p.stderr.strip()[-200:]}")
            continue
        rss = int(lines[-1])
        rows.append((n, rss))
        print(f"{n:>7} {t0:11.3f} {t1:9.3f} {t1 / n * 1e6:12.1f} "
              f"{rss:>13} KiB")
    if len(rows) < 2:
        return
    (n0, r0), (n1, r1) = rows[0], rows[-1]
    slope = (r1 - r0) * 1024 / (n1 - n0)
    print(f"memory per tracked process: {slope:.0f} bytes "
          f"(goal <= 1024: {'met' if slope <= 1024 else 'NOT met'})")


def main():
    if not os.access(ZWATCH, os.X_OK):
        sys.exit(f"bench: no zwatch at {ZWATCH} (make first, or set ZWATCH)")
    with tempfile.TemporaryDirectory() as tmp:
        work, bare = build(tmp)
        v = launch_variants(bare)
        results = [
            bench_launch(f"fork storm, {FORKS} x fork/exit/wait",
                         [work, "forks", str(FORKS)], v),
            bench_launch(f"getppid x {GETPPIDS:,}, launched",
                         [work, "getppid", str(GETPPIDS)], v),
            bench_launch(f"sh loop: /bin/true x {TRUES}",
                         ["/bin/sh", "-c", f"i=0; while [ $i -lt {TRUES} ]; do "
                          f"/bin/true; i=$((i+1)); done"], v),
            bench_attach(work),
        ]
    report(results)
    with tempfile.TemporaryDirectory() as tmp:
        work, _ = build(tmp)
        bench_horde(work)


if __name__ == "__main__":
    main()
