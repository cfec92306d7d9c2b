#!/usr/bin/env python3
"""contrib/systemd/zwatch-watch.service, checked without systemd as PID 1
(PID 1 here is not systemd and is not to be touched):

1. `systemd-analyze verify` of a copy whose ExecStart names this build's
   zwatch (--man=no: the page is not installed) prints nothing;
2. `systemd-analyze security --offline=true`: its overall exposure is at
   most MAX_EXPOSURE (printed);
3. zwatch watch runs with the unit's ExecStart (its port changed: tests
   share the machine; --max-zombie-age=500ms added, so that a zombie_age
   line with its /proc diagnosis shows that those reads work) under what
   of the unit can be emulated, each read from the unit file (the
   zombie_age line must have the parent's wchan and a verdict; its
   syscall is null: /proc/PID/syscall is mode 0400, readable by another
   uid only with CAP_DAC_READ_SEARCH, which the unit does not give):
   DynamicUser= (a uid and gid of systemd's dynamic range that no one
   uses), CapabilityBoundingSet= and AmbientCapabilities= (setpriv),
   NoNewPrivileges=, LimitNOFILE= (prlimit; not above the test's own
   hard limit, which root without CAP_SYS_RESOURCE cannot raise), UMask=, SystemCallFilter=
   with SystemCallErrorNumber= and SystemCallArchitectures=native and
   RestrictAddressFamilies= (tests/scn/syscall_filter, the groups
   expanded by `systemd-analyze syscall-filter`), and in a mount
   namespace of its own ProtectSystem=strict (every mount read-only but
   /proc, /sys, /dev), ProtectKernelTunables= and ProtectControlGroups=
   (/proc/sys, /sys read-only), ProtectHome= and PrivateTmp= (empty
   tmpfs over /home, /root, /run/user, /tmp, /var/tmp).  /proc/PID/status
   must show the uid, the two capabilities, NoNewPrivs and the filter;
   /metrics must show the connector as source and the 3 zombies of
   tests/scn/watch_leaker (exit 7), then their 3 reaps by the parent.
Not emulated (systemd alone sets them up): ProtectProc=/ProcSubset=
(defaults: /proc as it is), PrivateDevices=, ProtectKernelModules=,
ProtectKernelLogs=, ProtectClock=, ProtectHostname=, LockPersonality=,
MemoryDenyWriteExecute=, RestrictNamespaces=, RestrictRealtime=,
RestrictSUIDSGID=, RemoveIPC=.  Needs root, setpriv, unshare, prlimit
and systemd-analyze."""
import os
import pwd
import re
import resource
import shlex
import shutil
import socket
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import watchtest  # noqa: E402

UNIT = os.path.join(zwtest.SRCDIR, "contrib", "systemd", "zwatch-watch.service")
MAX_EXPOSURE = 3.0
HOLD_MS = 3000
CAP_BITS = {"CAP_NET_ADMIN": 12, "CAP_SYS_PTRACE": 19}


def unit_settings():
    """{key: [values in order]} of the [Service] section."""
    out, section = {}, None
    with open(UNIT) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]" and "=" in line:
                k, v = line.split("=", 1)
                out.setdefault(k, []).append(v)
    return out


def syscall_groups():
    """{"@group": [members]} from systemd-analyze syscall-filter."""
    text = subprocess.run(["systemd-analyze", "syscall-filter"],
                          capture_output=True, text=True, timeout=60).stdout
    groups, cur = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            cur = groups.setdefault(line.strip(), [])
        elif cur is not None and line.strip() and \
                not line.strip().startswith("#"):
            cur.append(line.strip())
    return groups


def expand(names, groups, seen=None):
    seen = set() if seen is None else seen
    out = set()
    for n in names:
        if n.startswith("@"):
            if n not in seen:
                seen.add(n)
                out |= expand(groups.get(n, []), groups, seen)
        else:
            out.add(n)
    return out


def allowed_syscalls(s):
    """SystemCallFilter= lines as systemd reads them: the first an allow
    list, "~" lines take calls out of it."""
    groups = syscall_groups()
    allow = set()
    for i, v in enumerate(s["SystemCallFilter"]):
        deny = v.startswith("~")
        names = expand(v.lstrip("~").split(), groups)
        if deny:
            allow -= names
        else:
            allow |= names
    return allow


def families(s):
    out = []
    for v in s["RestrictAddressFamilies"]:
        for name in v.split():
            out.append(str(int(getattr(socket, name))))
    return ",".join(out)


def free_dynamic_id():
    """A uid/gid in systemd's DynamicUser range that nobody uses."""
    used = {p.pw_uid for p in pwd.getpwall()}
    for pid in os.listdir("/proc"):
        try:
            used.add(os.stat(f"/proc/{pid}").st_uid)
        except (OSError, ValueError):
            pass
    for uid in range(61184 + os.getpid() % 4000, 65519):
        if uid not in used:
            return uid
    raise zwtest.HardError("no free uid in 61184-65519")


