#!/usr/bin/env python3
"""A corpus of real programs the project did not write (issue 11): make
-j builds (recipes with and without a shell), git, xargs -P, bash job
control and pipelines, Python subprocess (also through posix_spawn),
os.posix_spawn and multiprocessing (fork, spawn, forkserver), tini and
dumb-init as subreaper and as pid 1 of a pid namespace (dumb-init also
dying with a zombie left, tini with orphans it kills), timeout, setsid,
a pidfd waiter, and perl (system, backticks, pipes, fork and waitpid, a
child autoreaped under $SIG{CHLD} = "IGNORE").

Each runs under tests/scn/subreaper_run S (orphans that escape go to S,
which reaps them and says so), once untraced and once under zwatch
--json, with the kernel's proc connector listening.  For each:

  - its output (S's own lines aside) and exit status are the untraced
    ones: zwatch changes nothing a program can see;
  - every process the kernel saw under S is in the trace and nothing
    else, with the kernel's parent at birth and exit status;
  - every process is reaped, and by whom the kernel says: its parent at
    exit (proc connector), or the adopter a reparent event names when that
    parent died first, or autoreaped where the kernel's exit event names
    no parent; no reaper unknown, none wrong;
  - S's own view, and the Python program's, of whom they reaped (pid and
    status) is zwatch's.

CORPUS_RUNS (default 1) repeats the whole corpus: `make stress` runs it
20 times.  CORPUS_CMD="shell command" checks that command alone, the same
way.  Without the proc connector (not root, another network
namespace) the kernel cross-check is left out and said so."""
import os
import re
import shutil
import struct
import sys

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE))
sys.path.insert(0, _HERE)
import zwtest  # noqa: E402
from test_proc_connector import (ProcConnector, CN_MSG, PROC_EV,  # noqa: E402
                                 PROC_EVENT_EXIT)

RUNS = int(os.environ.get("CORPUS_RUNS", "1"))
# The exit event with the parent at exit (Linux 4.18+).
EXIT_PARENT = struct.Struct("=iiIIii")

MAKEFILE = """\
all: s1 s2 s3 n1 n2 n3
s1 s2 s3:
\t@echo $@; true $@
n1 n2 n3:
\t@true $@
"""

PY = r"""
import multiprocessing as mp, os, subprocess, sys
def work(code):
    sys.exit(code)
if __name__ == "__main__":
    for i in range(3):
        p = subprocess.run(["sh", "-c", f"exit {i + 1}"])
        print(f"pyreaped pid={0} code={p.returncode}")
    p = subprocess.Popen(["true"]); p.wait()
    print(f"pyreaped pid={p.pid} code={p.returncode}")
    # glibc's posix_spawn (clone3 with CLONE_VM|CLONE_VFORK), directly
    # and as subprocess uses it (a path, close_fds=False).
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 6"], dict(os.environ))
    st = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print(f"pyreaped pid={pid} code={st}")
    p = subprocess.Popen(["/bin/sh", "-c", "exit 7"], close_fds=False); p.wait()
    print(f"pyreaped pid={p.pid} code={p.returncode}")
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        ps = [ctx.Process(target=work, args=(k + 3,)) for k in range(2)]
        for q in ps: q.start()
        for q in ps: q.join()
        print(method, sorted(q.exitcode for q in ps))
"""

# perl's system(), backticks, a pipe open and close, fork and waitpid,
# then $SIG{CHLD} = "IGNORE": a child autoreaped.
PERL = r"""
system("sh", "-c", "exit 3"); print $? >> 8, "\n";
print `echo backticks`;
open(my $f, "-|", "echo pipe") or die; print <$f>; close($f);
my $p = fork(); if (!$p) { exit 7 } waitpid($p, 0); print $? >> 8, "\n";
$SIG{CHLD} = "IGNORE"; fork or exit 2; select(undef, undef, undef, 0.2);
print "end\n";
"""

# An orphan: the inner sh leaves a subshell behind that exits 3 later.
ORPHAN = 'sh -c "(sleep 0.05; exit 3) &"; sleep 0.2; echo done'


