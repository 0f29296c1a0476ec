/*
 * test_config_values.c - the syntax of configuration values
 * (config_values.h): numbers, durations, percentages, listen addresses,
 * names from a table, and a value made fit for a message.
 *
 * test_config.c meets these through config_parse(), with the messages
 * a user reads; here each parser is held to its own contract, at its
 * limits: the largest value that fits and the first that does not,
 * empty text, signs, blanks and other garbage.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "config/config.h"
#include "config/config_values.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define UNTOUCHED	0x5a5a5a5a5a5a5a5aULL

static const char *
verdict_name(enum confval v)
{
	switch (v) {
	case CONFVAL_OK: return "ok";
	case CONFVAL_INVALID: return "invalid";
	case CONFVAL_RANGE: return "out of range";
	}
	return "?";
}

/* ---- numbers ---- */

static const struct {
	const char	*in;
	enum confval	 want;
	uint64_t	 value;
} numbers[] = {
	{ "0", CONFVAL_OK, 0 },
	{ "7", CONFVAL_OK, 7 },
	{ "007", CONFVAL_OK, 7 },
	{ "65535", CONFVAL_OK, 65535 },
	{ "18446744073709551615", CONFVAL_OK, UINT64_MAX },
	{ "018446744073709551615", CONFVAL_OK, UINT64_MAX },
	{ "18446744073709551616", CONFVAL_RANGE, 0 },
	{ "18446744073709551620", CONFVAL_RANGE, 0 },
	{ "99999999999999999999999999999999", CONFVAL_RANGE, 0 },
	{ "", CONFVAL_INVALID, 0 },
	{ "-1", CONFVAL_INVALID, 0 },
	{ "+1", CONFVAL_INVALID, 0 },
	{ " 1", CONFVAL_INVALID, 0 },
	{ "1 ", CONFVAL_INVALID, 0 },
	{ "1_000", CONFVAL_INVALID, 0 },
	{ "0x10", CONFVAL_INVALID, 0 },
	{ "1e3", CONFVAL_INVALID, 0 },
	{ "1.0", CONFVAL_INVALID, 0 },
	{ "12a", CONFVAL_INVALID, 0 },
	{ "a12", CONFVAL_INVALID, 0 },
	{ "/", CONFVAL_INVALID, 0 },		/* '0' - 1 */
	{ ":", CONFVAL_INVALID, 0 },		/* '9' + 1 */
	{ "\xd9\xa1", CONFVAL_INVALID, 0 },	/* ARABIC-INDIC DIGIT ONE */
	{ "99999999999999999999999x", CONFVAL_INVALID, 0 },
};

static void
test_number(void)
{
	uint64_t	 v;
	enum confval	 r;
	size_t		 i;

	for (i = 0; i < NELEM(numbers); i++) {
		v = UNTOUCHED;
		r = config_values_number(numbers[i].in, strlen(numbers[i].in),
		    &v);
		if (numbers[i].want == CONFVAL_OK)
			ok(r == CONFVAL_OK && v == numbers[i].value,
			    "number \"%s\" is %" PRIu64 " (got %s, %" PRIu64
			    ")", numbers[i].in, numbers[i].value,
			    verdict_name(r), v);
		else if (numbers[i].want == CONFVAL_RANGE)
			ok(r == CONFVAL_RANGE, "number \"%s\" is out of range "
			    "(got %s)", numbers[i].in, verdict_name(r));
		else
			ok(r == CONFVAL_INVALID && v == UNTOUCHED,
			    "number \"%s\" is invalid and nothing is stored "
			    "(got %s)", numbers[i].in, verdict_name(r));
	}

	v = UNTOUCHED;
	ok(config_values_number("123", 2, &v) == CONFVAL_OK && v == 12,
	    "only len bytes are read: \"12\" of \"123\"");
	ok(config_values_number("9x", 1, &v) == CONFVAL_OK && v == 9,
	    "what follows len does not matter");
	ok(config_values_number("1\0" "2", 3, &v) == CONFVAL_INVALID,
	    "a NUL within len is not a digit");
	v = UNTOUCHED;
	ok(config_values_number("5", 0, &v) == CONFVAL_INVALID &&
	    v == UNTOUCHED, "no byte at all is invalid");
}

