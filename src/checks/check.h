/*
 * check.h - the checks: each named check runs on its own timer, at most
 * max_parallel_checks at a time, and its results go through rise/fall
 * into the state that the endpoints show.  One run's process is
 * check_run.c's business; the verdict over all checks is health.c's.
 */
#ifndef MYDAEMON_CHECK_H
#define MYDAEMON_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "checks/check_history.h"
#include "checks/check_status.h"

/*
 * Make the daemon the reaper of its checks' orphans, so what a check
 * leaves behind is ours to kill and reap.  Call once after start-up;
 * `changed` is called after any check's state changed.
 */
void	check_sched_init(void (*changed)(void));

/*
 * Use the checks of this configuration from now on (start-up and every
 * reload; cfg must outlive the next call).  At start-up every check runs
 * at once, their starts a few milliseconds apart.  On reload a new
 * check, or one whose command, interval or timeout changed, runs at
 * once; until its first result a changed check keeps its state (marked
 * as the previous command's) and a new one is pending, not counted by
 * /health.  A check that keeps its command keeps its state and counters;
 * a removed one is stopped and forgotten.
 */
void	check_set_configure(const struct config *cfg);

/* SIGCHLD: reap every child that has exited; finish the runs that did. */
void	check_sched_reap(void);

/* Shutdown: no more runs; kill the running ones and what they started. */
void	check_sched_shutdown(void);

/* A check's last result, from the process a restart takes over from. */
struct check_seed {
	char			 name[CONFIG_NAME_MAX + 1];
	char			 command[4096];
	enum health_state	 state, result;
	int			 exit_code;
	uint64_t		 runs, timeouts, skipped;
	double			 started, duration;
	char			 text[256];
	double			 since;		/* 0: not said */
	/* its last results, oldest first */
	struct check_history_entry
				 history[CHECK_HISTORY_MAX];
	size_t			 nhistory;
};

/*
 * Start from those results, for the checks of the same name and command
 * that have none yet: a restart does not make /health start over from
 * "no check result yet", nor a check's history from nothing.  Call
 * after the first check_set_configure().
 */
void	check_set_seed(const struct check_seed *seeds, size_t n);

/*
 * A pushed result (SPEC 20), from the file it came in (result_dir.h);
 * dev and ino name that file, so that the same one is not applied
 * twice (0: none).
 */
struct check_push {
	enum health_state	 state;
	double			 when;		/* Unix time of the push */
	const char		*text;		/* plugin output, any bytes */
	size_t			 len;
	uint64_t		 dev, ino;
};

/*
 * Does check `name` take pushed results (it has a ttl)?  1 yes, 0 no,
 * -1 there is no such check.
 */
int	check_push_takes(const char *name);

/*
 * Apply a pushed result as the check's latest, as a run's would be
 * (runs, started, output, performance data; rise and fall).  Returns 1
 * when applied, 0 when the check has it already (the same file), -1
 * with errno ENOENT (no such check), EINVAL (no ttl) or ESTALE (the
 * check has a newer one).  A command's run that
 * was going on at the push is dropped when it ends: the push is newer.
 */
int	check_push_apply(const char *name, const struct check_push *p);

/* The checks as the endpoints show them, in the order of the file. */
void	check_set_list(const struct check_status *const **checks, size_t *n,
	    unsigned int *running);

#endif /* MYDAEMON_CHECK_H */
