/*
 * test_health.c - the verdict: state names and ranks, rise/fall
 * hysteresis, the host's verdict over many checks, and what /health
 * answers, as text and as health+json, byte for byte.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- names and ranks ---- */

static void
test_names(void)
{
	is_str(health_name(HEALTH_OK), "ok", "name of OK");
	is_str(health_name(HEALTH_WARNING), "warning", "name of WARNING");
	is_str(health_name(HEALTH_CRITICAL), "critical", "name of CRITICAL");
	is_str(health_name(HEALTH_UNKNOWN), "unknown", "name of UNKNOWN");
	is_str(health_name((enum health_state)-1), "unknown",
	    "name of a state below the range");
	is_str(health_name((enum health_state)42), "unknown",
	    "name of a state above the range");
	ok(health_rank(HEALTH_OK) == 0 && health_rank(HEALTH_WARNING) == 1 &&
	    health_rank(HEALTH_UNKNOWN) == 2 &&
	    health_rank(HEALTH_CRITICAL) == 3,
	    "ranks: ok 0 < warning 1 < unknown 2 < critical 3");
	ok(health_rank((enum health_state)-1) == 2 &&
	    health_rank((enum health_state)42) == 2,
	    "a state out of range ranks as unknown");
}

/* ---- rise/fall ---- */

static enum health_state
state_of(char c)
{
	switch (c) {
	case 'o': return HEALTH_OK;
	case 'w': return HEALTH_WARNING;
	case 'c': return HEALTH_CRITICAL;
	default: return HEALTH_UNKNOWN;
	}
}

static char
letter_of(enum health_state h)
{
	return "owcu"[h >= HEALTH_OK && h <= HEALTH_UNKNOWN ? h : 3];
}

/*
 * Each row: the results of successive runs (o w c u) and the states
 * they must give; the state before the first run is unknown ("no check
 * result yet") and the streak holds garbage, as the first result must
 * be taken as it is whatever came before.
 */
static const struct {
	const char	*what;
	unsigned int	 rise, fall;
	const char	*results, *states;
} seqs[] = {
	{ "the first result is taken as is (critical)", 2, 3, "c", "c" },
	{ "the first result is taken as is (ok)", 2, 3, "o", "o" },
	{ "the first result is taken as is (warning)", 2, 3, "w", "w" },
	{ "fall 3: unhealthy at the 3rd bad result in a row", 1, 3,
	    "occcc", "ooocc" },
	{ "fall 3: a good result restarts the count", 1, 3,
	    "occoccc", "ooooooc" },
	{ "fall 3: unknown and critical count alike", 1, 3,
	    "ocuc", "oooc" },
	{ "fall 3: a warning restarts the count too", 1, 3,
	    "occwccc", "ooowwwc" },
	{ "fall 3 from warning", 1, 3, "wccc", "wwwc" },
	{ "fall 5", 1, 5, "occcccc", "ooooocc" },
	{ "rise 2: healthy at the 2nd good result", 2, 1,
	    "cooo", "ccoo" },
	{ "rise 2: a bad result restarts the count", 2, 1,
	    "cocoo", "cccco" },
	{ "rise 2: warning and ok count alike", 2, 1, "cwo", "cco" },
	{ "rise 2: the state reached is the last result", 2, 1,
	    "cow", "ccw" },
	{ "rise 2 from unknown", 2, 1, "uoo", "uuo" },
	{ "warning and ok change at once", 2, 3, "owowwo", "owowwo" },
	{ "critical and unknown change at once", 2, 3, "cucuuc", "cucuuc" },
	{ "rise 1, fall 1: every result at once", 1, 1,
	    "ocowuoc", "ocowuoc" },
	{ "rise 0, fall 0 act as 1", 0, 0, "ocowuoc", "ocowuoc" },
	{ "fall 3, rise 2 together", 2, 3,
	    "occcococoo", "ooocccccco" },
};

static void
test_hysteresis(void)
{
	char got[32];
	enum health_state cur;
	unsigned int streak;
	size_t i, k;

	for (i = 0; i < NELEM(seqs); i++) {
		cur = HEALTH_UNKNOWN;
		streak = 77;
		for (k = 0; seqs[i].results[k] != '\0'; k++) {
			cur = health_next_state(cur,
			    state_of(seqs[i].results[k]), &streak,
			    seqs[i].rise, seqs[i].fall, k == 0);
			got[k] = letter_of(cur);
		}
		got[k] = '\0';
		is_str(got, seqs[i].states, "%s (%s)", seqs[i].what,
		    seqs[i].results);
	}

	cur = HEALTH_OK;
	streak = 0;
	cur = health_next_state(cur, HEALTH_CRITICAL, &streak, 2, 3, 0);
	cur = health_next_state(cur, HEALTH_CRITICAL, &streak, 2, 3, 0);
	ok(cur == HEALTH_OK && streak == 2, "two bad of fall 3: streak 2");
	cur = health_next_state(cur, HEALTH_CRITICAL, &streak, 2, 3, 0);
	ok(cur == HEALTH_CRITICAL && streak == 0,
	    "the turn resets the streak");
	cur = health_next_state(cur, HEALTH_UNKNOWN, &streak, 2, 3, 0);
	ok(cur == HEALTH_UNKNOWN && streak == 0,
	    "a change of the same kind leaves the streak at 0");
	streak = 5;
	cur = health_next_state(HEALTH_CRITICAL, HEALTH_OK, &streak, 2, 3, 1);
	ok(cur == HEALTH_OK && streak == 0,
	    "the first result clears a stale streak");
}

