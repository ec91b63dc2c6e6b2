/*
 * pq.h - message priorities and the bounded send queue they order.
 *
 * A priority is 0..255, mapped to the pub/sub SDK's classes (240-255
 * real-time ... 0-59 background); higher classes drain first, FIFO within a
 * class.  The queue holds copies, is bounded by count, and refuses a push
 * when full: the caller then stops reading input (back-pressure), so
 * nothing is dropped and memory stays bounded.
 */
#ifndef YK_PQ_H
#define YK_PQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YK_PRIO_CLASSES 7
#define YK_PRIO_DEFAULT 100 /* "data" */

/* Parse "0".."255" or a class name (real-time, interactive-high,
 * interactive-low, data-high, data, data-low, background). */
int yk_prio_parse(const char *s, int *out);
/* Class of a priority: 0 (real-time) .. 6 (background). */
int yk_prio_class(int prio);
const char *yk_prio_class_name(int cls);

struct yk_pq_item {
	struct yk_pq_item *next;
	int qos;
	bool retain;
	int prio;
	int64_t ts_us;
	char *topic;
	void *payload;
	size_t len;
	char *resp_topic;   /* NULL when absent */
	void *corr;         /* correlation data */
	size_t corr_len;
	int nprops;         /* extra user properties */
	char **props;       /* name, value, name, value ... */
};

struct yk_pq {
	struct {
		struct yk_pq_item *head, *tail;
	} cls[YK_PRIO_CLASSES];
	size_t count;
	size_t max;
};

void yk_pq_init(struct yk_pq *q, size_t max);
bool yk_pq_full(const struct yk_pq *q);
/* Append (false when full; the item is not taken). */
bool yk_pq_push(struct yk_pq *q, struct yk_pq_item *it);
/* Put back at the head of its class (after a failed send); never fails. */
void yk_pq_unshift(struct yk_pq *q, struct yk_pq_item *it);
/* The next item to send, or NULL. */
struct yk_pq_item *yk_pq_peek(const struct yk_pq *q);
struct yk_pq_item *yk_pq_pop(struct yk_pq *q);
void yk_pq_clear(struct yk_pq *q);

#endif
