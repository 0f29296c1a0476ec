/*
 * test_status.c - /health, /status and /metrics bodies, byte for byte,
 * and the output buffer they grow.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "tap.h"

static struct status_buf out;	/* reused by every render, as server.c does */

/* A fixed snapshot: no check, every counter different. */
static struct status_info
base(void)
{
	struct status_info si;
	int i;

	memset(&si, 0, sizeof(si));
	si.version = "1.4.0";
	si.pid = 4242;
	si.start_time = 1700000000.25;
	si.now = 1700000123.5;
	si.config_file = "/etc/mydaemon.conf";
	si.generation = 3;
	si.health = HEALTH_OK;
	si.reloads_ok = 2;
	si.reloads_failed = 1;
	si.log_reopens = 4;
	si.log_reopen_failed = 1;
	si.log_dropped = 9;
	si.connections = 2;
	si.requests = 315;
	for (i = 0; i < STATUS_NCODES; i++)
		si.requests_by_code[i] = (uint64_t)i * 7;
	return si;
}

/* The same with a check that ran and warned. */
static struct status_info
with_check(void)
{
	static const char output[] =
	    "DISK WARNING - 85% used | /=85%;80;90\nsecond line\n";
	struct status_info si = base();

	si.maintenance = 1;
	si.health = HEALTH_WARNING;
	si.health_text = "DISK WARNING - 85% used";
	si.has_check = 1;
	si.check_ran = 1;
	si.check_command = "/usr/lib/nagios/plugins/check_disk -w 20% -p /";
	si.check_exit_code = 1;
	si.check_result = HEALTH_WARNING;
	si.check_output = output;
	si.check_output_len = sizeof(output) - 1;
	si.check_started = 1700000120.125;
	si.check_duration = 0.042;
	si.check_runs = 12;
	si.check_timeouts = 1;
	si.check_skipped = 0;
	return si;
}

static const char *
render(void (*fn)(const struct status_info *, struct status_buf *),
    const struct status_info *si)
{
	status_buf_reset(&out);
	fn(si, &out);
	return out.failed ? NULL : out.data;
}

static void
health_is(const struct status_info *si, int code, const char *body,
    const char *what)
{
	int got;

	status_buf_reset(&out);
	got = status_health(si, &out);
	ok(got == code, "%s: status %d (got %d)", what, code, got);
	is_str(out.data, body, "%s: body", what);
}

static void
health_text_is(enum health_state h, const char *text, const char *body,
    const char *what)
{
	struct status_info si = base();

	si.health = h;
	si.health_text = text;
	health_is(&si, h == HEALTH_OK || h == HEALTH_WARNING ? 200 : 503,
	    body, what);
}

static void
test_health(void)
{
	health_text_is(HEALTH_OK, NULL, "ok\n", "ok");
	health_text_is(HEALTH_OK, "all fine", "ok\n", "ok never shows text");
	health_text_is(HEALTH_WARNING, "disk 85%", "warning: disk 85%\n",
	    "warning");
	health_text_is(HEALTH_CRITICAL, "disk full", "critical: disk full\n",
	    "critical");
	health_text_is(HEALTH_UNKNOWN, "no check result yet",
	    "unknown: no check result yet\n", "unknown");
	health_text_is(HEALTH_CRITICAL, NULL, "critical\n", "NULL text");
	health_text_is(HEALTH_WARNING, "", "warning\n", "empty text");
	health_text_is(HEALTH_UNKNOWN, "   ", "unknown\n", "blank text");
	health_text_is((enum health_state)42, "x", "unknown: x\n",
	    "a state out of range is unknown");
	health_text_is(HEALTH_CRITICAL, "a\tb\001c\177d\033[0m",
	    "critical: a?b?c?d?[0m\n", "control bytes become '?'");
	health_text_is(HEALTH_WARNING, "DISK OK - 50% free | /=50%;80;90",
	    "warning: DISK OK - 50% free\n", "performance data is cut");
	health_text_is(HEALTH_CRITICAL, "|only=perf", "critical\n",
	    "nothing but performance data");
	health_text_is(HEALTH_CRITICAL, "first\nsecond", "critical: first\n",
	    "only the first line");
	health_text_is(HEALTH_CRITICAL, "crlf  \r\nnext", "critical: crlf\n",
	    "trailing blanks and CR are trimmed");
	health_text_is(HEALTH_WARNING, "caf\xc3\xa9 \xe2\x82\xac",
	    "warning: caf\xc3\xa9 \xe2\x82\xac\n", "UTF-8 passes through");
}

