/*
 * agentstate.h - the running daemon's state, between agent.c (its life:
 * start-up, signals, shutdown, what it says of its verdict) and reload.c
 * (SIGHUP and SIGUSR1).  Internal to those two.
 */
#ifndef MYDAEMON_AGENTSTATE_H
#define MYDAEMON_AGENTSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"
#include "instance/drain.h"
#include "base/loop.h"
#include "daemon/privs.h"
#include "instance/state.h"

struct agent_opts;
struct config;
struct log_sink;

struct agent_state {
	const struct agent_opts	*opts;
	struct config		*cfg;
	struct privs		 privs;
	struct state_info	 st;
	struct loop_io		 sigio;
	struct loop_timer	 shutdown_timer;
	struct loop_timer	 first_timer;	/* the wait for first results */
	int			 stopping, drained;
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
extern struct agent_state ag;

/* agent.c */
void	agent_save(void);		/* the state file, for -s */
void	agent_read_host(void);
void	agent_verdict(void);		/* the verdict changed? say so */
void	agent_read_drain(void);		/* the maintenance file again */

/* reload.c */
void	agent_reload(void);		/* SIGHUP */
void	agent_reopen(void);		/* SIGUSR1 */
void	agent_log_warning(const char *msg);

#endif /* MYDAEMON_AGENTSTATE_H */
