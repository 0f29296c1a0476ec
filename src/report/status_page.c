/*
 * status_page.c - the status page for people (see status_page.h).
 *
 * Pure: a snapshot comes in, bytes go out.  Every string that did not
 * come from this file goes through html_text.c: check names and host
 * too, not only the plugins' output.  Colour is by class, from the one
 * <style> in the head (the CSP lets nothing else in); a text browser
 * shows the same facts in words, and the history as letters.
 */
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "report/html_text.h"
#include "report/status_page.h"

#define NAME_MAX_SHOWN	64		/* characters of a name */

static const char style[] =
    "body{font-family:sans-serif;margin:1em;color:#222;background:#fff}\n"
    "h1{font-size:1.4em;margin:0 0 .3em}\n"
    "table{border-collapse:collapse;margin-top:1em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}\n"
    "td.out{max-width:30em;overflow-wrap:anywhere}\n"
    ".st{font-weight:bold;white-space:nowrap}\n"
    ".ok{background:#cfc}.warning{background:#fe9}"
    ".critical{background:#f99}.unknown{background:#dbf}"
    ".pending{background:#ddd}.maintenance{background:#9cf}"
    ".shutting{background:#f99}\n"
    ".verdict{font-size:1.2em;padding:.3em .6em;display:inline-block}\n"
    ".hist{white-space:nowrap}\n"
    ".m{display:inline-block;width:6px;height:1.1em;margin-right:1px;"
    "overflow:hidden;color:transparent;vertical-align:middle}\n"
    ".m.ok{background:#3a3}.m.warning{background:#e90}"
    ".m.critical{background:#d22}.m.unknown{background:#85c}\n"
    ".note{color:#555}\n";

/* The letter of a result in the history strip, for text browsers. */
static const char letters[] = "OWCU";

static const struct snapshot_drain *
drain_of(const struct snapshot *snap, const struct check_status *c)
{
	size_t i;

	for (i = 0; i < snap->ndrains; i++)
		if (strcmp(snap->drains[i].check, c->name) == 0)
			return &snap->drains[i];
	return NULL;
}

static void
head(const struct snapshot *snap, const char *state, struct buf *b)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" "
	    "content=\"");
	buf_u64(b, STATUS_PAGE_REFRESH);
	buf_puts(b, "\">\n<meta name=\"viewport\" content=\"width=device-width"
	    ", initial-scale=1\">\n<title>");
	html_str(b, snap->host, NAME_MAX_SHOWN);
	buf_puts(b, ": ");
	buf_puts(b, state);
	buf_puts(b, " - mydaemon</title>\n<style>\n");
	buf_puts(b, style);
	buf_puts(b, "</style>\n</head>\n<body>\n");
}

/* The class of a state word: "shutting down" is "shutting". */
static void
state_class(struct buf *b, const char *state)
{
	buf_puts(b, strcmp(state, "shutting down") == 0 ? "shutting" : state);
}

/* The host: its verdict as /health gives it, maintenance, who says. */
static void
verdict(const struct snapshot *snap, const char *state, struct buf *b)
{
	struct buf text = { 0 };

	buf_puts(b, "<h1>");
	html_str(b, snap->host, NAME_MAX_SHOWN);
	buf_puts(b, "</h1>\n<p>Health: <span class=\"verdict st ");
	state_class(b, state);
	buf_puts(b, "\">");
	buf_puts(b, state);
	buf_puts(b, "</span>");
	if (snap->health_details)
		health_render_summary(snap, NULL, &text);
	if (text.len > 0 && !text.failed) {
		buf_puts(b, " ");
		html_text(b, text.data, text.len, STATUS_PAGE_OUTPUT_MAX);
	}
	buf_free(&text);
	buf_puts(b, "</p>\n");
	if (snap->maint_config || snap->maint_drain) {
		buf_puts(b, "<p class=\"maintenance\">In maintenance");
		buf_puts(b, snap->maint_drain ? " (drained)" : " (config)");
		if (snap->maint_since > 0) {
			buf_puts(b, " since ");
			html_utc(b, snap->maint_since);
		}
		if (snap->maint_drain && snap->maint_until > 0) {
			buf_puts(b, ", until ");
			html_utc(b, snap->maint_until);
		}
		if (snap->maint_reason != NULL) {
			buf_puts(b, ": ");
			html_str(b, snap->maint_reason,
			    STATUS_PAGE_OUTPUT_MAX);
		}
		buf_puts(b, "</p>\n");
	}
	if (snap->shutting_down)
		buf_puts(b, "<p class=\"shutting\">Shutting down: the "
		    "health checks of load balancers are answered 503.</p>\n");
	buf_puts(b, "<p class=\"note\">mydaemon ");
	html_str(b, snap->version, NAME_MAX_SHOWN);
	buf_puts(b, ", pid ");
	buf_i64(b, snap->pid);
	buf_puts(b, ", up ");
	html_age(b, snap->now - snap->start_time);
	buf_puts(b, "; as of ");
	html_utc(b, snap->now);
	buf_puts(b, ", refreshed every ");
	buf_u64(b, STATUS_PAGE_REFRESH);
	buf_puts(b, " s.</p>\n");
}

