/*
 * daemon_private.h - the running daemon's state: daemon.c's (its life:
 * start-up, signals, shutdown, what it says of its verdict), which hands
 * it to reload.c (what is read again) as an argument.
 */
#ifndef MYDAEMON_DAEMON_PRIVATE_H
#define MYDAEMON_DAEMON_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"
#include "instance/drain.h"
#include "base/loop.h"
#include "base/privs.h"
#include "instance/state.h"

struct daemon_opts;
struct config;
struct log_sink;

struct daemon {
	const struct daemon_opts	*opts;
	struct config		*cfg;
	struct privs		 privs;
	struct state_info	 st;
	struct loop_io		 sigio;
	struct loop_timer	 shutdown_timer;
	struct loop_timer	 first_timer;	/* the wait for first results */
	int			 stopping, shutdown_over;
	int			 shutdown_draining;	/* shutdown_drain */
	int			 drain_stops;	/* signals_stops() then */
	struct loop_timer	 shutdown_drain_timer;
	unsigned long		 hups_ignored;	/* during the shutdown */
	double			 start_time;	/* Unix time */
	double			 config_time;	/* when cfg was applied */
	char			 host[256];
	struct log_sink		*access;	/* the access log, or NULL */
	uint64_t		 access_dropped; /* by access logs closed */
	const char		*verdict;	/* last logged: "ok", ... */
	struct drain_info	 drain;		/* the maintenance file says */
	const char		*pidpath;	/* NULL: none */
	struct check_seed	*seeds;		/* a restart's, until applied */
	size_t			 nseeds;
};

#endif /* MYDAEMON_DAEMON_PRIVATE_H */