static void
test_health_edges(void)
{
	struct status_info si = base();
	char text[512], want[512];

	memset(text, 'a', 300);
	text[300] = '\0';
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	health_text_is(HEALTH_CRITICAL, text, want, "long text cut at 200");
	memcpy(text + 199, "\xc3\xa9", 2);
	snprintf(want, sizeof(want), "critical: %.199s\n", text);
	health_text_is(HEALTH_CRITICAL, text, want,
	    "the cut does not split a character");
	memset(text, 'a', 195);
	memcpy(text + 195, "          b", 12);
	snprintf(want, sizeof(want), "critical: %.195s\n", text);
	health_text_is(HEALTH_CRITICAL, text, want,
	    "blanks before the cut are trimmed");
	text[200] = '\0';
	memset(text, 'c', 200);
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	health_text_is(HEALTH_CRITICAL, text, want, "200 bytes are kept whole");

	/* Maintenance wins over any check state. */
	si.maintenance = 1;
	health_is(&si, 503, "maintenance\n", "maintenance over ok");
	si.health = HEALTH_WARNING;
	si.health_text = "w";
	health_is(&si, 503, "maintenance\n", "maintenance over warning");
	si.health = HEALTH_CRITICAL;
	health_is(&si, 503, "maintenance\n", "maintenance over critical");
}

static void
test_names(void)
{
	static const int codes[STATUS_NCODES] = STATUS_CODES;
	int i;

	is_str(status_health_name(HEALTH_OK), "ok", "name of OK");
	is_str(status_health_name(HEALTH_WARNING), "warning",
	    "name of WARNING");
	is_str(status_health_name(HEALTH_CRITICAL), "critical",
	    "name of CRITICAL");
	is_str(status_health_name(HEALTH_UNKNOWN), "unknown",
	    "name of UNKNOWN");
	is_str(status_health_name((enum health_state)-1), "unknown",
	    "name of a state out of range");
	for (i = 0; i < STATUS_NCODES; i++)
		ok(status_code_index(codes[i]) == i, "index of %d is %d",
		    codes[i], i);
	ok(status_code_index(201) == -1 && status_code_index(0) == -1 &&
	    status_code_index(-1) == -1, "codes not counted have no index");
}

static void
test_json_exact(void)
{
	struct status_info si = base();

	is_str(render(status_json, &si),
	    "{\"name\":\"mydaemon\",\"version\":\"1.4.0\",\"pid\":4242,"
	    "\"uptime_seconds\":123.250,\"start_time\":1700000000.250,"
	    "\"config_file\":\"/etc/mydaemon.conf\",\"config_generation\":3,"
	    "\"health\":\"ok\",\"health_text\":null,\"maintenance\":false,"
	    "\"check\":null,\"reloads\":{\"ok\":2,\"failed\":1},"
	    "\"log\":{\"reopens\":4,\"reopen_failures\":1,"
	    "\"dropped_lines\":9},\"connections\":2,\"requests\":315}\n",
	    "JSON without a check");
	si = with_check();
	is_str(render(status_json, &si),
	    "{\"name\":\"mydaemon\",\"version\":\"1.4.0\",\"pid\":4242,"
	    "\"uptime_seconds\":123.250,\"start_time\":1700000000.250,"
	    "\"config_file\":\"/etc/mydaemon.conf\",\"config_generation\":3,"
	    "\"health\":\"warning\","
	    "\"health_text\":\"DISK WARNING - 85% used\",\"maintenance\":true,"
	    "\"check\":{\"command\":"
	    "\"/usr/lib/nagios/plugins/check_disk -w 20% -p /\","
	    "\"ran\":true,\"exit_code\":1,\"result\":\"warning\","
	    "\"output\":\"DISK WARNING - 85% used | /=85%;80;90\\n"
	    "second line\\n\",\"started\":1700000120.125,"
	    "\"duration_seconds\":0.042,\"runs\":12,\"timeouts\":1,"
	    "\"skipped\":0},\"reloads\":{\"ok\":2,\"failed\":1},"
	    "\"log\":{\"reopens\":4,\"reopen_failures\":1,"
	    "\"dropped_lines\":9},\"connections\":2,\"requests\":315}\n",
	    "JSON with a check");
}