def check_verify(t):
    d = os.path.join(t.tmpdir, "unit")
    os.mkdir(d)
    path = os.path.join(d, "zwatch-watch.service")
    with open(UNIT) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("/usr/local/bin/zwatch", zwtest.zwatch_path()))
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                       capture_output=True, text=True, timeout=120)
    t.note(f"systemd-analyze verify: rc {r.returncode} "
           f"{(r.stdout + r.stderr).strip() or '(no output)'}")
    t.check(r.returncode == 0 and not (r.stdout + r.stderr).strip(),
            "systemd-analyze verify of the unit: clean", r.stdout + r.stderr)
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", path],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", r.stdout)
    t.require(m, "systemd-analyze security --offline=true gives a level",
              r.stdout + r.stderr)
    t.note(f"systemd-analyze security --offline=true: {m.group(1)} {m.group(2)}")
    t.check(float(m.group(1)) <= MAX_EXPOSURE,
            f"overall exposure {m.group(1)} <= {MAX_EXPOSURE}")


def sandbox_script(s, files, argv, uid):
    """The sh script that sets up the mount namespace, then execs the
    command with the unit's credentials, limits and filter."""
    caps = s["AmbientCapabilities"][0].split()
    bound = s["CapabilityBoundingSet"][0].split()
    t_caps = lambda l: ",".join("+" + c[4:].lower() for c in l)  # noqa: E731
    # without CAP_SYS_RESOURCE (this machine's root) not above our own
    nofile = min(int(s["LimitNOFILE"][0]),
                 resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    setpriv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
               f"--bounding-set=-all,{t_caps(bound)}",
               f"--inh-caps=-all,{t_caps(caps)}",
               f"--ambient-caps=-all,{t_caps(caps)}"]
    if s.get("NoNewPrivileges", ["no"])[0] == "yes":
        setpriv.append("--no-new-privs")
    cmd = ["prlimit", f"--nofile={nofile}:{nofile}", "--"] + setpriv + \
        ["/usr/local/bin/syscall_filter", "/usr/local/bin/syscalls",
         families(s)] + argv
    home = "/home /root /run/user" if s.get("ProtectHome") == ["yes"] else ""
    tmp = "/tmp /var/tmp" if s.get("PrivateTmp") == ["yes"] else ""
    return f"""set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 zwunit /usr/local/bin
cp {shlex.quote(files['zwatch'])} /usr/local/bin/zwatch
cp {shlex.quote(files['filter'])} /usr/local/bin/syscall_filter
cp {shlex.quote(files['syscalls'])} /usr/local/bin/syscalls
chmod 0755 /usr/local/bin/zwatch /usr/local/bin/syscall_filter
chmod 0644 /usr/local/bin/syscalls
# ProtectSystem=strict: everything read-only but the API file systems
for m in $(awk '{{print $5}}' /proc/self/mountinfo); do
  case $m in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
# ProtectKernelTunables=, ProtectControlGroups=
mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
for m in $(awk '$5 ~ "^/sys" {{print $5}}' /proc/self/mountinfo); do
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
# ProtectHome=yes, PrivateTmp=yes
for d in {home} {tmp}; do
  [ -d "$d" ] && mount -t tmpfs -o mode=0755 zwunit "$d"
done
umask {s.get('UMask', ['0022'])[0]}
exec {' '.join(shlex.quote(a) for a in cmd)}
"""


