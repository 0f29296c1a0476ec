/*
 * health_render.c - what /health, /health/NAME and health+json answer,
 * and the verdict's one line for the log and systemd (see
 * health_render.h): pure functions of a snapshot.
 *
 * Precedence, worst first: shutting down (shutdown_drain), maintenance
 * (the host's, or for /health/NAME the check's own drain), critical,
 * unknown, warning, ok.  Maintenance answers maintenance_status (503 or
 * 404, for HAProxy's disable-on-404); shutting down always 503.
 * A check waiting for a dependency is not the worst: its root cause is,
 * and "(+N waiting)" says how many wait.  /health/NAME of a check within
 * its start_grace with a bad result answers "pending" with that result.
 * A check's text comes from a child process: it is cut to its first line
 * without performance data and made valid UTF-8 here, whatever the check
 * module already did.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/text.h"
#include "checks/health.h"
#include "report/health_render.h"

static int
in_maintenance(const struct snapshot *snap)
{
	return snap->maint_config || snap->maint_drain;
}

/* The drain of check only, or NULL (also for the host: only NULL). */
static const struct snapshot_drain *
check_drain(const struct snapshot *snap, const struct check_status *only)
{
	size_t	 i;

	for (i = 0; only != NULL && i < snap->ndrains; i++)
		if (strcmp(snap->drains[i].check, only->name) == 0)
			return &snap->drains[i];
	return NULL;
}

/* Nothing but the state word to say: no checks' text. */
static int
state_only(const struct snapshot *snap, const struct check_status *only)
{
	return snap->shutting_down || in_maintenance(snap) ||
	    check_drain(snap, only) != NULL;
}

int
health_render_effective(const struct snapshot *snap,
    const struct check_status *only, const char **state)
{
	struct verdict	 v;
	enum health_state h;

	if (snap->shutting_down) {
		*state = "shutting down";
		return 503;
	}
	if (in_maintenance(snap) || check_drain(snap, only) != NULL) {
		*state = "maintenance";
		return snap->maint_status == 404 ? 404 : 503;
	}
	if (only != NULL && only->pending && only->ran &&
	    only->waiting_for == NULL) {
		*state = "pending";	/* a bad result within start_grace */
		return 503;
	}
	if (only != NULL)
		h = health_clamp(only->state);
	else {
		health_verdict(snap->checks, snap->nchecks, &v);
		h = v.state;
	}
	*state = health_name(h);
	return health_good(h) ? 200 : 503;
}

/*
 * A check's text: its first line without perfdata, at most 200 bytes;
 * nothing with health_details = no (SPEC 22: no plugin output to
 * strangers).
 */
static void
check_text(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	const char	*t = c->text != NULL ? c->text : "";

	if (snap->health_details)
		text_line(b, t, text_first_line(t, strlen(t),
		    HEALTH_TEXT_MAX));
}

/* " (+1 more)", " (+2 waiting)", " (+1 more, +2 waiting)" or nothing. */
static void
more(const struct verdict *v, struct buf *b)
{
	if (v->others == 0 && v->waiting == 0)
		return;
	buf_puts(b, " (");
	if (v->others > 0) {
		buf_putc(b, '+');
		buf_u64(b, v->others);
		buf_puts(b, " more");
	}
	if (v->others > 0 && v->waiting > 0)
		buf_puts(b, ", ");
	if (v->waiting > 0) {
		buf_putc(b, '+');
		buf_u64(b, v->waiting);
		buf_puts(b, " waiting");
	}
	buf_putc(b, ')');
}

void
health_render_summary(const struct snapshot *snap,
    const struct check_status *only, struct buf *b)
{
	struct verdict	 v;

	if (state_only(snap, only))
		return;
	if (only != NULL) {
		if (health_clamp(only->state) != HEALTH_OK)
			check_text(snap, only, b);
		return;
	}
	health_verdict(snap->checks, snap->nchecks, &v);
	if (v.worst == NULL)
		return;
	if (snap->names_in_text) {
		size_t mark;

		buf_puts(b, v.worst->name);
		buf_puts(b, ": ");
		mark = b->len;
		check_text(snap, v.worst, b);
		if (b->len == mark)	/* no text after all: no ": " */
			buf_truncate(b, mark - 2);
	} else
		check_text(snap, v.worst, b);
	more(&v, b);
}

int
health_render_text(const struct snapshot *snap, const struct check_status *only,
    struct buf *b)
{
	const char	*state;
	size_t		 mark;
	int		 code = health_render_effective(snap, only, &state);

