/*
 * test_status.c - the /status body byte for byte for a fixed snapshot,
 * what it makes of hostile bytes and numbers, and the growable buffer
 * every answer is built in.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "report/status.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * testlib.c's JSON checker, proved once here for every test that judges
 * its output with it: what it must accept and what it must refuse.
 */
static void
test_json_checker(void)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\"", "null",
		"{\"a\":[1,true,false,null,{\"b\":\"\\u00e9\\ud83d\\ude00\"}]}",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80 \\\" \\\\ \\/ \\n\"",
	};
	static const char *const bad[] = {
		"", "{\"a\":1,}", "[1,]", "[01]", "1.", ".5", "-", "+1",
		"nan", "NaN", "Infinity", "-inf", "{\"a\" 1}", "{a:1}",
		"[1]x", "\"abc", "\"\x01\"", "\"\xff\"", "\"\xc0\x80\"",
		"\"\xed\xa0\x80\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\x41\"",
		"\"\\u12\"", "[1 2]", "{\"a\":1}}", "tru",
	};
	size_t i;
	int good_ok = 1, bad_ok = 1;

	for (i = 0; i < NELEM(good); i++)
		if (!tl_json_valid(good[i], strlen(good[i]))) {
			good_ok = 0;
			printf("# rejected: %s\n", good[i]);
		}
	for (i = 0; i < NELEM(bad); i++)
		if (tl_json_valid(bad[i], strlen(bad[i]))) {
			bad_ok = 0;
			printf("# accepted: %s\n", bad[i]);
		}
	ok(good_ok, "the test's JSON checker accepts valid JSON");
	ok(bad_ok, "the test's JSON checker rejects invalid JSON");
}

/* ---- the fixed snapshot ---- */

enum { DISK, LOAD, WEB, NCHK };

static struct buf out;		/* reused by every render, as server.c does */
static struct check_status chk[NCHK];
static const struct check_status *chkp[NCHK];
static struct snapshot si;
static struct perf_item perf[2];
static struct check_history_entry ring[3];

#define DISK_OUTPUT	"DISK CRITICAL - / 97% | /=97%;90;95;0;100 " \
	"inodes=0.25\n"
#define LOAD_OUTPUT	"LOAD WARNING - load average 5.10\n"

/*
 * Three checks: disk critical with perfdata, load warning that does not
 * affect health and shows the previous command's result, web new since
 * a reload (pending, never ran); the host drained with a reason.
 */
