#!/usr/bin/env python3
"""zwatch ps --nudge and --reap (issue 13) clear the zombies, and the
parents go on unharmed: each parent is run twice, once left alone and once
with the action in the middle, and must print the same lines and exit 0
both times, except that its own final wait for a zombie that was reaped for
it gets ECHILD (documented), or, after a nudge, its handler reaped it.

  one      --nudge: the handler reaps one per SIGCHLD; one signal per zombie
  never    --reap: waitid() run inside it; statuses as they were
  blocked  --reap (SIGCHLD blocked, one pending)
  waitone  --reap while it is blocked in waitpid() for another child,
           which must go on waiting for that child and get its status
  never    --nudge does nothing there (no handler): exit 3, no action
  stop     --reap refuses a stopped parent (a look would end its stop)"""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402


def shape(lines):
    """Lines as tags and keys, without values (pids differ per run) and
    without the WAIT/HANDLER/ZOMBIE lines compared on their own."""
    return [sorted(zwtest.parse_kv(x)) for x in pstest.without_waits(lines)]


def baseline(mode):
    p = pstest.Parent(mode)
    rc, lines = p.finish()
    return rc, lines


def check_action(t, mode, action):
    rc0, lines0 = baseline(mode)
    p = pstest.Parent(mode)
    before = [z for z in p.zombies if zwtest.proc_state(z["pid"]) == "Z"]
    rc, doc, _, _ = pstest.ps(t, [action, p.pid], expect_rc=0)
    g = pstest.group(t, doc, p.pid)
    t.eq((g["action"], g["action_error"], doc["left"]),
         (action[2:], None, 0), f"{mode} {action}: done, no zombie left")
    for z in before:
        got = {x["pid"]: x for x in g["zombies"]}.get(z["pid"], {})
        exp = pstest.expected_status(z["code"])
        t.eq(got.get("collected"), True, f"{mode} {action}: {z['pid']} collected")
        t.check(got.get("collected_status") == got.get("status"),
                f"{mode} {action}: the status collected is its status",
                str(got))
        t.eq({k: got.get(k) for k in exp}, exp,
             f"{mode} {action}: {z['pid']}'s exit status")
        t.check(zwtest.proc_state(z["pid"]) is None,
                f"{mode} {action}: {z['pid']} is gone")
    rc1, lines1 = p.finish()
    t.eq((rc1, shape(lines1)), (rc0, shape(lines0)),
         f"{mode} {action}: the parent's output and status are unchanged",
         pids=())
    w = pstest.waits(lines1)
    for z in before:
        t.eq(w.get(z["pid"], {}).get("error"), "ECHILD",
             f"{mode} {action}: its own later wait for {z['pid']} gets ECHILD")


def check_nudge_no_handler(t):
    p = pstest.Parent("never")
    rc, doc, _, _ = pstest.ps(t, ["--nudge", p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    t.eq((g["action"], doc["left"]), (None, 3),
         "never --nudge: no SIGCHLD sent where no handler would reap")
    rc, lines = p.finish()
    t.eq(len([w for w in pstest.waits(lines).values() if "status" in w]), 3,
         "never --nudge: the parent still reaps all three itself")


def check_reap_stopped(t):
    p = pstest.Parent("stop")
    zwtest.poll_until(lambda: zwtest.proc_state(p.pid) == "T", 10)
    rc, doc, _, _ = pstest.ps(t, ["--reap", p.pid], expect_rc=3)
    g = pstest.group(t, doc, p.pid)
    t.eq((g["verdict"], g["action"]), ("stopped", None),
         "stop --reap: a stopped parent is not touched")
    t.eq(zwtest.proc_state(p.pid), "T", "stop --reap: still stopped")
    os.kill(p.pid, signal.SIGCONT)
    p.finish()


def test(t):
    pstest.become_subreaper()
    check_action(t, "one", "--nudge")
    check_action(t, "never", "--reap")
    check_action(t, "blocked", "--reap")
    check_action(t, "waitone", "--reap")
    check_nudge_no_handler(t)
    check_reap_stopped(t)
    pstest.reap_strays()


zwtest.main(test)
