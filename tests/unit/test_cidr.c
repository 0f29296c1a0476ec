/*
 * test_cidr.c - address ranges (cidr.h) and the allow keys that are
 * made of them (SPEC 22), one behaviour per assertion: what an entry
 * means, what is refused and why, and which peers a list lets in.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "config/config.h"
#include "tap.h"

/* The entry s as the range it names ("10.0.0.0/8"), or the error. */
static const char *
parse(const char *s, int *host_bits, char *buf, size_t size)
{
	struct cidr	 c;
	const char	*why;

	if (cidr_parse(s, strlen(s), &c, host_bits, &why) == -1)
		return why;
	cidr_format(&c, buf, size);
	return buf;
}

static const struct { const char *in, *want; int host_bits; } cases[] = {
	{ "10.0.0.0/8", "10.0.0.0/8", 0 },
	{ "10.1.2.3/8", "10.0.0.0/8", 1 },
	{ "192.0.2.7", "192.0.2.7/32", 0 },
	{ "192.0.2.7/32", "192.0.2.7/32", 0 },
	{ "0.0.0.0/0", "0.0.0.0/0", 0 },
	{ "1.2.3.4/0", "0.0.0.0/0", 1 },
	{ "10.255.255.255/9", "10.128.0.0/9", 1 },
	{ "172.16.0.0/12", "172.16.0.0/12", 0 },
	{ "::1", "::1/128", 0 },
	{ "::1/128", "::1/128", 0 },
	{ "::/0", "::/0", 0 },
	{ "2001:db8::/32", "2001:db8::/32", 0 },
	{ "2001:db8:1::5/48", "2001:db8:1::/48", 1 },
	{ "fe80::1/10", "fe80::/10", 1 },
	{ "::ffff:10.0.0.1/120", "::ffff:10.0.0.0/120", 1 },
	{ "10.0.0.0/33", "invalid prefix length (expected 0-32)", 0 },
	{ "::1/129", "invalid prefix length (expected 0-128)", 0 },
	{ "1.2.3.4/", "no prefix length after '/'", 0 },
	{ "1.2.3.4/08", "invalid prefix length (expected 0-32)", 0 },
	{ "1.2.3.4/-1", "invalid prefix length (expected 0-32)", 0 },
	{ "1.2.3.4/+8", "invalid prefix length (expected 0-32)", 0 },
	{ "1.2.3.4/8/8", "invalid prefix length (expected 0-32)", 0 },
	{ "1.2.3.4/1000", "invalid prefix length (expected 0-32)", 0 },
	{ "banana", "not an IPv4 or IPv6 address", 0 },
	{ "1.2.3", "not an IPv4 or IPv6 address", 0 },
	{ "1.2.3.256", "not an IPv4 or IPv6 address", 0 },
	{ "/8", "not an IPv4 or IPv6 address", 0 },
	{ "fe80::1%lo", "not an IPv4 or IPv6 address", 0 },
	{ "[::1]", "not an IPv4 or IPv6 address", 0 },
	{ "", "empty entry", 0 },
};

static void
test_parse(void)
{
	char	 buf[CIDR_TEXT_MAX], big[200];
	size_t	 i;
	int	 hb;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hb = -1;
		is_str(parse(cases[i].in, &hb, buf, sizeof(buf)),
		    cases[i].want, "\"%s\" is %s", cases[i].in,
		    cases[i].want);
		if (strchr(cases[i].want, '/') != NULL)
			ok(hb == cases[i].host_bits, "\"%s\": host bits %s",
			    cases[i].in, cases[i].host_bits ? "said" :
			    "none");
	}
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_str(parse(big, &hb, buf, sizeof(buf)),
	    "not an IPv4 or IPv6 address", "a 199-byte entry is refused");
}

/* The entries of a list, as [e1][e2], [] for an empty one. */
static const char *
entries(const char *s, char *buf, size_t size)
{
	const char	*start;
	size_t		 pos = 0, n = 0;
	long		 len;

	buf[0] = '\0';
	while ((len = cidr_next(s, &pos, &start)) != -1 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "[%.*s]", (int)len,
		    start);
	return buf;
}