static void
fixture(void)
{
	size_t i;

	memset(chk, 0, sizeof(chk));
	memset(perf, 0, sizeof(perf));
	perf[0].label = "/";
	perf[0].unit = "percent";
	perf[0].value = 97;
	perf[0].min = 0;
	perf[0].max = 100;
	perf[0].warn_high = 90;
	perf[0].crit_high = 95;
	perf[0].has = PERF_MIN | PERF_MAX | PERF_WARN_HIGH | PERF_CRIT_HIGH;
	perf[1].label = "inodes";
	perf[1].unit = "";
	perf[1].value = 0.25;

	chk[DISK].name = "disk";
	chk[DISK].command =
	    "/usr/lib/nagios/plugins/check_disk -w 10% -c 5% -p /";
	chk[DISK].affects_health = 1;
	chk[DISK].state = HEALTH_CRITICAL;
	chk[DISK].text = "DISK CRITICAL - / 97%";
	chk[DISK].ran = 1;
	chk[DISK].result = HEALTH_CRITICAL;
	chk[DISK].exit_code = 2;
	chk[DISK].output = DISK_OUTPUT;
	chk[DISK].output_len = sizeof(DISK_OUTPUT) - 1;
	chk[DISK].perf = perf;
	chk[DISK].nperf = 2;
	chk[DISK].started = 1700000120.125;
	chk[DISK].duration = 0.042;
	chk[DISK].runs = 12;
	chk[DISK].timeouts = 1;
	chk[DISK].skipped = 2;
	/* two results in a ring of three, the oldest at its end */
	check_history_pack(&(struct check_history_result){ 1700000110.9,
	    HEALTH_OK, 0.012, 0 }, &ring[2]);
	check_history_pack(&(struct check_history_result){ 1700000120.1,
	    HEALTH_CRITICAL, 5, -1 }, &ring[0]);
	chk[DISK].history.v = ring;
	chk[DISK].history.cap = 3;
	chk[DISK].history.n = 2;
	chk[DISK].history.first = 2;

	chk[LOAD].name = "load";
	chk[LOAD].command = "/usr/lib/nagios/plugins/check_load -w 5 -c 10";
	chk[LOAD].previous = 1;
	chk[LOAD].state = HEALTH_WARNING;
	chk[LOAD].text = "LOAD WARNING - load average 5.10";
	chk[LOAD].ran = 1;
	chk[LOAD].result = HEALTH_WARNING;
	chk[LOAD].exit_code = 1;
	chk[LOAD].output = LOAD_OUTPUT;
	chk[LOAD].output_len = sizeof(LOAD_OUTPUT) - 1;
	chk[LOAD].started = 1700000110.5;
	chk[LOAD].duration = 1.5;
	chk[LOAD].runs = 3;

	chk[WEB].name = "web";
	chk[WEB].command = "/usr/lib/nagios/plugins/check_http -H localhost";
	chk[WEB].affects_health = 1;
	chk[WEB].pending = 1;
	chk[WEB].state = HEALTH_UNKNOWN;
	chk[WEB].text = "no check result yet";
	chk[WEB].exit_code = -1;

	for (i = 0; i < NCHK; i++)
		chkp[i] = &chk[i];
	memset(&si, 0, sizeof(si));
	si.version = "1.5.0";
	si.host = "web1.example.org";
	si.pid = 4242;
	si.start_time = 1700000000.25;
	si.now = 1700000123.5;
	si.config_file = "/etc/mydaemon.conf";
	si.generation = 3;
	si.maint_drain = 1;
	si.maint_since = 1700000100.5;
	si.maint_reason = "rolling upgrade";
	si.checks = chkp;
	si.nchecks = NCHK;
	si.names_in_text = 1;
	si.health_details = 1;
	si.checks_running = 1;
	si.reloads_ok = 2;
	si.reloads_failed = 1;
	si.log_reopens = 4;
	si.log_reopen_failed = 1;
	si.log_dropped = 9;
	si.connections = 2;
	si.requests = 315;
}

static const char *
render(void)
{
	buf_reset(&out);
	status_json(&si, &out);
	return out.failed ? NULL : out.data;
}

/* The last render is one line of valid JSON. */
static int
one_json_line(void)
{
	return out.data != NULL && !out.failed && out.len > 0 &&
	    memchr(out.data, '\n', out.len) == out.data + out.len - 1 &&
	    tl_json_valid(out.data, out.len - 1);
}

#define HEAD \
	"{\"name\":\"mydaemon\",\"version\":\"1.5.0\",\"pid\":4242," \
	"\"host\":\"web1.example.org\",\"uptime_seconds\":123.250," \
	"\"start_time\":1700000000.250," \
	"\"config_file\":\"/etc/mydaemon.conf\",\"config_generation\":3,"
#define J_DISK \
	"{\"name\":\"disk\",\"command\":" \
	"\"/usr/lib/nagios/plugins/check_disk -w 10% -c 5% -p /\"," \
	"\"affects_health\":true,\"state\":\"critical\",\"pending\":false," \
	"\"waiting_for\":null," \
	"\"previous_command\":false,\"ran\":true,\"exit_code\":2," \
	"\"result\":\"critical\",\"output\":\"DISK CRITICAL - / 97% | " \
	"/=97%;90;95;0;100 inodes=0.25\\n\",\"perfdata\":[" \
	"{\"label\":\"/\",\"value\":97,\"unit\":\"percent\",\"min\":0," \
	"\"max\":100,\"warning_high\":90,\"critical_high\":95}," \
	"{\"label\":\"inodes\",\"value\":0.25,\"unit\":\"\"}]," \
	"\"started\":1700000120.125,\"duration_seconds\":0.042," \
	"\"runs\":12,\"timeouts\":1,\"skipped\":2,\"history\":[" \
	"{\"time\":1700000110,\"state\":\"ok\",\"duration\":0.012," \
	"\"exit_code\":0},{\"time\":1700000120,\"state\":\"critical\"," \
	"\"duration\":5.000,\"exit_code\":null}]}"
