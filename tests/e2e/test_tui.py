#!/usr/bin/env python3
"""zwatch --tui (issue 15) under tmux, on tui_churn (a parent that leaves
a worker a zombie for 1.5 s per round, then reaps it): the screen shows
the tree with each process's state (a zombie whose age ticks, "reaped ...
by PID comm (parent)", zwatch itself named as the root's reaper), the
counters (zombies past --min-zombie, "reaped at once" apart) and the
recent events; with --min-zombie=5s the 1.5 s zombie is no alarm; 'p' pauses,
'/' filters, 'q' quits.  The program's own output goes to --tui-log, not
over the screen.  With -p, 'q' detaches and leaves the target running,
untraced.  Skips (77) without tmux or a zwatch built without ncurses."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


class Tmux:
    """A tmux server of our own (-L), so that nothing else is touched; a
    new name for each, as a killed server may still hold the old one."""
    count = 0

    def __init__(self, t):
        Tmux.count += 1
        self.t, self.sock = t, f"zwtest-{os.getpid()}-{Tmux.count}"

    def cmd(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args], text=True,
                              capture_output=True, timeout=20)

    def start(self, shell_cmd):
        r = self.cmd("new-session", "-d", "-x", "130", "-y", "36", "-s", "z",
                     shell_cmd)
        self.t.require(r.returncode == 0, "tmux new-session", r.stderr)

    def screen(self):
        return self.cmd("capture-pane", "-p", "-t", "z").stdout

    def keys(self, *keys):
        self.cmd("send-keys", "-t", "z", *keys)

    def wait_for(self, pattern, timeout=15):
        """The screen once pattern shows on it (bounded polling), or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.screen()
            if re.search(pattern, s, re.M):
                return s
            time.sleep(0.1)
        return None

    def stop(self):
        self.cmd("kill-server")


def zombie_age(screen):
    m = re.search(r"^\s*(\d+)\s+ZOMBIE (\d+\.\d+) s", screen, re.M)
    return (int(m.group(1)), float(m.group(2))) if m else (None, None)


def launch_mode(t, tm):
    log = os.path.join(t.tmpdir, "tui.log")
    status = os.path.join(t.tmpdir, "status")
    tm.start(f"{zwtest.zwatch_path()} --tui --tui-log={log} -- "
             f"{zwtest.scn('tui_churn')} 3; echo $? > {status}; sleep 60")
    # the worker, a zombie for a while (a leaf is one for an instant),
    # once its leaves are reaped
    s = tm.wait_for(r"ZOMBIE (?:0\.[3-9]|1\.)\d* s(?s:.*)reaped \d+\.\d s ago by")
    if not t.check(s, "a zombie shows, with its age", tm.screen()):
        return
    pid, age = zombie_age(s)
    t.check(re.search(r"^ zwatch --tui .*tui_churn 3", s, re.M),
            "header: what is traced", s)
    t.check(re.search(r"^alive \d+  zombies 1 \(oldest \d+\.\d+ s: "
                      rf"{pid} tui_churn\)  reaped at once [1-9]\d*  "
                      r"reaped: parent \d+", s, re.M),
            "counters: alive, zombies, the oldest, the leaves reaped at once, "
            "reaps by kind", s)
    t.check(re.search(r"reaped \d+\.\d s ago by \d+ tui_churn \(parent\)", s),
            "a leaf reaped by its parent, named", s)
    t.check(re.search(r"[├`|]─? ?.*tui_churn", s) and "recent events" in s and
            re.search(rf"^\s+[\d.]+\s+{pid} exit\s+tui_churn  exit [01]$", s, re.M),
            "tree guides and the recent events (the worker's exit)", s)
    t.check("parent: worker" not in s, "the program's output is not on the screen")
    s2 = tm.wait_for(rf"^\s*{pid}\s+ZOMBIE (?!{age:.2f})\d+\.\d+ s", timeout=3)
    _, age2 = zombie_age(s2 or "")
    t.check(age2 is not None and age2 > age, f"the zombie's age ticks ({age} -> {age2})",
            s2 or tm.screen())
    tm.keys("p")
    t.check(tm.wait_for(r"\[PAUSED\]", 5), "'p' pauses", tm.screen())
    tm.keys("p")
    t.check(tm.wait_for(r"^(?!.*PAUSED) zwatch --tui", 5), "'p' again goes on",
            tm.screen())
    tm.keys("/", *str(pid), "Enter")
    s = tm.wait_for(rf"filter: {pid}", 5)
    rows = re.findall(r"^\s*(\d+)\s{2}\S", s or "", re.M)
    t.check(s and str(pid) in rows and len(rows) <= 3,
            f"'/{pid}': the match and its ancestors only ({rows})", s or tm.screen())
    tm.keys("/", "Escape")
    s = tm.wait_for(r"TRACE ENDED", 15)
    t.check(s and re.search(r"^alive 0  zombies 0 .*reaped: parent 10,", s, re.M),
            "at the end: nobody alive, 10 reaps by parents (the root by zwatch)", s or tm.screen())
    t.check(s and re.search(r"reaped \d+\.\d s ago by \d+ zwatch \(parent\)", s),
            "the root's reaper, zwatch (no row of its own), is named", s or tm.screen())
    tm.keys("q")
    # the shell creates the file, then writes it: wait for the whole line
    end, rc = time.monotonic() + 10, None
    while time.monotonic() < end:
        text = open(status).read() if os.path.exists(status) else ""
        if text.endswith("\n"):
            rc = text.strip()
            break
        time.sleep(0.1)
    t.eq(rc, "0", "zwatch exits with the program's status")
    s = tm.screen()
    t.check(re.search(r"zwatch: 10 processes, at most 1 zombies at once, 0 still "
                      rf"zombies at the end; program output: {log}", s),
            "a line of summary after the view", s)
    out = open(log).read() if os.path.exists(log) else ""
    t.check("parent: worker" in out and re.search(r" exec +/", out),
            "the log has the program's output and the timeline", out[-2000:])


