#!/usr/bin/env python3
"""Scenario 18: usage errors exit 2 with a message on stderr (an output
file that cannot be opened: 1 or 2), and PROG is not run; a missing program
exits 127, a non-executable one 126, each with a clear message."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402



def test(t):
    zw = zwtest.zwatch_path()
    if not os.access(zw, os.X_OK):
        raise zwtest.HardError(f"zwatch binary {zw} not found")
    marker = os.path.join(t.tmpdir, "prog-ran")
    touch = ["/bin/sh", "-c", f": > {marker}"]

    def case(what, args, rcs, mention=None, ran_ok=False):
        if os.path.exists(marker):
            os.unlink(marker)
        rc, out, err, _, _ = t.run_cmd([zw] + args, timeout=20, what=what)
        t.check(rc in rcs, f"{what}: exit status {rc} in {rcs}",
                f"stdout: {out}\nstderr: {err}")
        t.check(err.strip() != "", f"{what}: a message on stderr",
                f"stdout: {out!r}")
        if mention:
            t.check(mention.lower() in err.lower(),
                    f"{what}: the message mentions {mention!r}",
                    f"stderr: {err!r}")
        if not ran_ok:
            t.check(not os.path.exists(marker), f"{what}: PROG did not run")
        return err

    case("no arguments", [], (2,))
    case("options but no program", ["--json"], (2,))
    case("no program after --", ["--json", "--"], (2,))
    case("unknown option", ["--bogus-option", "--"] + touch, (2,), "bogus-option")
    case("bad --color value", ["--color=purple", "--"] + touch, (2,), "purple")
    case("unwritable -o", ["-o", "/nonexistent/dir/x", "--"] + touch, (1, 2),
         "/nonexistent/dir/x")
    case("missing program", ["--", "/nonexistent/zwatch-no-such-prog"], (127,),
         "/nonexistent/zwatch-no-such-prog")
    case("program not in PATH", ["--", "zwatch-no-such-prog-xyz"], (127,),
         "zwatch-no-such-prog-xyz")
    plain = os.path.join(t.tmpdir, "not-executable")
    with open(plain, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(plain, 0o644)
    case("program not executable", ["--", plain], (126,), plain)

    # --min-zombie is the live view's threshold (and zwatch report's)
    case("--min-zombie without --tui", ["--min-zombie=5ms", "--"] + touch,
         (2,), "--min-zombie needs --tui")
    case("bad --min-zombie", ["--tui", "--min-zombie=soon", "--"] + touch,
         (2,), "invalid duration 'soon' for --min-zombie")

    rc, out, err, _, _ = t.run_cmd([zw, "-h"], timeout=20, what="-h")
    t.eq(rc, 0, "-h exit status")
    t.check("usage" in (out + err).lower(), "-h prints a usage text")
    # every front end has its usage line
    for line in (" zwatch [options] -- PROG", " zwatch [options] -p PID",
                 " zwatch report [options] FILE", " zwatch ps [options]",
                 " zwatch watch [options]"):
        t.check(line in out, f"-h names {line.strip()!r}", out)
    rc, out, err, _, _ = t.run_cmd([zw, "-V"], timeout=20, what="-V")
    t.eq(rc, 0, "-V exit status")
    t.check("zwatch" in (out + err), "-V prints the program name and version",
            f"stdout: {out!r}")
    # And the good case: the options are accepted together.
    rc, out, err, _, _ = t.run_cmd(
        [zw, "-q", "--no-summary", "--color=never", "-o",
         os.path.join(t.tmpdir, "ok.txt"), "--"] + touch, timeout=20,
        what="all options")
    t.eq(rc, 0, "-q --no-summary --color=never -o FILE: exit status")
    t.check(os.path.exists(marker), "with valid options PROG runs")


zwtest.main(test)
