/*
 * test_status_page.c - the status page (SPEC 23) for fixed snapshots:
 * a row byte for byte, the states in words, what hostile output becomes
 * (escaped, valid UTF-8, cut), what health_details = no hides; the
 * escaping on its own; a check's history ring (wrap, resize, packing
 * limits); and which Accept prefers the page.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "checks/check_history.h"
#include "checks/health.h"
#include "http/http.h"
#include "report/html_text.h"
#include "report/status_page.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct buf out;

/* ---- escaping ---- */

static const char *
esc(const char *s, size_t n, size_t max)
{
	buf_reset(&out);
	html_text(&out, s, n, max);
	return out.failed ? NULL : out.data;
}

#define ESC(lit, max)	esc(lit, sizeof(lit) - 1, max)
#define FFFD		"\357\277\275"

static void
test_escape(void)
{
	char big[4096];
	size_t i, chars;

	is_str(ESC("<script>alert(1)</script>", 200),
	    "&lt;script&gt;alert(1)&lt;/script&gt;", "<script> is text");
	is_str(ESC("\"><img src=x onerror=alert(1)>", 200),
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
	    "an attribute cannot be ended");
	is_str(ESC("a&b 'c'", 200), "a&amp;b &#39;c&#39;", "& and '");
	is_str(ESC("x\377\376y", 200), "x" FFFD FFFD "y",
	    "invalid UTF-8: a U+FFFD a byte");
	is_str(ESC("\300\257\340\200\257", 200), FFFD FFFD FFFD FFFD FFFD,
	    "overlong sequences are not '/'");
	is_str(ESC("\355\240\200", 200), FFFD FFFD FFFD, "a surrogate");
	is_str(ESC("a\0b\033[31m\177", 200), "a" FFFD "b" FFFD "[31m" FFFD,
	    "NUL, ESC and DEL");
	is_str(ESC("\302\205\357\277\276 \ttab", 200), FFFD FFFD "  tab",
	    "C1 control and noncharacter; a tab is a blank");
	is_str(ESC("caf\303\251 \360\237\230\200", 200),
	    "caf\303\251 \360\237\230\200", "valid UTF-8 is kept");
	is_str(ESC("abcdef", 3), "abc" HTML_ELLIPSIS, "cut with an ellipsis");
	is_str(ESC("abc", 3), "abc", "no ellipsis when nothing is cut");
	memset(big, '<', sizeof(big));
	esc(big, sizeof(big), 200);
	for (i = 0, chars = 0; i + 4 <= out.len; i++)
		if (memcmp(out.data + i, "&lt;", 4) == 0)
			chars++;
	ok(chars == 200 && out.len == 200 * 4 + 3 &&
	    tl_valid_utf8(out.data, out.len), "a 4 KiB line: 200 characters");
	ok(html_first_line("ok | a=1\nmore", 13) == 2,
	    "the first line ends at | or a line end");
}

/* ---- the ring ---- */

static void
test_ring(void)
{
	struct check_history h = { 0 };
	struct check_history_result r = { 1700000000, HEALTH_OK, 0.5, 0 }, u;
	struct check_history_entry e;
	int i, good = 1;

	ok(sizeof(struct check_history_entry) == 8, "8 bytes an entry");
	ok(check_history_add(&h, 0, &r) == 0 && h.v == NULL && h.n == 0,
	    "history 0 keeps nothing, allocates nothing");
	for (i = 0; i < 7; i++) {
		r.time = 1700000000 + i;
		r.state = i % 4;
		check_history_add(&h, 5, &r);
	}
	ok(h.cap == 5 && h.n == 5, "a ring of 5 after 7 results");
	for (i = 0; i < 5; i++) {
		check_history_unpack(check_history_at(&h, (size_t)i), &u);
		if (u.time != 1700000002 + i || u.state != (i + 2) % 4)
			good = 0;
	}
	ok(good, "it wrapped: the newest 5, oldest first");
	ok(check_history_resize(&h, 3) == 0 && h.n == 3 && h.cap == 3,
	    "made smaller");
	check_history_unpack(check_history_at(&h, 0), &u);
	ok(u.time == 1700000004, "... keeping the newest");
	ok(check_history_resize(&h, 10) == 0 && h.n == 3 && h.cap == 10,
	    "made larger, the same kept");
	check_history_unpack(check_history_at(&h, 2), &u);
	ok(u.time == 1700000006, "... the newest last");
	ok(check_history_resize(&h, 0) == 0 && h.v == NULL, "0 frees it");
	check_history_free(&h);

	check_history_pack(&(struct check_history_result){ 1e12, 7, 1e9,
	    300 }, &e);
	check_history_unpack(&e, &u);
	ok(u.time == 4294967295.0 && u.state == 3 && u.duration == 1048.575 &&
	    u.exit_code == -1, "limits: time, state bits, 20-bit ms, exit");
	check_history_pack(&(struct check_history_result){ -5, HEALTH_WARNING,
	    -1, 255 }, &e);
	check_history_unpack(&e, &u);
	ok(u.time == 0 && u.state == 1 && u.duration == 0 &&
	    u.exit_code == 255, "negative time and duration, exit 255");
	check_history_pack(&(struct check_history_result){ 1, 2, 0.0125,
	    -1 }, &e);
	check_history_unpack(&e, &u);
	ok(u.exit_code == -1 && u.duration == 0.013, "no exit code; ms");
}