/* ---- the verdict over checks ---- */

static struct check_status
mk(const char *name, enum health_state h, int affects, int pending)
{
	struct check_status c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.state = h;
	c.affects_health = affects;
	c.pending = pending;
	c.text = name;
	return c;
}

static void
verdict_is(const struct check_status *const *cs, size_t n,
    enum health_state state, const struct check_status *worst,
    size_t others, const char *what)
{
	struct verdict v;

	memset(&v, 0x5a, sizeof(v));
	health_verdict(cs, n, &v);
	ok(v.state == state && v.worst == worst && v.others == others,
	    "verdict: %s (got %s, %s, %zu)", what, health_name(v.state),
	    v.worst != NULL ? v.worst->name : "none", v.others);
}

static void
test_verdict(void)
{
	struct check_status ok1 = mk("ok1", HEALTH_OK, 1, 0),
	    w = mk("w", HEALTH_WARNING, 1, 0),
	    u = mk("u", HEALTH_UNKNOWN, 1, 0),
	    c1 = mk("c1", HEALTH_CRITICAL, 1, 0),
	    c2 = mk("c2", HEALTH_CRITICAL, 1, 0),
	    cn = mk("cn", HEALTH_CRITICAL, 0, 0),
	    cp = mk("cp", HEALTH_CRITICAL, 1, 1),
	    odd = mk("odd", (enum health_state)9, 1, 0);
	const struct check_status *a[] = { &w, &u, &c1, &ok1 },
	    *b[] = { &w, &u }, *c[] = { &c1, &c2, &w },
	    *d[] = { &cn, &w }, *e[] = { &cp, &ok1 }, *f[] = { &cn, &cp },
	    *g[] = { &ok1, &ok1 }, *h[] = { &w, &odd },
	    *k[] = { &u, &w, &ok1, &w };

	verdict_is(NULL, 0, HEALTH_OK, NULL, 0, "no check at all is ok");
	verdict_is(g, NELEM(g), HEALTH_OK, NULL, 0, "all ok: no worst");
	verdict_is(a, NELEM(a), HEALTH_CRITICAL, &c1, 2,
	    "critical beats unknown and warning");
	verdict_is(b, NELEM(b), HEALTH_UNKNOWN, &u, 1,
	    "unknown beats warning");
	verdict_is(k, NELEM(k), HEALTH_UNKNOWN, &u, 2,
	    "the worst may come first; ok checks are not counted");
	verdict_is(c, NELEM(c), HEALTH_CRITICAL, &c1, 2,
	    "of two equally bad, the first is named");
	verdict_is(d, NELEM(d), HEALTH_WARNING, &w, 0,
	    "a check with affects_health = no is left out");
	verdict_is(e, NELEM(e), HEALTH_OK, NULL, 0,
	    "a pending check is left out");
	verdict_is(f, NELEM(f), HEALTH_OK, NULL, 0,
	    "nothing left to count is ok");
	verdict_is(h, NELEM(h), HEALTH_UNKNOWN, &odd, 1,
	    "a state out of range counts as unknown");
}

/* ---- /health as text ---- */

enum { DISK, LOAD, NTP, RAID, WEB, NCHK };

static struct buf out;		/* reused by every render, as server.c does */
static struct check_status chk[NCHK];
static const struct check_status *chkp[NCHK];
static struct snapshot si;

static const struct perf_item disk_perf[] = {
	{ "/", "percent", 97, 0, 100, 0, 90, 0, 95,
	    PERF_MIN | PERF_MAX | PERF_WARN_HIGH | PERF_CRIT_HIGH },
	{ "/var", "percent", 12.5, 0, 100, 0, 90, 0, 95,
	    PERF_MIN | PERF_MAX | PERF_WARN_HIGH | PERF_CRIT_HIGH },
};

static struct check_status
ran(const char *name, enum health_state h, const char *text,
    double started)
{
	struct check_status c = mk(name, h, 1, 0);

	c.command = "/bin/true";
	c.text = text;
	c.ran = 1;
	c.result = h;
	c.exit_code = (int)h;
	c.output = text;
	c.output_len = strlen(text);
	c.started = started;
	c.duration = 0.01;
	c.runs = 1;
	return c;
}

