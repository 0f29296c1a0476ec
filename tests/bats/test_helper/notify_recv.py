#!/usr/bin/env python3
"""notify_recv.py - a stand-in for systemd's notification socket.

usage: notify_recv.py ADDRESS OUT
ADDRESS is a path, or @name for the abstract namespace (as NOTIFY_SOCKET
says it).  Every datagram received is appended to OUT as one line, its
newlines written as "|", until SIGTERM.  OUT.ready appears once bound.
"""
import os
import signal
import socket
import sys


def main():
    addr, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    open(out + ".ready", "w").close()
    with open(out, "a", buffering=1) as f:
        while True:
            data, _ = s.recvfrom(65536)
            f.write(data.decode("utf-8", "replace").replace("\n", "|") + "\n")


if __name__ == "__main__":
    main()
