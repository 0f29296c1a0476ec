/*
 * health.c - the health model (see health.h): the states, rise/fall,
 * the verdict over the checks.  Precedence, worst first: critical,
 * unknown, warning, ok (maintenance is the renderers', health_render.c).
 */
#include <stddef.h>

#include "checks/health.h"

enum health_state
health_clamp(enum health_state h)
{
	return (h >= HEALTH_OK && h <= HEALTH_UNKNOWN) ? h : HEALTH_UNKNOWN;
}

const char *
health_name(enum health_state h)
{
	static const char *const names[] = {
		"ok", "warning", "critical", "unknown"
	};

	return names[health_clamp(h)];
}

int
health_rank(enum health_state h)
{
	static const int rank[] = { 0, 1, 3, 2 };

	return rank[health_clamp(h)];
}

int
health_good(enum health_state h)
{
	return h == HEALTH_OK || h == HEALTH_WARNING;
}

enum health_state
health_next_state(enum health_state cur, enum health_state result,
    unsigned int *streak, unsigned int rise, unsigned int fall, int first)
{
	if (first || health_good(result) == health_good(cur)) {
		*streak = 0;
		return result;
	}
	if (++*streak < (health_good(result) ? rise : fall))
		return cur;
	*streak = 0;
	return result;
}

static int
counts(const struct check_status *c)
{
	return c->affects_health && !c->pending;
}

void
health_verdict(const struct check_status *const *checks, size_t n,
    struct verdict *v)
{
	size_t	 i, bad = 0;

	v->state = HEALTH_OK;
	v->worst = NULL;
	v->waiting = 0;
	for (i = 0; i < n; i++) {
		const struct check_status *c = checks[i];

		if (counts(c) && c->waiting_for != NULL)
			v->waiting++;
		if (!counts(c) || c->waiting_for != NULL ||
		    health_clamp(c->state) == HEALTH_OK)
			continue;
		bad++;
		if (v->worst == NULL ||
		    health_rank(c->state) > health_rank(v->worst->state)) {
			v->worst = c;
			v->state = health_clamp(c->state);
		}
	}
	v->others = bad > 0 ? bad - 1 : 0;
}
