#!/usr/bin/env python3
"""-k on a `gcc -static` binary: it has .eh_frame but no .eh_frame_hdr,
which libunwind's ptrace unwinder needs, so its stacks stop after a frame
or two.  zwatch must then say why (once, on stderr), not cut the stack
without a word; or unwind it to main."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

SRC = r'''
#include <sys/wait.h>
#include <unistd.h>
__attribute__((noinline)) static void spawn_it(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, 0, 0);
}
int main(void)
{
	spawn_it();
	return 0;
}
'''


def test(t):
    t.require_stacks()
    src = os.path.join(t.tmpdir, "st.c")
    prog = os.path.join(t.tmpdir, "st")
    with open(src, "w") as f:
        f.write(SRC)
    r = subprocess.run(["cc", "-g", "-static", "-o", prog, src],
                       capture_output=True, text=True)
    if r.returncode != 0:
        t.skip(f"cc -static cannot link (no static libc?): {r.stderr[-300:]}")
    tr = t.run([prog], opts=["-k"], name="static")
    sp = [e for e in tr.events("spawn") if e.get("stack")]
    if not t.check(sp, "the fork has a stack", tr.events("spawn")):
        return
    funcs = [f["function"] for f in sp[-1]["stack"]]
    whole = "main" in funcs and "spawn_it" in funcs
    said = "no unwind information" in tr.stderr and \
        ".eh_frame_hdr" in tr.stderr
    t.check(whole or said, "unwound to main, or the cut is explained",
            {"functions": funcs, "stderr": tr.stderr[-1000:]})
    t.check(tr.stderr.count("no unwind information") <= 1,
            "said once", tr.stderr[-1000:])


zwtest.main(test)
