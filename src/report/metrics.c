/*
 * metrics.c - render /metrics (see metrics.h).
 *
 * Samples of one family must stand together, so per-check families loop
 * over the checks once each: linear in checks times families.  Label
 * values come from configuration and from checks' output: text_label()
 * escapes them and makes them valid UTF-8, which Prometheus requires.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "report/metrics.h"
#include "base/text.h"

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_puts(b, "# HELP ");
	buf_puts(b, name);
	buf_putc(b, ' ');
	buf_puts(b, help);
	buf_puts(b, "\n# TYPE ");
	buf_puts(b, name);
	buf_putc(b, ' ');
	buf_puts(b, type);
	buf_putc(b, '\n');
}

static void
sample_u64(struct buf *b, const char *name, uint64_t v)
{
	buf_puts(b, name);
	buf_putc(b, ' ');
	buf_u64(b, v);
	buf_putc(b, '\n');
}

static void
metric_u64(struct buf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	family(b, name, type, help);
	sample_u64(b, name, v);
}

static void
metric_seconds(struct buf *b, const char *name, const char *type,
    const char *help, double v)
{
	family(b, name, type, help);
	buf_puts(b, name);
	buf_putc(b, ' ');
	buf_fixed(b, v, 6);
	buf_putc(b, '\n');
}

/* name{check="NAME" and the rest of the labels. */
static void
check_series(struct buf *b, const char *name, const struct check_status *c)
{
	buf_puts(b, name);
	buf_puts(b, "{check=\"");
	text_label(b, c->name, strlen(c->name));
	buf_putc(b, '"');
}

static void
states(struct buf *b, const char *name, const struct check_status *c,
    enum health_state h)
{
	enum health_state s;

	for (s = HEALTH_OK; s <= HEALTH_UNKNOWN; s++) {
		if (c != NULL)
			check_series(b, name, c);
		else {
			buf_puts(b, name);
			buf_putc(b, '{');
		}
		buf_puts(b, c != NULL ? ",state=\"" : "state=\"");
		buf_puts(b, health_name(s));
		buf_puts(b, "\"} ");
		buf_putc(b, s == health_clamp(h) ? '1' : '0');
		buf_putc(b, '\n');
	}
}