#define J_LOAD \
	"{\"name\":\"load\",\"command\":" \
	"\"/usr/lib/nagios/plugins/check_load -w 5 -c 10\"," \
	"\"affects_health\":false,\"state\":\"warning\",\"pending\":false," \
	"\"waiting_for\":null," \
	"\"previous_command\":true,\"ran\":true,\"exit_code\":1," \
	"\"result\":\"warning\"," \
	"\"output\":\"LOAD WARNING - load average 5.10\\n\"," \
	"\"perfdata\":[],\"started\":1700000110.500," \
	"\"duration_seconds\":1.500,\"runs\":3,\"timeouts\":0,\"skipped\":0," \
	"\"history\":[]}"
#define J_WEB \
	"{\"name\":\"web\",\"command\":" \
	"\"/usr/lib/nagios/plugins/check_http -H localhost\"," \
	"\"affects_health\":true,\"state\":\"unknown\",\"pending\":true," \
	"\"waiting_for\":null," \
	"\"previous_command\":false,\"ran\":false,\"exit_code\":null," \
	"\"result\":null,\"output\":null,\"perfdata\":[],\"started\":null," \
	"\"duration_seconds\":null,\"runs\":0,\"timeouts\":0,\"skipped\":0," \
	"\"history\":[]}"
#define TAIL(running) \
	",\"checks_running\":" running ",\"reloads\":{\"ok\":2,\"failed\":1}," \
	"\"log\":{\"reopens\":4,\"reopen_failures\":1,\"dropped_lines\":9}," \
	"\"connections\":2,\"requests\":315}\n"

static void
test_exact(void)
{
	fixture();
	is_str(render(), HEAD
	    "\"health\":\"maintenance\",\"health_text\":null,"
	    "\"checks_health\":\"critical\",\"maintenance\":{\"active\":true,"
	    "\"source\":\"drain\",\"since\":1700000100.500,\"until\":null,"
	    "\"reason\":\"rolling upgrade\"},"
	    "\"drains\":[],\"shutting_down\":false,"
	    "\"checks\":[" J_DISK "," J_LOAD "," J_WEB "],\"check\":null"
	    TAIL("1"), "three checks, drained with a reason");
	ok(one_json_line(), "... one line of valid JSON");

	si.maint_drain = 0;
	is_str(render(), HEAD
	    "\"health\":\"critical\","
	    "\"health_text\":\"disk: DISK CRITICAL - / 97%\","
	    "\"checks_health\":\"critical\",\"maintenance\":{\"active\":false,"
	    "\"source\":null,\"since\":null,\"until\":null,"
	    "\"reason\":\"rolling upgrade\"},"
	    "\"drains\":[],\"shutting_down\":false,"
	    "\"checks\":[" J_DISK "," J_LOAD "," J_WEB "],\"check\":null"
	    TAIL("1"), "the same out of maintenance");
	ok(one_json_line(), "... one line of valid JSON");

	si.nchecks = 0;
	si.maint_reason = NULL;
	si.checks_running = 0;
	is_str(render(), HEAD
	    "\"health\":\"ok\",\"health_text\":null,\"checks_health\":\"ok\","
	    "\"maintenance\":{\"active\":false,\"source\":null,"
	    "\"since\":null,\"until\":null,\"reason\":null},"
	    "\"drains\":[],\"shutting_down\":false,\"checks\":[],"
	    "\"check\":null" TAIL("0"),
	    "no check at all");
	ok(one_json_line(), "... one line of valid JSON");
}

/* The text between two keys of the last render. */
static const char *
json_between(const char *from, const char *to)
{
	static char between[4096];
	const char *s, *e;

	if (out.data == NULL || (s = strstr(out.data, from)) == NULL)
		return NULL;
	s += strlen(from);
	if ((e = strstr(s, to)) == NULL ||
	    (size_t)(e - s) >= sizeof(between))
		return NULL;
	memcpy(between, s, (size_t)(e - s));
	between[e - s] = '\0';
	return between;
}