/*
 * Five checks: disk critical (with perfdata in its text), load warning,
 * ntp ok, raid critical but affects_health = no, web new since a reload.
 */
static void
fixture(void)
{
	size_t i;

	chk[DISK] = ran("disk", HEALTH_CRITICAL,
	    "DISK CRITICAL - / 97% | /=97%;90;95;0;100 /var=12.5%;90;95;0;100",
	    1700000120.125);
	chk[DISK].perf = disk_perf;
	chk[DISK].nperf = NELEM(disk_perf);
	chk[LOAD] = ran("load", HEALTH_WARNING,
	    "LOAD WARNING - load average 5.1", 1700000110.5);
	chk[NTP] = ran("ntp", HEALTH_OK, "NTP OK: offset 0.001",
	    1700000000.0);
	chk[RAID] = ran("raid", HEALTH_CRITICAL,
	    "RAID CRITICAL - md0 degraded", 1700000100.75);
	chk[RAID].affects_health = 0;
	chk[WEB] = mk("web", HEALTH_UNKNOWN, 1, 1);
	chk[WEB].command = "/usr/lib/nagios/plugins/check_http -H localhost";
	chk[WEB].text = "no check result yet";
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
	si.checks = chkp;
	si.nchecks = NCHK;
	si.names_in_text = 1;
	si.health_details = 1;
}

/* Only the check "main" of the flat keys: no names in the text. */
static void
fixture_main(enum health_state h, const char *text)
{
	fixture();
	chk[0] = mk("main", h, 1, 0);
	chk[0].text = text;
	si.nchecks = 1;
	si.names_in_text = 0;
}

static void
health_is(const struct check_status *only, int code, const char *body,
    const char *what)
{
	int got;

	buf_reset(&out);
	got = health_render_text(&si, only, &out);
	ok(got == code, "%s: status %d (got %d)", what, code, got);
	is_str(out.failed ? NULL : out.data, body, "%s: body", what);
}

static void
main_is(enum health_state h, const char *text, const char *body,
    const char *what)
{
	fixture_main(h, text);
	health_is(NULL, h == HEALTH_OK || h == HEALTH_WARNING ? 200 : 503,
	    body, what);
}

static void
test_health_many(void)
{
	const char *state;
	int code;

	fixture();
	health_is(NULL, 503,
	    "critical: disk: DISK CRITICAL - / 97% (+1 more)\n",
	    "worst check named, perfdata cut, other bad ones counted");
	code = health_render_effective(&si, NULL, &state);
	ok(code == 503 && strcmp(state, "critical") == 0,
	    "health_render_effective agrees: 503 critical");
	buf_reset(&out);
	health_render_summary(&si, NULL, &out);
	is_str(out.data, "disk: DISK CRITICAL - / 97% (+1 more)",
	    "health_render_summary is the text after \"STATE: \"");

	chk[DISK].state = HEALTH_OK;
	health_is(NULL, 200, "warning: load: LOAD WARNING - load average 5.1\n",
	    "a warning alone: 200, no \"more\"");
	chk[NTP].state = HEALTH_UNKNOWN;
	chk[NTP].text = "NTP UNKNOWN: no server";
	health_is(NULL, 503, "unknown: ntp: NTP UNKNOWN: no server (+1 more)\n",
	    "unknown beats warning");
	chk[DISK].state = HEALTH_CRITICAL;
	health_is(NULL, 503,
	    "critical: disk: DISK CRITICAL - / 97% (+2 more)\n",
	    "critical beats unknown; two more");
	chk[LOAD].state = chk[NTP].state = chk[DISK].state = HEALTH_OK;
	health_is(NULL, 200, "ok\n",
	    "ok: checks that do not count or are pending are left out");
	buf_reset(&out);
	health_render_summary(&si, NULL, &out);
	ok(out.len == 0, "health_render_summary is empty when ok");
	chk[RAID].affects_health = 1;
	health_is(NULL, 503, "critical: raid: RAID CRITICAL - md0 degraded\n",
	    "affects_health = yes makes it count");
	/* found by fuzz_perfdata: the ": " taken back, the NUL put back */
	chk[RAID].text = "";
	buf_reset(&out);
	health_render_summary(&si, NULL, &out);
	ok(out.len == 4 && strcmp(out.data, "raid") == 0,
	    "a worst check with no text: health_render_summary is its name, "
	    "as a C string of that length");
	chk[RAID].text = "RAID CRITICAL - md0 degraded";
	chk[WEB].pending = 0;
	health_is(NULL, 503,
	    "critical: raid: RAID CRITICAL - md0 degraded (+1 more)\n",
	    "once no longer pending it counts");

	fixture();
	chk[LOAD].state = HEALTH_CRITICAL;
	health_is(NULL, 503,
	    "critical: disk: DISK CRITICAL - / 97% (+1 more)\n",
	    "of two critical checks the first is named");
	chk[DISK].text = "";
	health_is(NULL, 503, "critical: disk (+1 more)\n",
	    "an empty text leaves the name alone");
	chk[DISK].text = NULL;
	health_is(NULL, 503, "critical: disk (+1 more)\n", "so does NULL");
	chk[DISK].text = "| /=97%;90;95";
	buf_reset(&out);
	(void)health_render_text(&si, NULL, &out);
	ok(out.data != NULL &&
	    strcmp(out.data, "critical: disk (+1 more)\n") == 0,
	    "a text of nothing but perfdata leaves the name alone");
	if (out.data != NULL)
		printf("#   got: \"%.*s\"\n", (int)strcspn(out.data, "\n"),
		    out.data);
}

