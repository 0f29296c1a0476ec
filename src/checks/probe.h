/*
 * probe.h - the built-in probes (SPEC 19): a check the daemon does itself,
 * on the loop, with no process: a daemon by its pidfile, a TCP or HTTP
 * service, a file's age, a file system's free space.
 *
 * A run ends with the same outcome a command's does (a Nagios state, a
 * first line, performance data after '|'), written into the check's
 * struct check_run: the scheduler keeps it as it keeps a command's.  A
 * probe never forks and never blocks: a network probe is a non-blocking
 * socket on the loop with its own deadline, the others are a few system
 * calls.  A process probe also watches the process it found (a pidfd) and
 * says at once when it exits.
 */
#ifndef MYDAEMON_PROBE_H
#define MYDAEMON_PROBE_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "checks/check_run.h"
#include "config/config.h"

struct probe;
struct probe_net;
typedef void	probe_exited_fn(struct probe *p);

struct probe {
	const struct config_check *conf;	/* of the run going on */
	struct check_run	*run;		/* the outcome goes there */
	int			 busy;		/* a run is in flight */
	uint64_t		 t0_us;		/* monotonic, at the start */
	/* CHECK_OUTPUT_MAX bytes, from its first run to probe_forget */
	char			*out;

	/* a network probe in flight */
	struct loop_io		 io;		/* fd -1: none */
	struct loop_timer	 deadline;
	struct probe_net	*net;		/* probe_net.c's, or NULL */

	/* process: the process found last, watched until it exits */
	struct loop_io		 watch;		/* pidfd, fd -1: none */
	pid_t			 watched;
	probe_exited_fn		*exited;	/* NULL: nobody to tell */
	void			*arg;
};

/*
 * The daemon's own pidfile (NULL: none), which a process probe never
 * opens: on Linux, closing any descriptor of a file drops every POSIX
 * lock the process holds on it, and the daemon's lock would go.
 */
void	probe_own_pidfile(const char *path);

/* Set up a probe whose outcomes go to r (call once; no fd is open). */
void	probe_init(struct probe *p, struct check_run *r);

/*
 * Start a run of conf.  Returns 1 when the run is over at once (the
 * outcome is in the run; done() is not called), 0 when it goes on in the
 * loop (done() is called at its end).  A run cannot fail: whatever goes
 * wrong is its outcome.
 */
int	probe_start(struct probe *p, const struct config_check *conf);

/* Stop the run in flight, if any: done() is not called. */
void	probe_abort(struct probe *p);

/* probe_abort(), and stop watching a process (the check is gone). */
void	probe_forget(struct probe *p);

/*
 * Pure: a measurement against warning/critical (critical wins).  `high`:
 * larger is worse (a duration, an age); else smaller is worse (free
 * space).  A threshold of another unit than `unit` is not looked at.
 */
enum health_state probe_threshold(const struct config_probe *cp,
		    enum config_unit unit, uint64_t value, int high);

#endif /* MYDAEMON_PROBE_H */
