/*
 * status.c - render /health, /status and /metrics (see status.h).
 *
 * Everything here is pure: a snapshot comes in, bytes go out, and the
 * only side effect is growing the output buffer.  Doubles are formatted
 * by hand, not with %f, so that neither the locale nor a NaN sneaking in
 * from a clock jump can change what a scraper sees.
 *
 * /status is one JSON object, on one line, with the keys in this order:
 *	name, version, pid, uptime_seconds, start_time, config_file,
 *	config_generation, health, health_text, maintenance,
 *	check (null, or: command, ran, exit_code, result, output, started,
 *	    duration_seconds, runs, timeouts, skipped),
 *	reloads (ok, failed), log (reopens, reopen_failures, dropped_lines),
 *	connections, requests
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#define BUF_MIN		1024	/* first allocation: most bodies fit */
#define HEALTH_TEXT_MAX	200
#define UTF8_REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/*
 * Make room for n more bytes plus a NUL.  The NUL is not part of the
 * data, but it lets callers and tests treat the body as a C string.
 */
static int
buf_reserve(struct status_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->cap > b->len && b->cap - b->len > n)
		return 0;
	if (n >= SIZE_MAX / 2 - b->len)
		goto fail;
	cap = b->cap ? b->cap : BUF_MIN;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void
