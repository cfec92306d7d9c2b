#!/usr/bin/python3
"""pyfork.py - fork from Python (os.fork), as an interpreter does it.

CPython's os.fork runs at-fork hooks and uses glibc's fork (a clone
syscall).  The parent forks three children that exit 5, 6 and 7 via
os._exit, and one child that itself forks a grandchild (exit 9) and reaps
it before exiting 8.  The parent reaps every child with os.waitpid.
zwatch must report each with the right exit code, reaped by its parent.

Output: "child pid=P code=C", "reaped pid=P by=Q code=C".
"""
import os
import signal
import sys

signal.alarm(30)  # never hang the test suite


def say(line):
    """One write(2) per line: atomic on a pipe, so lines of different
    processes never interleave (print() may write the text and the newline
    separately, e.g. with PYTHONUNBUFFERED set)."""
    os.write(1, (line + "\n").encode())


def fork_exit(code, body=None):
    pid = os.fork()
    if pid == 0:
        try:
            if body:
                body()
        finally:
            os._exit(code)
    say(f"child pid={pid} code={code}")
    return pid


def reap(pid):
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    say(f"reaped pid={pid} by={os.getpid()} code={code}")
    return code


def with_grandchild():
    g = fork_exit(9)
    if reap(g) != 9:
        os._exit(1)


def main():
    expect = {}
    for code in (5, 6, 7):
        expect[fork_exit(code)] = code
    expect[fork_exit(8, with_grandchild)] = 8
    bad = 0
    for pid, code in expect.items():
        if reap(pid) != code:
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