static void
test_next(void)
{
	char	 buf[200];

	is_str(entries("10.0.0.0/8, ::1", buf, sizeof(buf)),
	    "[10.0.0.0/8][::1]", "comma and blank separate entries");
	is_str(entries("a b\tc", buf, sizeof(buf)), "[a][b][c]",
	    "blanks alone separate entries");
	is_str(entries("a,b ,c , d", buf, sizeof(buf)), "[a][b][c][d]",
	    "blanks around commas do not count");
	is_str(entries("a,,b", buf, sizeof(buf)), "[a][][b]",
	    "two commas in a row: an empty entry");
	is_str(entries("a,", buf, sizeof(buf)), "[a][]",
	    "a comma at the end: an empty entry");
	is_str(entries(", a", buf, sizeof(buf)), "[][a]",
	    "a comma at the start: an empty entry");
	is_str(entries("", buf, sizeof(buf)), "", "no entry at all");
}

static int
peer4(const struct cidr *list, size_t n, const char *a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, a, &sin.sin_addr);
	return cidr_match(list, n, (struct sockaddr *)&sin);
}

static int
peer6(const struct cidr *list, size_t n, const char *a)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, a, &sin6.sin6_addr);
	return cidr_match(list, n, (struct sockaddr *)&sin6);
}

/* A list of entries, parsed: at most 8. */
static size_t
list(const char *s, struct cidr *out)
{
	const char	*start, *why;
	size_t		 pos = 0, n = 0;
	long		 len;
	int		 hb;

	while ((len = cidr_next(s, &pos, &start)) != -1 && n < 8)
		if (cidr_parse(start, (size_t)len, &out[n], &hb, &why) == 0)
			n++;
	return n;
}

static void
test_match(void)
{
	struct cidr	 l[8];
	struct sockaddr	 unix_peer = { AF_UNIX, { 0 } };
	size_t		 n;

	n = list("10.0.0.0/8, 192.0.2.7, 2001:db8::/32", l);
	ok(peer4(l, n, "10.200.3.4"), "an address in a /8 matches");
	ok(!peer4(l, n, "11.0.0.1"), "one outside it does not");
	ok(peer4(l, n, "192.0.2.7"), "a host entry matches its host");
	ok(!peer4(l, n, "192.0.2.6") && !peer4(l, n, "192.0.2.8"),
	    "and no neighbour");
	ok(peer6(l, n, "2001:db8:ffff::1"), "an IPv6 address in a /32");
	ok(!peer6(l, n, "2001:db9::1"), "an IPv6 address outside it");
	ok(peer6(l, n, "::ffff:10.1.1.1"),
	    "an IPv4-mapped peer matches an IPv4 entry");
	ok(!peer6(l, n, "::ffff:11.1.1.1"),
	    "an IPv4-mapped peer outside it does not");
	ok(!peer6(l, n, "::10.1.1.1"),
	    "an IPv4-compatible (not mapped) address is IPv6");
	ok(peer6(l, n, "::ffff:a00:1"),
	    "mapped, written in hex: the same IPv4 address");
	ok(!cidr_match(l, n, &unix_peer), "another family matches nothing");
	ok(!peer4(l, 0, "10.0.0.1"), "an empty list matches nothing");

	n = list("0.0.0.0/0", l);
	ok(peer4(l, n, "255.255.255.255") && peer4(l, n, "0.0.0.0"),
	    "0.0.0.0/0 matches every IPv4 address");
	ok(!peer6(l, n, "::1"), "but no IPv6 one");
	ok(peer6(l, n, "::ffff:1.2.3.4"), "and every mapped one");
	n = list("::/0", l);
	ok(peer6(l, n, "::1") && peer6(l, n, "ffff::1"),
	    "::/0 matches every IPv6 address");
	ok(!peer4(l, n, "1.2.3.4"), "but no IPv4 one");
	ok(peer6(l, n, "::ffff:1.2.3.4"), "and every mapped one, as IPv6");
	n = list("::ffff:10.0.0.0/104", l);
	ok(peer6(l, n, "::ffff:10.9.9.9") && !peer6(l, n, "::ffff:11.0.0.1"),
	    "an IPv6 entry in the mapped range matches mapped peers");
	ok(!peer4(l, n, "10.9.9.9"), "but not the plain IPv4 peer");
	n = list("::1", l);
	ok(peer6(l, n, "::1") && !peer6(l, n, "::2"),
	    "::1 is one host (/128)");
	n = list("10.128.0.0/9", l);
	ok(peer4(l, n, "10.128.0.1") && peer4(l, n, "10.255.255.255"),
	    "a /9 matches on the first bit of the second byte");
	ok(!peer4(l, n, "10.127.255.255"), "and not below it");
	n = list("10.1.2.3/31", l);
	ok(peer4(l, n, "10.1.2.2") && peer4(l, n, "10.1.2.3") &&
	    !peer4(l, n, "10.1.2.4"), "a /31 holds two addresses");
	n = list("2001:db8::80/121", l);
	ok(peer6(l, n, "2001:db8::ff") && !peer6(l, n, "2001:db8::7f"),
	    "a /121 matches on the last byte's first bit");
}

