/*
 * subs.c - subscribed key expressions and message attribution.
 */
#include <stdlib.h>
#include <string.h>

#include "subs.h"

int
yk_subs_add(struct yk_subs *w, const struct yk_scope *sc, const char *text,
	    struct yk_err *err)
{
	w->ex = yk_realloc(w->ex, sizeof(*w->ex) * (size_t)(w->n + 1));
	w->sub = yk_realloc(w->sub, sizeof(*w->sub) * (size_t)(w->n + 1));
	if (yk_kexpr_parse(&w->ex[w->n], sc, text, err) != YK_OK)
		return err->rc;
	w->sub[w->n++] = 0;
	return YK_OK;
}

int
yk_subs_subscribe(struct yk_subs *w, struct yk_mqtt *s, int qos, enum yk_rh rh,
		  struct yk_err *err)
{
	for (int i = 0; i < w->n; i++) {
		int j;

		for (j = 0; j < i; j++)
			if (strcmp(w->ex[j].filter, w->ex[i].filter) == 0)
				break;
		if (j < i) {
			w->sub[i] = w->sub[j];
			continue;
		}
		w->sub[i] = yk_mqtt_subscribe(s, w->ex[i].filter, qos, rh, err);
		if (w->sub[i] < 0)
			return err->rc;
	}
	return YK_OK;
}

/*
 * Whether rx is the copy to keep for expression i.  A resumed session's
 * queued messages arrive before we subscribe again, carrying the ids of
 * the previous run's subscriptions: ids we do not know cannot be told
 * apart, so such a message is kept.
 */
static bool
our_copy(const struct yk_subs *w, int i, const struct yk_rx *rx)
{
	if (rx->nsub_ids == 0 || yk_rx_via(rx, w->sub[i]))
		return true;
	for (int j = 0; j < w->n; j++)
		if (w->sub[j] > 0 && yk_rx_via(rx, w->sub[j]))
			return false; /* a copy for another of ours */
	return true;
}

int
yk_subs_pick(const struct yk_subs *w, const char *key, const struct yk_rx *rx,
	     struct yk_cap *caps)
{
	for (int i = 0; i < w->n; i++) {
		const struct yk_kexpr *e = &w->ex[i];

		/* One exact filter: the broker already decided. */
		if ((w->n == 1 && !e->client_match && e->ncap == 0) ||
		    yk_kexpr_match(e, key, caps))
			return our_copy(w, i, rx) ? i : -1;
	}
	return -1;
}

void
yk_subs_free(struct yk_subs *w)
{
	for (int i = 0; i < w->n; i++)
		yk_kexpr_free(&w->ex[i]);
	free(w->ex);
	free(w->sub);
	memset(w, 0, sizeof(*w));
}
