/*
 * status.c - render /status (see status.h).
 *
 * Pure: a snapshot comes in, bytes go out.  Numbers are written by
 * buf.c's own formatters, never by %f, so that neither the locale nor a
 * NaN from a clock jump can change what a script reads.
 */
#include <math.h>
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "report/status.h"
#include "base/text.h"

/* A number of seconds, or null when there is none (yet). */
static void
seconds(struct buf *b, int have, double v)
{
	if (have)
		buf_fixed(b, v, 3);
	else
		buf_puts(b, "null");
}

static void
key(struct buf *b, const char *k)
{
	buf_putc(b, ',');
	buf_putc(b, '"');
	buf_puts(b, k);
	buf_puts(b, "\":");
}

static void
u64(struct buf *b, const char *k, uint64_t v)
{
	key(b, k);
	buf_u64(b, v);
}

static void
boolean(struct buf *b, const char *k, int v)
{
	key(b, k);
	buf_puts(b, v ? "true" : "false");
}

static void
perf_item(struct buf *b, const struct perf_item *p)
{
	static const struct { unsigned int bit; const char *name; } f[] = {
		{ PERF_MIN, "min" }, { PERF_MAX, "max" },
		{ PERF_WARN_LOW, "warning_low" },
		{ PERF_WARN_HIGH, "warning_high" },
		{ PERF_CRIT_LOW, "critical_low" },
		{ PERF_CRIT_HIGH, "critical_high" },
	};
	const double v[] = { p->min, p->max, p->warn_low, p->warn_high,
	    p->crit_low, p->crit_high };
	size_t i;

	buf_puts(b, "{\"label\":");
	text_json_str(b, p->label);
	key(b, "value");
	buf_double(b, p->value);
	key(b, "unit");
	text_json_str(b, p->unit);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!(p->has & f[i].bit))
			continue;
		key(b, f[i].name);
		buf_double(b, v[i]);
	}
	buf_putc(b, '}');
}

