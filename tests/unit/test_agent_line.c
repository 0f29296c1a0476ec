/*
 * test_agent_line.c - what the agent port answers HAProxy's agent-check
 * (agent_line.h), byte for byte: drain, up with a weight, down with a
 * reason, a check by name, and a line that stays one line of printable
 * ASCII whatever the checks print or the peer sends.
 *
 * The port itself (a silent peer, a flood) is tested end to end in
 * tests/bats/drain.bats, and with a real HAProxy in haproxy.bats.  What
 * the peer sent is copied into a heap buffer of exactly its length: the
 * line it sends is not NUL-terminated, and a read past it is caught
 * under ASan or valgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "report/agent_line.h"
#include "report/health_render.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum { DISK, LOAD, NTP, RAID, NCHK };

static struct buf		 out;
static struct check_status	 chk[NCHK];
static const struct check_status *chkp[NCHK];
static struct snapshot		 si;

static struct check_status
mk(const char *name, enum health_state h, const char *text)
{
	struct check_status c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.command = "/bin/true";
	c.affects_health = 1;
	c.state = h;
	c.result = h;
	c.text = text;
	c.ran = 1;
	c.exit_code = (int)h;
	c.output = text;
	c.output_len = strlen(text);
	c.runs = 1;
	return c;
}

/*
 * Four checks, all ok; a test makes some of them bad.  raid does not
 * affect the host's health.
 */
static void
fixture(void)
{
	size_t i;

	chk[DISK] = mk("disk", HEALTH_OK, "DISK OK - / 50% | /=50%;90;95");
	chk[LOAD] = mk("load", HEALTH_OK, "LOAD OK - load average 0.1");
	chk[NTP] = mk("ntp", HEALTH_OK, "NTP OK: offset 0.001");
	chk[RAID] = mk("raid", HEALTH_OK, "RAID OK");
	chk[RAID].affects_health = 0;
	for (i = 0; i < NCHK; i++)
		chkp[i] = &chk[i];
	memset(&si, 0, sizeof(si));
	si.version = "1.5.0";
	si.host = "web1.example.org";
	si.pid = 4242;
	si.checks = chkp;
	si.nchecks = NCHK;
	si.names_in_text = 1;
	si.health_details = 1;
}