def status_of(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def check_run(t, s):
    for tool in ("setpriv", "unshare", "prlimit"):
        if not shutil.which(tool):
            t.skip(f"{tool} missing (util-linux)")
    filt = zwtest.scn("syscall_filter")
    r = subprocess.run([filt], capture_output=True, timeout=30)
    if r.returncode == 77:
        t.skip("tests/scn/syscall_filter built without libseccomp")
    syscalls = os.path.join(t.tmpdir, "syscalls")
    allow = allowed_syscalls(s)
    t.check("ptrace" not in allow and "pidfd_open" in allow,
            "the expanded filter forbids ptrace, allows pidfd_open")
    with open(syscalls, "w") as f:
        f.write("\n".join(sorted(allow)) + "\n")
    exec_start = shlex.split(s["ExecStart"][0])
    port = watchtest.free_port()
    argv = [re.sub(r":9731$", f":{port}", a) for a in exec_start] + \
        ["--max-zombie-age=500ms"]
    t.check(argv[0] == "/usr/local/bin/zwatch" and f"127.0.0.1:{port}" in argv,
            "ExecStart runs /usr/local/bin/zwatch watch --listen 127.0.0.1:PORT",
            str(argv))
    uid = free_dynamic_id()
    files = {"zwatch": zwtest.zwatch_path(), "filter": filt,
             "syscalls": syscalls}
    script = sandbox_script(s, files, argv, uid)
    with open(os.path.join(t.tmpdir, "sandbox.sh"), "w") as f:
        f.write(script)
    t.note(f"as uid {uid}: {' '.join(argv)}")
    # An ASan build's LeakSanitizer stops the process with ptrace at exit,
    # which the unit's filter forbids (as it should): no leak check here.
    os.environ["ASAN_OPTIONS"] = ":".join(
        filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    w = watchtest.Watch(t, [], name="unit",
                        cmd=["unshare", "-m", "sh", "-c", script])
    leaker = None
    # A cgroup of its own: its labels are not shared with other tests'
    # watch_leaker (test_watch_restart's 4 exits, when run beside it).
    cg = watchtest.Cgroup(t, "zwtest-watch-unit")
    try:
        w.wait_http(port, 30)
        # unshare, sh, prlimit, setpriv and syscall_filter each exec the
        # next: zwatch is the process started
        st = status_of(w.p.pid)
        eff = int(st["CapEff"], 16)
        want = sum(1 << CAP_BITS[c] for c in s["AmbientCapabilities"][0].split())
        t.note(f"zwatch's status: Uid {st['Uid']}, CapEff {st['CapEff']}, "
               f"CapBnd {st['CapBnd']}, NoNewPrivs {st['NoNewPrivs']}, "
               f"Seccomp {st['Seccomp']}")
        t.check(st["Uid"].split()[0] == str(uid), f"it runs as uid {uid}")
        t.eq(eff, want, "its effective capabilities are the unit's")
        t.eq(int(st["CapBnd"], 16), want, "its bounding set is the unit's")
        t.eq(st["NoNewPrivs"], "1", "no_new_privs")
        t.eq(st["Seccomp"], "2", "a seccomp filter")
        m = watchtest.parse_metrics(
            watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))
        t.eq(watchtest.metric(m, "zwatch_info", version=watchtest.version(),
                              source="connector"), 1,
             'zwatch_info{source="connector"}')
        leaker = subprocess.Popen(
            [zwtest.scn("watch_leaker"), "3", str(HOLD_MS), "500", "7"],
            stdout=subprocess.PIPE, preexec_fn=cg.preexec(), text=True)
        pids = {int(leaker.stdout.readline().split()[1]) for _ in range(3)}
        lab = {"parent": "watch_leaker", "cgroup": cg.path}

        def scrape():
            return watchtest.parse_metrics(
                watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))
        ok = zwtest.poll_until(
            lambda: watchtest.metric(scrape(), "zwatch_zombies", **lab) == 3,
            5, 0.05)
        t.check(ok, "zwatch_zombies of watch_leaker == 3")
        ages = zwtest.poll_until(
            lambda: [l for l in w.lines() if l.get("event") == "zombie_age"
                     and l["pid"] in pids] or None, 5, 0.05)
        t.require(ages, "a zombie_age line for a zombie older than 500 ms",
                  w.stderr())
        par = ages[0].get("parent", {})
        t.note(f"its parent facts: syscall {par.get('syscall')!r}, "
               f"wchan {par.get('wchan')!r}, verdict {ages[0].get('verdict')!r}")
        # wchan (0444, ptrace_may_access): CAP_SYS_PTRACE is enough;
        # syscall is mode 0400 and would need CAP_DAC_READ_SEARCH too,
        # which the unit does not give
        t.check(par.get("wchan") and ages[0].get("verdict"),
                "the parent's wchan and a verdict are read (CAP_SYS_PTRACE)",
                str(ages[0]))
        t.check(par.get("syscall") is None, "its syscall is not (mode "
                "0400: CAP_DAC_READ_SEARCH, not in the unit)", str(ages[0]))
        for _ in range(3):
            leaker.stdout.readline()
        m = zwtest.poll_until(
            lambda: (p := scrape()) and watchtest.metric(
                p, "zwatch_reaps_total", reaper="parent", **lab) == 3 and p,
            5, 0.05)
        t.require(m, "3 reaps by the parent")
        t.eq(watchtest.metric(m, "zwatch_exits_total", status="failure", **lab),
             3, "3 exits with status failure")
        t.check(w.p.poll() is None, "still running", w.stderr())
        t.note(f"stderr: {w.stderr().strip() or '(empty)'}")
    finally:
        if leaker:
            leaker.kill()
            leaker.wait()
        t.eq(w.stop(), 0, "exit status after SIGTERM")
        cg.close()


def test(t):
    if os.geteuid() != 0:
        t.skip("needs root to set up the unit's credentials (setpriv)")
    if not shutil.which("systemd-analyze"):
        t.skip("systemd-analyze missing (Debian package systemd)")
    s = unit_settings()
    check_verify(t)
    check_run(t, s)


zwtest.main(test)
