/*
 * check_status.h - one check's state and last result as the endpoints
 * show it, filled by the checks (check.h) and read by the renderers
 * through a snapshot (report/snapshot.h).
 */
#ifndef MYDAEMON_CHECK_STATUS_H
#define MYDAEMON_CHECK_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "checks/check_history.h"
#include "checks/perfdata.h"

/* Nagios results, in the order of their exit codes. */
enum health_state {
	HEALTH_OK = 0,
	HEALTH_WARNING = 1,
	HEALTH_CRITICAL = 2,
	HEALTH_UNKNOWN = 3
};

/* One check as the endpoints show it; strings owned by the check. */
struct check_status {
	const char		*name;
	const char		*command;	/* of the result shown */
	int			 affects_health;
	/* new since a reload: no result yet, not counted by /health */
	int			 pending;
	/* the result is the previous command's (changed on reload) */
	int			 previous;
	enum health_state	 state;		/* after rise/fall */
	const char		*text;		/* what /health says of it */
	int			 ran;		/* 0 until the first result */
	enum health_state	 result;	/* last run, before rise/fall */
	int			 exit_code;	/* -1: none (timeout, signal) */
	const char		*output;	/* any bytes, even NUL */
	size_t			 output_len;
	const struct perf_item	*perf;
	size_t			 nperf;
	double			 started;	/* Unix time of the last run */
	double			 duration;	/* seconds */
	uint64_t		 runs, timeouts, skipped;
	/*
	 * SPEC 20: the dependency it waits for (not run meanwhile, state
	 * unknown, text "waiting for NAME (STATE)"), or NULL.  A pending
	 * check that ran is in its start_grace: a bad result held back.
	 */
	const char		*waiting_for;
	int			 pushed;	/* only pushed results: none
						   to wait for at start-up */
	double			 since;		/* Unix time the state shown
						   began, 0: unknown */
	struct check_history	 history;	/* its last results (SPEC 23) */
};

#endif /* MYDAEMON_CHECK_STATUS_H */