/* ---- durations ---- */

static const struct {
	const char	*in;
	enum confval	 want;
	uint64_t	 ms;
} durations[] = {
	{ "0", CONFVAL_OK, 0 },
	{ "10", CONFVAL_OK, 10000 },
	{ "10s", CONFVAL_OK, 10000 },
	{ "250ms", CONFVAL_OK, 250 },
	{ "0ms", CONFVAL_OK, 0 },
	{ "2m", CONFVAL_OK, 120000 },
	{ "1h", CONFVAL_OK, 3600000 },
	{ "010s", CONFVAL_OK, 10000 },
	{ "18446744073709551615ms", CONFVAL_OK, UINT64_MAX },
	{ "18446744073709551616ms", CONFVAL_RANGE, 0 },
	{ "18446744073709551615", CONFVAL_RANGE, 0 },
	{ "99999999999999999999999h", CONFVAL_RANGE, 0 },
	{ "", CONFVAL_INVALID, 0 },
	{ "s", CONFVAL_INVALID, 0 },
	{ "ms", CONFVAL_INVALID, 0 },
	{ "1d", CONFVAL_INVALID, 0 },
	{ "1S", CONFVAL_INVALID, 0 },
	{ "1MS", CONFVAL_INVALID, 0 },
	{ "1 s", CONFVAL_INVALID, 0 },
	{ " 1s", CONFVAL_INVALID, 0 },
	{ "1s ", CONFVAL_INVALID, 0 },
	{ "1.5s", CONFVAL_INVALID, 0 },
	{ "-1s", CONFVAL_INVALID, 0 },
	{ "+1s", CONFVAL_INVALID, 0 },
	{ "1sec", CONFVAL_INVALID, 0 },
	{ "1m30s", CONFVAL_INVALID, 0 },
	{ "1mss", CONFVAL_INVALID, 0 },
	{ "s1", CONFVAL_INVALID, 0 },
	{ "99999999999999999999999x", CONFVAL_INVALID, 0 },
};

