/*
 * check.h - the check runner: one Nagios-style command at a time, on the
 * loop's timers, sandboxed, feeding the health state.
 */
#ifndef MYDAEMON_CHECK_H
#define MYDAEMON_CHECK_H

#include "status.h"

struct config;

#define CHECK_OUTPUT_MAX	4096	/* bytes of output kept */

/*
 * Make the daemon the reaper of its checks' orphans, so a check's
 * grandchildren are ours to kill and reap.  Call once after start-up.
 */
void	check_init(void);

/*
 * Use this configuration from now on (start-up and every reload).  A
 * new or changed command, interval or timeout applies from the next run;
 * the first check starts at once.  cfg must outlive the next call.
 */
void	check_configure(const struct config *cfg);

/* SIGCHLD: reap every child that has exited; finish a check that ended. */
void	check_reap(void);

/* Shutdown: kill a running check's whole process group and reap it. */
void	check_shutdown(void);

/* Health and the last check's details, for the status snapshot. */
void	check_fill(struct status_info *si);

/*
 * Pure: the health state after `result` when the state is `cur` and
 * `*streak` results of the other kind (healthy vs. not) came before;
 * `first` for the very first result, which is taken as it is.
 */
enum health_state	check_next_state(enum health_state cur,
			    enum health_state result, unsigned int *streak,
			    unsigned int rise, unsigned int fall, int first);

#endif /* MYDAEMON_CHECK_H */
