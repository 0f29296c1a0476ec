/*
 * probe_private.h - what the probes' files share: probe.c (starting,
 * ending, the outcome's words), probe_local.c (process, file, disk) and
 * probe_net.c (tcp, http).  The rest of the daemon sees probe.h.
 */
#ifndef MYDAEMON_PROBE_PRIVATE_H
#define MYDAEMON_PROBE_PRIVATE_H

#include "checks/probe.h"

/*
 * The kinds' runs.  Each returns 1 when over at once (after
 * probe_outcome()), 0 when it goes on in the loop and will call
 * probe_over() at its end.
 */
int	probe_process(struct probe *p);
int	probe_file(struct probe *p);
int	probe_disk(struct probe *p);
int	probe_tcp(struct probe *p);
int	probe_http(struct probe *p);

/* probe_net.c: close the socket, cancel the deadline, free the buffer. */
void	probe_net_abort(struct probe *p);

/* probe_local.c: stop watching the process (close the pidfd). */
void	probe_unwatch(struct probe *p);

/*
 * The outcome of this run: "KIND STATE - TEXT" is the first line (and
 * what /health shows), `perf` (may be NULL) the performance data after
 * '|'.  timed_out counts the run as a timeout.  Call once per run.
 */
void	probe_outcome(struct probe *p, const char *kind,
	    enum health_state state, int timed_out, const char *perf,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A run that went on in the loop is over: tell the scheduler. */
void	probe_over(struct probe *p);

#endif /* MYDAEMON_PROBE_PRIVATE_H */
