#!/usr/bin/env python3
"""zwatch report --format=html at 15, 1,500 and 30,000 processes (issue
15), in headless Chromium: the page's script runs without error and is
ready (first rows drawn) within 3 s of navigation at every size; the
answers come first and need no JavaScript; the overview canvases, the
tree rows (virtualised: a few dozen in the DOM whatever the size), the
filter (#filter=... in the address) and the links to rows (#pSEQ opens
the details) are there after the script ran; every size renders to a
non-blank screenshot whose pixels show the canvases' drawing (the tree's
bars, the histogram; at 15 processes the leaks' bars and the zombies
past the threshold); the page stays smaller than the trace.
ZWTEST_SHOTS=DIR keeps the screenshots (README's pictures).  Synthetic
build-like traces come from tests/gen_tree_trace.py.  Skips (77) when
chromium is not installed."""
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0"]
READY_MS = 3000


def chromium(t, args):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp(prefix="zwtest-chromium-", dir=t.tmpdir)
    t0 = time.monotonic()
    r = t.run_cmd([exe] + FLAGS + [f"--user-data-dir={profile}"] + args,
                  timeout=120, what="chromium")
    return r, time.monotonic() - t0


def js_errors(err):
    return [l for l in err.splitlines()
            if "Uncaught" in l or ("CONSOLE" in l and "rror" in l)]


def make_page(t, n, extra=()):
    trace = os.path.join(t.tmpdir, f"t{n}.trace")
    page = os.path.join(t.tmpdir, f"t{n}.html")
    rc, _, err, _, _ = t.run_cmd([sys.executable, os.path.join(
        zwtest.SRCDIR, "tests", "gen_tree_trace.py"), "-n", str(n), "-o", trace,
        *extra], timeout=120, what="gen_tree_trace.py")
    t.require(rc == 0, f"generate a {n}-process trace", err)
    rc, _, err, _, _ = t.run_cmd([zwtest.zwatch_path(), "report", "--format=html",
                                  "-o", page, trace], timeout=120)
    t.require(rc == 0, f"zwatch report --format=html of {n} processes", err)
    return trace, page


def dom_of(t, page, hash_="", what=""):
    (rc, dom, err, _, _), wall = chromium(
        t, ["--window-size=1300,1000", "--dump-dom", "file://" + page + hash_])
    t.eq(rc, 0, f"{what}chromium --dump-dom exit status")
    t.check(not js_errors(err), f"{what}no JavaScript errors",
            "\n".join(js_errors(err)))
    return dom, wall


def attr(dom, name):
    m = re.search(rf'{name}="(\d+)"', dom)
    return int(m.group(1)) if m else None


def check_page(t, n, page, trace):
    size, tsize = os.path.getsize(page), os.path.getsize(trace)
    # The machine is shared: a load spike may slow one run; the best of
    # three says what the page costs.
    for attempt in range(3):
        dom, wall = dom_of(t, page, what=f"{n}: ")
        ms = attr(dom, "data-zwatch-ms")
        if ms is not None and ms < READY_MS:
            break
    t.check('data-zwatch-ready="1"' in dom, f"{n}: the page's script ran")
    t.check(ms is not None and ms < READY_MS,
            f"{n}: ready {ms} ms after navigation (< {READY_MS}); "
            f"page {size} bytes, trace {tsize}, chromium run {wall:.1f} s")
    print(f"# SCALE n={n} page_bytes={size} trace_bytes={tsize} ready_ms={ms} "
          f"chromium_wall_s={wall:.2f}", flush=True)
    if n >= 1500:	# a tiny trace is smaller than the page's script
        t.check(size < tsize, f"{n}: the page ({size}) is smaller than the "
                f"trace ({tsize})")
    # answers first, then the overview, then the tree
    order = [dom.find(k) for k in ('id="headline"', 'id="summary"',
                                   'id="c-alive"', 'id="c-hist"', 'id="rows"')]
    t.check(all(o >= 0 for o in order) and order == sorted(order),
            f"{n}: headline, summary, overview, tree in that order", str(order))
    rows = len(re.findall(r'<div class="row', dom))
    t.check(0 < rows <= 120, f"{n}: tree rows drawn, virtualised ({rows} in the DOM)")
    t.check(' id="overview"' in dom and 'id="overview" hidden' not in dom,
            f"{n}: the overview is shown")
    png = os.path.join(t.tmpdir, f"t{n}.png")
    (rc, _, err, _, _), _ = chromium(t, [f"--screenshot={png}",
                                         "--window-size=1300,1400",
                                         "file://" + page + shot_hash(page, n)])
    if t.check(rc == 0 and os.path.exists(png), f"{n}: screenshot", err[-2000:]):
        data = open(png, "rb").read()
        t.check(data.startswith(b"\x89PNG") and len(data) > 40000,
                f"{n}: the screenshot has content ({len(data)} bytes)")
        check_pixels(t, n, png)
        # ZWTEST_SHOTS=DIR keeps them: README's pictures are these
        if os.environ.get("ZWTEST_SHOTS"):
            shutil.copy(png, os.path.join(os.environ["ZWTEST_SHOTS"],
                                          f"report-{n}.png"))
    return dom