/* ---- Accept ---- */

static int
prefers(const char *accept)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	req.accept = accept;
	req.accept_len = accept != NULL ? strlen(accept) : 0;
	return http_status_prefers(&req, "text/html");
}

static void
test_accept(void)
{
	ok(prefers("text/html,application/xhtml+xml,application/xml;q=0.9,"
	    "image/avif,image/webp,*/*;q=0.8"), "Firefox's Accept");
	ok(prefers("text/html, text/*;q=0.5, image/*"), "w3m's Accept");
	ok(prefers("TEXT/HTML;level=1"), "case and parameters");
	ok(!prefers(NULL), "no Accept: the index");
	ok(!prefers("*/*"), "curl's */*: the index");
	ok(!prefers("text/html;q=0"), "q=0 is a refusal");
	ok(!prefers("text/plain, text/html;q=0.5"), "plain text preferred");
	ok(prefers("text/plain;q=0.5, text/html;q=0.500"), "a tie goes to "
	    "html");
	ok(!prefers("application/json"), "another type only");
	ok(!prefers("text/html;q=x, text/plain;q=0.1"), "a bad q is 0");
}

/* ---- the page ---- */

enum { OK_C, WARN_C, CRIT_C, PEND_C, DRAIN_C, WAIT_C, NCHK };

static struct check_status chk[NCHK];
static const struct check_status *chkp[NCHK];
static struct snapshot si;
static struct perf_item perf[1];
static struct snapshot_drain drain[1];
static struct check_history_entry ring[4];

#define HOSTILE "<script>alert(1)</script>\"><img src=x onerror=alert(1)>" \
	"\377\376\0end"

static void
fixture(void)
{
	static const char *names[NCHK] = { "web", "load", "disk", "new",
	    "db", "app" };
	static const enum health_state st[NCHK] = { HEALTH_OK,
	    HEALTH_WARNING, HEALTH_CRITICAL, HEALTH_UNKNOWN, HEALTH_OK,
	    HEALTH_UNKNOWN };
	size_t i;

	memset(chk, 0, sizeof(chk));
	for (i = 0; i < NCHK; i++) {
		chk[i].name = names[i];
		chk[i].command = "/bin/true";
		chk[i].affects_health = 1;
		chk[i].state = chk[i].result = st[i];
		chk[i].ran = 1;
		chk[i].text = "text";
		chk[i].output = "OUTPUT\n";
		chk[i].output_len = 7;
		chk[i].started = 1700000100;
		chk[i].duration = 0.0125;
		chk[i].since = 1700000000;
		chkp[i] = &chk[i];
	}
	perf[0].label = "load1";
	perf[0].unit = "";
	perf[0].value = 0.5;
	chk[OK_C].perf = perf;
	chk[OK_C].nperf = 1;
	chk[OK_C].output = "HTTP OK | load1=0.5\n";
	chk[OK_C].output_len = strlen(chk[OK_C].output);
	for (i = 0; i < NELEM(ring); i++)
		check_history_pack(&(struct check_history_result){
		    1700000000 + 10.0 * (double)i, (int)i, 0.01, (int)i },
		    &ring[i]);
	chk[OK_C].history.v = ring;
	chk[OK_C].history.cap = chk[OK_C].history.n = 4;
	chk[CRIT_C].output = HOSTILE;
	chk[CRIT_C].output_len = sizeof(HOSTILE) - 1;
	chk[PEND_C].ran = 0;
	chk[PEND_C].pending = 1;
	chk[PEND_C].text = "no check result yet";
	chk[WAIT_C].waiting_for = "db";
	chk[WAIT_C].text = "waiting for db (critical)";
	drain[0].check = "db";
	drain[0].reason = "<b>swap</b>";
	memset(&si, 0, sizeof(si));
	si.version = "1.5.0";
	si.host = "web1<x>";
	si.pid = 42;
	si.start_time = 1700000000;
	si.now = 1700000125;
	si.checks = chkp;
	si.nchecks = NCHK;
	si.names_in_text = 1;
	si.health_details = 1;
	si.drains = drain;
	si.ndrains = 1;
}