/* allow, status_allow and health_details through the whole parser. */
static const char *
conf(const char *text, struct config **out)
{
	static char	 msg[512];
	struct config_errors errs = { NULL, 0 };
	struct config_paths paths = { NULL, NULL, NULL, NULL, NULL };
	struct config	*cfg;

	cfg = config_parse("t.conf", text, strlen(text), &paths, &errs);
	snprintf(msg, sizeof(msg), "%s", errs.n > 0 ? errs.msg[0] : "ok");
	config_parse_errors_free(&errs);
	if (out != NULL)
		*out = cfg;
	else
		config_parse_free(cfg);
	return msg;
}

static void
test_config(void)
{
	struct config	*cfg;

	is_str(conf("listen = none\n", &cfg), "ok", "no allow at all");
	ok(cfg != NULL && cfg->allow == NULL && cfg->status_allow == NULL &&
	    cfg->health_details == 1,
	    "defaults: everyone may connect and read, details shown");
	config_parse_free(cfg);
	is_str(conf("allow = 10.0.0.0/8, ::1\nallow = 192.0.2.1\n"
	    "status_allow = 10.1.0.0/16\nstatus_allow = ::1\n"
	    "health_details = no\n", &cfg), "ok", "both lists, repeated");
	ok(cfg != NULL && cfg->nallow == 3 && cfg->nstatus_allow == 2 &&
	    cfg->health_details == 0 && cfg->nwarnings == 0,
	    "repeated lines add to each list");
	config_parse_free(cfg);
	is_str(conf("allow = 10.1.2.3/8\n", &cfg), "ok",
	    "host bits set: no error");
	ok(cfg != NULL && cfg->nwarnings == 1 && strcmp(cfg->warnings[0],
	    "t.conf:1: warning: allow: \"10.1.2.3/8\" has host bits set: "
	    "taken as 10.0.0.0/8") == 0, "but a warning with file and line");
	config_parse_free(cfg);
	is_str(conf("\nallow = 10.0.0.0/33\n", NULL),
	    "t.conf:2: allow: invalid prefix length (expected 0-32) in "
	    "\"10.0.0.0/33\"", "a /33 is an error with file and line");
	is_str(conf("status_allow = banana\n", NULL),
	    "t.conf:1: status_allow: not an IPv4 or IPv6 address in "
	    "\"banana\"", "banana is no address");
	is_str(conf("allow = 1.2.3.4/\n", NULL),
	    "t.conf:1: allow: no prefix length after '/' in \"1.2.3.4/\"",
	    "a slash with no length");
	is_str(conf("allow = ::1/129\n", NULL),
	    "t.conf:1: allow: invalid prefix length (expected 0-128) in "
	    "\"::1/129\"", "an IPv6 /129");
	is_str(conf("allow =\n", NULL), "t.conf:1: allow: missing value",
	    "an empty value");
	is_str(conf("allow = 10.0.0.1,,10.0.0.2\n", NULL),
	    "t.conf:1: allow: empty entry", "an empty entry between commas");
	is_str(conf("health_details = maybe\n", NULL),
	    "t.conf:1: health_details: invalid value \"maybe\" (expected "
	    "yes, no, true, false, on, off, 1 or 0)", "health_details: yes "
	    "or no");
	is_str(conf("[check a]\ncommand = true\nallow = ::1\n", NULL),
	    "t.conf:3: [check a] unknown key \"allow\" in a check section "
	    "(global keys go before the first section)",
	    "allow is global");
}

int
main(void)
{
	test_parse();
	test_next();
	test_match();
	test_config();
	return done_testing();
}