/* A check's state in words, its class first. */
static void
check_state(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	const struct snapshot_drain *d = drain_of(snap, c);
	const char *s = health_name(health_clamp(c->state));

	buf_puts(b, "<td class=\"st ");
	if (d != NULL) {
		buf_puts(b, "maintenance\">maintenance (drained");
		if (d->reason != NULL) {
			buf_puts(b, ": ");
			html_str(b, d->reason, STATUS_PAGE_OUTPUT_MAX);
		}
		buf_puts(b, ")");
	} else if (c->waiting_for != NULL) {
		buf_puts(b, "pending\">waiting for ");
		html_str(b, c->waiting_for, NAME_MAX_SHOWN);
	} else if (c->pending && c->ran) {
		buf_printf(b, "pending\">pending (%s, in its start_grace)", s);
	} else if (c->pending || !c->ran) {
		buf_puts(b, "pending\">pending (no result yet)");
	} else {
		buf_printf(b, "%s\">%s", s, s);
		if (c->previous)
			buf_puts(b, " (previous command)");
	}
	if (!c->affects_health)
		buf_puts(b, " (does not affect health)");
	buf_puts(b, "</td>");
}

/* The first line of its output, or what is said of it instead. */
static void
output(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	buf_puts(b, "<td class=\"out\">");
	if (c->waiting_for != NULL || !c->ran || c->output == NULL)
		html_str(b, c->text, STATUS_PAGE_OUTPUT_MAX);
	else if (!snap->health_details)
		buf_puts(b, "(not shown)");
	else
		html_text(b, c->output, html_first_line(c->output,
		    c->output_len), STATUS_PAGE_OUTPUT_MAX);
	buf_puts(b, "</td>");
}

static void
perfdata(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	size_t i;

	buf_puts(b, "<td>");
	for (i = 0; snap->health_details && i < c->nperf; i++) {
		if (i > 0)
			buf_puts(b, "<br>");
		html_str(b, c->perf[i].label, NAME_MAX_SHOWN);
		buf_putc(b, '=');
		buf_double(b, c->perf[i].value);
		if (c->perf[i].unit != NULL && c->perf[i].unit[0] != '\0')
			buf_putc(b, ' ');
		html_str(b, c->perf[i].unit, NAME_MAX_SHOWN);
	}
	buf_puts(b, "</td>");
}

/* The recent results, oldest first: a mark each, its letter inside. */
static void
history(const struct check_status *c, struct buf *b)
{
	const char *word;
	struct check_history_result r;
	size_t i;

	buf_puts(b, "<td class=\"hist\">");
	for (i = 0; i < c->history.n; i++) {
		check_history_unpack(check_history_at(&c->history, i), &r);
		word = health_name(health_clamp((enum health_state)r.state));
		buf_printf(b, "<span class=\"m %s\" title=\"", word);
		html_clock(b, r.time);
		buf_printf(b, " %s\">%c</span>", word, letters[r.state & 3]);
	}
	if (c->history.n == 0)
		buf_puts(b, "none yet");
	buf_puts(b, "</td>");
}

static void
row(const struct snapshot *snap, const struct check_status *c,
    struct buf *b)
{
	buf_puts(b, "<tr><th scope=\"row\">");
	html_str(b, c->name, NAME_MAX_SHOWN);
	buf_puts(b, "</th>");
	check_state(snap, c, b);
	buf_puts(b, "<td>");
	if (c->since > 0)
		html_age(b, snap->now - c->since);
	buf_puts(b, "</td>");
	output(snap, c, b);
	buf_puts(b, "<td>");
	if (c->ran) {
		html_utc(b, c->started);
		buf_puts(b, "<br>in ");
		buf_fixed(b, c->duration, 3);
		buf_puts(b, " s");
	} else
		buf_puts(b, "not yet");
	buf_puts(b, "</td>");
	perfdata(snap, c, b);
	history(c, b);
	buf_puts(b, "</tr>\n");
}

void
status_page_render(const struct snapshot *snap, struct buf *b)
{
	const char *state;
	size_t i;

	(void)health_render_effective(snap, NULL, &state);
	head(snap, state, b);
	verdict(snap, state, b);
	if (snap->nchecks == 0)
		buf_puts(b, "<p>No check is configured.</p>\n");
	else {
		buf_puts(b, "<table>\n<caption>Checks</caption>\n<thead><tr>"
		    "<th scope=\"col\">Check</th><th scope=\"col\">State</th>"
		    "<th scope=\"col\">For</th><th scope=\"col\">Output</th>"
		    "<th scope=\"col\">Last run</th>"
		    "<th scope=\"col\">Perfdata</th>"
		    "<th scope=\"col\">Recent results</th></tr></thead>\n"
		    "<tbody>\n");
		for (i = 0; i < snap->nchecks; i++)
			row(snap, snap->checks[i], b);
		buf_puts(b, "</tbody>\n</table>\n<p class=\"note\">Recent "
		    "results, oldest first: O ok, W warning, C critical, "
		    "U unknown.</p>\n");
	}
	buf_puts(b, "<p class=\"note\">The same as JSON: /status; "
	    "the verdict alone: /health.</p>\n</body>\n</html>\n");
}