static void
test_maintenance(void)
{
	static const struct {
		int		 config, drain;
		double		 since;
		const char	*reason, *want;
	} m[] = {
		{ 1, 0, 1700000100.5, NULL, "{\"active\":true,\"source\":"
		    "\"config\",\"since\":1700000100.500,\"until\":null,"
		    "\"reason\":null}" },
		{ 1, 1, 1700000100.5, "both", "{\"active\":true,\"source\":"
		    "\"config+drain\",\"since\":1700000100.500,\"until\":null,"
		    "\"reason\":\"both\"}" },
		{ 0, 1, 0, "r", "{\"active\":true,\"source\":\"drain\","
		    "\"since\":null,\"until\":null,\"reason\":\"r\"}" },
		{ 0, 0, 1700000100.5, NULL, "{\"active\":false,"
		    "\"source\":null,\"since\":null,\"until\":null,"
		    "\"reason\":null}" },
	};
	size_t i;

	for (i = 0; i < NELEM(m); i++) {
		fixture();
		si.maint_config = m[i].config;
		si.maint_drain = m[i].drain;
		si.maint_since = m[i].since;
		si.maint_reason = m[i].reason;
		render();
		is_str(json_between("\"maintenance\":", ",\"drains\":["),
		    m[i].want, "maintenance: config %d, drain %d, since %.1f",
		    m[i].config, m[i].drain, m[i].since);
		is_str(json_between("\"health\":", ",\"health_text\""),
		    m[i].config || m[i].drain ? "\"maintenance\"" :
		    "\"critical\"", "... and the health it gives");
	}
}

/* The entry of the check "main" is shown again as "check". */
static void
test_main_check(void)
{
	char entry[4096];
	const char *e;

	fixture();
	chk[LOAD].name = "main";
	render();
	e = json_between("},{\"name\":\"main\"", "},{\"name\":\"web\"");
	snprintf(entry, sizeof(entry), "{\"name\":\"main\"%s}",
	    e != NULL ? e : "?");
	is_str(json_between(",\"check\":", ",\"checks_running\""), entry,
	    "\"check\" repeats the entry of the check main");
	ok(one_json_line(), "... one line of valid JSON");
}

static void
test_nulls(void)
{
	fixture();
	si.version = NULL;
	si.host = NULL;
	si.config_file = NULL;
	chk[DISK].command = NULL;
	chk[DISK].output = NULL;
	chk[DISK].output_len = 5;
	render();
	is_str(json_between("\"version\":", ",\"pid\""), "null",
	    "NULL version is null");
	is_str(json_between("\"host\":", ",\"uptime_seconds\""), "null",
	    "NULL host is null");
	is_str(json_between("\"config_file\":", ",\"config_generation\""),
	    "null", "NULL config_file is null");
	is_str(json_between("\"disk\",\"command\":", ",\"affects_health\""),
	    "null", "NULL command is null");
	is_str(json_between("\"critical\",\"output\":", ",\"perfdata\""),
	    "null", "NULL output is null, whatever its length");
	ok(one_json_line(), "... one line of valid JSON");
	fixture();
	chk[DISK].exit_code = -1;
	chk[DISK].result = HEALTH_UNKNOWN;
	render();
	is_str(json_between("\"exit_code\":", ",\"output\""),
	    "null,\"result\":\"unknown\"", "exit code -1 is null");
	chk[DISK].result = (enum health_state)17;
	chk[DISK].state = (enum health_state)-2;
	render();
	is_str(json_between("\"disk\",\"command\"", "\"started\""),
	    ":\"/usr/lib/nagios/plugins/check_disk -w 10% -c 5% -p /\","
	    "\"affects_health\":true,\"state\":\"unknown\",\"pending\":false,"
	    "\"waiting_for\":null,"
	    "\"previous_command\":false,\"ran\":true,\"exit_code\":null,"
	    "\"result\":\"unknown\",\"output\":\"DISK CRITICAL - / 97% | "
	    "/=97%;90;95;0;100 inodes=0.25\\n\",\"perfdata\":[{\"label\":"
	    "\"/\",\"value\":97,\"unit\":\"percent\",\"min\":0,\"max\":100,"
	    "\"warning_high\":90,\"critical_high\":95},{\"label\":\"inodes\","
	    "\"value\":0.25,\"unit\":\"\"}],",
	    "states out of range are unknown");
	is_str(json_between("\"checks_health\":", ",\"maintenance\""),
	    "\"unknown\"", "... in the verdict too");
}

/* ---- numbers: no NaN, no inf, no negative uptime ---- */

static int
no_nan_inf(void)
{
	static const char *const bad[] = { ":nan", ":-nan", ":inf", ":-inf",
	    ":NaN", ":Inf", "e+308", ":1.#" };
	size_t i;

	if (out.data == NULL)
		return 0;
	for (i = 0; i < NELEM(bad); i++)
		if (strstr(out.data, bad[i]) != NULL)
			return 0;
	return one_json_line();
}