def png_rows(path):
    """The rows of an 8-bit RGB or RGBA PNG (as Chromium writes them),
    unfiltered: (bytes per pixel, rows)."""
    data = open(path, "rb").read()
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or inter:
                return None, []
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    raw, stride = zlib.decompress(b"".join(idat)), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        at = y * (stride + 1)
        f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f in (1, 3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                if f == 1:
                    line[i] = (line[i] + a) & 255
                elif f == 3:
                    line[i] = (line[i] + ((a + b) >> 1)) & 255
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                                          b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return bpp, rows


def check_pixels(t, n, png):
    """What the page's script draws on canvases is not in the DOM: the
    screenshot must show it.  Colours are the page's own (report_html.js,
    sink_html.c's CSS), counted where they are exact (filled bars); the
    legend's swatches have 140 pixels of each."""
    bpp, rows = png_rows(png)
    if not t.check(rows, f"{n}: the screenshot is an 8-bit RGB(A) PNG"):
        return

    def count(rgb):
        px = bytes(rgb) + (b"\xff" if bpp == 4 else b"")
        return sum(r.count(px) for r in rows)
    blue, grey = count((0x4a, 0x90, 0xd9)), count((0xbb, 0xbb, 0xbb))
    t.check(blue > 700, f"{n}: screenshot: the tree's timeline bars ({blue} "
            "pixels of the running colour)")
    t.check(grey > 2000, f"{n}: screenshot: the histogram of zombie lifetimes "
            f"({grey} pixels of its grey)")
    if n == 15:	# few enough that the leaks' bars are in view
        orange, red = count((0xe8, 0x87, 0x1e)), count((0xc0, 0x39, 0x2b))
        t.check(orange > 500, f"{n}: screenshot: zombies past the threshold in "
                f"the histogram ({orange} orange pixels)")
        t.check(red > 500, f"{n}: screenshot: the leaks' bars ({red} red pixels)")


def shot_hash(page, n):
    """The 30,000-process picture: the overview zoomed to the last half
    second, the oldest leak's row opened (from the leak table)."""
    if n < 30000:
        return ""
    src = open(page).read()
    data = json.loads(re.search(r'id="zw-data">(.*?)</script>', src, re.S).group(1))
    leak = re.search(r'<table id="leaks">.*?<a href="#p(\d+)"', src, re.S)
    end = data["end"] / 1e6
    return f"#zoom={end - 0.45:.2f}-{end:.2f}" + (f"&p{leak.group(1)}" if leak else "")


def check_interaction(t, page, dom):
    data = json.loads(re.search(r'id="zw-data">(.*?)</script>', dom, re.S).group(1))
    cols = data["cols"]
    rows = [dict(zip(cols, r)) for r in data["p"]]
    # the filter, from the address: exit 1 names failed jobs and only them
    fdom, _ = dom_of(t, page, "#filter=exit%201", "filter: ")
    failed = sum(1 for r in rows if r["status"] == 1)
    hits = re.findall(r'<span class="hit">([^<]*)</span>', fdom)
    t.check(failed and len(hits) == failed, f"filter 'exit 1': {len(hits)} "
            f"rows hit, {failed} processes exited 1", str(hits))
    # a link from the leak table opens that row's details
    m = re.search(r'<table id="leaks">.*?<a href="#p(\d+)" class="pl">(\d+)</a>',
                  dom, re.S)
    if t.check(m, "the leak table links to rows"):
        ldom, _ = dom_of(t, page, "#p" + m.group(1), "link: ")
        d = re.search(r'<div id="details"[^>]*>(.*?)</div>', ldom, re.S)
        t.check(d and f"(pid {m.group(2)})" in d.group(1) and
                "STILL A ZOMBIE" in d.group(1) and "command: sh -c cc" in d.group(1),
                "the link shows the leak's details (argv, fate)",
                d.group(1) if d else ldom[-2000:])
        t.check('class="row sel"' in ldom, "and selects its row")


def check_no_js(t, page):
    """The tables are in the page itself, before any script."""
    src = open(page).read()
    first_script = src.find("<script")
    t.check(0 < src.find('id="leaks"') < first_script and
            0 < src.find('id="summary"') < first_script and
            0 < src.find("<noscript>") < first_script,
            "JavaScript off: the answer tables are plain HTML, the views say why not")
    # (Chromium's --dump-dom and --screenshot need scripts themselves.)


def test(t):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        t.skip("chromium is not installed")
    for n in (15, 1500, 30000):
        trace, page = make_page(t, n)
        dom = check_page(t, n, page, trace)
        if n == 1500:
            check_interaction(t, page, dom)
        if n == 15:
            check_no_js(t, page)
    # a trace cut off by a crash says so at the top
    trace, page = make_page(t, 15, ["--cut"])
    t.check('id="cut"' in open(page).read(), "a cut-off trace is flagged")


zwtest.main(test)
