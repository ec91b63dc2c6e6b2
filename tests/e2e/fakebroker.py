#!/usr/bin/env python3
"""fakebroker.py - a broken or hostile MQTT broker on loopback, to test
how the tools react to one.  Only for that: everything else is tested
against a real mosquitto.

Usage: fakebroker.py PORTFILE MODE [ARG]
Listens on a free 127.0.0.1 port, writes the port to PORTFILE (once
listening), and serves every connection (a reconnect gets the same) by
MODE, after reading the client's CONNECT:

  silent        an MQTT v5 CONNACK (success), then reads and ignores
                everything: a broker that is there and does not answer
  hostile HEX   the CONNACK, then the bytes HEX, then as silent
  late HEX      the CONNACK, then after 0.3 s the bytes HEX, then as
                silent: garbage in a read of its own
  random SEED   the CONNACK, then 300 random bytes, then as silent; one
                generator seeded with SEED draws them for each connection
                in turn, so a run of clients sees the same sequence
  suback        the CONNACK, then a SUBACK (granted) for every SUBSCRIBE,
                and nothing else (no PINGRESP): a broker that answered,
                then stopped
  v311          what a broker that speaks only MQTT 3.1.1 answers a v5
                CONNECT with, as nats-server and aedes do: a 3.1.1
                CONNACK, return code 0x01 (unacceptable protocol
                version), then it closes
  close         closes without a word, as RabbitMQ 3.10 does (it cannot
                parse a v5 CONNECT: "unparseable payload")

In v311 and close modes, a 3.1.1 CONNECT (protocol level 4) is accepted
(CONNACK 0x00): that is what those brokers do.
"""
import os
import random
import socket
import sys
import threading
import time

CONNACK_V5 = bytes([0x20, 0x03, 0x00, 0x00, 0x00])
RNG = None
RNG_LOCK = threading.Lock()


def read_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def read_packet(s):
    head = read_exact(s, 1)
    length, mult = 0, 1
    while True:
        d = read_exact(s, 1)
        length += (d[0] & 0x7F) * mult
        mult *= 128
        if d[0] & 0x80 == 0:
            break
    return head[0], read_exact(s, length)


def sink(c):
    while c.recv(65536):
        pass


def varint(b, i):
    n, mult = 0, 1
    while True:
        n += (b[i] & 0x7F) * mult
        mult *= 128
        i += 1
        if b[i - 1] & 0x80 == 0:
            return n, i


def suback(c):
    while True:
        cmd, body = read_packet(c)
        if cmd & 0xF0 != 0x80:
            continue
        plen, i = varint(body, 2)
        i += plen
        codes = b""
        while i < len(body):
            n = body[i] << 8 | body[i + 1]
            codes += bytes([body[i + 2 + n] & 0x03])
            i += 2 + n + 1
        ack = body[0:2] + b"\x00" + codes
        c.sendall(bytes([0x90, len(ack)]) + ack)


def serve(c, mode, arg):
    try:
        cmd, body = read_packet(c)
        if cmd != 0x10:
            return
        # variable header: protocol name (2 + 4 bytes), then the level
        level = body[6] if len(body) > 6 else 0
        if mode in ("v311", "close"):
            if level == 4:
                c.sendall(bytes([0x20, 0x02, 0x00, 0x00]))
                sink(c)
            elif mode == "v311":
                c.sendall(bytes([0x20, 0x02, 0x00, 0x01]))
            return
        c.sendall(CONNACK_V5)
        if mode == "hostile":
            c.sendall(bytes.fromhex(arg))
        elif mode == "late":
            time.sleep(0.3)
            c.sendall(bytes.fromhex(arg))
        elif mode == "random":
            with RNG_LOCK:
                junk = bytes(RNG.randrange(256) for _ in range(300))
            c.sendall(junk)
        elif mode == "suback":
            suback(c)
        sink(c)
    except (OSError, EOFError):
        pass
    finally:
        c.close()


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    global RNG
    if mode == "random":
        RNG = random.Random(int(arg))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, mode, arg),
                         daemon=True).start()


if __name__ == "__main__":
    main()