def threshold_mode(t, tm):
    """--min-zombie=5s: the worker, a zombie for 1.5 s, is no alarm: it
    shows as exited, and the header counts no zombie."""
    tm.start(f"{zwtest.zwatch_path()} --tui --min-zombie=5s -- "
             f"{zwtest.scn('tui_churn')} 1; sleep 60")
    s = tm.wait_for(r"exited (?:0\.[3-9]|1\.)\d* s ago", 15)
    t.check(s and "ZOMBIE" not in s and re.search(r"^alive \d+  zombies 0  ", s, re.M),
            "--min-zombie=5s: a 0.3 s zombie is shown as exited, not counted",
            s or tm.screen())
    s = tm.wait_for(r"TRACE ENDED", 15)
    t.check(s and re.search(r"reaped at once 4  ", s),
            "--min-zombie=5s: all four reaped at once (worker, leaves, root)",
            s or tm.screen())
    tm.keys("q")


def attach_mode(t, tm):
    target = subprocess.Popen([zwtest.scn("tui_churn"), "1", "hold"],
                              stdout=subprocess.DEVNULL)
    try:
        tm.start(f"{zwtest.zwatch_path()} --tui -p {target.pid}; sleep 60")
        s = tm.wait_for(rf"^\s*{target.pid}\s+running", 10)
        t.check(s, "-p: the target shows, running", tm.screen())
        tm.keys("q")
        end, tracer = time.monotonic() + 10, None
        while time.monotonic() < end:
            st = open(f"/proc/{target.pid}/status").read()
            tracer = re.search(r"TracerPid:\s+(\d+)", st).group(1)
            if tracer == "0":
                break
            time.sleep(0.1)
        t.eq(tracer, "0", "-p: 'q' detaches")
        t.check(target.poll() is None, "and the target runs on")
    finally:
        target.send_signal(signal.SIGTERM)
        target.wait(timeout=10)


def test(t):
    if not shutil.which("tmux"):
        t.skip("tmux is not installed")
    v = subprocess.run([zwtest.zwatch_path(), "-V"], capture_output=True, text=True)
    if " tui" not in v.stdout:
        t.skip("zwatch was built without ncurses (--tui)")
    tm = Tmux(t)
    try:
        launch_mode(t, tm)
        tm.stop()
        tm = Tmux(t)
        threshold_mode(t, tm)
        tm.stop()
        tm = Tmux(t)
        attach_mode(t, tm)
    finally:
        tm.stop()


zwtest.main(test)