status_buf_reset(struct status_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
status_buf_free(struct status_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void
status_buf_append(struct status_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
status_buf_printf(struct status_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (buf_reserve(b, 0) == -1)
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		/* Too long for what is left: grow once and format again. */
		if (buf_reserve(b, (size_t)n) == -1) {
			b->data[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n < 0) {
		b->data[b->len] = '\0';
		b->failed = 1;
		return;
	}
	b->len += (size_t)n;
}

static void
put(struct status_buf *b, const char *s)
{
	status_buf_append(b, s, strlen(s));
}

/*
 * A double with 1 to 9 decimals.  Not finite
 * becomes 0: a scraper or JSON parser must never see "nan" or "inf".
 */
static void
put_fixed(struct status_buf *b, double x, int digits)
{
	unsigned long long whole, frac, scale = 1;
	const char *sign = "";
	int i;

	for (i = 0; i < digits; i++)
		scale *= 10;
	if (!isfinite(x))
		x = 0;
	if (x < 0) {
		sign = "-";
		x = -x;
	}
	if (x > 1e19)
		x = 1e19;
	whole = (unsigned long long)x;
	frac = (unsigned long long)((x - (double)whole) * (double)scale + 0.5);
	if (frac >= scale) {
		whole++;
		frac -= scale;
	}
	if (whole == 0 && frac == 0)
		sign = "";
	status_buf_printf(b, "%s%llu.%0*llu", sign, whole, digits, frac);
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629, section 4),
 * or 0.  The second byte's range is what rules out overlongs,
 * surrogates and code points above U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

/* One byte that cannot go into a JSON string as it is. */
static void
json_escape_byte(struct status_buf *b, unsigned char c)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const char *p;

	if (c >= 0x80)		/* a byte of an ill-formed sequence */
		put(b, "\\ufffd");
	else if (c != '\0' && (p = strchr(from, c)) != NULL)
		status_buf_printf(b, "\\%c", to[p - from]);
	else
		status_buf_printf(b, "\\u%04x", c);
}

/*
 * A JSON string from n bytes of anything (a check's output may hold NUL
 * and broken UTF-8); the result is always valid UTF-8.  Plain runs are
 * copied in one piece.
 */
static void
json_strn(struct status_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start, k;

	if (s == NULL) {
		put(b, "null");
		return;
	}
	put(b, "\"");
	while (i < n && !b->failed) {
		start = i;
		for (; i < n; i += k) {
			k = 1;
			if (p[i] >= 0x80 && (k = utf8_len(p + i, n - i)) == 0)
				break;
			if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '"' ||
			    p[i] == '\\')
				break;
		}
		status_buf_append(b, s + start, i - start);
		if (i < n)
			json_escape_byte(b, p[i++]);
	}
	put(b, "\"");
}

static void
json_str(struct status_buf *b, const char *s)
{
	json_strn(b, s, s != NULL ? strlen(s) : 0);
}

static enum health_state
health_clamp(enum health_state h)
{
	return (h >= HEALTH_OK && h <= HEALTH_UNKNOWN) ? h : HEALTH_UNKNOWN;
}

const char *
status_health_name(enum health_state h)
{
	switch (health_clamp(h)) {
	case HEALTH_OK:
		return "ok";
	case HEALTH_WARNING:
		return "warning";
	case HEALTH_CRITICAL:
		return "critical";
	default:
		return "unknown";
	}
}

int
status_code_index(int code)
{
	static const int codes[STATUS_NCODES] = STATUS_CODES;
	int i;

	for (i = 0; i < STATUS_NCODES; i++)
		if (codes[i] == code)
			return i;
	return -1;
}

/*
 * How much of health_text goes on the /health line.  The caller already
 * keeps only the first line without performance data, but the text comes
 * from a child process, so stop at '\n' and '|' here as well.  A cut at
 * HEALTH_TEXT_MAX backs off to a character boundary.
 */
static size_t
health_text_len(const char *s)
{
	size_t n;
	int k;

	for (n = 0; n < HEALTH_TEXT_MAX; n++)
		if (s[n] == '\0' || s[n] == '\n' || s[n] == '|')
			break;
	if (n == HEALTH_TEXT_MAX)
		for (k = 0; k < 3 && ((unsigned char)s[n] & 0xc0) == 0x80; k++)
			n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	return n;
}

/* The text, with control bytes made harmless for a terminal or a log. */
static void
put_health_text(struct status_buf *b, const char *s, size_t n)
{
	unsigned char c;
	size_t i;

	if (buf_reserve(b, n) == -1)
		return;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		b->data[b->len + i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	b->len += n;
	b->data[b->len] = '\0';
}

int
status_health(const struct status_info *si, struct status_buf *b)
{
	enum health_state h = health_clamp(si->health);
	size_t n = 0;

	if (si->maintenance) {
		put(b, "maintenance\n");
		return 503;
	}
	put(b, status_health_name(h));
	if (h != HEALTH_OK && si->health_text != NULL)
		n = health_text_len(si->health_text);
	if (n > 0) {
		put(b, ": ");
		put_health_text(b, si->health_text, n);
	}
	put(b, "\n");
	return (h == HEALTH_OK || h == HEALTH_WARNING) ? 200 : 503;
}

/* What /health would answer, for mydaemon_healthy. */
static int
is_healthy(const struct status_info *si)
{
	enum health_state h = health_clamp(si->health);

	return !si->maintenance && (h == HEALTH_OK || h == HEALTH_WARNING);
}

/* A number of seconds, or null when there is none (yet). */
static void
json_seconds(struct status_buf *b, int have, double v)
{
	if (have)
		put_fixed(b, v, 3);
	else
		put(b, "null");
}

static void
json_check(const struct status_info *si, struct status_buf *b)
{
	int ran = si->check_ran != 0;

	put(b, "{\"command\":");
	json_str(b, si->check_command);
	status_buf_printf(b, ",\"ran\":%s,\"exit_code\":",
	    ran ? "true" : "false");
	if (ran && si->check_exit_code != -1)
		status_buf_printf(b, "%d", si->check_exit_code);
	else
		put(b, "null");
	put(b, ",\"result\":");
	json_str(b, ran ? status_health_name(si->check_result) : NULL);
	put(b, ",\"output\":");
	json_strn(b, si->check_output,
	    si->check_output != NULL ? si->check_output_len : 0);
	put(b, ",\"started\":");
	json_seconds(b, ran, si->check_started);
	put(b, ",\"duration_seconds\":");
	json_seconds(b, ran, si->check_duration);
	status_buf_printf(b, ",\"runs\":%llu,\"timeouts\":%llu"
	    ",\"skipped\":%llu}", (unsigned long long)si->check_runs,
	    (unsigned long long)si->check_timeouts,
	    (unsigned long long)si->check_skipped);
}

void
status_json(const struct status_info *si, struct status_buf *b)
{
	double up = si->now - si->start_time;

	/* A clock stepped back must not show a negative uptime. */
	if (!isfinite(up) || up < 0)
		up = 0;
	put(b, "{\"name\":\"mydaemon\",\"version\":");
	json_str(b, si->version);
	status_buf_printf(b, ",\"pid\":%ld,\"uptime_seconds\":", si->pid);
	put_fixed(b, up, 3);
	put(b, ",\"start_time\":");
	put_fixed(b, si->start_time, 3);
	put(b, ",\"config_file\":");
	json_str(b, si->config_file);
	status_buf_printf(b, ",\"config_generation\":%lu,\"health\":\"%s\"",
	    si->generation, status_health_name(si->health));
	put(b, ",\"health_text\":");
	json_str(b, si->health_text);
	status_buf_printf(b, ",\"maintenance\":%s,\"check\":",
	    si->maintenance ? "true" : "false");
	if (si->has_check)
		json_check(si, b);
	else
		put(b, "null");
	status_buf_printf(b, ",\"reloads\":{\"ok\":%llu,\"failed\":%llu}"
	    ",\"log\":{\"reopens\":%llu,\"reopen_failures\":%llu"
	    ",\"dropped_lines\":%llu},\"connections\":%llu"
	    ",\"requests\":%llu}\n",
	    (unsigned long long)si->reloads_ok,
	    (unsigned long long)si->reloads_failed,
	    (unsigned long long)si->log_reopens,
	    (unsigned long long)si->log_reopen_failed,
	    (unsigned long long)si->log_dropped,
	    (unsigned long long)si->connections,
	    (unsigned long long)si->requests);
}

/*
 * A label value per the text format: escape '\\', '"' and newline.
 * Prometheus rejects a label value that is not UTF-8, so ill-formed
 * bytes become U+FFFD.
 */
static void
metric_label(struct status_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, start, k;

	while (i < n && !b->failed) {
		start = i;
		for (; i < n; i += k)
			if ((k = utf8_len(p + i, n - i)) == 0 || p[i] == '\\' ||
			    p[i] == '"' || p[i] == '\n')
				break;
		status_buf_append(b, (const char *)p + start, i - start);
		if (i == n)
			break;
		if (p[i] == '\\')
			put(b, "\\\\");
		else if (p[i] == '"')
			put(b, "\\\"");
		else if (p[i] == '\n')
			put(b, "\\n");
		else
			put(b, UTF8_REPLACEMENT);
		i++;
	}
}

static void
metric_family(struct status_buf *b, const char *name, const char *type,
    const char *help)
{
	status_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
metric_u64(struct status_buf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	metric_family(b, name, type, help);
	status_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

/* A gauge in seconds; has_value 0 keeps HELP and TYPE but no sample. */
static void
metric_seconds(struct status_buf *b, const char *name, const char *help,
    int has_value, double v)
{
	metric_family(b, name, "gauge", help);
	if (!has_value)
		return;
	status_buf_printf(b, "%s ", name);
	put_fixed(b, v, 6);
	put(b, "\n");
}

static void
metrics_http(const struct status_info *si, struct status_buf *b)
{
	static const int codes[STATUS_NCODES] = STATUS_CODES;
	int i;

	metric_family(b, "mydaemon_http_requests_total", "counter",
	    "HTTP requests answered, by status code.");
	for (i = 0; i < STATUS_NCODES; i++)
		status_buf_printf(b,
		    "mydaemon_http_requests_total{code=\"%d\"} %llu\n",
		    codes[i], (unsigned long long)si->requests_by_code[i]);
	metric_u64(b, "mydaemon_http_connections", "gauge",
	    "HTTP connections open now.", si->connections);
	metric_family(b, "mydaemon_reloads_total", "counter",
	    "Configuration reloads, by result.");
	status_buf_printf(b, "mydaemon_reloads_total{result=\"ok\"} %llu\n"
	    "mydaemon_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)si->reloads_ok,
	    (unsigned long long)si->reloads_failed);
}

static void
metrics_check(const struct status_info *si, struct status_buf *b)
{
	int ran = si->check_ran != 0;

	metric_family(b, "mydaemon_check_result", "gauge", "Result of the last "
	    "check run, before hysteresis: 0 ok, 1 warning, 2 critical, "
	    "3 unknown.");
	if (ran)
		status_buf_printf(b, "mydaemon_check_result %d\n",
		    (int)health_clamp(si->check_result));
	metric_family(b, "mydaemon_check_exit_code", "gauge",
	    "Exit code of the last check run (absent after a timeout, a "
	    "signal or a failure to start).");
	if (ran && si->check_exit_code != -1)
		status_buf_printf(b, "mydaemon_check_exit_code %d\n",
		    si->check_exit_code);
	metric_seconds(b, "mydaemon_check_duration_seconds",
	    "How long the last check run took.", ran, si->check_duration);
	metric_seconds(b, "mydaemon_check_last_run_timestamp_seconds",
	    "Unix time the last check run started.", ran, si->check_started);
	metric_u64(b, "mydaemon_check_runs_total", "counter",
	    "Check runs completed.", si->check_runs);
	metric_u64(b, "mydaemon_check_timeouts_total", "counter",
	    "Check runs killed for taking too long.", si->check_timeouts);
	metric_u64(b, "mydaemon_check_skipped_total", "counter",
	    "Check runs skipped because the previous one was still running.",
	    si->check_skipped);
}

void
status_metrics(const struct status_info *si, struct status_buf *b)
{
	metric_family(b, "mydaemon_build_info", "gauge",
	    "Build information; the value is always 1.");
	put(b, "mydaemon_build_info{version=\"");
	metric_label(b, si->version);
	put(b, "\"} 1\n");
	metric_seconds(b, "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.", 1,
	    si->start_time);
	metric_u64(b, "mydaemon_config_generation", "gauge",
	    "Configuration generation, one more after each successful reload.",
	    si->generation);
	metrics_http(si, b);
	metric_u64(b, "mydaemon_log_reopens_total", "counter",
	    "Log file reopens (SIGUSR1).", si->log_reopens);
	metric_u64(b, "mydaemon_log_reopen_failures_total", "counter",
	    "Log file reopens that failed; the old file is kept.",
	    si->log_reopen_failed);
	metric_u64(b, "mydaemon_log_dropped_lines_total", "counter",
	    "Log lines that could not be written.", si->log_dropped);
	metric_u64(b, "mydaemon_maintenance", "gauge",
	    "1 while in maintenance mode, else 0.",
	    (uint64_t)(si->maintenance != 0));
	metric_u64(b, "mydaemon_health_state", "gauge", "Health after "
	    "hysteresis: 0 ok, 1 warning, 2 critical, 3 unknown.",
	    (uint64_t)health_clamp(si->health));
	metric_u64(b, "mydaemon_healthy", "gauge",
	    "1 when /health answers 200, else 0.",
	    (uint64_t)is_healthy(si));
	if (si->has_check)
		metrics_check(si, b);
}