/* The text between two keys of the last JSON render. */
static const char *
json_between(const char *from, const char *to)
{
	static char buf[2048];
	const char *s, *e;

	if (out.data == NULL || (s = strstr(out.data, from)) == NULL)
		return NULL;
	s += strlen(from);
	if ((e = strstr(s, to)) == NULL || (size_t)(e - s) >= sizeof(buf))
		return NULL;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return buf;
}

static void
test_json_nulls(void)
{
	struct status_info si = with_check();

	si.check_ran = 0;
	si.check_output = NULL;
	render(status_json, &si);
	is_str(json_between("\"check\":", ",\"reloads\""),
	    "{\"command\":\"/usr/lib/nagios/plugins/check_disk -w 20% -p /\","
	    "\"ran\":false,\"exit_code\":null,\"result\":null,\"output\":null,"
	    "\"started\":null,\"duration_seconds\":null,\"runs\":12,"
	    "\"timeouts\":1,\"skipped\":0}", "a check not yet run is nulls");
	si = with_check();
	si.check_exit_code = -1;
	si.check_result = HEALTH_UNKNOWN;
	render(status_json, &si);
	is_str(json_between("\"exit_code\":", ",\"output\""),
	    "null,\"result\":\"unknown\"", "exit code -1 is null");
	si.version = NULL;
	si.config_file = NULL;
	si.health_text = NULL;
	si.check_command = NULL;
	render(status_json, &si);
	is_str(json_between("\"version\":", ",\"pid\""), "null",
	    "NULL version is null");
	is_str(json_between("\"config_file\":", ",\"config_generation\""),
	    "null", "NULL config_file is null");
	is_str(json_between("\"health_text\":", ",\"maintenance\""), "null",
	    "NULL health_text is null");
	is_str(json_between("\"command\":", ",\"ran\""), "null",
	    "NULL command is null");
}

static void
test_json_numbers(void)
{
	struct status_info si = with_check();

	si.now = si.start_time - 30;
	si.check_duration = NAN;
	si.check_started = INFINITY;
	render(status_json, &si);
	is_str(json_between("\"uptime_seconds\":", ",\"start_time\""),
	    "0.000", "a clock stepped back gives uptime 0");
	is_str(json_between("\"started\":", ",\"runs\""),
	    "0.000,\"duration_seconds\":0.000", "inf and NaN render as 0");
	si.start_time = -1.5;
	si.now = NAN;
	si.check_duration = 0.9996;
	si.check_started = -0.0001;
	render(status_json, &si);
	is_str(json_between("\"uptime_seconds\":", ",\"config_file\""),
	    "0.000,\"start_time\":-1.500", "negative start time, NaN now");
	is_str(json_between("\"started\":", ",\"runs\""),
	    "0.000,\"duration_seconds\":1.000",
	    "rounding carries and never gives -0.000");
	ok(strstr(out.data, ":nan") == NULL && strstr(out.data, ":-nan") ==
	    NULL && strstr(out.data, ":inf") == NULL &&
	    strstr(out.data, ":-inf") == NULL, "no nan or inf as a value");
}

/* Render n bytes as the check's output and compare the JSON string. */
static void
output_is(const char *in, size_t n, const char *want, const char *what)
{
	struct status_info si = with_check();

	si.check_output = in;
	si.check_output_len = n;
	render(status_json, &si);
	is_str(json_between("\"output\":", ",\"started\""), want, "%s", what);
}

#define OUTPUT_IS(lit, want, what)	\
	output_is(lit, sizeof(lit) - 1, want, what)