static void
test_duration(void)
{
	static const struct { const char *sfx; uint64_t mult; } units[] = {
		{ "ms", 1 }, { "", 1000 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	char		 in[64];
	uint64_t	 ms, n;
	enum confval	 r;
	size_t		 i;

	for (i = 0; i < NELEM(durations); i++) {
		ms = UNTOUCHED;
		r = config_values_duration(durations[i].in, &ms);
		if (durations[i].want == CONFVAL_OK)
			ok(r == CONFVAL_OK && ms == durations[i].ms,
			    "duration \"%s\" is %" PRIu64 " ms (got %s, %"
			    PRIu64 ")", durations[i].in, durations[i].ms,
			    verdict_name(r), ms);
		else
			ok(r == durations[i].want && ms == UNTOUCHED,
			    "duration \"%s\" is %s and nothing is stored (got "
			    "%s)", durations[i].in,
			    verdict_name(durations[i].want), verdict_name(r));
	}

	/* Each unit at the edge of 64 bits of milliseconds. */
	for (i = 0; i < NELEM(units); i++) {
		n = UINT64_MAX / units[i].mult;
		snprintf(in, sizeof(in), "%" PRIu64 "%s", n, units[i].sfx);
		r = config_values_duration(in, &ms);
		ok(r == CONFVAL_OK && ms == n * units[i].mult,
		    "duration \"%s\", the largest in \"%s\", fits (got %s)",
		    in, units[i].sfx, verdict_name(r));
		if (n == UINT64_MAX)
			continue;
		snprintf(in, sizeof(in), "%" PRIu64 "%s", n + 1,
		    units[i].sfx);
		ms = UNTOUCHED;
		r = config_values_duration(in, &ms);
		ok(r == CONFVAL_RANGE && ms == UNTOUCHED,
		    "duration \"%s\", one more, is out of range (got %s)", in,
		    verdict_name(r));
	}
}

/* ---- percentages ---- */

static const struct {
	const char	*in;
	enum confval	 want;
	unsigned int	 value;
} percents[] = {
	{ "0%", CONFVAL_OK, 0 },
	{ "1%", CONFVAL_OK, 1 },
	{ "50%", CONFVAL_OK, 50 },
	{ "100%", CONFVAL_OK, 100 },
	{ "0100%", CONFVAL_OK, 100 },
	{ "101%", CONFVAL_RANGE, 0 },
	{ "4294967346%", CONFVAL_RANGE, 0 },	/* 2^32 + 50 */
	{ "18446744073709551616%", CONFVAL_RANGE, 0 },
	{ "", CONFVAL_INVALID, 0 },
	{ "%", CONFVAL_INVALID, 0 },
	{ "50", CONFVAL_INVALID, 0 },
	{ "50 %", CONFVAL_INVALID, 0 },
	{ " 50%", CONFVAL_INVALID, 0 },
	{ "50% ", CONFVAL_INVALID, 0 },
	{ "50%%", CONFVAL_INVALID, 0 },
	{ "-5%", CONFVAL_INVALID, 0 },
	{ "+5%", CONFVAL_INVALID, 0 },
	{ "2.5%", CONFVAL_INVALID, 0 },
	{ "%50", CONFVAL_INVALID, 0 },
	{ "0x10%", CONFVAL_INVALID, 0 },
};

static void
test_percent(void)
{
	unsigned int	 v;
	enum confval	 r;
	size_t		 i;

	for (i = 0; i < NELEM(percents); i++) {
		v = 0x5a5a5a5a;
		r = config_values_percent(percents[i].in, &v);
		if (percents[i].want == CONFVAL_OK)
			ok(r == CONFVAL_OK && v == percents[i].value,
			    "percent \"%s\" is %u (got %s, %u)",
			    percents[i].in, percents[i].value,
			    verdict_name(r), v);
		else
			ok(r == percents[i].want && v == 0x5a5a5a5a,
			    "percent \"%s\" is %s and nothing is stored (got "
			    "%s)", percents[i].in,
			    verdict_name(percents[i].want), verdict_name(r));
	}
}

/* ---- listen addresses ---- */

static const struct {
	const char	*in;
	int		 family;
	const char	*addr;		/* as inet_ntop writes it */
	unsigned int	 port;
} listens[] = {
	{ "127.0.0.1:8080", AF_INET, "127.0.0.1", 8080 },
	{ "0.0.0.0:80", AF_INET, "0.0.0.0", 80 },
	{ "*:9777", AF_INET, "0.0.0.0", 9777 },
	{ "10.1.2.3:1", AF_INET, "10.1.2.3", 1 },
	{ "255.255.255.255:65535", AF_INET, "255.255.255.255", 65535 },
	{ "192.0.2.1:08080", AF_INET, "192.0.2.1", 8080 },
	{ "[::1]:9000", AF_INET6, "::1", 9000 },
	{ "[::]:80", AF_INET6, "::", 80 },
	{ "[2001:db8::17]:443", AF_INET6, "2001:db8::17", 443 },
	{ "[::ffff:192.0.2.1]:80", AF_INET6, "::ffff:192.0.2.1", 80 },
	{ "[fe80:0:0:0:0:0:0:1]:65535", AF_INET6, "fe80::1", 65535 },
};

static const struct {
	const char	*in;
	const char	*why;
} bad_listens[] = {
	{ "", "address" },
	{ "127.0.0.1", "address" },
	{ ":80", "address" },
	{ "localhost:80", "address" },
	{ "127.0.0.256:80", "address" },
	{ "127.1:80", "address" },
	{ " 127.0.0.1:80", "address" },
	{ "::1:80", "address" },
	{ "[::1]", "address" },
	{ "[::1]80", "address" },
	{ "[::1:80", "address" },
	{ "[::1]:80]", "port" },
	{ "[127.0.0.1]:80", "address" },
	{ "[*]:80", "address" },
	{ "[]:80", "address" },
	{ "[::g]:80", "address" },
	{ "*", "address" },
	{ "127.0.0.1:0", "port" },
	{ "127.0.0.1:65536", "port" },
	{ "127.0.0.1:99999999999999999999999", "port" },
	{ "127.0.0.1:", "port" },
	{ "127.0.0.1:http", "port" },
	{ "127.0.0.1:+80", "port" },
	{ "127.0.0.1:-80", "port" },
	{ "127.0.0.1:80 ", "port" },
	{ "127.0.0.1:0x50", "port" },
	{ "127.0.0.1:80:81", "address" },
	{ "*:0", "port" },
	{ "[::1]:0", "port" },
	{ "[::1]:", "port" },
};

static int
listen_is(const struct config_listen *l, int family, const char *addr,
    unsigned int port)
{
	const struct sockaddr_in	*sin = (const void *)&l->addr;
	const struct sockaddr_in6	*sin6 = (const void *)&l->addr;
	char				 text[INET6_ADDRSTRLEN];

	if (l->addr.ss_family != family)
		return 0;
	if (family == AF_INET)
		return l->addrlen == sizeof(*sin) &&
		    ntohs(sin->sin_port) == port &&
		    inet_ntop(AF_INET, &sin->sin_addr, text,
		    sizeof(text)) != NULL && strcmp(text, addr) == 0;
	return l->addrlen == sizeof(*sin6) && ntohs(sin6->sin6_port) == port &&
	    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) !=
	    NULL && strcmp(text, addr) == 0;
}

static void
test_listen(void)
{
	struct config_listen	 l, before;
	const char		*why;
	char			 longest[80];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(listens); i++) {
		memset(&l, 0x5a, sizeof(l));
		rc = config_values_listen(listens[i].in, &l, &why);
		ok(rc == 0 && listen_is(&l, listens[i].family, listens[i].addr,
		    listens[i].port), "listen \"%s\" is %s port %u",
		    listens[i].in, listens[i].addr, listens[i].port);
		is_str(rc == 0 ? l.text : NULL, listens[i].in,
		    "listen \"%s\" keeps its text as written", listens[i].in);
	}

	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < NELEM(bad_listens); i++) {
		l = before;
		why = NULL;
		rc = config_values_listen(bad_listens[i].in, &l, &why);
		ok(rc == -1 && why != NULL &&
		    strcmp(why, bad_listens[i].why) == 0 &&
		    memcmp(&l, &before, sizeof(l)) == 0,
		    "listen \"%s\": -1, bad %s, nothing stored (got %d, %s)",
		    bad_listens[i].in, bad_listens[i].why, rc,
		    why != NULL ? why : "(null)");
	}

	/* The text must fit l.text, NUL included. */
	memset(longest, 0, sizeof(longest));
	memcpy(longest, "[0000:0000:0000:0000:0000:0000:0000:0001]:", 42);
	memset(longest + 42, '0', sizeof(l.text) - 1 - 42 - 2);
	strcat(longest, "80");
	rc = config_values_listen(longest, &l, &why);
	ok(rc == 0 && strlen(longest) == sizeof(l.text) - 1 &&
	    listen_is(&l, AF_INET6, "::1", 80) && strcmp(l.text, longest) == 0,
	    "an address of %zu bytes, the most l.text holds, is taken whole",
	    strlen(longest));
	strcat(longest, "0");
	l = before;
	rc = config_values_listen(longest, &l, &why);
	ok(rc == -1 && strcmp(why, "address") == 0 &&
	    memcmp(&l, &before, sizeof(l)) == 0,
	    "one byte longer is refused, before it is copied anywhere");
}

