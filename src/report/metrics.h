/*
 * metrics.h - /metrics: the Prometheus text exposition format 0.0.4,
 * rendered by a pure function from the snapshot (snapshot.h).
 */
#ifndef MYDAEMON_METRICS_H
#define MYDAEMON_METRICS_H

#include "report/snapshot.h"

struct buf;

/*
 * Every family with HELP and TYPE, its samples together: the daemon's
 * own (mydaemon_*), the process_* ones a Linux exporter gives, one
 * series per check with a `check` label (states in the enum pattern),
 * and the checks' performance data as mydaemon_check_perfdata{check,
 * label,unit} with _min, _max, _warning_low, _warning_high,
 * _critical_low and _critical_high where the plugin gave them.
 */
void	metrics_render(const struct snapshot *snap, struct buf *b);

#endif /* MYDAEMON_METRICS_H */
