/*
 * pq.c - priority classes and the bounded send queue.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "pq.h"

static const struct {
	const char *name;
	int lo;
} classes[YK_PRIO_CLASSES] = {
	{"real-time", 240},     {"interactive-high", 210},
	{"interactive-low", 180}, {"data-high", 140},
	{"data", 100},          {"data-low", 60},
	{"background", 0},
};

int
yk_prio_parse(const char *s, int *out)
{
	long v;

	if (yk_parse_long(s, 0, 255, &v) == 0) {
		*out = (int)v;
		return 0;
	}
	for (int i = 0; i < YK_PRIO_CLASSES; i++) {
		const char *n = classes[i].name;
		size_t k;

		for (k = 0; n[k] && s[k]; k++) {
			char c = s[k] == '_' ? '-' : (char)tolower(s[k]);

			if (c != n[k])
				break;
		}
		if (n[k] == '\0' && s[k] == '\0') {
			*out = classes[i].lo;
			return 0;
		}
	}
	return -1;
}

int
yk_prio_class(int prio)
{
	for (int i = 0; i < YK_PRIO_CLASSES; i++)
		if (prio >= classes[i].lo)
			return i;
	return YK_PRIO_CLASSES - 1;
}

const char *
yk_prio_class_name(int cls)
{
	return classes[cls].name;
}

void
yk_pq_init(struct yk_pq *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->max = max ? max : 1;
}

bool
yk_pq_full(const struct yk_pq *q)
{
	return q->count >= q->max;
}

bool
yk_pq_push(struct yk_pq *q, struct yk_pq_item *it)
{
	int c = yk_prio_class(it->prio);

	if (yk_pq_full(q))
		return false;
	it->next = NULL;
	if (q->cls[c].tail)
		q->cls[c].tail->next = it;
	else
		q->cls[c].head = it;
	q->cls[c].tail = it;
	q->count++;
	return true;
}

void
yk_pq_unshift(struct yk_pq *q, struct yk_pq_item *it)
{
	int c = yk_prio_class(it->prio);

	it->next = q->cls[c].head;
	q->cls[c].head = it;
	if (q->cls[c].tail == NULL)
		q->cls[c].tail = it;
	q->count++;
}

struct yk_pq_item *
yk_pq_peek(const struct yk_pq *q)
{
	for (int c = 0; c < YK_PRIO_CLASSES; c++)
		if (q->cls[c].head)
			return q->cls[c].head;
	return NULL;
}

struct yk_pq_item *
yk_pq_pop(struct yk_pq *q)
{
	for (int c = 0; c < YK_PRIO_CLASSES; c++) {
		struct yk_pq_item *it = q->cls[c].head;

		if (it == NULL)
			continue;
		q->cls[c].head = it->next;
		if (q->cls[c].head == NULL)
			q->cls[c].tail = NULL;
		q->count--;
		it->next = NULL;
		return it;
	}
	return NULL;
}

void
yk_pq_clear(struct yk_pq *q)
{
	for (struct yk_pq_item *it = yk_pq_pop(q); it; it = yk_pq_pop(q))
		free(it);
}