/* The line for `sent` (n bytes, from a buffer of exactly n). */
static const char *
line_n(const char *sent, size_t n, unsigned int weight)
{
	char	*held;

	if ((held = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	memcpy(held, sent, n);
	buf_reset(&out);
	agent_line(&si, held, n, weight, &out);
	free(held);
	return out.failed ? NULL : out.data;
}

static const char *
line(const char *sent, unsigned int weight)
{
	return line_n(sent, strlen(sent), weight);
}

/* One line of printable ASCII: bytes 0x20-0x7e, then one "\n". */
static int
one_ascii_line(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || s[n - 1] != '\n')
		return 0;
	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* ---- the host's verdict: what the peer sends when it sends nothing ---- */

static void
test_host(void)
{
	fixture();
	is_str(line("", 50), "up ready 100%\n",
	    "all ok: up, ready, full weight");
	si.nchecks = 0;
	is_str(line("", 50), "up ready 100%\n",
	    "no check at all: up, ready, full weight");

	fixture();
	chk[LOAD].state = HEALTH_WARNING;
	chk[LOAD].text = "LOAD WARNING - load average 5.1";
	is_str(line("", 50), "up ready 50%\n",
	    "a warning: up, with agent_warning_weight");
	is_str(line("", 0), "up ready 0%\n", "a warning weight of 0%%");
	is_str(line("", 100), "up ready 100%\n", "a warning weight of 100%%");
	is_str(line("", 256), "up ready 256%\n",
	    "a warning weight of 256%%, HAProxy's largest");

	chk[DISK].state = HEALTH_CRITICAL;
	chk[DISK].text = "DISK CRITICAL - / 97% | /=97%;90;95";
	is_str(line("", 50), "down #critical: disk: DISK CRITICAL - / 97% "
	    "(+1 more)\n", "critical: down, the worst check named, its text "
	    "without perfdata, the others counted");

	fixture();
	chk[NTP].state = HEALTH_UNKNOWN;
	chk[NTP].text = "NTP UNKNOWN: no server";
	is_str(line("", 50), "down #unknown: ntp: NTP UNKNOWN: no server\n",
	    "unknown: down, like critical");
	chk[DISK].state = HEALTH_CRITICAL;
	chk[DISK].text = "";
	is_str(line("", 50), "down #critical: disk (+1 more)\n",
	    "a check without text: its name only");

	fixture();
	chk[RAID].state = HEALTH_CRITICAL;
	chk[RAID].text = "RAID CRITICAL - md0 degraded";
	is_str(line("", 50), "up ready 100%\n",
	    "a check with affects_health = no does not count");
	chk[NTP].state = HEALTH_CRITICAL;
	chk[NTP].pending = 1;
	is_str(line("", 50), "up ready 100%\n",
	    "a check new since a reload does not count yet");
	chk[NTP].ran = 1;
	chk[NTP].text = "NTP CRITICAL: starting";
	is_str(line("", 50), "up ready 100%\n",
	    "nor does one within its start_grace");
	is_str(line("ntp", 50), "down #pending: NTP CRITICAL: starting\n",
	    "asked by name: down, pending, as /health/ntp says");
	chk[NTP].pending = 0;
	chk[NTP].state = HEALTH_UNKNOWN;
	chk[NTP].text = "waiting for raid (critical)";
	chk[NTP].waiting_for = "raid";
	is_str(line("", 50), "up ready 100%\n",
	    "a waiting check does not count; its root does not either here");
	chk[RAID].affects_health = 1;
	is_str(line("", 50), "down #critical: raid: RAID CRITICAL - md0 "
	    "degraded (+1 waiting)\n", "its root counts: the waiting "
	    "numbered");

	fixture();
	chk[LOAD].state = (enum health_state)9;
	chk[LOAD].text = "odd";
	is_str(line("", 50), "down #unknown: load: odd\n",
	    "a state out of range is unknown");
}

/* health_details = no (SPEC 22): no output on the agent port either. */
static void
test_no_details(void)
{
	fixture();
	chk[DISK] = mk("disk", HEALTH_CRITICAL, "DISK CRITICAL - SECRET");
	si.health_details = 0;
	is_str(line("", 50), "down #critical: disk\n",
	    "no details: down, the worst check named, no output");
	is_str(line("disk", 50), "down #critical\n",
	    "no details, asked by name: the state alone");
	si.health_details = 1;
}

/* Only the check "main" of the flat check_* keys: no name in the text. */
static void
test_main(void)
{
	fixture();
	chk[0] = mk("main", HEALTH_CRITICAL, "PROCS CRITICAL: 0 processes");
	si.nchecks = 1;
	si.names_in_text = 0;
	is_str(line("", 50), "down #critical: PROCS CRITICAL: 0 processes\n",
	    "the flat keys' check: its text alone");
	chk[0].text = "";
	is_str(line("", 50), "down #critical\n",
	    "no text at all: the state alone, no \": \"");
	is_str(line("main", 50), "down #critical\n",
	    "\"main\" by name is the same check");
}

/* ---- maintenance: drain, whatever the checks say ---- */

static void
test_maintenance(void)
{
	fixture();
	si.maint_config = 1;
	is_str(line("", 50), "drain\n", "maintenance = yes: drain");
	si.maint_config = 0;
	si.maint_drain = 1;
	si.maint_since = 1700000000.0;
	si.maint_reason = "kernel update";
	is_str(line("", 50), "drain\n", "-s drain: drain, without the reason");
	chk[DISK].state = HEALTH_CRITICAL;
	chk[LOAD].state = HEALTH_WARNING;
	is_str(line("", 50), "drain\n", "maintenance wins over a critical "
	    "check");
	is_str(line("disk", 50), "drain\n",
	    "a check by name drains with the host");
	is_str(line("load", 50), "drain\n",
	    "a warning check by name drains too");
	is_str(line("nosuch", 50), "down #no such check: nosuch\n",
	    "a name that is no check stays an error in maintenance");
	si.maint_config = 1;
	is_str(line("", 50), "drain\n", "both kinds of maintenance: drain");
}

/* ---- one check by name: HAProxy's agent-send ---- */

static void
test_by_name(void)
{
	fixture();
	chk[DISK].state = HEALTH_CRITICAL;
	chk[DISK].text = "DISK CRITICAL - / 97% | /=97%;90;95";
	chk[LOAD].state = HEALTH_WARNING;
	chk[LOAD].text = "LOAD WARNING - load average 5.1";
	chk[RAID].state = HEALTH_CRITICAL;
	chk[RAID].text = "RAID CRITICAL - md0 degraded";

	is_str(line("disk", 50), "down #critical: DISK CRITICAL - / 97%\n",
	    "a critical check by name: its own text, no name, no count");
	is_str(line("load", 30), "up ready 30%\n",
	    "a warning check by name: the warning weight");
	is_str(line("ntp", 30), "up ready 100%\n",
	    "an ok check by name: full weight, whatever the host's verdict");
	is_str(line("raid", 50), "down #critical: RAID CRITICAL - md0 "
	    "degraded\n", "a check with affects_health = no, asked by name, "
	    "says its own state");

	is_str(line("disk\r", 50), "down #critical: DISK CRITICAL - / 97%\n",
	    "a CR at the end is not part of the name");
	is_str(line(" \tntp \t\r", 50), "up ready 100%\n",
	    "blanks and tabs around the name are not part of it");
	is_str(line_n("ntpdisk", 3, 50), "up ready 100%\n",
	    "exactly n bytes are the name, with no NUL after them");
	is_str(line("", 50), "down #critical: disk: DISK CRITICAL - / 97% "
	    "(+1 more)\n", "nothing sent: the host's verdict");
	is_str(line(" \t\r", 50), "down #critical: disk: DISK CRITICAL - / "
	    "97% (+1 more)\n", "only blanks and a CR: the host's verdict");
	is_str(line("\r", 50), "down #critical: disk: DISK CRITICAL - / 97% "
	    "(+1 more)\n", "a lone CR: the host's verdict");
}

/* ---- names that are no check ---- */

static void
test_unknown_names(void)
{
	char	 name[100];
	const char *got;

	fixture();
	is_str(line("nosuch", 50), "down #no such check: nosuch\n",
	    "a name that is no check: down, and which name");
	is_str(line("x", 50), "down #no such check: x\n",
	    "one byte is a name too");
	is_str(line("DISK", 50), "down #no such check: DISK\n",
	    "names are case-sensitive");
	is_str(line("dis", 50), "down #no such check: dis\n",
	    "a prefix of a name is no check");
	is_str(line("disk2", 50), "down #no such check: disk2\n",
	    "a name longer than a check's is no check");
	is_str(line("di sk", 50), "down #no such check: di sk\n",
	    "a blank inside the name stays in it");
	is_str(line_n("a\0b\x01\x7f\xc3\xa9", 7, 50),
	    "down #no such check: a?b????\n",
	    "bytes that are not printable ASCII are '?', a NUL too");
	memset(name, 'n', sizeof(name));
	got = line_n(name, sizeof(name), 50);
	is_str(got, "down #no such check: nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n",
	    "a long name is cut to 32 bytes");
}

/* ---- the reason: one line of printable ASCII, 200 bytes at most ---- */

static void
test_hostile_text(void)
{
	static const char *const texts[] = {
		"two\nlines", "tab\there", "bell\a and escape \x1b[31m",
		"caf\xc3\xa9 \xe2\x9c\x93", "\xff\xfe not UTF-8", "del \x7f",
		"cr\r in the middle", "# a hash", "100% | perf=1",
	};
	static char	 big[5000];
	const char	*got;
	size_t		 i, max;
	int		 all = 1;

	fixture();
	chk[DISK].state = HEALTH_CRITICAL;
	for (i = 0; i < NELEM(texts); i++) {
		chk[DISK].text = texts[i];
		got = line("", 50);
		if (!ok(got != NULL && one_ascii_line(got),
		    "a check text with hostile bytes (#%zu) gives one line of "
		    "printable ASCII", i + 1))
			printf("#   got: \"%s\"\n",
			    got != NULL ? got : "(null)");
		got = line("disk", 50);
		all &= got != NULL && one_ascii_line(got);
	}
	ok(all, "the same by name");

	chk[DISK].text = "two\nlines";
	is_str(line("", 50), "down #critical: disk: two\n",
	    "a text of two lines: the first one only");
	chk[DISK].text = "caf\xc3\xa9";
	is_str(line("disk", 50), "down #critical: caf??\n",
	    "each byte of a UTF-8 character is a '?'");

	memset(big, 'x', sizeof(big) - 1);
	chk[DISK].text = big;
	max = strlen("down #critical: ") + 200 + 1;
	got = line("", 50);
	ok(got != NULL && one_ascii_line(got) && strlen(got) <= max &&
	    strncmp(got, "down #critical: disk: xxx", 25) == 0,
	    "a 5 KB text: the reason is cut to 200 bytes (%zu in all)",
	    got != NULL ? strlen(got) : 0);
	got = line("disk", 50);
	ok(got != NULL && one_ascii_line(got) && strlen(got) == max,
	    "the same by name: 200 bytes of reason (%zu in all)",
	    got != NULL ? strlen(got) : 0);
}

/* ---- the buffer ---- */

static void
test_appends(void)
{
	struct buf	 b = { 0 };

	fixture();
	buf_puts(&b, "before ");
	agent_line(&si, "ntp", 3, 50, &b);
	is_str(b.data, "before up ready 100%\n",
	    "the line is appended to what the buffer holds");
	buf_free(&b);
}

/* ---- SPEC 21: a check's drain, maintenance_status, shutdown_drain ---- */

static void
test_check_drain(void)
{
	static const struct snapshot_drain d[] = {
		{ "disk", 1700000000, 0, "deploy" },
	};
	const char *state;

	fixture();
	si.drains = d;
	si.ndrains = 1;
	is_str(line("disk", 50), "drain\n", "a drained check: drain");
	is_str(line("load", 50), "up ready 100%\n",
	    "another check is not drained by it");
	is_str(line("", 50), "up ready 100%\n",
	    "nor is the host's verdict");
	si.maint_status = 404;
	ok(health_render_effective(&si, &chk[DISK], &state) == 404 &&
	    strcmp(state, "maintenance") == 0,
	    "maintenance_status 404: /health/disk answers 404 maintenance");
	ok(health_render_effective(&si, NULL, &state) == 200,
	    "... and /health 200");
	si.maint_drain = 1;
	ok(health_render_effective(&si, NULL, &state) == 404,
	    "the host's drain answers 404 too");
	is_str(line("disk", 50), "drain\n", "... and the agent drain");
	si.maint_drain = 0;
	si.shutting_down = 1;
	ok(health_render_effective(&si, &chk[DISK], &state) == 503 &&
	    strcmp(state, "shutting down") == 0,
	    "a shutdown drain answers 503 shutting down, never 404");
	is_str(line("", 50), "drain\n", "... and the agent drain");
	is_str(line("load", 50), "drain\n", "... for every check");
}

int
main(void)
{
	test_host();
	test_main();
	test_maintenance();
	test_check_drain();
	test_by_name();
	test_unknown_names();
	test_hostile_text();
	test_appends();
	test_no_details();
	buf_free(&out);
	return done_testing();
}