static const struct {
	const char	*a, *b;
	int		 same;
	const char	*what;
} sames[] = {
	{ "127.0.0.1:80", "127.0.0.1:80", 1, "the same text" },
	{ "*:80", "0.0.0.0:80", 1, "\"*\" is 0.0.0.0" },
	{ "127.0.0.1:80", "127.0.0.1:080", 1, "a port with a leading 0" },
	{ "[::1]:80", "[0:0:0:0:0:0:0:1]:80", 1, "two spellings of ::1" },
	{ "127.0.0.1:80", "127.0.0.1:81", 0, "another port" },
	{ "127.0.0.1:80", "127.0.0.2:80", 0, "another IPv4 address" },
	{ "[::1]:80", "[::1]:81", 0, "another IPv6 port" },
	{ "[::1]:80", "[::2]:80", 0, "another IPv6 address" },
	{ "[::]:80", "*:80", 0, "IPv6 any is not IPv4 any" },
	{ "[::ffff:127.0.0.1]:80", "127.0.0.1:80", 0,
	    "an IPv4-mapped address is another family" },
};

static void
test_same_addr(void)
{
	struct config_listen	 a, b;
	const char		*why;
	size_t			 i;

	for (i = 0; i < NELEM(sames); i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		if (config_values_listen(sames[i].a, &a, &why) != 0 ||
		    config_values_listen(sames[i].b, &b, &why) != 0) {
			ok(0, "%s: both parse", sames[i].what);
			continue;
		}
		ok(config_values_same_addr(&a, &b) == sames[i].same &&
		    config_values_same_addr(&b, &a) == sames[i].same,
		    "%s and %s: %s (%s), both ways", sames[i].a, sames[i].b,
		    sames[i].same ? "same" : "not the same", sames[i].what);
	}
}

