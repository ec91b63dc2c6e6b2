#!/usr/bin/env python3
"""withhold.py - a TCP relay between MQTT clients and a real broker that
drops the broker's packets of one type (default 9, SUBACK), so a client's
handling of a withheld acknowledgement can be tested.

Usage: withhold.py LISTEN_PORT BROKER_PORT [PACKET_TYPE]
Prints "ready" once listening.  Each connection is relayed as is, but for
the packets of PACKET_TYPE from the broker, which are read and dropped.
"""
import socket
import sys
import threading


def read_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def packets(s):
    """The broker's stream as whole packets (fixed header parsed)."""
    while True:
        head = read_exact(s, 1)
        length, mult, raw = 0, 1, b""
        while True:
            d = read_exact(s, 1)
            raw += d
            length += (d[0] & 0x7F) * mult
            mult *= 128
            if d[0] & 0x80 == 0:
                break
        yield head, head + raw + read_exact(s, length)


def close_both(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def up(client, broker):
    try:
        while True:
            d = client.recv(65536)
            if not d:
                break
            broker.sendall(d)
    except OSError:
        pass
    close_both(client, broker)


def down(client, broker, drop):
    try:
        for head, p in packets(broker):
            if head[0] >> 4 != drop:
                client.sendall(p)
    except (EOFError, OSError):
        pass
    close_both(client, broker)


def main():
    port, bport = int(sys.argv[1]), int(sys.argv[2])
    drop = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(8)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        b = socket.create_connection(("127.0.0.1", bport))
        threading.Thread(target=up, args=(c, b), daemon=True).start()
        threading.Thread(target=down, args=(c, b, drop), daemon=True).start()


main()
