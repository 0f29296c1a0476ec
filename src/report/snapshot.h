/*
 * snapshot.h - what /health, /status, /metrics and the agent port are
 * rendered from.  The running daemon fills a struct snapshot for each
 * answer; the renderers (health_render.h, status.h, metrics.h,
 * agent_line.h) are pure functions of it, which is what makes them
 * testable byte for byte.
 */
#ifndef MYDAEMON_SNAPSHOT_H
#define MYDAEMON_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "checks/check_status.h"
#include "http/http.h"

/* The process, as a Linux Prometheus exporter shows it. */
struct process_info {
	double		 cpu_seconds;
	uint64_t	 resident_bytes, virtual_bytes;
	uint64_t	 open_fds, max_fds;
};

/* A check's drain (SPEC 21), in force now. */
struct snapshot_drain {
	const char	*check;
	double		 since;			/* Unix time, 0: unknown */
	double		 until;			/* 0: no end */
	const char	*reason;		/* NULL: none given */
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
	double		 maint_until;		/* the drain's end, 0: none */
	int		 maint_status;		/* 503 or 404 */
	const struct snapshot_drain *drains;	/* the checks' drains */
	size_t		 ndrains;
	int		 shutting_down;		/* shutdown_drain running */

	const struct check_status *const *checks;
	size_t		 nchecks;
	/* 0 with only the check "main" of the flat keys: no names in text */
	int		 names_in_text;
	/* 0: no plugin output to strangers (SPEC 22 health_details) */
	int		 health_details;
	unsigned int	 checks_running;

	uint64_t	 reloads_ok, reloads_failed;
	uint64_t	 log_reopens, log_reopen_failed, log_dropped;
	uint64_t	 connections;		/* open now */
	uint64_t	 requests;		/* answered, all codes */
	uint64_t	 requests_by_code[HTTP_NSTATUS];
	struct process_info proc;
	/* on_change hooks (SPEC 21): runs by result, dropped from the queue */
	uint64_t	 hook_ok, hook_failed, hook_timeout, hook_dropped;
};

#endif /* MYDAEMON_SNAPSHOT_H */
