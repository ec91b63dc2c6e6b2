#!/usr/bin/env python3
"""notify.py - the service manager's side of the systemd notify protocol,
for tests: a unix datagram socket that a tool given NOTIFY_SOCKET writes
"READY=1" to.

Usage: notify.py SOCKET
SOCKET is a path, or @NAME for an abstract socket (as NOTIFY_SOCKET
names it).  Prints "listening" once bound, then every datagram received
as one line, and exits after one that holds READY=1 (or after 30 s:
a hang guard, exit 1).
"""
import socket
import sys


def main():
    name = sys.argv[1]
    addr = "\0" + name[1:] if name.startswith("@") else name
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(addr)
    s.settimeout(30)
    print("listening", flush=True)
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            return 1
        text = d.decode("utf-8", "replace")
        print(text.replace("\n", " "), flush=True)
        if "READY=1" in text.split("\n"):
            return 0


sys.exit(main())