static void
test_health_only(void)
{
	fixture();
	health_is(&chk[DISK], 503, "critical: DISK CRITICAL - / 97%\n",
	    "/health/disk: that check alone, without its name");
	health_is(&chk[LOAD], 200, "warning: LOAD WARNING - load average 5.1\n",
	    "/health/load: warning is 200");
	health_is(&chk[NTP], 200, "ok\n", "/health/ntp: ok");
	health_is(&chk[RAID], 503, "critical: RAID CRITICAL - md0 degraded\n",
	    "/health/raid: a check that does not affect health still answers");
	health_is(&chk[WEB], 503, "unknown: no check result yet\n",
	    "/health/web: a pending check shows its own state");
	chk[DISK].state = HEALTH_OK;
	chk[LOAD].state = HEALTH_OK;
	health_is(NULL, 200, "ok\n", "/health ok while raid is critical");
	health_is(&chk[RAID], 503, "critical: RAID CRITICAL - md0 degraded\n",
	    "... and /health/raid is 503");
	chk[NTP].state = (enum health_state)-3;
	health_is(&chk[NTP], 503, "unknown: NTP OK: offset 0.001\n",
	    "/health/NAME: a state out of range is unknown");
}

/* A check that waits for another: out of the count, its root named. */
static void
test_verdict_waiting(void)
{
	struct check_status db = mk("db", HEALTH_CRITICAL, 1, 0),
	    app = mk("app", HEALTH_UNKNOWN, 1, 0),
	    web = mk("web", HEALTH_UNKNOWN, 1, 0),
	    ext = mk("ext", HEALTH_UNKNOWN, 0, 0),
	    w = mk("w", HEALTH_WARNING, 1, 0);
	const struct check_status *a[] = { &app, &db, &web, &ext },
	    *b[] = { &app, &web }, *c[] = { &app, &w, &db };
	struct verdict v;

	app.waiting_for = "db";
	web.waiting_for = "app";
	ext.waiting_for = "db";
	memset(&v, 0x5a, sizeof(v));
	health_verdict(a, NELEM(a), &v);
	ok(v.state == HEALTH_CRITICAL && v.worst == &db && v.others == 0 &&
	    v.waiting == 2, "the root is the worst; the two waiting that "
	    "affect health are numbered, not counted (got %zu, %zu)",
	    v.others, v.waiting);
	health_verdict(b, NELEM(b), &v);
	ok(v.state == HEALTH_OK && v.worst == NULL && v.waiting == 2,
	    "waiting checks alone do not make the host unhealthy");
	db.affects_health = 0;
	health_verdict(a, NELEM(a), &v);
	ok(v.state == HEALTH_OK && v.worst == NULL,
	    "a root with affects_health = no: the host is ok");
	db.affects_health = 1;
	health_verdict(c, NELEM(c), &v);
	ok(v.state == HEALTH_CRITICAL && v.worst == &db && v.others == 1 &&
	    v.waiting == 1, "others and waiting are told apart");
	app.pending = 1;
	health_verdict(c, NELEM(c), &v);
	ok(v.waiting == 0, "a pending check waiting is not numbered");
}