static void
test_numbers(void)
{
	fixture();
	si.now = si.start_time - 30;
	chk[DISK].duration = NAN;
	chk[DISK].started = INFINITY;
	render();
	is_str(json_between("\"uptime_seconds\":", ",\"start_time\""),
	    "0.000", "a clock stepped back gives uptime 0, not negative");
	is_str(json_between("\"started\":", ",\"runs\""),
	    "0.000,\"duration_seconds\":0.000", "inf and NaN render as 0");
	ok(no_nan_inf(), "... and never as nan or inf");

	si.start_time = -1.5;
	si.now = NAN;
	chk[DISK].duration = 0.9996;
	chk[DISK].started = -0.0001;
	render();
	is_str(json_between("\"uptime_seconds\":", ",\"config_file\""),
	    "0.000,\"start_time\":-1.500", "negative start time, NaN now");
	is_str(json_between("\"started\":", ",\"runs\""),
	    "0.000,\"duration_seconds\":1.000",
	    "rounding carries and never gives -0.000");
	si.start_time = INFINITY;
	si.now = INFINITY;
	si.maint_since = NAN;
	render();
	is_str(json_between("\"uptime_seconds\":", ",\"config_file\""),
	    "0.000,\"start_time\":0.000", "inf start and now");
	is_str(json_between("\"since\":", ",\"until\""), "null",
	    "a NaN maintenance start is null");
	si.start_time = 0;
	si.now = 1e30;
	si.maint_since = -INFINITY;
	render();
	is_str(json_between("\"uptime_seconds\":", ",\"config_file\""),
	    "10000000000000000000.000,\"start_time\":0.000",
	    "an absurd uptime is clamped, still a number");
	is_str(json_between("\"since\":", ",\"until\""), "null",
	    "a -inf maintenance start is null");
	ok(no_nan_inf(), "... no nan or inf");

	fixture();
	perf[0].value = NAN;
	perf[0].min = -INFINITY;
	perf[0].max = INFINITY;
	perf[0].warn_high = -0.0;
	perf[0].crit_high = 1e-7;
	perf[1].value = -2.5e-300;
	render();
	is_str(json_between("\"perfdata\":[", "]"),
	    "{\"label\":\"/\",\"value\":0,\"unit\":\"percent\",\"min\":0,"
	    "\"max\":0,\"warning_high\":0,\"critical_high\":1e-07},"
	    "{\"label\":\"inodes\",\"value\":-2.5e-300,\"unit\":\"\"}",
	    "perfdata: NaN and inf as 0, no -0, exponents JSON allows");
	ok(no_nan_inf(), "... no nan or inf");

	{
		perf[1].value = 1e300;
		render();
		is_str(json_between("\"inodes\",\"value\":", ",\"unit\""),
		    "1e+300", "a perfdata value of 1e300");
	}
}

/* ---- bytes: escapes, UTF-8, anything at all ---- */

/* Render n bytes as disk's output and compare the JSON string. */
static void
output_is(const char *in, size_t n, const char *want, const char *what)
{
	fixture();
	chk[DISK].output = in;
	chk[DISK].output_len = n;
	render();
	is_str(json_between("\"critical\",\"output\":", ",\"perfdata\""),
	    want, "%s", what);
}

#define OUTPUT_IS(lit, want, what)	\
	output_is(lit, sizeof(lit) - 1, want, what)

static void
test_escapes(void)
{
	char in[2], want[16], what[32];
	int c;

	OUTPUT_IS("say \"hi\"", "\"say \\\"hi\\\"\"", "quote");
	OUTPUT_IS("a\\b", "\"a\\\\b\"", "backslash");
	OUTPUT_IS("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"", "short escapes");
	OUTPUT_IS("\177", "\"\\u007f\"", "DEL");
	OUTPUT_IS("a\0b", "\"a\\u0000b\"", "NUL inside the output");
	OUTPUT_IS("", "\"\"", "empty output");
	OUTPUT_IS("</script>", "\"</script>\"", "'/' needs no escape");
	output_is("abc", 0, "\"\"", "length 0 wins over the bytes");
	output_is("abcdef", 3, "\"abc\"", "only output_len bytes");
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
test_utf8(void)
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
	    "output_len cuts a sequence: no read past it");
}

