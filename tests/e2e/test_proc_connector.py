#!/usr/bin/env python3
"""Scenario 19b: an independent cross-check through the kernel.  While
zwatch traces fork_tree, the kernel's proc connector (netlink, what
forkstat(8) reads) records every fork and exit on the machine; for the
processes of the traced tree, zwatch's pids, parents and exit codes must
match the kernel's.  Skipped (77) where the proc connector is unavailable
(not root, or not in the initial network namespace)."""
import os
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import zwtest  # noqa: E402

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1
PROC_CN_MCAST_LISTEN = 1
PROC_CN_MCAST_IGNORE = 2
NLMSG_DONE = 3
PROC_EVENT_NONE = 0
PROC_EVENT_FORK = 0x1
PROC_EVENT_EXIT = 0x80000000

NLMSGHDR = struct.Struct("=IHHII")      # len, type, flags, seq, pid
CN_MSG = struct.Struct("=IIIIHH")       # idx, val, seq, ack, len, flags
PROC_EV = struct.Struct("=IIQ")         # what, cpu, timestamp_ns
FORK = struct.Struct("=iiii")           # parent pid/tgid, child pid/tgid
EXIT = struct.Struct("=iiII")           # pid, tgid, exit_code, exit_signal


class ProcConnector:
    """Listens to the proc connector in a thread; .forks and .exits."""

    def __init__(self):
        self.forks = []     # (parent_tgid, child_pid, child_tgid)
        self.exits = []     # (pid, tgid, raw wait status)
        self.acked = threading.Event()
        self.overflow = False
        self._stop = False
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM,
                                  NETLINK_CONNECTOR)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # RCVBUFFORCE
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        self.sock.bind((0, CN_IDX_PROC))
        self.sock.settimeout(0.1)
        self._send(PROC_CN_MCAST_LISTEN)
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _send(self, op):
        payload = struct.pack("=I", op)
        cn = CN_MSG.pack(CN_IDX_PROC, CN_VAL_PROC, 0, 0, len(payload), 0)
        hdr = NLMSGHDR.pack(NLMSGHDR.size + len(cn) + len(payload), NLMSG_DONE,
                            0, 0, os.getpid())
        self.sock.send(hdr + cn + payload)

    def _loop(self):
        while not self._stop:
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError as e:
                if e.errno == 105:          # ENOBUFS: events were lost
                    self.overflow = True
                    continue
                return
            off = 0
            while off + NLMSGHDR.size <= len(data):
                length = NLMSGHDR.unpack_from(data, off)[0]
                if length < NLMSGHDR.size:
                    break
                self._parse(data[off + NLMSGHDR.size:off + length])
                off += (length + 3) & ~3

    def _parse(self, msg):
        if len(msg) < CN_MSG.size + PROC_EV.size:
            return
        what = PROC_EV.unpack_from(msg, CN_MSG.size)[0]
        body = CN_MSG.size + PROC_EV.size
        if what == PROC_EVENT_NONE:
            self.acked.set()
        elif what == PROC_EVENT_FORK and len(msg) >= body + FORK.size:
            _, ptgid, cpid, ctgid = FORK.unpack_from(msg, body)
            self.forks.append((ptgid, cpid, ctgid))
        elif what == PROC_EVENT_EXIT and len(msg) >= body + EXIT.size:
            pid, tgid, code, _ = EXIT.unpack_from(msg, body)
            self.exits.append((pid, tgid, code))

    @classmethod
    def start(cls, t):
        """A listening instance, or None (noted in t) where the connector
        is unavailable or does not acknowledge."""
        try:
            pc = cls()
        except OSError as e:
            t.note(f"proc connector unavailable ({e}): no kernel cross-check")
            return None
        if not pc.acked.wait(3):
            pc.close()
            t.note("proc connector gave no acknowledgement: no kernel "
                   "cross-check")
            return None
        return pc

    def tree(self, root):
        """The kernel's view of the processes under root (tgid == pid):
        (parent of each, the set of root and its descendants, exit
        statuses)."""
        parent = {ctgid: ptgid for ptgid, cpid, ctgid in self.forks
                  if cpid == ctgid}
        tree, changed = {root}, True
        while changed:
            changed = False
            for child, par in parent.items():
                if par in tree and child not in tree:
                    tree.add(child)
                    changed = True
        status = {tgid: code for pid, tgid, code in self.exits if pid == tgid}
        return parent, tree, status

    def close(self):
        self._stop = True
        self.thread.join(2)
        try:
            self._send(PROC_CN_MCAST_IGNORE)
        except OSError:
            pass
        self.sock.close()


def test(t):
    try:
        pc = ProcConnector()
    except OSError as e:
        t.skip(f"proc connector unavailable: {e}")
    try:
        if not pc.acked.wait(3):
            t.skip("proc connector gave no acknowledgement (not the initial "
                   "network namespace?)")
        tr = t.run([zwtest.scn("fork_tree")])
        time.sleep(0.5)     # let the last events arrive
    finally:
        pc.close()
    if pc.overflow:
        t.skip("the proc connector dropped events (ENOBUFS) on a busy machine")
    t.scenario_ok(tr)
    me = t.root_ok(tr)["pid"]

    # The kernel's view of the tree under PROG: processes (tgid == pid).
    # (Not all of zwatch's children: a sanitizer build of zwatch forks
    # helpers of its own, e.g. LeakSanitizer's at exit.)
    parent, tree, status = pc.tree(me)
    t.check(parent.get(me) == tr.zwatch_pid,
            f"PROG {me} is the kernel's child of zwatch")
    t.note(f"kernel saw {len(tree)} processes under PROG {me}")
    t.eq(sorted(r["pid"] for r in tr.lifecycles), sorted(tree),
         "zwatch's pids == the kernel's pids for the traced tree")
    for pid in sorted(tree):
        lc = tr.lifecycle(pid)
        if lc is None:
            continue
        raw = status.get(pid)
        if raw is None:
            t.check(False, f"kernel reported the exit of {pid}")
            continue
        want = {"ppid": parent.get(pid, tr.zwatch_pid)}
        if raw & 0x7f:
            want.update(exit_code=None, core_dumped=bool(raw & 0x80))
        else:
            want.update(exit_code=(raw >> 8) & 0xff, exit_signal=None)
        t.match(lc, want, f"process {pid}: kernel says parent {want['ppid']}, "
                f"wait status {raw:#x}")


if __name__ == "__main__":
    zwtest.main(test)