static void
test_json_escapes(void)
{
	char in[2], want[16], what[32];
	int c;

	OUTPUT_IS("say \"hi\"", "\"say \\\"hi\\\"\"", "quote");
	OUTPUT_IS("a\\b", "\"a\\\\b\"", "backslash");
	OUTPUT_IS("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"", "short escapes");
	OUTPUT_IS("\177", "\"\\u007f\"", "DEL");
	OUTPUT_IS("a\0b", "\"a\\u0000b\"", "NUL inside the output");
	OUTPUT_IS("", "\"\"", "empty output");
	output_is("abc", 0, "\"\"", "length 0 wins over the bytes");
	output_is("abcdef", 3, "\"abc\"", "only check_output_len bytes");
	for (c = 1; c < 0x20; c++) {
		if (c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
		    c == '\t')
			continue;
		in[0] = (char)c;
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		snprintf(what, sizeof(what), "control byte 0x%02x", c);
		output_is(in, 1, want, what);
	}
}

static void
test_json_utf8(void)
{
	OUTPUT_IS("caf\xc3\xa9", "\"caf\xc3\xa9\"", "2-byte UTF-8 kept");
	OUTPUT_IS("\xe2\x82\xac", "\"\xe2\x82\xac\"", "3-byte UTF-8 kept");
	OUTPUT_IS("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"",
	    "4-byte UTF-8 kept");
	OUTPUT_IS("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	    "\"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\"",
	    "U+D7FF, U+E000, U+FFFF, U+10FFFF kept");
	OUTPUT_IS("\xc0\x80", "\"\\ufffd\\ufffd\"", "overlong 2-byte NUL");
	OUTPUT_IS("\xc1\xbf", "\"\\ufffd\\ufffd\"", "overlong 2-byte");
	OUTPUT_IS("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"",
	    "overlong 3-byte");
	OUTPUT_IS("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "overlong 4-byte");
	OUTPUT_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	    "high surrogate U+D800");
	OUTPUT_IS("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"",
	    "low surrogate U+DFFF");
	OUTPUT_IS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "above U+10FFFF");
	OUTPUT_IS("\xf5\xff\xfe", "\"\\ufffd\\ufffd\\ufffd\"",
	    "bytes never in UTF-8");
	OUTPUT_IS("a\x80" "b", "\"a\\ufffdb\"", "a lone continuation byte");
	OUTPUT_IS("\xe2\x82" "A", "\"\\ufffd\\ufffdA\"",
	    "a sequence cut by ASCII");
	OUTPUT_IS("ok \xf0\x9f\x98", "\"ok \\ufffd\\ufffd\\ufffd\"",
	    "a sequence truncated at the end");
	OUTPUT_IS("\xc3", "\"\\ufffd\"", "a lone lead byte at the end");
	output_is("\xe2\x82\xac", 2, "\"\\ufffd\\ufffd\"",
	    "check_output_len cuts a sequence: no read past it");
}

/* Does `text` hold `line` as a whole line? */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; p != NULL && (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* A sample value must be a plain decimal number: no nan, no inf. */
static int
is_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && s[i] == '-')
		i++;
	for (; i < n && (s[i] >= '0' && s[i] <= '9'); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits > 0 && i == n;
}

/*
 * Parse our own exposition: every sample's family needs HELP and TYPE
 * before it, every value is a number, counters end in _total and
 * gauges do not.  Returns the number of problems.
 */
static int
lint_metrics(const char *text, int *nsamples)
{
	char name[128], want[160], type[16];
	const char *p, *eol, *sp;
	int bad = 0;
	size_t n;

	*nsamples = 0;
	for (p = text; *p != '\0'; p = eol + 1) {
		if ((eol = strchr(p, '\n')) == NULL)
			return bad + 1;		/* last line unterminated */
		if (sscanf(p, "# TYPE %127s %15s", name, type) == 2) {
			n = strlen(name);
			if ((strcmp(type, "counter") == 0) !=
			    (n > 6 && strcmp(name + n - 6, "_total") == 0))
				bad++;
			continue;
		}
		if (*p == '#')
			continue;
		(*nsamples)++;
		n = strcspn(p, "{ ");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		snprintf(want, sizeof(want), "# TYPE %s ", name);
		if (strstr(text, want) == NULL || strstr(text, want) > p)
			bad++;
		snprintf(want, sizeof(want), "# HELP %s ", name);
		if (strstr(text, want) == NULL || strstr(text, want) > p)
			bad++;
		for (sp = eol; sp > p && sp[-1] != ' '; sp--)
			;
		if (!is_number(sp, (size_t)(eol - sp)))
			bad++;
	}
	return bad;
}