def programs(t, tmp):
    """(name, argv, sort output?, tool needed)."""
    mk = os.path.join(tmp, "Makefile")
    with open(mk, "w") as f:
        f.write(MAKEFILE)
    repo = os.path.join(tmp, "repo")
    git = ("rm -rf {r} && git init -q {r} && cd {r} && echo a > f && "
           "git add f && git -c user.name=z -c user.email=z@z commit -q -m one "
           "&& git -c user.name=z -c user.email=z@z commit -q --allow-empty "
           "-m two && git log --format=%s && git status --short | wc -l"
           ).format(r=repo)
    py = os.path.join(tmp, "corpus.py")
    with open(py, "w") as f:
        f.write(PY)
    pidfd = zwtest.scn("pidfd_poll_wait")
    return [
        ("make -j4", ["make", "-s", "-j4", "-C", tmp], True, "make"),
        ("git", ["sh", "-c", git], False, "git"),
        ("xargs -P4", ["sh", "-c", "seq 12 | xargs -P4 -n1 sh -c "
                       "'echo $0; exit 0'"], True, "xargs"),
        ("bash jobs", ["bash", "-c", "set -m; sleep 0.03 & sleep 0.01 & "
                       "wait %1; wait; echo ab | tr a x | cat; (exit 3); "
                       "echo $?; f() { return 4; }; f | cat; "
                       "echo ${PIPESTATUS[0]}"], False, "bash"),
        ("python", [sys.executable, py], False, None),
        ("tini -s", ["tini", "-s", "--", "sh", "-c", ORPHAN], False, "tini"),
        ("tini pid 1", ["unshare", "-fp", "--mount-proc", "tini", "--",
                        "sh", "-c", ORPHAN], False, "tini"),
        ("tini pid 1, killing orphans", ["unshare", "-fp", "--mount-proc",
                                         "tini", "--", "sh", "-c",
                                         'sh -c "(sleep 5; exit 3) &"; '
                                         'sleep 0.1'], False, "tini"),
        ("dumb-init", ["dumb-init", "sh", "-c", ORPHAN], False, "dumb-init"),
        ("dumb-init pid 1", ["unshare", "-fp", "--mount-proc", "dumb-init",
                             "sh", "-c", ORPHAN], False, "dumb-init"),
        ("dumb-init pid 1, a zombie left", ["unshare", "-fp", "--mount-proc",
                                            "dumb-init", "sh", "-c",
                                            "(exit 3) & exec sleep 0.1"],
         False, "dumb-init"),
        ("timeout", ["timeout", "5", "sh", "-c", "echo t; exit 4"], False,
         "timeout"),
        ("timeout kills", ["timeout", "-s", "KILL", "0.1", "sleep", "5"],
         False, "timeout"),
        ("setsid", ["setsid", "-w", "sh", "-c", "echo s; exit 5"], False,
         "setsid"),
        ("pidfd waiter", [pidfd, "20"], False, None),
        ("perl", ["perl", "-e", PERL], False, "perl"),
    ]


def own_lines(text):
    """The program's output without S's lines and without pids."""
    keep = []
    for line in text.splitlines():
        if re.match(r"(subreaper|command|reaped) pid=", line):
            continue
        keep.append(re.sub(r"pid=\d+", "pid=P", line))
    return keep


def subreaper_view(text):
    """{pid: 'exited N' | 'killed SIGX core=C'} from S's lines."""
    return {int(m.group(1)): m.group(2) for m in
            re.finditer(r"^reaped pid=(\d+) status=(.*)$", text, re.M)}


class ParentConnector(ProcConnector):
    """test_proc_connector's reader, plus each exit's parent at exit."""

    def __init__(self):
        self.parent_at_exit = {}    # tgid -> parent tgid
        super().__init__()

    def _parse(self, msg):
        body = CN_MSG.size + PROC_EV.size
        if len(msg) >= body + EXIT_PARENT.size and \
                PROC_EV.unpack_from(msg, CN_MSG.size)[0] == PROC_EVENT_EXIT:
            pid, tgid, _, _, _, ptgid = EXIT_PARENT.unpack_from(msg, body)
            if pid == tgid:
                self.parent_at_exit[tgid] = ptgid
        super()._parse(msg)


def check_reapers(t, what, tr, sub):
    """Every process reaped, by a known reaper that S's view confirms."""
    bad = []
    mine = subreaper_view(tr.stdout)
    for lc in tr.lifecycles:
        pid = lc["pid"]
        autoreaped = lc["final"] == "autoreaped" and \
            lc["reaper"] == "autoreap" and lc["reaped_by"] is None
        if autoreaped:
            continue
        if lc["final"] not in ("reaped",) or lc["reaper"] is None:
            bad.append(f"{pid} ({lc['comm']}): final {lc['final']}, reaper "
                       f"{lc['reaper']}, by {lc['reaped_by']}")
        elif pid in mine and lc["reaped_by"] != sub:
            bad.append(f"{pid}: S says it reaped it ({mine[pid]}), zwatch "
                       f"says {lc['reaped_by']}")
    t.check(not bad, f"{what}: {len(tr.lifecycles)} processes, every one "
            f"reaped by a known reaper, S's own reaps S's", "\n".join(bad),
            pids=[int(b.split()[0].rstrip(":")) for b in bad[:5]])