/* The wording of /health and /health/NAME with waiting checks. */
static void
test_health_waiting(void)
{
	fixture();
	chk[NTP].state = HEALTH_UNKNOWN;
	chk[NTP].text = "waiting for disk (critical)";
	chk[NTP].waiting_for = "disk";
	chk[LOAD].state = HEALTH_OK;
	health_is(NULL, 503, "critical: disk: DISK CRITICAL - / 97% "
	    "(+1 waiting)\n", "/health names the root, numbers the waiting");
	chk[RAID].state = HEALTH_UNKNOWN;
	chk[RAID].text = "waiting for disk (critical)";
	chk[RAID].waiting_for = "disk";
	health_is(NULL, 503, "critical: disk: DISK CRITICAL - / 97% "
	    "(+1 waiting)\n", "a waiting check that does not affect health "
	    "is not numbered");
	chk[RAID].affects_health = 1;
	health_is(NULL, 503, "critical: disk: DISK CRITICAL - / 97% "
	    "(+2 waiting)\n", "two waiting");
	chk[LOAD].state = HEALTH_CRITICAL;
	health_is(NULL, 503, "critical: disk: DISK CRITICAL - / 97% "
	    "(+1 more, +2 waiting)\n", "another bad one and two waiting");
	health_is(&chk[NTP], 503, "unknown: waiting for disk (critical)\n",
	    "/health/NAME of a waiting check: 503 unknown, what it waits for");
	chk[NTP].pending = 1;
	chk[NTP].ran = 1;
	health_is(&chk[NTP], 503, "unknown: waiting for disk (critical)\n",
	    "waiting wins over a start_grace's pending");
	chk[DISK].state = chk[LOAD].state = HEALTH_OK;
	chk[RAID].waiting_for = NULL;
	chk[RAID].state = HEALTH_OK;
	chk[NTP].pending = 0;
	health_is(NULL, 200, "ok\n", "waiting alone: ok, no text");
}

/* start_grace: a bad result held back is pending on /health/NAME only. */
static void
test_health_grace(void)
{
	fixture();
	chk[DISK].pending = 1;
	health_is(NULL, 200, "warning: load: LOAD WARNING - load average 5.1\n",
	    "/health leaves a check in its grace out");
	health_is(&chk[DISK], 503, "pending: DISK CRITICAL - / 97%\n",
	    "/health/disk: 503 pending, with its last result");
	health_is(&chk[WEB], 503, "unknown: no check result yet\n",
	    "pending without a result: its own state, as after a reload");
	chk[DISK].pending = 0;
	health_is(&chk[DISK], 503, "critical: DISK CRITICAL - / 97%\n",
	    "the grace over: its real state");
}

static void
test_health_maintenance(void)
{
	size_t i;

	fixture();
	si.maint_drain = 1;
	si.maint_since = 1700000100;
	si.maint_reason = "rolling upgrade";
	health_is(NULL, 503, "maintenance\n", "drain over critical");
	for (i = 0; i < NCHK; i++)
		health_is(&chk[i], 503, "maintenance\n",
		    "/health/NAME drains too");
	for (i = 0; i < NCHK; i++)
		chk[i].state = HEALTH_OK;
	health_is(NULL, 503, "maintenance\n", "drain over ok");
	buf_reset(&out);
	health_render_summary(&si, NULL, &out);
	ok(out.len == 0, "health_render_summary is empty in maintenance");
	si.maint_drain = 0;
	si.maint_config = 1;
	health_is(NULL, 503, "maintenance\n", "maintenance in the config");
	chk[LOAD].state = HEALTH_WARNING;
	health_is(NULL, 503, "maintenance\n", "config over warning");
	si.nchecks = 0;
	health_is(NULL, 503, "maintenance\n", "maintenance without checks");
	si.maint_config = 0;
	health_is(NULL, 200, "ok\n", "no check at all is ok");
}

/* What the old single-check renderer gave: the check "main" only. */
static void
test_health_main(void)
{
	main_is(HEALTH_OK, NULL, "ok\n", "ok");
	main_is(HEALTH_OK, "all fine", "ok\n", "ok never shows text");
	main_is(HEALTH_WARNING, "disk 85%", "warning: disk 85%\n", "warning");
	main_is(HEALTH_CRITICAL, "disk full", "critical: disk full\n",
	    "critical");
	main_is(HEALTH_UNKNOWN, "no check result yet",
	    "unknown: no check result yet\n", "unknown");
	main_is(HEALTH_CRITICAL, "DISK CRITICAL - / 97%",
	    "critical: DISK CRITICAL - / 97%\n",
	    "with only main, no name (the text of before)");
	main_is(HEALTH_CRITICAL, NULL, "critical\n", "NULL text");
	main_is(HEALTH_WARNING, "", "warning\n", "empty text");
	main_is(HEALTH_UNKNOWN, "   ", "unknown\n", "blank text");
	main_is((enum health_state)42, "x", "unknown: x\n",
	    "a state out of range is unknown");
	main_is(HEALTH_CRITICAL, "a\tb\001c\177d\033[0m",
	    "critical: a?b?c?d?[0m\n", "control bytes become '?'");
	main_is(HEALTH_WARNING, "DISK OK - 50% free | /=50%;80;90",
	    "warning: DISK OK - 50% free\n", "performance data is cut");
	main_is(HEALTH_CRITICAL, "|only=perf", "critical\n",
	    "nothing but performance data");
	main_is(HEALTH_CRITICAL, "first\nsecond", "critical: first\n",
	    "only the first line");
	main_is(HEALTH_CRITICAL, "crlf  \r\nnext", "critical: crlf\n",
	    "trailing blanks and CR are trimmed");
	main_is(HEALTH_WARNING, "caf\xc3\xa9 \xe2\x82\xac",
	    "warning: caf\xc3\xa9 \xe2\x82\xac\n", "UTF-8 passes through");
	main_is(HEALTH_WARNING, "caf\xe9 au lait",
	    "warning: caf\xef\xbf\xbd au lait\n",
	    "Latin-1 (invalid UTF-8) becomes U+FFFD");
	main_is(HEALTH_CRITICAL, "\xc0\x80x\xed\xa0\x80",
	    "critical: \xef\xbf\xbd\xef\xbf\xbdx"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n",
	    "overlongs and surrogates: one U+FFFD per byte");
	main_is(HEALTH_CRITICAL, "ends \xe2\x82",
	    "critical: ends \xef\xbf\xbd\xef\xbf\xbd\n",
	    "a sequence cut short at the end");
}

