/*
 * health_render.h - what /health answers, as text or as health+json
 * (draft-inadarei-api-health-check), maintenance included: pure
 * functions of a snapshot.
 */
#ifndef MYDAEMON_HEALTH_RENDER_H
#define MYDAEMON_HEALTH_RENDER_H

#include <stddef.h>

#include "checks/health.h"
#include "report/snapshot.h"

struct buf;

/* The check called name (n bytes, not NUL-terminated), or NULL. */
const struct check_status *health_render_find(const struct snapshot *snap,
	    const char *name, size_t n);

/*
 * What /health (only == NULL) or /health/NAME answers: the HTTP status
 * (200 or 503) and the state word ("ok", ..., "maintenance").
 */
int	health_render_effective(const struct snapshot *snap,
	    const struct check_status *only, const char **state);

/*
 * The text after "STATE: " ("disk: DISK CRITICAL - / 97% (+1 more)"),
 * possibly empty; fit for one line of UTF-8.
 */
void	health_render_summary(const struct snapshot *snap,
	    const struct check_status *only, struct buf *b);

/* The plain /health body ("critical: ...\n"); returns the status. */
int	health_render_text(const struct snapshot *snap,
	    const struct check_status *only, struct buf *b);

/* The same in health+json; returns the same status. */
int	health_render_json(const struct snapshot *snap,
	    const struct check_status *only, struct buf *b);

#endif /* MYDAEMON_HEALTH_RENDER_H */