/* Its last results, oldest first (SPEC 23). */
static void
history(struct buf *b, const struct check_history *h)
{
	struct check_history_result r;
	size_t i;

	key(b, "history");
	buf_putc(b, '[');
	for (i = 0; i < h->n; i++) {
		check_history_unpack(check_history_at(h, i), &r);
		buf_puts(b, i > 0 ? ",{\"time\":" : "{\"time\":");
		buf_u64(b, (uint64_t)r.time);
		key(b, "state");
		text_json_str(b, health_name((enum health_state)r.state));
		key(b, "duration");
		buf_fixed(b, r.duration, 3);
		key(b, "exit_code");
		if (r.exit_code != -1)
			buf_i64(b, r.exit_code);
		else
			buf_puts(b, "null");
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void
check(struct buf *b, const struct check_status *c)
{
	size_t i;

	buf_puts(b, "{\"name\":");
	text_json_str(b, c->name);
	key(b, "command");
	text_json_str(b, c->command);
	boolean(b, "affects_health", c->affects_health);
	key(b, "state");
	text_json_str(b, health_name(c->state));
	boolean(b, "pending", c->pending);
	key(b, "waiting_for");
	text_json_str(b, c->waiting_for);
	boolean(b, "previous_command", c->previous);
	boolean(b, "ran", c->ran);
	key(b, "exit_code");
	if (c->ran && c->exit_code != -1)
		buf_i64(b, c->exit_code);
	else
		buf_puts(b, "null");
	key(b, "result");
	text_json_str(b, c->ran ? health_name(c->result) : NULL);
	key(b, "output");
	text_json(b, c->output, c->output != NULL ? c->output_len : 0);
	key(b, "perfdata");
	buf_putc(b, '[');
	for (i = 0; i < c->nperf; i++) {
		if (i > 0)
			buf_putc(b, ',');
		perf_item(b, &c->perf[i]);
	}
	buf_putc(b, ']');
	key(b, "started");
	seconds(b, c->ran, c->started);
	key(b, "duration_seconds");
	seconds(b, c->ran, c->duration);
	u64(b, "runs", c->runs);
	u64(b, "timeouts", c->timeouts);
	u64(b, "skipped", c->skipped);
	history(b, &c->history);
	buf_putc(b, '}');
}

static void
maintenance(struct buf *b, const struct snapshot *snap)
{
	key(b, "maintenance");
	buf_puts(b, "{\"active\":");
	buf_puts(b, snap->maint_config || snap->maint_drain ? "true" : "false");
	key(b, "source");
	if (snap->maint_config && snap->maint_drain)
		buf_puts(b, "\"config+drain\"");
	else if (snap->maint_config || snap->maint_drain)
		buf_puts(b, snap->maint_drain ? "\"drain\"" : "\"config\"");
	else
		buf_puts(b, "null");
	key(b, "since");
	seconds(b, (snap->maint_config || snap->maint_drain) &&
	    snap->maint_since > 0, snap->maint_since);
	key(b, "until");
	seconds(b, snap->maint_drain && snap->maint_until > 0,
	    snap->maint_until);
	key(b, "reason");
	text_json_str(b, snap->maint_reason);
	buf_putc(b, '}');
}

/* The checks' drains (SPEC 21): the host's is "maintenance" above. */
static void
drains(struct buf *b, const struct snapshot *snap)
{
	const struct snapshot_drain *d;
	size_t i;

	key(b, "drains");
	buf_putc(b, '[');
	for (i = 0; i < snap->ndrains; i++) {
		d = &snap->drains[i];
		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, "{\"check\":");
		text_json_str(b, d->check);
		key(b, "source");
		buf_puts(b, "\"drain\"");
		key(b, "since");
		seconds(b, d->since > 0, d->since);
		key(b, "until");
		seconds(b, d->until > 0, d->until);
		key(b, "reason");
		text_json_str(b, d->reason);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void
checks(struct buf *b, const struct snapshot *snap)
{
	const struct check_status *main_check = NULL;
	size_t i;

	key(b, "checks");
	buf_putc(b, '[');
	for (i = 0; i < snap->nchecks; i++) {
		if (i > 0)
			buf_putc(b, ',');
		check(b, snap->checks[i]);
		if (strcmp(snap->checks[i]->name, "main") == 0)
			main_check = snap->checks[i];
	}
	buf_putc(b, ']');
	key(b, "check");
	if (main_check != NULL)
		check(b, main_check);
	else
		buf_puts(b, "null");
}

/* The effective health, as /health says it, and the checks' own. */
static void
verdicts(struct buf *b, const struct snapshot *snap)
{
	struct buf text = { 0 };
	struct verdict v;
	const char *state;

	(void)health_render_effective(snap, NULL, &state);
	key(b, "health");
	text_json_str(b, state);
	health_render_summary(snap, NULL, &text);
	key(b, "health_text");
	if (text.len > 0 && !text.failed)
		text_json(b, text.data, text.len);
	else
		buf_puts(b, "null");
	buf_free(&text);
	health_verdict(snap->checks, snap->nchecks, &v);
	key(b, "checks_health");
	text_json_str(b, health_name(v.state));
}

void
status_json(const struct snapshot *snap, struct buf *b)
{
	double up = snap->now - snap->start_time;

	/* A clock stepped back must not show a negative uptime. */
	if (!isfinite(up) || up < 0)
		up = 0;
	buf_puts(b, "{\"name\":\"mydaemon\",\"version\":");
	text_json_str(b, snap->version);
	key(b, "pid");
	buf_i64(b, snap->pid);
	key(b, "host");
	text_json_str(b, snap->host);
	key(b, "uptime_seconds");
	buf_fixed(b, up, 3);
	key(b, "start_time");
	buf_fixed(b, snap->start_time, 3);
	key(b, "config_file");
	text_json_str(b, snap->config_file);
	u64(b, "config_generation", snap->generation);
	verdicts(b, snap);
	maintenance(b, snap);
	drains(b, snap);
	boolean(b, "shutting_down", snap->shutting_down);
	checks(b, snap);
	key(b, "checks_running");
	buf_u64(b, snap->checks_running);
	buf_printf(b, ",\"reloads\":{\"ok\":%llu,\"failed\":%llu}"
	    ",\"log\":{\"reopens\":%llu,\"reopen_failures\":%llu"
	    ",\"dropped_lines\":%llu}",
	    (unsigned long long)snap->reloads_ok,
	    (unsigned long long)snap->reloads_failed,
	    (unsigned long long)snap->log_reopens,
	    (unsigned long long)snap->log_reopen_failed,
	    (unsigned long long)snap->log_dropped);
	u64(b, "connections", snap->connections);
	u64(b, "requests", snap->requests);
	buf_puts(b, "}\n");
}
