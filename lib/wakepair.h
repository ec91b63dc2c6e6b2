/*
 * wakepair.h - libmosquitto's wake-up socketpair, pointed at /dev/null.
 *
 * libmosquitto 2.0 (net__socketpair in mosquitto_new) opens an AF_UNIX
 * socketpair and writes one byte to its write end on every packet it
 * queues (packet__queue), to wake its own loop thread out of select(2).
 * We drive the socket ourselves and never read that pair: the write is
 * pure cost, a unix-socket send that fails with EAGAIN once the pair is
 * full, as much kernel work as the publish itself.  Pointing that
 * descriptor at /dev/null turns the send into a no-op write: measured
 * (bench/wakepair.sh, libmosquitto 2.0.11), 1311 against 1492 ns of CPU
 * per QoS 0 publish, 0.88; yoke-pub -l of 200,000 lines, 0.30 against
 * 0.33 s of CPU.  Once a libmosquitto no longer writes the byte, that
 * benchmark shows a ratio near 1.0, and this module should go.
 *
 * The write end is never guessed, it is recognised, and every step that
 * does not see what it expects leaves everything alone (the cost comes
 * back; nothing breaks):
 * - yk_wakepair_before (just before mosquitto_new) notes which of
 *   YK_WAKEPAIR_SCAN descriptors are open, from the lowest free one up
 *   (below it all are open: nothing new can appear there), and
 *   yk_wakepair_after (just after) keeps the AF_UNIX stream sockets
 *   among them that were not: exactly two, or none;
 * - yk_wakepair_mute, once libmosquitto has queued a packet (the CONNECT
 *   of a connection attempt), takes as the read end the one of the two
 *   that holds bytes to read, and as the write end the other, which must
 *   hold none; a byte sent through that write end must then arrive at the
 *   read end (they are each other's peer); only then is the write end
 *   replaced by /dev/null (dup3, so its number stays what libmosquitto
 *   holds).
 * Single-threaded use (mqtt.h): no other thread opens descriptors between
 * before and after.
 */
#ifndef YK_WAKEPAIR_H
#define YK_WAKEPAIR_H

#include <stdbool.h>
#include <stdint.h>

/* Descriptors looked at (one poll(2) of that many); a pair beyond is
 * left alone. */
#define YK_WAKEPAIR_SCAN 64

enum yk_wakepair_state {
	YK_WAKEPAIR_NONE,  /* nothing found, or given up: left alone */
	YK_WAKEPAIR_FOUND, /* two new sockets, write end not known yet */
	YK_WAKEPAIR_MUTED, /* the write end is /dev/null */
};

struct yk_wakepair {
	enum yk_wakepair_state state;
	int fd[2];     /* FOUND: the two sockets; MUTED: read, write end */
	int base;      /* the first descriptor looked at, -1: none */
	uint64_t open; /* bit i: base + i was open before */
};

/* Just before mosquitto_new. */
void yk_wakepair_before(struct yk_wakepair *w);
/* Just after it: the sockets it made (state FOUND), or NONE. */
void yk_wakepair_after(struct yk_wakepair *w);
/* After libmosquitto queued a packet; true once the write end is muted.
 * FOUND stays FOUND while neither end holds a byte (no packet queued
 * yet: an attempt that failed before its CONNECT). */
bool yk_wakepair_mute(struct yk_wakepair *w);

#endif