static void
test_health_edges(void)
{
	char text[512], want[1024];

	memset(text, 'a', 300);
	text[300] = '\0';
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	main_is(HEALTH_CRITICAL, text, want, "long text cut at 200");
	memcpy(text + 199, "\xc3\xa9", 2);
	snprintf(want, sizeof(want), "critical: %.199s\n", text);
	main_is(HEALTH_CRITICAL, text, want,
	    "the cut does not split a 2-byte character");
	memset(text, 'a', 300);
	memcpy(text + 198, "\xf0\x9f\x98\x80", 4);
	snprintf(want, sizeof(want), "critical: %.198s\n", text);
	main_is(HEALTH_CRITICAL, text, want,
	    "the cut does not split a 4-byte character");
	memset(text, 'a', 300);
	memcpy(text + 197, "\xe2\x82\xac", 3);
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	main_is(HEALTH_CRITICAL, text, want,
	    "a character ending at byte 200 is kept");
	memset(text, 'a', 195);
	memcpy(text + 195, "          b", 12);
	snprintf(want, sizeof(want), "critical: %.195s\n", text);
	main_is(HEALTH_CRITICAL, text, want,
	    "blanks before the cut are trimmed");
	memset(text, 'c', 200);
	text[200] = '\0';
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	main_is(HEALTH_CRITICAL, text, want, "200 bytes are kept whole");
	memcpy(text + 200, "\nmore", 6);
	main_is(HEALTH_CRITICAL, text, want, "200 bytes, then a new line");
	memset(text, 'c', 200);
	memcpy(text + 200, "|a=1", 5);
	main_is(HEALTH_CRITICAL, text, want, "200 bytes, then perfdata");
}

/* Every byte value at the cut: the body is one line of valid UTF-8. */
static void
test_cut_any_byte(void)
{
	char text[301];
	size_t body;
	int c, good = 1;

	for (c = 1; c < 256; c++) {
		memset(text, 'x', 300);
		text[300] = '\0';
		memset(text + 198, c, 4);
		fixture_main(HEALTH_CRITICAL, text);
		buf_reset(&out);
		(void)health_render_text(&si, NULL, &out);
		body = out.len > 11 ? out.len - 11 : 0;
		if (out.failed || !tl_valid_utf8(out.data, out.len) ||
		    strchr(out.data, '\n') != out.data + out.len - 1 ||
		    body > 3 * HEALTH_TEXT_MAX) {
			good = 0;
			printf("# byte 0x%02x: %zu bytes\n", c, out.len);
		}
	}
	ok(good, "any byte at the cut gives one line of valid UTF-8");
}

