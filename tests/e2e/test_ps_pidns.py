#!/usr/bin/env python3
"""zwatch ps --pidns (issue 13), the container-like case: a pid namespace
(unshare -fp --mount-proc) whose init, ps_parent init, waits for its
workload only, so the workload's orphans G1 (exit 5) and G2 (SIGTERM),
adopted by the init, stay zombies.  Listed by --pidns INIT: one group, the
init (its outer pid, pid 1 inside), verdict pidns-init, the two orphans with
their pids inside (3 and 4) and statuses.  --reap then makes the init
collect them (waitid() with the namespace's pids), and the init goes on.

Then the same workload under tini as the namespace's init: tini reaps the
orphans, so --pidns TINI finds no zombie (exit 0) once they have exited.
Skipped without unshare -p or tini."""
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import pstest  # noqa: E402

UNSHARE = ["unshare", "-fp", "--mount-proc"]


def inner_init(p):
    """The namespace's init: unshare's only child."""
    kids = zwtest.poll_until(lambda: zwtest.children_of(p.proc.pid), 10)
    if not kids:
        raise zwtest.HardError("unshare has no child")
    return kids[0]


def orphans(p):
    return [zwtest.parse_kv(x) for x in p.lines if x.startswith("ORPHAN ")]


def check_noreap_init(t):
    p = pstest.Parent("init", prefix=UNSHARE)
    init = inner_init(p)
    rc, doc, _, _ = pstest.ps(t, ["--pidns", init], expect_rc=3)
    g = pstest.group(t, doc, init)
    t.match(g, {"verdict": "pidns-init", "parent_nspid": 1,
                "pidns_init": True, "count": 2}, "init: the group")
    got = sorted((z["nspid"], z["exit_code"], z["signal"])
                 for z in g["zombies"])
    exp = sorted((o["pid"], *pstest.expected_status(o["code"]).values())
                 for o in orphans(p))
    t.eq(got, exp, "init: the orphans, their pids inside and statuses")
    t.eq(doc["zombies"], 2, "init: nothing else in that namespace")
    rc, doc, _, _ = pstest.ps(t, ["--reap", "--pidns", init], expect_rc=0)
    g = pstest.group(t, doc, init)
    t.eq(sorted(z["collected"] for z in g["zombies"]), [True, True],
         "init --reap: both collected by the init")
    rc, lines = p.finish()
    t.eq(rc, 0, "init --reap: the init (and unshare) end normally")


def check_tini(t):
    if not shutil.which("tini"):
        t.note("no tini: its half is left out")
        return
    p = pstest.Parent("orphans", prefix=UNSHARE + ["tini", "-s", "--"])
    tini = inner_init(p)
    t.check(any(x.startswith("ORPHANS") for x in p.lines),
            "tini: the workload's orphans have exited")
    result = {}

    def clean():
        result["r"] = pstest.ps(t, ["--pidns", tini])
        return result["r"][0] == 0
    t.check(zwtest.poll_until(clean, 10), "tini: reaps its orphans, no zombie",
            str(result.get("r", [None, None])[1]))
    p.finish()


def test(t):
    if not shutil.which("unshare"):
        t.skip("no unshare (util-linux)")
    rc, _, err, _, _ = t.run_cmd(UNSHARE + ["true"])
    if rc != 0:
        t.skip(f"unshare -fp --mount-proc fails here: {err.strip()}")
    pstest.become_subreaper()
    check_noreap_init(t)
    check_tini(t)
    pstest.reap_strays()


zwtest.main(test)
