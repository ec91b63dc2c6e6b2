/*
 * subs.h - a set of key expressions subscribed on one session, and which
 * of them a received message belongs to.
 *
 * Each distinct MQTT filter is subscribed once: MQTT v5 replaces a
 * subscription whose filter repeats, and two expressions that differ after
 * a double star (arm, double star, imu / gps) share one "arm/#" filter.
 * A broker may deliver one copy of a message per overlapping subscription;
 * yk_subs_pick keeps only the copy that came through the filter of the
 * first expression that matches, so every message is printed once and with
 * that expression's captures.
 */
#ifndef YK_SUBS_H
#define YK_SUBS_H

#include "key.h"
#include "mqtt.h"

struct yk_subs {
	struct yk_kexpr *ex;
	int *sub; /* subscription id delivering expression i's keys */
	int n;
};

int yk_subs_add(struct yk_subs *w, const struct yk_scope *sc, const char *text,
		struct yk_err *err);
/* Subscribe (now and after reconnects), filling w->sub. */
int yk_subs_subscribe(struct yk_subs *w, struct yk_mqtt *s, int qos,
		      enum yk_rh rh, struct yk_err *err);
/* The expression an unscoped key belongs to, or -1 (no match, or another
 * subscription's copy).  caps gets that expression's captures. */
int yk_subs_pick(const struct yk_subs *w, const char *key,
		 const struct yk_rx *rx, struct yk_cap *caps);
void yk_subs_free(struct yk_subs *w);

#endif
