/*
 * hook.h - the on_change hooks (SPEC 21): a command run when a check's
 * state changes (after rise/fall) or the host's verdict does.
 *
 * Hooks run one at a time, in the order of the changes, each in the
 * checks' sandbox (check_run.h) with MYDAEMON_CHECK, _STATE, _PREVIOUS,
 * _OUTPUT, _HOST and _SINCE added to its environment, and are killed
 * with their group and descendants after hook_timeout.  They have their
 * own single slot: a hook never takes one of max_parallel_checks, so it
 * never delays a check.  At most HOOK_QUEUE_MAX wait; the oldest are
 * dropped, counted and logged once per burst.
 */
#ifndef MYDAEMON_HOOK_H
#define MYDAEMON_HOOK_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/*
 * The global on_change and hook_timeout of cfg from now on (start-up,
 * each reload; cfg must outlive the next call).  Jobs already queued
 * keep their command.  Reads the host name for MYDAEMON_HOST.
 */
void	hook_configure(const struct config *cfg);

/*
 * A change: queue the hook of `own` (a check's on_change; NULL or empty:
 * none) or else the global one, if any.  check is "" for the host's
 * verdict; text is what /health says of it, any bytes.
 */
void	hook_changed(const struct config_hook *own, const char *check,
	    const char *state, const char *previous, const char *text,
	    size_t len);

/* Is pid the running hook's (for check_run_sweep)? */
int	hook_owns(pid_t pid);

/* A reaped child: 1 if it was the running hook's (its run is over). */
int	hook_reaped(pid_t pid, int status);

/* Shutdown: kill the running hook, drop (and log) those waiting. */
void	hook_shutdown(void);

/* For /metrics. */
struct hook_counters {
	uint64_t	 ok, failed, timeout;	/* runs by result */
	uint64_t	 dropped;		/* queue full */
};
void	hook_counters(struct hook_counters *hc);

#endif /* MYDAEMON_HOOK_H */
