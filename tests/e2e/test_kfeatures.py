#!/usr/bin/env python3
"""Kernel features (issue 16): `zwatch -V` lists the running kernel and
the features it probed, and the old-kernel paths give the same answers.
ZWATCH_KFEATURES_OFF=pidfd_release makes zwatch poll zombies as it does
before Linux 6.9 (no EPOLLHUP at release); the lifecycle tests whose
answers depend on how a release is seen (autoreap by SIG_IGN and
SA_NOCLDWAIT, a classic zombie, attach with pre-existing zombies) are run
again that way, each with its own assertions."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

AGAIN = ("test_zombie_demo", "test_sigign_autoreap", "test_nocldwait",
         "test_attach_inventory")


def test(t):
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "-V"],
                                   what="zwatch -V")
    t.eq(rc, 0, "zwatch -V exit status")
    lines = {l.split(":", 1)[0]: l.split(":", 1)[1].split()
             for l in out.splitlines() if ":" in l}
    t.check(lines.get("kernel") == [os.uname().release, os.uname().machine],
            "'kernel: RELEASE MACHINE'", out)
    feats = lines.get("kernel-features", [])
    t.check(all(f.lstrip("-") in ("pidfd", "pidfd_release", "pidfd_info")
                for f in feats) and len(feats) == 3,
            "'kernel-features:' names pidfd, pidfd_release, pidfd_info", out)
    env = dict(os.environ, ZWATCH_KFEATURES_OFF="pidfd_release")
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "-V"], env=env,
                                   what="zwatch -V, pidfd_release off")
    t.check("-pidfd_release" in out.split(), "ZWATCH_KFEATURES_OFF turns "
            "pidfd_release off", out)
    here = os.path.dirname(os.path.abspath(__file__))
    for name in AGAIN:
        p = subprocess.run([sys.executable, os.path.join(here, name + ".py")],
                           env=env, capture_output=True, text=True,
                           timeout=300)
        last = (p.stdout.strip().splitlines() or [""])[-1]
        if p.returncode == zwtest.SKIP:
            t.note(f"{name}: skipped ({last})")
            continue
        t.check(p.returncode == 0, f"{name} with pidfd_release off: {last}",
                p.stdout[-3000:] + p.stderr[-1000:])


zwtest.main(test)