static const char *const core_families[] = {
	"mydaemon_build_info", "process_start_time_seconds",
	"mydaemon_config_generation", "mydaemon_http_requests_total",
	"mydaemon_http_connections", "mydaemon_reloads_total",
	"mydaemon_log_reopens_total", "mydaemon_log_reopen_failures_total",
	"mydaemon_log_dropped_lines_total", "mydaemon_maintenance",
	"mydaemon_health_state", "mydaemon_healthy"
};
static const char *const check_families[] = {
	"mydaemon_check_result", "mydaemon_check_exit_code",
	"mydaemon_check_duration_seconds",
	"mydaemon_check_last_run_timestamp_seconds",
	"mydaemon_check_runs_total", "mydaemon_check_timeouts_total",
	"mydaemon_check_skipped_total"
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
has_family(const char *text, const char *name)
{
	char help[128], type[128];

	snprintf(help, sizeof(help), "# HELP %s ", name);
	snprintf(type, sizeof(type), "# TYPE %s ", name);
	return strstr(text, help) != NULL && strstr(text, type) != NULL;
}

static void
test_metrics_families(void)
{
	struct status_info si = base();
	const char *m;
	size_t i;
	int n;

	m = render(status_metrics, &si);
	ok(m != NULL && lint_metrics(m, &n) == 0 && n == 22,
	    "metrics without a check lint clean, 22 samples");
	for (i = 0; m != NULL && i < NELEM(core_families); i++)
		ok(has_family(m, core_families[i]), "family %s",
		    core_families[i]);
	ok(m != NULL && strstr(m, "mydaemon_check_") == NULL,
	    "no check families without a check");
	si = with_check();
	m = render(status_metrics, &si);
	ok(m != NULL && lint_metrics(m, &n) == 0 && n == 29,
	    "metrics with a check lint clean, 29 samples");
	for (i = 0; m != NULL && i < NELEM(check_families); i++)
		ok(has_family(m, check_families[i]), "family %s",
		    check_families[i]);
	si.check_ran = 0;
	m = render(status_metrics, &si);
	ok(m != NULL && lint_metrics(m, &n) == 0 && n == 25,
	    "a check not yet run: no result, code, duration or time samples");
	ok(m != NULL && has_family(m, "mydaemon_check_result") &&
	    !has_line(m, "mydaemon_check_result 0"),
	    "check_result keeps HELP and TYPE without a sample");
}

static void
test_metrics_values(void)
{
	struct status_info si = with_check();
	const char *m = render(status_metrics, &si);

	if (m == NULL)
		m = "";
	ok(has_line(m, "mydaemon_build_info{version=\"1.4.0\"} 1"),
	    "build_info sample");
	ok(has_line(m, "process_start_time_seconds 1700000000.250000"),
	    "process_start_time_seconds sample");
	ok(has_line(m, "mydaemon_http_requests_total{code=\"200\"} 0") &&
	    has_line(m, "mydaemon_http_requests_total{code=\"404\"} 14") &&
	    has_line(m, "mydaemon_http_requests_total{code=\"505\"} 63"),
	    "requests by code, 0 included");
	ok(has_line(m, "mydaemon_reloads_total{result=\"ok\"} 2") &&
	    has_line(m, "mydaemon_reloads_total{result=\"failed\"} 1"),
	    "reloads by result");
	ok(has_line(m, "mydaemon_maintenance 1") &&
	    has_line(m, "mydaemon_health_state 1") &&
	    has_line(m, "mydaemon_healthy 0"), "maintenance makes unhealthy");
	ok(has_line(m, "mydaemon_check_result 1") &&
	    has_line(m, "mydaemon_check_exit_code 1") &&
	    has_line(m, "mydaemon_check_duration_seconds 0.042000") &&
	    has_line(m, "mydaemon_check_last_run_timestamp_seconds "
	    "1700000120.125000") && has_line(m, "mydaemon_check_runs_total 12"),
	    "check samples");
	si.maintenance = 0;
	m = render(status_metrics, &si);
	ok(m != NULL && has_line(m, "mydaemon_healthy 1"),
	    "a warning is healthy");
	si.health = HEALTH_UNKNOWN;
	si.check_exit_code = -1;
	m = render(status_metrics, &si);
	ok(m != NULL && has_line(m, "mydaemon_health_state 3") &&
	    has_line(m, "mydaemon_healthy 0"), "unknown is unhealthy");
	ok(m != NULL && strstr(m, "\nmydaemon_check_exit_code ") == NULL,
	    "exit code -1 has no sample");
}

static void
test_metrics_odd(void)
{
	struct status_info si = with_check();
	const char *m;
	int n;

	si.version = "1.0\"beta\\2\nx";
	m = render(status_metrics, &si);
	ok(m != NULL && has_line(m,
	    "mydaemon_build_info{version=\"1.0\\\"beta\\\\2\\nx\"} 1"),
	    "label value escaping");
	si.version = "v\xff\xc0\x80";
	m = render(status_metrics, &si);
	ok(m != NULL && has_line(m, "mydaemon_build_info{version=\"v"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"} 1"),
	    "ill-formed UTF-8 in a label becomes U+FFFD");
	si.version = NULL;
	si.start_time = NAN;
	si.check_duration = -INFINITY;
	si.check_started = INFINITY;
	m = render(status_metrics, &si);
	ok(m != NULL && has_line(m, "mydaemon_build_info{version=\"\"} 1"),
	    "NULL version is an empty label");
	ok(m != NULL && lint_metrics(m, &n) == 0,
	    "NaN and inf become numbers");
	ok(m != NULL && has_line(m, "process_start_time_seconds 0.000000") &&
	    has_line(m, "mydaemon_check_duration_seconds 0.000000"),
	    "NaN and inf render as 0");
	memset(&si, 0, sizeof(si));
	si.has_check = 1;
	si.check_ran = 1;
	m = render(status_metrics, &si);
	ok(m != NULL && lint_metrics(m, &n) == 0 && n == 29,
	    "an all-zero snapshot lints clean");
}

static void
test_buf(void)
{
	struct status_buf b = { 0 };
	char chunk[100], big[5001];
	char *data;
	int i, good = 1;

	status_buf_append(&b, NULL, 0);
	ok(b.len == 0 && !b.failed, "appending nothing is fine");
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 100; i++)
		status_buf_append(&b, chunk, sizeof(chunk));
	ok(b.len == 10000 && b.cap > b.len && !b.failed,
	    "grows past 10000 bytes (cap %zu)", b.cap);
	for (i = 0; i < 10000; i++)
		good &= b.data[i] == 'x';
	ok(good && b.data[b.len] == '\0', "content kept and NUL-terminated");
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	status_buf_printf(&b, "[%s]", big);
	ok(b.len == 15002 && b.data[10000] == '[' && b.data[15001] == ']' &&
	    b.data[15002] == '\0', "printf longer than the room left");
	data = b.data;
	status_buf_reset(&b);
	ok(b.len == 0 && b.data == data && b.cap >= 15003,
	    "reset keeps the memory");
	status_buf_printf(&b, "%d-%s", 42, "z");
	is_str(b.data, "42-z", "reuse after reset");
	status_buf_append(&b, "abc", SIZE_MAX - 2);
	ok(b.failed && b.len == 4, "an impossible size fails, data kept");
	status_buf_printf(&b, "more");
	ok(b.len == 4, "nothing is appended once failed");
	status_buf_reset(&b);
	ok(!b.failed && b.len == 0, "reset clears the failure");
	status_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "free empties");
}

int
main(void)
{
	test_health();
	test_health_edges();
	test_names();
	test_json_exact();
	test_json_nulls();
	test_json_numbers();
	test_json_escapes();
	test_json_utf8();
	test_metrics_families();
	test_metrics_values();
	test_metrics_odd();
	test_buf();
	status_buf_free(&out);
	return done_testing();
}