/* ---- names from a table ---- */

static void
test_lookup(void)
{
	static const struct { const char *name; int value; } levels[] = {
		{ "error", LOG_ERR }, { "warning", LOG_WARNING },
		{ "notice", LOG_NOTICE }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG }, { "DEBUG", LOG_DEBUG },
		{ "Warning", LOG_WARNING },
	};
	static const struct { const char *name; int value; } facilities[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "syslog", LOG_SYSLOG }, { "local0", LOG_LOCAL0 },
		{ "LOCAL7", LOG_LOCAL7 },
	};
	static const struct { const char *name; int value; } booleans[] = {
		{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
		{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
		{ "YES", 1 }, { "Off", 0 },
	};
	static const char *const not_booleans[] = {
		"", "y", "n", "2", "-1", "yes ", " yes", "yess", "ye", "nope",
		"enabled", "01",
	};
	size_t	 i;
	int	 v, all = 1;

	for (i = 0; i < NELEM(levels); i++)
		all &= config_values_lookup(config_values_levels,
		    levels[i].name, &v) == 0 && v == levels[i].value;
	ok(all, "every log level, in any case");
	all = 1;
	for (i = 0; i < NELEM(facilities); i++)
		all &= config_values_lookup(config_values_facilities,
		    facilities[i].name, &v) == 0 && v == facilities[i].value;
	ok(all, "syslog facilities, in any case");
	all = 1;
	for (i = 0; i < NELEM(booleans); i++)
		all &= config_values_lookup(config_values_booleans,
		    booleans[i].name, &v) == 0 && v == booleans[i].value;
	ok(all, "every boolean word, in any case");
	for (i = 0; i < NELEM(not_booleans); i++) {
		v = 42;
		ok(config_values_lookup(config_values_booleans,
		    not_booleans[i], &v) == -1 && v == 42,
		    "\"%s\" is no boolean, and nothing is stored",
		    not_booleans[i]);
	}
	v = 42;
	ok(config_values_lookup(config_values_levels, "warn", &v) == -1 &&
	    v == 42, "a prefix of a level is no level");
	ok(config_values_lookup(config_values_levels, "local0", &v) == -1,
	    "each table knows only its own names");
	ok(config_values_lookup(config_values_facilities, "local8", &v) ==
	    -1, "local8 is no facility");
}

/* ---- a value fit for a message ---- */

static const char *
safe(char *buf, const char *s)
{
	return config_values_safe(buf, s);
}

static void
test_safe(void)
{
	char		 buf[CONFVAL_SAFE + 16], in[200], want[200];
	const char	*got;
	size_t		 i;
	int		 clean;

	memset(buf, 'Z', sizeof(buf));
	got = safe(buf, "plain value");
	ok(got == buf, "the value is written into the caller's buffer");
	is_str(got, "plain value", "a short value is unchanged");
	is_str(safe(buf, ""), "", "an empty value stays empty");
	is_str(safe(buf, "a\tb\nc\rd\x1b[0m\x7f" "e\x01"), "a?b?c?d?[0m?e?",
	    "control bytes and DEL become '?'");
	is_str(safe(buf, "caf\xc3\xa9 \xe2\x9c\x93"),
	    "caf\xc3\xa9 \xe2\x9c\x93", "UTF-8 is kept");

	memset(in, 'a', CONFVAL_SAFE_MAX);
	in[CONFVAL_SAFE_MAX] = '\0';
	is_str(safe(buf, in), in, "%d bytes: whole, no \"...\"",
	    CONFVAL_SAFE_MAX);
	in[CONFVAL_SAFE_MAX] = 'b';
	in[CONFVAL_SAFE_MAX + 1] = '\0';
	memcpy(want, in, CONFVAL_SAFE_MAX);
	strcpy(want + CONFVAL_SAFE_MAX, "...");
	is_str(safe(buf, in), want, "%d bytes: cut to %d and marked \"...\"",
	    CONFVAL_SAFE_MAX + 1, CONFVAL_SAFE_MAX);

	memset(buf, 'Z', sizeof(buf));
	memset(in, '\x01', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	got = safe(buf, in);
	ok(strlen(got) == CONFVAL_SAFE - 1 &&
	    strspn(got, "?") == CONFVAL_SAFE_MAX,
	    "a long value of control bytes: %d '?' and \"...\"",
	    CONFVAL_SAFE_MAX);
	clean = 1;
	for (i = CONFVAL_SAFE; i < sizeof(buf); i++)
		clean &= buf[i] == 'Z';
	ok(clean, "nothing is written past CONFVAL_SAFE bytes");

	/* A two-byte character across the cut: cut before it. */
	memset(in, 'a', sizeof(in));
	memcpy(in + CONFVAL_SAFE_MAX - 1, "\xc3\xa9", 2);
	in[CONFVAL_SAFE_MAX + 5] = '\0';
	memset(want, 'a', CONFVAL_SAFE_MAX - 1);
	strcpy(want + CONFVAL_SAFE_MAX - 1, "...");
	is_str(safe(buf, in), want,
	    "a character across the cut is left out whole");

	/* A four-byte one that ends just at the cut: kept. */
	memset(in, 'a', sizeof(in));
	memcpy(in + CONFVAL_SAFE_MAX - 4, "\xf0\x9f\x98\x80", 4);
	in[CONFVAL_SAFE_MAX + 5] = '\0';
	memcpy(want, in, CONFVAL_SAFE_MAX);
	strcpy(want + CONFVAL_SAFE_MAX, "...");
	is_str(safe(buf, in), want, "a character that ends at the cut stays");

	/* A four-byte one that begins two bytes before the cut. */
	memset(in, 'a', sizeof(in));
	memcpy(in + CONFVAL_SAFE_MAX - 2, "\xf0\x9f\x98\x80", 4);
	in[CONFVAL_SAFE_MAX + 5] = '\0';
	memset(want, 'a', CONFVAL_SAFE_MAX - 2);
	strcpy(want + CONFVAL_SAFE_MAX - 2, "...");
	is_str(safe(buf, in), want, "a four-byte character across the cut "
	    "is left out whole");
}

int
main(void)
{
	test_number();
	test_duration();
	test_percent();
	test_listen();
	test_same_addr();
	test_lookup();
	test_safe();
	return done_testing();
}
