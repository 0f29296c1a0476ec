/*
 * check_history.c - a check's recent results (see check_history.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_history.h"

#define STATE_SHIFT	20
#define EXIT_SHIFT	22

void
check_history_pack(const struct check_history_result *r,
    struct check_history_entry *e)
{
	double ms = r->duration * 1000.0 + 0.5;
	uint32_t d, x;

	if (!isfinite(r->time) || r->time < 0)
		e->time = 0;
	else if (r->time >= 4294967295.0)
		e->time = UINT32_MAX;
	else
		e->time = (uint32_t)r->time;
	if (!isfinite(ms) || ms < 0)
		d = 0;
	else if (ms >= (double)CHECK_HISTORY_MS_MAX)
		d = CHECK_HISTORY_MS_MAX;
	else
		d = (uint32_t)ms;
	x = r->exit_code < 0 || r->exit_code > 255 ? CHECK_HISTORY_NO_EXIT :
	    (uint32_t)r->exit_code;
	e->bits = d | ((uint32_t)(r->state & 3) << STATE_SHIFT) |
	    (x << EXIT_SHIFT);
}

void
check_history_unpack(const struct check_history_entry *e,
    struct check_history_result *r)
{
	uint32_t x = (e->bits >> EXIT_SHIFT) & 0x1ff;

	r->time = e->time;
	r->duration = (double)(e->bits & CHECK_HISTORY_MS_MAX) / 1000.0;
	r->state = (int)((e->bits >> STATE_SHIFT) & 3);
	r->exit_code = x > 255 ? -1 : (int)x;
}

int
check_history_add_entry(struct check_history *h, unsigned int cap,
    const struct check_history_entry *e)
{
	if (cap > CHECK_HISTORY_MAX)
		cap = CHECK_HISTORY_MAX;
	if (h->v == NULL) {
		if (cap == 0)
			return 0;
		if ((h->v = calloc(cap, sizeof(*h->v))) == NULL)
			return -1;
		h->cap = (uint16_t)cap;
		h->n = h->first = 0;
	}
	if (h->n < h->cap)
		h->v[(h->first + h->n++) % h->cap] = *e;
	else {
		h->v[h->first] = *e;
		h->first = (uint16_t)((h->first + 1) % h->cap);
	}
	return 0;
}

int
check_history_add(struct check_history *h, unsigned int cap,
    const struct check_history_result *r)
{
	struct check_history_entry e;

	check_history_pack(r, &e);
	return check_history_add_entry(h, cap, &e);
}

const struct check_history_entry *
check_history_at(const struct check_history *h, size_t i)
{
	return &h->v[(h->first + i) % h->cap];
}

int
check_history_resize(struct check_history *h, unsigned int cap)
{
	struct check_history_entry *v;
	size_t i, keep, skip;

	if (cap > CHECK_HISTORY_MAX)
		cap = CHECK_HISTORY_MAX;
	if (h->v == NULL || cap == h->cap)
		return 0;
	if (cap == 0) {
		check_history_free(h);
		return 0;
	}
	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -1;
	keep = h->n < cap ? h->n : cap;
	skip = h->n - keep;
	for (i = 0; i < keep; i++)
		v[i] = *check_history_at(h, skip + i);
	free(h->v);
	h->v = v;
	h->cap = (uint16_t)cap;
	h->n = (uint16_t)keep;
	h->first = 0;
	return 0;
}

void
check_history_free(struct check_history *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