static void
process(const struct snapshot *snap, struct buf *b)
{
	metric_seconds(b, "process_start_time_seconds", "gauge",
	    "Start time of the process since unix epoch in seconds.",
	    snap->start_time);
	metric_seconds(b, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent in seconds.",
	    snap->proc.cpu_seconds);
	metric_u64(b, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.", snap->proc.resident_bytes);
	metric_u64(b, "process_virtual_memory_bytes", "gauge",
	    "Virtual memory size in bytes.", snap->proc.virtual_bytes);
	metric_u64(b, "process_open_fds", "gauge",
	    "Number of open file descriptors.", snap->proc.open_fds);
	metric_u64(b, "process_max_fds", "gauge",
	    "Maximum number of open file descriptors.", snap->proc.max_fds);
}

static void
daemon_metrics(const struct snapshot *snap, struct buf *b)
{
	int i;

	family(b, "mydaemon_build_info", "gauge",
	    "Build information; the value is always 1.");
	buf_puts(b, "mydaemon_build_info{version=\"");
	if (snap->version != NULL)
		text_label(b, snap->version, strlen(snap->version));
	buf_puts(b, "\"} 1\n");
	metric_u64(b, "mydaemon_config_generation", "gauge",
	    "Configuration generation, one more after each successful reload.",
	    snap->generation);
	family(b, "mydaemon_http_requests_total", "counter",
	    "HTTP requests answered, by status code.");
	for (i = 0; i < HTTP_NSTATUS; i++)
		buf_printf(b, "mydaemon_http_requests_total{code=\"%d\"} "
		    "%llu\n", http_status_code(i),
		    (unsigned long long)snap->requests_by_code[i]);
	metric_u64(b, "mydaemon_http_connections", "gauge",
	    "HTTP connections open now.", snap->connections);
	family(b, "mydaemon_connections_refused_total", "counter",
	    "Connections closed at accept, by reason (allow: the peer is "
	    "not in allow).");
	buf_printf(b, "mydaemon_connections_refused_total{reason=\"allow\"} "
	    "%llu\n", (unsigned long long)snap->refused_allow);
	family(b, "mydaemon_reloads_total", "counter",
	    "Configuration reloads, by result.");
	buf_printf(b, "mydaemon_reloads_total{result=\"ok\"} %llu\n"
	    "mydaemon_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)snap->reloads_ok,
	    (unsigned long long)snap->reloads_failed);
	metric_u64(b, "mydaemon_log_reopens_total", "counter",
	    "Log file reopens (SIGUSR1).", snap->log_reopens);
	metric_u64(b, "mydaemon_log_reopen_failures_total", "counter",
	    "Log file reopens that failed; the old file is kept.",
	    snap->log_reopen_failed);
	metric_u64(b, "mydaemon_log_dropped_lines_total", "counter",
	    "Log lines that could not be written.", snap->log_dropped);
}

static void
hooks(const struct snapshot *snap, struct buf *b)
{
	family(b, "mydaemon_hook_runs_total", "counter",
	    "on_change hook runs, by result.");
	buf_printf(b, "mydaemon_hook_runs_total{result=\"ok\"} %llu\n"
	    "mydaemon_hook_runs_total{result=\"failed\"} %llu\n"
	    "mydaemon_hook_runs_total{result=\"timeout\"} %llu\n",
	    (unsigned long long)snap->hook_ok,
	    (unsigned long long)snap->hook_failed,
	    (unsigned long long)snap->hook_timeout);
	metric_u64(b, "mydaemon_hook_dropped_total", "counter",
	    "on_change hooks dropped unrun: more than 100 were waiting.",
	    snap->hook_dropped);
}

static void
verdict(const struct snapshot *snap, struct buf *b)
{
	struct verdict v;
	const char *state;

	health_verdict(snap->checks, snap->nchecks, &v);
	metric_u64(b, "mydaemon_maintenance", "gauge",
	    "1 while in maintenance (configuration or drain), else 0.",
	    (uint64_t)(snap->maint_config || snap->maint_drain));
	family(b, "mydaemon_health_state", "gauge", "The checks' verdict "
	    "over those that affect health: 1 for the current state.");
	states(b, "mydaemon_health_state", NULL, v.state);
	metric_u64(b, "mydaemon_healthy", "gauge",
	    "1 when /health answers 200, else 0.",
	    (uint64_t)(health_render_effective(snap, NULL, &state) == 200));
	metric_u64(b, "mydaemon_checks", "gauge", "Checks configured.",
	    snap->nchecks);
	metric_u64(b, "mydaemon_checks_running", "gauge",
	    "Check processes running now.", snap->checks_running);
}

enum what { STATE, AFFECTS, PENDING, RESULT, EXIT, DURATION, LAST_RUN, RUNS,
    TIMEOUTS, SKIPPED, NWHAT };

static const struct {
	const char	*name, *type, *help;
} per_check[NWHAT] = {
	{ "mydaemon_check_state", "gauge", "State of each check after "
	    "rise/fall: 1 for the current state." },
	{ "mydaemon_check_affects_health", "gauge",
	    "1 when the check counts toward /health." },
	{ "mydaemon_check_pending", "gauge", "1 while the check does not "
	    "count yet: new since a reload, or a bad result within its "
	    "start_grace." },
	{ "mydaemon_check_result", "gauge", "Result of the last run, before "
	    "rise/fall: 0 ok, 1 warning, 2 critical, 3 unknown." },
	{ "mydaemon_check_exit_code", "gauge", "Exit code of the last run "
	    "(absent after a timeout, a signal or a failure to start)." },
	{ "mydaemon_check_duration_seconds", "gauge",
	    "How long the last run took." },
	{ "mydaemon_check_last_run_timestamp_seconds", "gauge",
	    "Unix time the last run started." },
	{ "mydaemon_check_runs_total", "counter", "Runs completed." },
	{ "mydaemon_check_timeouts_total", "counter",
	    "Runs killed for taking too long." },
	{ "mydaemon_check_skipped_total", "counter", "Runs skipped because "
	    "the previous one was still running or waiting for a slot." },
};

static void
check_sample(struct buf *b, enum what w, const struct check_status *c)
{
	if (w == STATE) {
		states(b, per_check[w].name, c, c->state);
		return;
	}
	if (!c->ran && (w == RESULT || w == EXIT || w == DURATION ||
	    w == LAST_RUN))
		return;
	if (w == EXIT && c->exit_code == -1)
		return;
	check_series(b, per_check[w].name, c);
	buf_puts(b, "} ");
	switch (w) {
	case AFFECTS: buf_putc(b, c->affects_health ? '1' : '0'); break;
	case PENDING: buf_putc(b, c->pending ? '1' : '0'); break;
	case RESULT: buf_u64(b, (uint64_t)c->result); break;
	case EXIT: buf_i64(b, c->exit_code); break;
	case DURATION: buf_fixed(b, c->duration, 6); break;
	case LAST_RUN: buf_fixed(b, c->started, 3); break;
	case RUNS: buf_u64(b, c->runs); break;
	case TIMEOUTS: buf_u64(b, c->timeouts); break;
	default: buf_u64(b, c->skipped); break;
	}
	buf_putc(b, '\n');
}

static const struct {
	const char	*suffix;
	unsigned int	 bit;		/* 0: the value itself */
	const char	*help;
} perf_families[] = {
	{ "", 0, "Performance data of the last run, in base units." },
	{ "_min", PERF_MIN, "Minimum the plugin gave for the value." },
	{ "_max", PERF_MAX, "Maximum the plugin gave for the value." },
	{ "_warning_low", PERF_WARN_LOW, "Low end of the warning range." },
	{ "_warning_high", PERF_WARN_HIGH, "High end of the warning range." },
	{ "_critical_low", PERF_CRIT_LOW, "Low end of the critical range." },
	{ "_critical_high", PERF_CRIT_HIGH,
	    "High end of the critical range." },
};

static double
perf_value(const struct perf_item *p, unsigned int bit)
{
	switch (bit) {
	case PERF_MIN: return p->min;
	case PERF_MAX: return p->max;
	case PERF_WARN_LOW: return p->warn_low;
	case PERF_WARN_HIGH: return p->warn_high;
	case PERF_CRIT_LOW: return p->crit_low;
	case PERF_CRIT_HIGH: return p->crit_high;
	default: return p->value;
	}
}

static void
perfdata(const struct snapshot *snap, struct buf *b)
{
	char name[64];
	size_t f, i, k;

	for (f = 0; f < sizeof(perf_families) / sizeof(perf_families[0]);
	    f++) {
		snprintf(name, sizeof(name), "mydaemon_check_perfdata%s",
		    perf_families[f].suffix);
		family(b, name, "gauge", perf_families[f].help);
		for (i = 0; i < snap->nchecks; i++) {
			const struct check_status *c = snap->checks[i];

			for (k = 0; k < c->nperf; k++) {
				const struct perf_item *p = &c->perf[k];

				if (perf_families[f].bit != 0 &&
				    !(p->has & perf_families[f].bit))
					continue;
				check_series(b, name, c);
				buf_puts(b, ",label=\"");
				text_label(b, p->label, strlen(p->label));
				buf_puts(b, "\",unit=\"");
				text_label(b, p->unit, strlen(p->unit));
				buf_puts(b, "\"} ");
				buf_double(b, perf_value(p,
				    perf_families[f].bit));
				buf_putc(b, '\n');
			}
		}
	}
}

void
metrics_render(const struct snapshot *snap, struct buf *b)
{
	size_t i, w;

	daemon_metrics(snap, b);
	hooks(snap, b);
	process(snap, b);
	verdict(snap, b);
	for (w = 0; w < NWHAT; w++) {
		family(b, per_check[w].name, per_check[w].type,
		    per_check[w].help);
		for (i = 0; i < snap->nchecks; i++)
			check_sample(b, (enum what)w, snap->checks[i]);
	}
	perfdata(snap, b);
}
