#!/usr/bin/env python3
"""Attach mode (issue 4): what zwatch -p refuses, and how.  Attach errors
exit 1 with an explanation on stderr: a pid that does not exist ("no such
process"), zwatch's own pid ("that is zwatch itself"), a process of
another user without privilege (zwatch runs as nobody), a zombie.  When one
of several targets fails, the others are let go (untraced, not stopped,
running on).  Malformed -p lists and -p together with a program are usage
errors (exit 2) that attach to nothing and run nothing."""
import grp
import os
import pwd
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402


def free_pid():
    """A pid no process has: above pid_max."""
    with open("/proc/sys/kernel/pid_max") as f:
        return int(f.read()) + 1


def untouched(t, tgt, what):
    """TGT (and its child) are untraced, not stopped, and still running."""
    for pid in [tgt.pid] + [r["child"] for r in tgt.out("ready")]:
        st = zwtest.thread_states(pid)
        t.check(st and all(tp == 0 and s not in ("t", "T")
                           for s, tp in st.values()),
                f"{what}: {pid} untraced and not stopped",
                f"(state, TracerPid) by tid: {st}")
    t.check(tgt.p.poll() is None, f"{what}: the target still runs")


def test(t):
    zw = zwtest.zwatch_path()
    if not os.access(zw, os.X_OK):
        raise zwtest.HardError(f"zwatch binary {zw} not found")

    def run(what, argv, rc_want, mention=None, timeout=20):
        rc, out, err, _, _ = t.run_cmd(argv, timeout=timeout, what=what)
        t.eq(rc, rc_want, f"{what}: exit status")
        t.check(err.strip() != "", f"{what}: a message on stderr",
                f"stdout: {out!r}")
        if mention:
            t.check(mention.lower() in err.lower(),
                    f"{what}: the message mentions {mention!r}",
                    f"stderr: {err!r}")
        return err

    with zwtest.AttachSession(t) as s:
        loop = s.spawn([zwtest.scn("attach_loop"), "3"], name="loop")
        loop.wait_line("ready")
        pid = loop.pid

        # --- pids that cannot be attached: exit 1
        nope = free_pid()
        run("nonexistent pid", [zw, "-p", str(nope)], 1, "no such process")
        done = s.spawn(["/bin/true"], name="gone")
        gone = done.pid
        done.wait(timeout=20)
        if not os.path.exists(f"/proc/{gone}"):
            run("pid of a reaped process", [zw, "-p", str(gone)], 1,
                "no such process")
        run("zwatch's own pid", ["/bin/sh", "-c", f'exec "$0" -p "$$"', zw], 1,
            "that is zwatch itself")
        run("target and a nonexistent pid", [zw, "-p", f"{pid},{nope}"], 1,
            "no such process")
        untouched(t, loop, "after 'target and a nonexistent pid'")
        run("target and zwatch's own pid",
            ["/bin/sh", "-c", f'exec "$0" -p {pid} -p "$$"', zw], 1,
            "that is zwatch itself")
        untouched(t, loop, "after 'target and zwatch's own pid'")

        setpriv = shutil.which("setpriv")
        try:
            nobody = pwd.getpwnam("nobody").pw_uid
            nogroup = [g for g in ("nogroup", "nobody")
                       if _has_group(g)][0]
        except (KeyError, IndexError):
            nobody = None
        if os.geteuid() != 0 or not setpriv or nobody is None:
            t.note("skipped 'another user's process': needs root, setpriv, "
                   "user nobody")
        else:
            err = run("another user's process (as nobody)",
                      [setpriv, f"--reuid={nobody}", f"--regid={nogroup}",
                       "--clear-groups", zw, "-p", str(pid)], 1)
            t.check(str(pid) in err and ("uid" in err or "permi" in err),
                    "another user's process: the message says whose it is "
                    "or that it is not permitted", f"stderr: {err!r}")
            t.check("no such process" not in err.lower(),
                    "another user's process: not reported as missing",
                    f"stderr: {err!r}")
            untouched(t, loop, "after 'another user's process'")

        zs = s.spawn([zwtest.scn("attach_zombies")], name="zombies")
        zs.wait_line("ready")
        zombie = zs.out("zombie")[0]["pid"]
        if zwtest.proc_state(zombie) != "Z":
            raise zwtest.HardError(f"{zombie} is not a zombie")
        err = run("a zombie", [zw, "-p", str(zombie)], 1, "zombie")
        t.check(str(zs.pid) in err, "a zombie: the message names its parent "
                f"({zs.pid})", f"stderr: {err!r}")
        t.eq(zwtest.tracer_pid(zs.pid), 0, "a zombie: its parent is untraced")
        zs.close_stdin()
        t.eq(zs.wait(timeout=30), 0, "the zombies' parent ran on and reaped")

        # --- usage errors: exit 2, nothing attached, nothing run
        marker = os.path.join(t.tmpdir, "prog-ran")
        touch = ["/bin/sh", "-c", f": > {marker}"]
        for what, args in [
                ("-p abc", ["-p", "abc"]),
                ("-p 12,", ["-p", "12,"]),
                ("-p ,12", ["-p", ",12"]),
                ("-p 12,,13", ["-p", "12,,13"]),
                ("-p 0", ["-p", "0"]),
                ("-p -5", ["-p", "-5"]),
                ("-p 12x", ["-p", "12x"]),
                ("-p with no value", ["-p"]),
                ("--targets-only without -p", ["--targets-only", "--"] + touch),
                ("-p PID -- prog", ["-p", str(pid), "--"] + touch),
                ("-p PID prog", ["-p", str(pid)] + touch)]:
            run(f"usage error {what}", [zw] + args, 2)
            t.check(not os.path.exists(marker), f"usage error {what}: "
                    "PROG did not run")
        err = run("usage error -p abc (message)", [zw, "-p", "abc"], 2, "abc")
        untouched(t, loop, "after the usage errors")

        loop.close_stdin()
        t.eq(loop.wait(timeout=30), 3, "the target ran on to its exit status")


def _has_group(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


zwtest.main(test)