	buf_puts(b, state);
	mark = b->len;
	buf_puts(b, ": ");
	health_render_summary(snap, only, b);
	if (b->len == mark + 2)		/* no text: no ": " either */
		buf_truncate(b, mark);
	buf_putc(b, '\n');
	return code;
}

/* health+json's words: pass, warn, fail. */
static const char *
json_status(const char *state)
{
	if (strcmp(state, "ok") == 0)
		return "pass";
	return strcmp(state, "warning") == 0 ? "warn" : "fail";
}

/* RFC 3339 in UTC, as health+json wants its times. */
static void
json_time(struct buf *b, double t)
{
	char	 s[32];
	time_t	 sec;
	struct tm tm;
	long	 ms;

	if (!isfinite(t) || t <= 0 || t > 1e12)	/* a broken clock: 1970 */
		t = 0;
	sec = (time_t)t;
	if ((ms = (long)((t - (double)sec) * 1000 + 0.5)) >= 1000) {
		sec++;
		ms -= 1000;
	}
	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "\"%s.%03ldZ\"", s, ms);
}

static void
json_check(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	struct buf	 t = { 0 };

	buf_puts(b, "[{\"componentId\":");
	text_json_str(b, c->name);
	buf_puts(b, ",\"componentType\":\"system\",\"status\":\"");
	buf_puts(b, json_status(health_name(c->state)));
	buf_puts(b, "\",\"affectsHealth\":");
	buf_puts(b, c->affects_health && !c->pending ? "true" : "false");
	if (c->pending)
		buf_puts(b, ",\"pending\":true");
	/* The draft: output SHOULD be left out for "pass". */
	check_text(snap, c, &t);
	if (health_clamp(c->state) != HEALTH_OK && t.len > 0 && !t.failed) {
		buf_puts(b, ",\"output\":");
		text_json(b, t.data, t.len);
	}
	buf_free(&t);
	if (c->ran) {
		buf_puts(b, ",\"time\":");
		json_time(b, c->started);
	}
	if (c->nperf > 0 && snap->health_details) {	/* output, too */
		buf_puts(b, ",\"observedValue\":");
		buf_double(b, c->perf[0].value);
		buf_puts(b, ",\"observedUnit\":");
		text_json_str(b, c->perf[0].unit);
	}
	buf_puts(b, "}]");
}

/* Why the answer is not the checks' verdict, if it is not. */
static void
json_notes(const struct snapshot *snap, const struct check_status *only,
    struct buf *b)
{
	const struct snapshot_drain *cd = check_drain(snap, only);
	const char *note, *reason = NULL;

	if (snap->shutting_down)
		note = "shutting down";
	else if (in_maintenance(snap)) {
		note = snap->maint_drain ? "maintenance: drained" :
		    "maintenance: set in the configuration";
		reason = snap->maint_reason;
	} else if (cd != NULL) {
		note = "maintenance: check drained";
		reason = cd->reason;
	} else
		return;
	buf_puts(b, ",\"notes\":[");
	text_json_str(b, note);
	if (reason != NULL) {
		buf_putc(b, ',');
		text_json_str(b, reason);
	}
	buf_putc(b, ']');
}

int
health_render_json(const struct snapshot *snap,
    const struct check_status *only, struct buf *b)
{
	const char	*state;
	struct buf	 t = { 0 };
	size_t		 i;
	int		 code, first = 1;

	code = health_render_effective(snap, only, &state);
	buf_puts(b, "{\"status\":\"");
	buf_puts(b, json_status(state));
	buf_puts(b, "\",\"version\":");
	text_json_str(b, snap->version);
	buf_puts(b, ",\"serviceId\":");
	text_json_str(b, snap->host);
	buf_puts(b, ",\"description\":\"mydaemon host health agent\"");
	health_render_summary(snap, only, &t);
	if (strcmp(state, "ok") != 0 && t.len > 0 && !t.failed) {
		buf_puts(b, ",\"output\":");
		text_json(b, t.data, t.len);
	}
	buf_free(&t);
	json_notes(snap, only, b);
	buf_puts(b, ",\"checks\":{");
	for (i = 0; i < snap->nchecks; i++) {
		if (only != NULL && snap->checks[i] != only)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		text_json_str(b, snap->checks[i]->name);
		buf_putc(b, ':');
		json_check(snap, snap->checks[i], b);
	}
	buf_puts(b, "}}\n");
	return code;
}

const struct check_status *
health_render_find(const struct snapshot *snap, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < snap->nchecks; i++)
		if (strlen(snap->checks[i]->name) == n &&
		    memcmp(snap->checks[i]->name, name, n) == 0)
			return snap->checks[i];
	return NULL;
}