/* Every string of the snapshot set to s (n bytes where a length goes). */
static void
hostile(const char *s, size_t n)
{
	size_t i;

	fixture();
	si.version = si.host = si.config_file = si.maint_reason = s;
	for (i = 0; i < NCHK; i++) {
		chk[i].command = chk[i].text = s;
		chk[i].output = s;
		chk[i].output_len = n;
	}
	perf[0].label = perf[0].unit = perf[1].label = s;
	si.maint_drain = (int)(n & 1);
}

static void
test_any_byte(void)
{
	char s[8];
	unsigned int seed = 12345;
	int c, good = 1, k;
	size_t n, i;

	for (c = 0; c < 256; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'b';
		s[3] = '\0';
		hostile(s + 1, 1);
		render();
		good &= one_json_line();
		hostile(s, c == 0 ? 3 : strlen(s));
		render();
		good &= one_json_line();
		if (!good) {
			printf("# byte 0x%02x\n", c);
			break;
		}
	}
	ok(good, "each byte 0x00-0xff in every string: valid JSON, one line");

	/* Random bytes, weighted to the ones that matter. */
	for (k = 0; k < 3000 && good; k++) {
		static const unsigned char pick[] = { '"', '\\', '\n', '\r',
		    0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0,
		    0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 'a', ' ', '|', '/' };
		char r[65];

		seed = seed * 1103515245 + 12345;
		n = (seed >> 16) % (sizeof(r) - 1);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			r[i] = (char)pick[(seed >> 16) % sizeof(pick)];
		}
		r[n] = '\0';		/* the C strings end at the first NUL */
		hostile(r, n);
		render();
		if (!one_json_line()) {
			good = 0;
			printf("# random case %d\n", k);
		}
	}
	ok(good, "3000 random byte strings everywhere: valid JSON, one line");
}

/* ---- the buffer ---- */

static void
test_buf(void)
{
	struct buf b = { 0 };
	char chunk[100], big[5001];
	char *data;
	int i, good = 1;

	buf_reset(&b);
	ok(b.len == 0 && b.data == NULL && !b.failed,
	    "reset of an empty buffer is fine");
	buf_append(&b, NULL, 0);
	ok(b.len == 0 && !b.failed, "appending nothing is fine");
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 100; i++)
		buf_append(&b, chunk, sizeof(chunk));
	ok(b.len == 10000 && b.cap > b.len && !b.failed,
	    "grows past 10000 bytes (cap %zu)", b.cap);
	for (i = 0; i < 10000; i++)
		good &= b.data[i] == 'x';
	ok(good && b.data[b.len] == '\0', "content kept and NUL-terminated");
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "[%s]", big);
	ok(b.len == 15002 && b.data[10000] == '[' && b.data[15001] == ']' &&
	    b.data[15002] == '\0', "printf longer than the room left");
	data = b.data;
	buf_reset(&b);
	ok(b.len == 0 && b.data == data && b.cap >= 15003 &&
	    b.data[0] == '\0', "reset keeps the memory");
	buf_printf(&b, "%d-%s", 42, "z");
	buf_putc(&b, '!');
	buf_puts(&b, "?");
	is_str(b.data, "42-z!?", "reuse after reset");
	buf_append(&b, "abc", SIZE_MAX - 2);
	ok(b.failed && b.len == 6, "an impossible size fails, data kept");
	buf_printf(&b, "more");
	buf_putc(&b, 'x');
	buf_u64(&b, 7);
	ok(b.len == 6, "nothing is appended once failed");
	buf_reset(&b);
	ok(!b.failed && b.len == 0, "reset clears the failure");
	buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0 && !b.failed,
	    "free empties");
	buf_putc(&b, 'q');
	is_str(b.data, "q", "usable again after free");
	buf_free(&b);
}

static const char *
fmt(void (*f)(struct buf *, double, int), double x, int digits)
{
	buf_reset(&out);
	f(&out, x, digits);
	return out.failed ? NULL : out.data;
}

static void
buf_double_2(struct buf *b, double x, int digits)
{
	(void)digits;
	buf_double(b, x);
}

