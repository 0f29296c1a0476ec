/*
 * health.h - the health model: the four states, hysteresis of one
 * check, the host's verdict over its checks.  Pure functions; what
 * /health answers is report/health_render.h's.
 */
#ifndef MYDAEMON_HEALTH_H
#define MYDAEMON_HEALTH_H

#include <stddef.h>

#include "checks/check_status.h"

#define HEALTH_TEXT_MAX	200	/* bytes of a check's text on /health */

/* "ok", "warning", "critical", "unknown". */
const char	*health_name(enum health_state h);

/* A state read from elsewhere, made one of the four (else unknown). */
enum health_state health_clamp(enum health_state h);

/* Healthy: ok or warning (a load balancer sends traffic). */
int		 health_good(enum health_state h);

/* How bad: ok 0 < warning 1 < unknown 2 < critical 3 (the precedence). */
int		 health_rank(enum health_state h);

/*
 * The state after `result` when the state is `cur` and `*streak` results
 * of the other kind (healthy: ok or warning; or not) came before: it
 * takes `rise` healthy results in a row to turn healthy and `fall`
 * unhealthy ones to turn unhealthy; between two states of the same kind
 * it changes at once.  `first`: the very first result, taken as it is.
 */
enum health_state health_next_state(enum health_state cur,
		    enum health_state result, unsigned int *streak,
		    unsigned int rise, unsigned int fall, int first);

/*
 * The checks' own verdict over those that affect health.  A check
 * waiting for a dependency does not count itself: its root cause counts
 * (if it affects health), and the waiting ones are only numbered.
 */
struct verdict {
	enum health_state		 state;
	const struct check_status	*worst;	/* NULL: none is not ok */
	size_t				 others; /* other ones not ok */
	size_t				 waiting; /* ones waiting */
};
void	health_verdict(const struct check_status *const *checks, size_t n,
	    struct verdict *v);

#endif /* MYDAEMON_HEALTH_H */