/* The server reuses one buffer: a short body after a long one. */
static void
test_reuse(void)
{
	char text[300], want[300];
	char *data;

	memset(text, 'z', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	snprintf(want, sizeof(want), "critical: %.200s\n", text);
	main_is(HEALTH_CRITICAL, text, want, "a long body first");
	data = out.data;
	main_is(HEALTH_OK, NULL, "ok\n", "then a short one in the same buffer");
	ok(out.len == 3 && out.data == data,
	    "nothing of the long body is left, and its memory is reused");
}

/* ---- /health as health+json ---- */

static const char *
json_render(const struct check_status *only, int *code)
{
	buf_reset(&out);
	*code = health_render_json(&si, only, &out);
	return out.failed ? NULL : out.data;
}

static void
json_is(const struct check_status *only, int code, const char *body,
    const char *what)
{
	int got;
	const char *b = json_render(only, &got);

	ok(got == code, "%s: status %d (got %d)", what, code, got);
	is_str(b, body, "%s: body", what);
	ok(b != NULL && out.len > 0 && out.data[out.len - 1] == '\n' &&
	    tl_json_valid(out.data, out.len - 1), "%s: valid JSON", what);
}

#define J_DISK	"\"disk\":[{\"componentId\":\"disk\"," \
	"\"componentType\":\"system\",\"status\":\"fail\"," \
	"\"affectsHealth\":true,\"output\":\"DISK CRITICAL - / 97%\"," \
	"\"time\":\"2023-11-14T22:15:20.125Z\",\"observedValue\":97," \
	"\"observedUnit\":\"percent\"}]"
#define J_LOAD	"\"load\":[{\"componentId\":\"load\"," \
	"\"componentType\":\"system\",\"status\":\"warn\"," \
	"\"affectsHealth\":true," \
	"\"output\":\"LOAD WARNING - load average 5.1\"," \
	"\"time\":\"2023-11-14T22:15:10.500Z\"}]"
#define J_NTP	"\"ntp\":[{\"componentId\":\"ntp\"," \
	"\"componentType\":\"system\",\"status\":\"pass\"," \
	"\"affectsHealth\":true," \
	"\"time\":\"2023-11-14T22:13:20.000Z\"}]"
#define J_RAID	"\"raid\":[{\"componentId\":\"raid\"," \
	"\"componentType\":\"system\",\"status\":\"fail\"," \
	"\"affectsHealth\":false," \
	"\"output\":\"RAID CRITICAL - md0 degraded\"," \
	"\"time\":\"2023-11-14T22:15:00.750Z\"}]"
#define J_WEB	"\"web\":[{\"componentId\":\"web\"," \
	"\"componentType\":\"system\",\"status\":\"fail\"," \
	"\"affectsHealth\":false,\"pending\":true," \
	"\"output\":\"no check result yet\"}]"
#define J_HEAD(status) "{\"status\":\"" status "\",\"version\":\"1.5.0\"," \
	"\"serviceId\":\"web1.example.org\"," \
	"\"description\":\"mydaemon host health agent\""

static void
test_json(void)
{
	fixture();
	json_is(NULL, 503, J_HEAD("fail")
	    ",\"output\":\"disk: DISK CRITICAL - / 97% (+1 more)\","
	    "\"checks\":{" J_DISK "," J_LOAD "," J_NTP "," J_RAID "," J_WEB
	    "}}\n", "health+json of five checks");
	json_is(&chk[LOAD], 200, J_HEAD("warn")
	    ",\"output\":\"LOAD WARNING - load average 5.1\","
	    "\"checks\":{" J_LOAD "}}\n", "health+json of /health/load");
	json_is(&chk[NTP], 200, J_HEAD("pass")
	    ",\"checks\":{" J_NTP "}}\n",
	    "health+json of /health/ntp: no output when pass");
	si.maint_drain = 1;
	si.maint_reason = "rolling upgrade";
	json_is(&chk[NTP], 503, J_HEAD("fail")
	    ",\"notes\":[\"maintenance: drained\","
	    "\"rolling upgrade\"],\"checks\":{" J_NTP "}}\n",
	    "health+json in a drain with a reason");
	si.maint_drain = 0;
	si.maint_config = 1;
	si.maint_reason = NULL;
	si.nchecks = 0;
	json_is(NULL, 503, J_HEAD("fail")
	    ",\"notes\":"
	    "[\"maintenance: set in the configuration\"],\"checks\":{}}\n",
	    "health+json in maintenance by the config, no checks");
	si.maint_config = 0;
	json_is(NULL, 200, J_HEAD("pass") ",\"checks\":{}}\n",
	    "health+json without checks");
}

/*
 * health_details = no (SPEC 22): the state and the checks' names, and
 * not a byte of their output, in text, by name, and in health+json.
 */
static void
test_no_details(void)
{
	fixture();
	si.health_details = 0;
	health_is(NULL, 503, "critical: disk (+1 more)\n",
	    "no details: the worst check named, no output");
	health_is(&chk[LOAD], 200, "warning\n",
	    "no details: /health/load is its state alone");
	buf_reset(&out);
	(void)health_render_json(&si, NULL, &out);
	ok(out.data != NULL && strstr(out.data, "CRITICAL") == NULL &&
	    strstr(out.data, "WARNING") == NULL &&
	    strstr(out.data, "observedValue") == NULL &&
	    strstr(out.data, "\"output\":\"disk (+1 more)\"") != NULL &&
	    strstr(out.data, "\"disk\":[{") != NULL &&
	    tl_json_valid(out.data, out.len),
	    "no details: health+json names the checks, no output, no "
	    "observed value");
	fixture_main(HEALTH_CRITICAL, "PROCS CRITICAL: 0 processes");
	si.health_details = 0;
	health_is(NULL, 503, "critical\n",
	    "no details, the flat keys' check: the state alone");
}

/* Every case of test_health_*: the JSON agrees with the text. */
static void
json_agrees(const struct check_status *only, const char *what)
{
	int tcode, jcode;
	char word[16];
	const char *want;

	buf_reset(&out);
	tcode = health_render_text(&si, only, &out);
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(out.data, ":\n"),
	    out.data);
	want = strcmp(word, "ok") == 0 ? "pass" :
	    strcmp(word, "warning") == 0 ? "warn" : "fail";
	(void)json_render(only, &jcode);
	ok(jcode == tcode && out.data != NULL &&
	    strncmp(out.data, "{\"status\":\"", 11) == 0 &&
	    strncmp(out.data + 11, want, 4) == 0 &&
	    tl_json_valid(out.data, out.len),
	    "%s: health+json says %s with the text's %d (%s)", what, want,
	    tcode, word);
}