def check_kernel(t, what, tr, pc, sub):
    """The kernel's tree under S: pids, parents, exit statuses, reapers."""
    parent, tree, status = pc.tree(sub)
    got = {l["pid"]: l for l in tr.lifecycles}
    bad = []
    if set(got) != tree:
        bad.append(f"pids: zwatch only {sorted(set(got) - tree)}, kernel "
                   f"only {sorted(tree - set(got))}")
    for pid in sorted(tree & set(got)):
        lc, raw = got[pid], status.get(pid)
        if pid != sub and lc["ppid"] != parent.get(pid):
            bad.append(f"{pid}: ppid {lc['ppid']}, kernel {parent.get(pid)}")
        if raw is None:
            bad.append(f"{pid}: no exit from the kernel")
            continue
        if raw & 0x7f:
            ok = lc["exit_signal"] is not None and lc["exit_code"] is None
        else:
            ok = lc["exit_code"] == raw >> 8
        if not ok:
            bad.append(f"{pid}: exit {lc['exit_code']}/{lc['exit_signal']}, "
                       f"kernel wait status {raw:#x}")
        pae = pc.parent_at_exit.get(pid)
        by = lc["reaped_by"]
        # The kernel names no parent at exit for a task it released
        # inside exit_notify(): an autoreap's event always says 0.
        if lc["reaper"] == "autoreap":
            if pae:
                bad.append(f"{pid}: autoreaped, but the kernel's exit "
                           f"event names parent {pae}")
            continue
        # 0: released before the kernel wrote the event, which it does
        # after exit_notify() and only for a task still hashed: autoreap,
        # or a parent already blocked in a wait on another CPU (xargs's
        # wait4, a dying init's zap): the kernel does not say who.
        if pid == sub or not pae or by == pae:
            continue
        handed = [e for e in tr.events("reparent", pid=pid)
                  if e.get("from") == pae and e.get("to") == by]
        if not handed:
            bad.append(f"{pid}: reaped by {by}, but its parent at exit was "
                       f"{pae} (kernel) and no reparent to {by} follows")
    t.check(not bad, f"{what}: {len(tree)} processes match the kernel "
            f"(pids, parents, exit statuses, reapers)", "\n".join(bad[:20]))


def one(t, tmp, run, name, argv, sort):
    what = f"[{run}] {name}"
    cmd = [zwtest.scn("subreaper_run")] + argv
    rc0, out0, err0, _, _ = t.run_cmd(cmd, timeout=60, what=name)
    pc = ParentConnector.start(t)
    try:
        tr = t.run(cmd, name=re.sub(r"\W+", "-", name), expect_rc=None)
        if pc:
            # The last exit events: a loaded machine delivers them late.
            pids = {lc["pid"] for lc in tr.lifecycles}
            zwtest.poll_until(lambda: pids <= {e[1] for e in pc.exits},
                              timeout=3)
    finally:
        if pc:
            pc.close()
    t.eq(tr.rc, rc0, f"{what}: exit status as untraced")
    a, b = own_lines(out0), own_lines(tr.stdout)
    if sort:
        a, b = sorted(a), sorted(b)
    t.check(a == b, f"{what}: output as untraced",
            f"untraced: {a}\ntraced: {b}\nstderr: {tr.stderr[-500:]}")
    sub = int(re.search(r"^subreaper pid=(\d+)", tr.stdout, re.M).group(1))
    check_reapers(t, what, tr, sub)
    for m in re.finditer(r"^pyreaped pid=(\d+) code=(-?\d+)", tr.stdout, re.M):
        pid, code = int(m.group(1)), int(m.group(2))
        if pid:
            lc = tr.lifecycle(pid)
            t.check(lc is not None and lc["exit_code"] == code,
                    f"{what}: Python's own view of {pid} (exit {code})", lc)
    if pc is None:
        return
    if pc.overflow:
        t.note(f"{what}: proc connector dropped events: no kernel check")
        return
    check_kernel(t, what, tr, pc, sub)


def test(t):
    progs = programs(t, t.tmpdir)
    if os.environ.get("CORPUS_CMD"):    # one shell command, to try a program
        progs = [("CORPUS_CMD", ["sh", "-c", os.environ["CORPUS_CMD"]],
                  False, None)]
    missing = sorted({tool for _, _, _, tool in progs
                      if tool and not shutil.which(tool)})
    if missing:
        t.note(f"not installed, left out: {', '.join(missing)}")
    for run in range(RUNS):
        for name, argv, sort, tool in progs:
            if tool in missing:
                continue
            one(t, t.tmpdir, run, name, argv, sort)


zwtest.main(test)
