/*
 * status.h - /status: one JSON object for people and scripts, rendered
 * by a pure function from the snapshot (snapshot.h).
 */
#ifndef MYDAEMON_STATUS_H
#define MYDAEMON_STATUS_H

#include "report/snapshot.h"
#include "report/health_render.h"

struct buf;

/*
 * One JSON object on one line, ending in "\n"; the keys, in order:
 *	name, version, pid, host, uptime_seconds, start_time, config_file,
 *	config_generation, health (as /health says it: maintenance
 *	included), health_text, checks_health (the checks' own verdict),
 *	maintenance { active, source, since, reason },
 *	checks [ { name, command, affects_health, state, pending,
 *	    previous_command, ran, exit_code, result, output, perfdata [],
 *	    started, duration_seconds, runs, timeouts, skipped,
 *	    history [ { time, state, duration, exit_code } ] (oldest
 *	    first) } ],
 *	check (the entry of the check "main", or null: what older versions
 *	    showed), checks_running, reloads { ok, failed },
 *	log { reopens, reopen_failures, dropped_lines }, connections,
 *	requests
 */
void	status_json(const struct snapshot *snap, struct buf *b);

#endif /* MYDAEMON_STATUS_H */