static void
test_json_agrees(void)
{
	static const enum health_state hs[] = { HEALTH_OK, HEALTH_WARNING,
	    HEALTH_CRITICAL, HEALTH_UNKNOWN, (enum health_state)7 };
	char what[64];
	size_t i, k;

	for (i = 0; i < NELEM(hs); i++) {
		fixture();
		for (k = 0; k < NCHK; k++)
			chk[k].state = k == LOAD ? hs[i] : HEALTH_OK;
		snprintf(what, sizeof(what), "load %s",
		    health_name(hs[i]));
		json_agrees(NULL, what);
		json_agrees(&chk[LOAD], what);
		si.maint_drain = 1;
		json_agrees(NULL, what);
		json_agrees(&chk[LOAD], what);
	}
}

#define J_NULLS	"{\"status\":\"fail\",\"version\":null,\"serviceId\":null,"

/* Hostile strings everywhere a string goes: still valid JSON. */
static void
test_json_hostile(void)
{
	static const char *const texts[] = {
		"say \"hi\" \\ back", "\x01\x02\x1f\x7f", "caf\xe9",
		"\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xff\xfe",
		"\xf0\x9f\x98", "\xe2\x82\xac\xf0\x9f\x98\x80 fine",
		"tab\there", "</script><script>", "\\u0000",
	};
	static const struct perf_item odd[] = {
		{ "x\"\\\xff", "\xfe\"", NAN, 0, 0, 0, 0, 0, 0, 0 },
	};
	int code, good = 1;
	size_t i;

	for (i = 0; i < NELEM(texts); i++) {
		fixture();
		chk[DISK].text = texts[i];
		chk[DISK].perf = odd;
		chk[DISK].nperf = 1;
		si.version = texts[i];
		si.host = texts[NELEM(texts) - 1 - i];
		si.maint_reason = texts[i];
		si.maint_drain = (int)(i & 1);
		(void)json_render(NULL, &code);
		good &= tl_json_valid(out.data, out.len);
		(void)json_render(&chk[DISK], &code);
		good &= tl_json_valid(out.data, out.len);
		si.version = si.host = NULL;
		(void)json_render(NULL, &code);
		good &= tl_json_valid(out.data, out.len);
	}
	ok(good, "hostile text, version, host, reason, perfdata: valid JSON");
	fixture();
	si.version = NULL;
	si.host = NULL;
	(void)json_render(NULL, &code);
	ok(out.data != NULL && strncmp(out.data, J_NULLS, strlen(J_NULLS)) == 0,
	    "NULL version and host are null");
}

static void
test_json_time(void)
{
	static const struct {
		double		 t;
		const char	*want;
	} times[] = {
		{ 1700000120.125, "\"time\":\"2023-11-14T22:15:20.125Z\"" },
		{ 0.5, "\"time\":\"1970-01-01T00:00:00.500Z\"" },
		{ -5, "\"time\":\"1970-01-01T00:00:00.000Z\"" },
		{ NAN, "\"time\":\"1970-01-01T00:00:00.000Z\"" },
		{ INFINITY, "\"time\":\"1970-01-01T00:00:00.000Z\"" },
		{ 4102444799.999, "\"time\":\"2099-12-31T23:59:59.999Z\"" },
	};
	int code;
	size_t i;

	for (i = 0; i < NELEM(times); i++) {
		fixture();
		chk[NTP].started = times[i].t;
		(void)json_render(&chk[NTP], &code);
		ok(out.data != NULL && strstr(out.data, times[i].want) != NULL,
		    "time of a run started at %.3f: %s", times[i].t,
		    times[i].want);
	}
	fixture();
	chk[NTP].started = 1700000120.3;
	(void)json_render(&chk[NTP], &code);
	ok(out.data != NULL &&
	    strstr(out.data, "\"time\":\"2023-11-14T22:15:20.300Z\"") != NULL,
	    "a run started at ...20.3 shows .300 as /status does");
}

int
main(void)
{
	test_names();
	test_hysteresis();
	test_verdict();
	test_health_many();
	test_health_only();
	test_verdict_waiting();
	test_health_waiting();
	test_health_grace();
	test_health_maintenance();
	test_health_main();
	test_health_edges();
	test_cut_any_byte();
	test_reuse();
	test_json();
	test_json_agrees();
	test_no_details();
	test_json_hostile();
	test_json_time();
	buf_free(&out);
	return done_testing();
}
