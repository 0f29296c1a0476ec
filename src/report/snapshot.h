/*
 * snapshot.h - what /health, /status, /metrics and the agent port are
 * rendered from.  The running daemon fills a struct snapshot for each
 * answer; the renderers (health.h, status.h, metrics.h) are pure
 * functions of it, which is what makes them testable byte for byte.
 */
#ifndef MYDAEMON_SNAPSHOT_H
#define MYDAEMON_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
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
};

/* The process, as a Linux Prometheus exporter shows it. */
struct process_info {
	double		 cpu_seconds;
	uint64_t	 resident_bytes, virtual_bytes;
	uint64_t	 open_fds, max_fds;
};

struct snapshot {
	const char	*version;
	const char	*host;
	long		 pid;
	double		 start_time;		/* Unix time, seconds */
	double		 now;
	const char	*config_file;
	unsigned long	 generation;

	/* Maintenance: the config's key, a recorded drain, or both. */
	int		 maint_config;
	int		 maint_drain;
	double		 maint_since;		/* Unix time, 0: unknown */
	const char	*maint_reason;		/* NULL: none given */

	const struct check_status *const *checks;
	size_t		 nchecks;
	/* 0 with only the check "main" of the flat keys: no names in text */
	int		 names_in_text;
	unsigned int	 checks_running;

	uint64_t	 reloads_ok, reloads_failed;
	uint64_t	 log_reopens, log_reopen_failed, log_dropped;
	uint64_t	 connections;		/* open now */
	uint64_t	 requests;		/* answered, all codes */
	uint64_t	 requests_by_code[HTTP_NSTATUS];
	struct process_info proc;
};

#endif /* MYDAEMON_SNAPSHOT_H */