static const char *
page(void)
{
	buf_reset(&out);
	status_page_render(&si, &out);
	return out.failed ? NULL : out.data;
}

static int
has(const char *s)
{
	return out.data != NULL && strstr(out.data, s) != NULL;
}

#define ROW_WEB "<tr><th scope=\"row\">web</th><td class=\"st ok\">ok</td>" \
	"<td>2 min 5 s</td><td class=\"out\">HTTP OK</td>" \
	"<td>2023-11-14 22:15:00 UTC<br>in 0.013 s</td><td>load1=0.5</td>" \
	"<td class=\"hist\"><span class=\"m ok\" title=\"22:13:20 ok\">O" \
	"</span><span class=\"m warning\" title=\"22:13:30 warning\">W" \
	"</span><span class=\"m critical\" title=\"22:13:40 critical\">C" \
	"</span><span class=\"m unknown\" title=\"22:13:50 unknown\">U" \
	"</span></td></tr>\n"

static void
test_page(void)
{
	fixture();
	ok(page() != NULL && tl_valid_utf8(out.data, out.len),
	    "the page is valid UTF-8");
	ok(strncmp(out.data, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" "
	    "content=\"10\">\n", 96) == 0, "HTML5, UTF-8, refreshed");
	ok(has("<title>web1&lt;x&gt;: critical - mydaemon</title>"),
	    "the title: host (escaped) and verdict");
	ok(has(ROW_WEB), "a row byte for byte: state, for, output, last "
	    "run, perfdata, history");
	ok(has("<td class=\"st warning\">warning</td>"), "warning in words");
	ok(has("<td class=\"st pending\">pending (no result yet)</td>"),
	    "pending in words");
	ok(has("<td class=\"st maintenance\">maintenance (drained: "
	    "&lt;b&gt;swap&lt;/b&gt;)</td>"), "drained, the reason escaped");
	ok(has("<td class=\"st pending\">waiting for db</td>"),
	    "waiting for a dependency");
	ok(has("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img "
	    "src=x onerror=alert(1)&gt;" FFFD FFFD FFFD "end"),
	    "hostile output is text");
	ok(!has("<script") && !has("<img") && !has("onerror=alert(1)>"),
	    "... and no element of it");
	ok(has("Health: <span class=\"verdict st critical\">critical</span> "
	    "disk: text (+1 more, +1 waiting)</p>"),
	    "the verdict as /health says it");
	si.health_details = 0;
	page();
	ok(!has("HTTP OK") && !has("load1=0.5") && !has("alert(1)") &&
	    !has("disk: text") && has("(not shown)") && has("waiting for db"),
	    "health_details = no: no output, no perfdata");
	si.health_details = 1;
	si.maint_drain = 1;
	si.maint_since = 1700000050;
	si.maint_reason = "kernel & reboot";
	page();
	ok(has("<span class=\"verdict st maintenance\">maintenance</span>") &&
	    has("In maintenance (drained) since 2023-11-14 22:14:10 UTC: "
	    "kernel &amp; reboot"), "maintenance and its reason");
	si.shutting_down = 1;
	page();
	ok(has("verdict st shutting\">shutting down<") &&
	    has("Shutting down"), "shutting down");
	si.nchecks = 0;
	page();
	ok(has("No check is configured.") && !has("<table"), "no checks");
}

int
main(void)
{
	test_escape();
	test_ring();
	test_accept();
	test_page();
	buf_free(&out);
	return done_testing();
}
