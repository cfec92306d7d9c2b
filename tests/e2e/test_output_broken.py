#!/usr/bin/env python3
"""Outputs that break mid-run: a pipe whose reader goes away (`zwatch
--json -o /dev/stdout ... | head -1`) and a disk that fills up (a 64 KiB
tmpfs, when the test may mount one).  Each time zwatch:

- says why, with the real reason ("Broken pipe", "No space left on
  device": buffered JSON output used to say "Input/output error");
- is not killed by SIGPIPE (it was: exit 141, no message, and a -w
  record cut short while it held a stop);
- lets go of the program, which goes on untraced with its own SIGPIPE
  disposition, and waits for it to end before exiting 1: a shell running
  `zwatch ... -- make && next` does not go on while make still runs
  orphaned (it used to)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

# The program runs well past the failure; its mark must exist when
# zwatch exits (zwatch waited for it), with SIGPIPE at its default.
SCRIPT = ("exec >/dev/null 2>&1; for i in $(seq 150); do /bin/true; done; "
          "sleep 0.5; grep SigIgn /proc/$$/status > {mark}; exit 3")


def check_run(t, label, p, mark, reason):
    t.eq(p.returncode, 1, f"[{label}] zwatch exits 1")
    t.check(reason in p.stderr, f"[{label}] says why: {reason!r}",
            p.stderr)
    t.check("Input/output error" not in p.stderr,
            f"[{label}] no vague I/O error", p.stderr)
    t.check(os.path.exists(mark), f"[{label}] the program had ended when "
            "zwatch exited (zwatch waited for it)")
    if os.path.exists(mark):
        with open(mark) as f:
            ign = int(f.read().split()[1], 16)
        t.eq(ign & (1 << 12), 0, f"[{label}] the program has SIGPIPE at "
             "its default (not ignored)")


def broken_pipe(t):
    mark = os.path.join(t.tmpdir, "pipe.mark")
    rec = os.path.join(t.tmpdir, "pipe.trace")
    cmd = (f'"$0" --json -o /dev/stdout -w {rec} -- /bin/sh -c '
           f'"$1" | head -1 >/dev/null; echo "rc=${{PIPESTATUS[0]}}" >&2')
    p = subprocess.run(["bash", "-c", cmd, zwtest.zwatch_path(),
                        SCRIPT.format(mark=mark)], capture_output=True,
                       text=True, timeout=60)
    rc = [l for l in p.stderr.splitlines() if l.startswith("rc=")]
    t.require(rc, "[pipe] the pipeline ran", p.stderr)
    p.returncode = int(rc[-1][3:])
    check_run(t, "pipe", p, mark, "Broken pipe")
    rp = subprocess.run([zwtest.zwatch_path(), "report", rec],
                        capture_output=True, text=True, timeout=60)
    t.eq(rp.returncode, 0, "[pipe] the -w record is a readable trace",
         ) or t.note(rp.stderr)


def full_disk(t):
    if os.geteuid() != 0:
        t.note("not root: the full tmpfs cases are not run")
        return
    d = tempfile.mkdtemp(prefix="zw-tiny-", dir=t.tmpdir)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                        d], capture_output=True, text=True)
    if m.returncode != 0:
        t.note(f"cannot mount a tmpfs ({m.stderr.strip()}): the full "
               "disk cases are not run")
        return
    try:
        for label, opts in (("json", ["--json", "-o", f"{d}/out.json"]),
                            ("record", ["-q", "-o", "/dev/null", "-w",
                                        f"{d}/rec.trace"])):
            mark = os.path.join(t.tmpdir, label + ".mark")
            p = subprocess.run([zwtest.zwatch_path()] + opts +
                               ["--", "/bin/sh", "-c",
                                SCRIPT.format(mark=mark)],
                               capture_output=True, text=True, timeout=120)
            check_run(t, f"full {label}", p, mark, "No space left on device")
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
    finally:
        subprocess.run(["umount", d])


def test(t):
    if not shutil.which("bash") or not shutil.which("head"):
        t.skip("bash or head is missing")
    broken_pipe(t)
    full_disk(t)


zwtest.main(test)