/* The whole range of the integer formatters. */
static void
test_integers(void)
{
	static const int64_t i64[] = { INT64_MIN, -1, 0, INT64_MAX };
	static const char *const want[] = { "-9223372036854775808", "-1", "0",
	    "9223372036854775807" };
	size_t i;

	buf_reset(&out);
	buf_u64(&out, 0);
	buf_putc(&out, ' ');
	buf_u64(&out, UINT64_MAX);
	is_str(out.data, "0 18446744073709551615", "buf_u64: 0, UINT64_MAX");
	for (i = 0; i < NELEM(i64); i++) {
		buf_reset(&out);
		buf_i64(&out, i64[i]);
		is_str(out.data, want[i], "buf_i64(%s)", want[i]);
	}
}

static void
test_numbers_buf(void)
{
	static const struct {
		double		 x;
		int		 digits;
		const char	*want;
	} fixed[] = {
		{ 0, 3, "0.000" }, { 1.5, 3, "1.500" }, { 0.0005, 3, "0.001" },
		{ 0.9996, 3, "1.000" }, { -0.0001, 3, "0.000" },
		{ -2.25, 1, "-2.3" },	/* halves away from zero */
		{ 1700000120.125, 6, "1700000120.125000" },
		{ 0.1, 9, "0.100000000" }, { NAN, 3, "0.000" },
		{ INFINITY, 3, "0.000" }, { -INFINITY, 6, "0.000000" },
		{ 1e30, 3, "10000000000000000000.000" },
		{ -1e30, 3, "-10000000000000000000.000" },
		{ 2.5, 0, "2.500" }, { 2.5, 10, "2.500" },
	}, dbl[] = {
		{ 0, 0, "0" }, { -0.0, 0, "0" }, { 0.5, 0, "0.5" },
		{ -3, 0, "-3" }, { 0.1, 0, "0.1" }, { 97, 0, "97" },
		{ 1.0 / 3, 0, "0.3333333333333333" },
		{ 1e15, 0, "1e+15" }, { 123456789012345, 0, "123456789012345" },
		{ 9007199254740993.0, 0, "9007199254740992" },
		{ 1e-7, 0, "1e-07" }, { NAN, 0, "0" }, { -INFINITY, 0, "0" },
		{ 5e18, 0, "5e+18" },
	};
	size_t i;

	for (i = 0; i < NELEM(fixed); i++)
		is_str(fmt(buf_fixed, fixed[i].x, fixed[i].digits),
		    fixed[i].want, "buf_fixed(%g, %d)", fixed[i].x,
		    fixed[i].digits);
	for (i = 0; i < NELEM(dbl); i++)
		is_str(fmt(buf_double_2, dbl[i].x, 0), dbl[i].want,
		    "buf_double(%.17g)", dbl[i].x);
	{
		is_str(fmt(buf_double_2, 1e21, 0), "1e+21",
		    "buf_double(1e21), the example of buf.h");
		is_str(fmt(buf_double_2, 1e300, 0), "1e+300",
		    "buf_double(1e300)");
		is_str(fmt(buf_double_2, -9.3e18, 0), "-9.3e+18",
		    "buf_double(-9.3e18)");
	}
}

/* SPEC 21: a check's drain is listed, and leaves the host's alone. */
static void
test_check_drains(void)
{
	static const struct snapshot_drain d[] = {
		{ "web", 1700000100.5, 1700000160, "deploy" },
	};

	fixture();
	si.maint_drain = 0;
	si.drains = d;
	si.ndrains = 1;
	render();
	is_str(json_between("\"drains\":", ",\"shutting_down\""),
	    "[{\"check\":\"web\",\"source\":\"drain\","
	    "\"since\":1700000100.500,\"until\":1700000160.000,"
	    "\"reason\":\"deploy\"}]", "a check's drain: since, until, why");
	is_str(json_between("\"health\":", ",\"health_text\""),
	    "\"critical\"", "the host's /health is not drained by it");
	si.shutting_down = 1;
	render();
	is_str(json_between("\"health\":", ",\"health_text\""),
	    "\"shutting down\"", "a shutdown drain says so");
	si.shutting_down = 0;
	si.drains = NULL;
	si.ndrains = 0;
}

int
main(void)
{
	test_json_checker();
	test_exact();
	test_check_drains();
	test_maintenance();
	test_main_check();
	test_nulls();
	test_numbers();
	test_escapes();
	test_utf8();
	test_any_byte();
	test_buf();
	test_numbers_buf();
	test_integers();
	buf_free(&out);
	return done_testing();
}
