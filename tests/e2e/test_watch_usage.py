#!/usr/bin/env python3
"""zwatch watch's usage errors: each exits 2 with a message naming the
problem; --help exits 0; a port already in use or an unwritable
--textfile directory is reported (exit 1 / a warning) without a crash;
--max-series caps the label pairs and counts the rest in the overflow
series."""
import os
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402
import watchtest  # noqa: E402


def test(t):
    zw = zwtest.zwatch_path()

    def case(what, args, rc, mention):
        got, out, err, _, _ = t.run_cmd([zw, "watch"] + args, timeout=20,
                                        what=what)
        t.eq(got, rc, f"{what}: exit status")
        t.check(mention.lower() in (err + out).lower(),
                f"{what}: the message mentions {mention!r}", err + out)

    case("nothing to report", [], 2, "nothing to report")
    case("unknown option", ["--bogus", "--listen", "1"], 2, "--bogus")
    case("bad --listen", ["--listen", "localhost:x"], 2, "--listen")
    case("port 0", ["--listen", "0"], 2, "--listen")
    case("bad pid", ["-p", "abc", "--log-releases"], 2, "process ID")
    case("relative cgroup", ["--cgroup", "x", "--log-releases"], 2, "absolute")
    case("bad duration", ["--max-zombie-age", "5parsecs"], 2, "duration")
    case("tiny interval", ["--interval", "1ms", "--log-releases"], 2, "duration")
    case("bad --max-series", ["--max-series", "0", "--log-releases"], 2,
         "max-series")
    case("missing argument", ["--listen"], 2, "needs an argument")
    case("extra argument", ["--log-releases", "extra"], 2, "extra")
    case("help", ["--help"], 0, "Usage")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        case("port in use", ["--listen", f"127.0.0.1:{port}"], 1,
             f"port {port}")

    # --max-series 1: the leaker gets the one series, everything else of
    # this test's subtree lands in "_overflow".
    port = watchtest.free_port()
    w = watchtest.Watch(t, ["-p", str(os.getpid()), "--max-series", "1",
                            "--listen", f"127.0.0.1:{port}",
                            "--log-releases"])
    try:
        w.wait_start()
        w.wait_http(port)
        zwtest.subprocess.run([zwtest.scn("watch_leaker"), "2", "10", "0"],
                              stdout=zwtest.subprocess.DEVNULL, timeout=30)
        zwtest.subprocess.run(["/bin/sh", "-c", "/bin/true; /bin/true"],
                              timeout=30)

        def counted():
            m = watchtest.parse_metrics(
                watchtest.http_get(f"http://127.0.0.1:{port}/metrics"))
            over = sum(v for (n, l), v in m.items()
                       if n == "zwatch_exits_total" and
                       dict(l).get("parent") == "_overflow")
            return over >= 2 and m
        m = t.require(zwtest.poll_until(counted, 5, 0.05),
                      "exits beyond the limit count in the _overflow series")
        t.eq(watchtest.metric(m, "zwatch_series"), 1, "zwatch_series")
    finally:
        t.eq(w.stop(), 0, "exit status after SIGTERM")


zwtest.main(test)
