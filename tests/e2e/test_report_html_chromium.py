#!/usr/bin/env python3
"""zwatch report --format=html (issue 5) in a real browser: headless
Chromium loads the page of a recorded zombie demo with no JS error, its
script runs (it sets data-zwatch-ready on <body>), and it renders to a
non-blank PNG.  Skips (77) when chromium is not installed."""
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium(t, args):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp(prefix="zwtest-chromium-", dir=t.tmpdir)
    return t.run_cmd([exe] + FLAGS + [f"--user-data-dir={profile}"] + args,
                     timeout=90, what="chromium")


def test(t):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        t.skip("chromium is not installed")
    rec = os.path.join(t.tmpdir, "demo.trace")
    t.run([zwtest.scn("zombie_demo")], opts=["-w", rec])
    page = os.path.join(t.tmpdir, "demo.html")
    rc, out, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report",
                                    "--format=html", "-o", page, rec])
    t.require(rc == 0, "zwatch report --format=html", err)

    rc, dom, err, _, _ = chromium(t, ["--dump-dom", "file://" + page])
    t.eq(rc, 0, "chromium --dump-dom exit status")
    t.check('data-zwatch-ready="1"' in dom, "the page's script ran",
            dom[-2000:])
    js_errors = [l for l in err.splitlines()
                 if "Uncaught" in l or ("CONSOLE" in l and "rror" in l)]
    t.check(not js_errors, "no JavaScript errors", "\n".join(js_errors))

    png = os.path.join(t.tmpdir, "demo.png")
    rc, out, err, _, _ = chromium(t, [f"--screenshot={png}",
                                      "--window-size=1200,800", "file://" + page])
    t.check(rc == 0 and os.path.exists(png), "chromium --screenshot wrote a PNG",
            err[-2000:])
    if os.path.exists(png):
        data = open(png, "rb").read()
        t.check(data.startswith(b"\x89PNG") and len(data) > 10000,
                f"the PNG is an image with content ({len(data)} bytes)")


zwtest.main(test)
