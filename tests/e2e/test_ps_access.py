#!/usr/bin/env python3
"""zwatch ps (issue 13): what it cannot see, and its usage errors.

  Yama    ptrace_scope 3 (faked in a mount namespace, as Yama is not
          compiled in here): the parent is not stopped, the verdict comes
          from /proc, "unseen" names Yama, --reap is refused with a reason
  user    run as nobody (setpriv): on nobody's own parent it looks closer
          and reaps like root; on root's parent it lists the zombies and
          the verdict, says what it could not see, and --reap is refused
  usage   unknown option, bad --pidns / --max-zombie-age / PID, --reap with
          --no-stop: exit 2 with a message; a PID or --pidns that does not
          exist: exit 1 (could not look)"""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def fake_yama(scope):
    script = ("mount -t tmpfs none /proc/sys/kernel && "
              "mkdir /proc/sys/kernel/yama && "
              f"echo {scope} > /proc/sys/kernel/yama/ptrace_scope && "
              'exec "$0" "$@"')
    return ["unshare", "-m", "sh", "-c", script]


def check_yama(t):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        t.note("Yama part left out: needs root and unshare")
        return
    p = pstest.Parent("never")
    rc, doc, _, _ = pstest.ps(t, [p.pid], prefix=fake_yama(3), expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    t.match(g, {"verdict": "never-waits", "looked": False, "count": 3},
            "yama 3: listed, judged from /proc, not stopped")
    t.check("ptrace_scope is 3" in (g["unseen"] or ""),
            "yama 3: unseen names Yama", str(g["unseen"]))
    rc, doc, _, _ = pstest.ps(t, ["--reap", p.pid], prefix=fake_yama(3),
                              expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    t.eq((g["action"], g["action_error"]), ("reap", "Operation not permitted"),
         "yama 3: --reap refused")
    rc, doc, _, _ = pstest.ps(t, [p.pid], prefix=fake_yama(2), expect_rc=3)
    t.eq(pstest.group(t, doc, p.pid)["looked"], True,
         "yama 2: root (CAP_SYS_PTRACE) may look")
    rc, lines = p.finish()
    t.eq(len([w for w in pstest.waits(lines).values() if "status" in w]), 3,
         "yama: the parent reaps its zombies itself afterwards")


def check_user(t):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        t.note("unprivileged part left out: needs root (to become nobody) "
               "and setpriv")
        return
    for path in (zwtest.zwatch_path(), zwtest.scn("ps_parent")):
        if not os.access(path, os.X_OK) or os.stat(path).st_mode & 0o005 != 5:
            t.note(f"unprivileged part left out: {path} is not for others")
            return
    mine = pstest.Parent("never", prefix=NOBODY)
    rc, doc, _, _ = pstest.ps(t, [mine.pid], prefix=NOBODY, expect_rc=3)
    g = pstest.group(t, doc, mine.pid)
    t.match(g, {"verdict": "never-waits", "looked": True, "unseen": None,
                "user": "nobody", "syscall": "read"},
            "nobody on its own parent: looks closer")
    rc, doc, _, _ = pstest.ps(t, ["--reap", mine.pid], prefix=NOBODY,
                              expect_rc=0)
    t.eq(doc["left"], 0, "nobody --reap on its own parent: collected")
    mine.finish()
    roots = pstest.Parent("never")
    rc, doc, _, _ = pstest.ps(t, [roots.pid], prefix=NOBODY, expect_rc=3)
    g = pstest.group(t, doc, roots.pid)
    t.eq(sorted(z["pid"] for z in g["zombies"]),
         sorted(z["pid"] for z in roots.zombies),
         "nobody on root's parent: its zombies")
    # The kernel shows another user's exit status as 0: unknown, not 0.
    t.eq([z["status"] for z in g["zombies"]], [None] * 3,
         "nobody on root's parent: exit statuses unknown, not 0")
    t.match(g, {"verdict": "never-waits", "looked": False, "user": "root"},
            "nobody on root's parent: judged from /proc")
    t.check("another user's" in (g["unseen"] or ""),
            "nobody on root's parent: says what it could not see",
            str(g["unseen"]))
    rc, doc, _, _ = pstest.ps(t, ["--reap", roots.pid], prefix=NOBODY,
                              expect_rc=3)
    t.check(pstest.group(t, doc, roots.pid)["action_error"] is not None,
            "nobody --reap on root's parent: refused")
    roots.finish()


def check_usage(t):
    zw = zwtest.zwatch_path()
    for args, rc, what in (
            (["--bogus"], 2, "unknown option"),
            (["--pidns=abc"], 2, "--pidns: not a pid"),
            (["--max-zombie-age=soon"], 2, "--max-zombie-age: not a duration"),
            (["--max-zombie-age"], 2, "needs an argument"),
            (["0"], 2, "not a pid"),
            (["--reap", "--no-stop"], 2, "--reap stops"),
            (["2147483646"], 1, "no process"),
            (["--pidns=2147483646"], 1, "--pidns")):
        got, out, err, _, _ = t.run_cmd([zw, "ps"] + args)
        t.eq(got, rc, f"zwatch ps {' '.join(args)}: exit {rc}")
        t.check(what in err, f"zwatch ps {' '.join(args)}: says '{what}'", err)
    got, out, _, _, _ = t.run_cmd([zw, "ps", "--help"])
    t.check(got == 0 and "--reap" in out, "zwatch ps --help")


def test(t):
    pstest.become_subreaper()
    check_usage(t)
    check_yama(t)
    check_user(t)
    pstest.reap_strays()


zwtest.main(test)
