/*
 * test_probe_values.c - the syntax of the built-in probes' values
 * (config_probe_values.h): escaped text, process names, header values,
 * HTTP status lists, sizes, percentages, thresholds, tcp addresses and
 * http URLs, each at its limits.
 *
 * test_config.c meets them through config_parse() with the messages a
 * user reads; here each reader is held to its own contract.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "config/config.h"
#include "config/config_probe_values.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_text(void)
{
	static const struct {
		const char	*in, *out;
		size_t		 len;
		enum probeval	 r;
	} t[] = {
		{ "PING", "PING", 4, PROBEVAL_OK },
		{ "PING\\r\\n", "PING\r\n", 6, PROBEVAL_OK },
		{ "a\\tb\\\\c", "a\tb\\c", 5, PROBEVAL_OK },
		{ "\\\\n", "\\n", 2, PROBEVAL_OK },
		{ "a\\0", NULL, 0, PROBEVAL_ESCAPE },
		{ "a\\x41", NULL, 0, PROBEVAL_ESCAPE },
		{ "a\\", NULL, 0, PROBEVAL_ESCAPE },
		{ "", NULL, 0, PROBEVAL_EMPTY },
	};
	char		 buf[32];
	const char	*bad;
	size_t		 i, len;
	enum probeval	 r;

	for (i = 0; i < NELEM(t); i++) {
		bad = NULL;
		r = config_probe_values_text(t[i].in, buf, &len, &bad);
		if (t[i].r != PROBEVAL_OK) {
			ok(r == t[i].r, "text \"%s\" is refused (%d)", t[i].in,
			    t[i].r);
			continue;
		}
		ok(r == PROBEVAL_OK && len == t[i].len &&
		    memcmp(buf, t[i].out, len) == 0, "text \"%s\" decodes to "
		    "%zu bytes", t[i].in, t[i].len);
	}
	r = config_probe_values_text("ab\\qc", buf, &len, &bad);
	ok(r == PROBEVAL_ESCAPE && bad != NULL && strncmp(bad, "\\q", 2) == 0,
	    "an unknown escape points at its backslash");
	r = config_probe_values_text("ab\\", buf, &len, &bad);
	ok(r == PROBEVAL_ESCAPE && bad[1] == '\0',
	    "a trailing backslash points at the end");
}

static void
test_comm_header(void)
{
	ok(config_probe_values_comm("nginx") == PROBEVAL_OK, "comm nginx");
	ok(config_probe_values_comm("123456789012345") == PROBEVAL_OK,
	    "comm of 15 bytes");
	ok(config_probe_values_comm("1234567890123456") == PROBEVAL_LONG,
	    "comm of 16 bytes can never match");
	ok(config_probe_values_comm("a/b") == PROBEVAL_INVALID, "comm with /");
	ok(config_probe_values_comm("a\tb") == PROBEVAL_INVALID,
	    "comm with a control byte");
	ok(config_probe_values_comm("") == PROBEVAL_EMPTY, "empty comm");
	ok(config_probe_values_comm("kworker:0 x") == PROBEVAL_OK,
	    "comm with a blank and a colon");

	ok(config_probe_values_header("example.com:8080") == PROBEVAL_OK,
	    "host header with a port");
	ok(config_probe_values_header("a b") == PROBEVAL_INVALID,
	    "host header with a blank");
	ok(config_probe_values_header("a\r\nX-Evil: 1") == PROBEVAL_INVALID,
	    "host header with CR LF");
	ok(config_probe_values_header("caf\303\251") == PROBEVAL_INVALID,
	    "host header with UTF-8");
	ok(config_probe_values_header("a\177") == PROBEVAL_INVALID,
	    "host header with DEL");
	ok(config_probe_values_header("") == PROBEVAL_EMPTY,
	    "empty host header");
}

static void
test_status(void)
{
	struct config_probe	 cp;
	char			 many[128] = "";
	int			 i;

	memset(&cp, 0, sizeof(cp));
	ok(config_probe_values_status("200", &cp) == PROBEVAL_OK &&
	    cp.nstatus == 1 && cp.status[0].lo == 200 &&
	    cp.status[0].hi == 200, "status 200");
	ok(config_probe_values_status("200-399", &cp) == PROBEVAL_OK &&
	    cp.nstatus == 1 && cp.status[0].lo == 200 &&
	    cp.status[0].hi == 399, "status 200-399");
	ok(config_probe_values_status("200, 301-302 404\t418,", &cp) ==
	    PROBEVAL_OK && cp.nstatus == 4 && cp.status[1].lo == 301 &&
	    cp.status[1].hi == 302 && cp.status[3].lo == 418,
	    "codes and ranges, commas and blanks");
	ok(config_probe_values_status("100-599", &cp) == PROBEVAL_OK,
	    "status 100-599: the limits");
	ok(config_probe_values_status("99", &cp) == PROBEVAL_RANGE &&
	    cp.nstatus == 1 && cp.status[0].lo == 100,
	    "status 99 is out of range and changes nothing");
	ok(config_probe_values_status("600", &cp) == PROBEVAL_RANGE,
	    "status 600 is out of range");
	ok(config_probe_values_status("2000", &cp) == PROBEVAL_RANGE,
	    "status 2000 is out of range");
	ok(config_probe_values_status("399-200", &cp) == PROBEVAL_ORDER,
	    "a range that ends before it starts");
	ok(config_probe_values_status("200 - 399", &cp) == PROBEVAL_INVALID,
	    "blanks inside a range");
	ok(config_probe_values_status("2xx", &cp) == PROBEVAL_INVALID,
	    "2xx is not a code");
	ok(config_probe_values_status(" , ", &cp) == PROBEVAL_INVALID,
	    "no code at all");
	ok(config_probe_values_status("200-", &cp) == PROBEVAL_INVALID,
	    "a range without its end");
	for (i = 0; i < CONFIG_STATUS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "%d ", 200 + i);
	ok(config_probe_values_status(many, &cp) == PROBEVAL_OK &&
	    cp.nstatus == CONFIG_STATUS_MAX, "%d codes", CONFIG_STATUS_MAX);
	strcat(many, "500");
	ok(config_probe_values_status(many, &cp) == PROBEVAL_MANY,
	    "%d codes are too many", CONFIG_STATUS_MAX + 1);
}

static void
test_bytes_percent(void)
{
	static const struct {
		const char	*in;
		enum probeval	 r;
		uint64_t	 v;
	} b[] = {
		{ "0", PROBEVAL_OK, 0 }, { "1048576", PROBEVAL_OK, 1048576 },
		{ "1048576B", PROBEVAL_OK, 1048576 },
		{ "1KB", PROBEVAL_OK, 1024 }, { "1kib", PROBEVAL_OK, 1024 },
		{ "500MB", PROBEVAL_OK, 500ULL << 20 },
		{ "2GB", PROBEVAL_OK, 2ULL << 30 },
		{ "2GiB", PROBEVAL_OK, 2ULL << 30 },
		{ "1.5GB", PROBEVAL_OK, 3ULL << 29 },
		{ "1TB", PROBEVAL_OK, 1ULL << 40 },
		{ "0.001KB", PROBEVAL_OK, 1 },
		{ "16777215TB", PROBEVAL_OK, 16777215ULL << 40 },
		{ "16777216TB", PROBEVAL_RANGE, 0 },
		/* thousandths are counted on the way: 2^64 / 1000 at most */
		{ "18446744073709551", PROBEVAL_OK, 18446744073709551ULL },
		{ "18446744073709552", PROBEVAL_RANGE, 0 },
		{ "18446744073709551616", PROBEVAL_RANGE, 0 },
		{ "1.5", PROBEVAL_INVALID, 0 }, { "1.5B", PROBEVAL_INVALID, 0 },
		{ "1.2345GB", PROBEVAL_INVALID, 0 },
		{ "1PB", PROBEVAL_INVALID, 0 }, { "1M", PROBEVAL_INVALID, 0 },
		{ "GB", PROBEVAL_INVALID, 0 }, { "-1", PROBEVAL_INVALID, 0 },
		{ "1 GB", PROBEVAL_INVALID, 0 }, { "", PROBEVAL_INVALID, 0 },
	}, pc[] = {
		{ "0%", PROBEVAL_OK, 0 }, { "10%", PROBEVAL_OK, 1000 },
		{ "7.5%", PROBEVAL_OK, 750 }, { "0.01%", PROBEVAL_OK, 1 },
		{ "100%", PROBEVAL_OK, 10000 },
		{ "100.00%", PROBEVAL_OK, 10000 },
		{ "100.01%", PROBEVAL_RANGE, 0 },
		{ "7.555%", PROBEVAL_INVALID, 0 },
		{ "10", PROBEVAL_INVALID, 0 }, { "%", PROBEVAL_INVALID, 0 },
		{ ".5%", PROBEVAL_INVALID, 0 }, { "5.%", PROBEVAL_INVALID, 0 },
		{ "-5%", PROBEVAL_INVALID, 0 },
	};
	uint64_t	 v;
	size_t		 i;

	for (i = 0; i < NELEM(b); i++) {
		v = 77;
		ok(config_probe_values_bytes(b[i].in, &v) == b[i].r &&
		    (b[i].r != PROBEVAL_OK || v == b[i].v), "bytes \"%s\" -> "
		    "%d %llu", b[i].in, b[i].r, (unsigned long long)b[i].v);
	}
	for (i = 0; i < NELEM(pc); i++) {
		v = 77;
		ok(config_probe_values_percent(pc[i].in, &v) == pc[i].r &&
		    (pc[i].r != PROBEVAL_OK || v == pc[i].v), "percent \"%s\" "
		    "-> %d %llu", pc[i].in, pc[i].r,
		    (unsigned long long)pc[i].v);
	}
}

static void
test_threshold(void)
{
	static const struct {
		const char		*in;
		enum config_unit	 bare;
		enum probeval		 r;
		enum config_unit	 unit;
		uint64_t		 v;
	} t[] = {
		{ "500ms", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_MS, 500 },
		{ "2s", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_MS, 2000 },
		{ "2", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_MS, 2000 },
		{ "26h", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_MS,
		    93600000 },
		{ "5m", CONFIG_UNIT_BYTES, PROBEVAL_OK, CONFIG_UNIT_MS,
		    300000 },
		{ "8760h", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_MS,
		    PROBEVAL_DURATION_MAX },
		{ "8761h", CONFIG_UNIT_MS, PROBEVAL_RANGE, CONFIG_UNIT_MS, 0 },
		{ "0ms", CONFIG_UNIT_MS, PROBEVAL_RANGE, CONFIG_UNIT_MS, 0 },
		{ "1.5s", CONFIG_UNIT_MS, PROBEVAL_INVALID, CONFIG_UNIT_NONE,
		    0 },
		{ "10%", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_PERCENT,
		    1000 },
		{ "7.5%", CONFIG_UNIT_BYTES, PROBEVAL_OK, CONFIG_UNIT_PERCENT,
		    750 },
		{ "101%", CONFIG_UNIT_BYTES, PROBEVAL_RANGE,
		    CONFIG_UNIT_PERCENT, 0 },
		{ "2GB", CONFIG_UNIT_BYTES, PROBEVAL_OK, CONFIG_UNIT_BYTES,
		    2ULL << 30 },
		{ "2GB", CONFIG_UNIT_MS, PROBEVAL_OK, CONFIG_UNIT_BYTES,
		    2ULL << 30 },
		{ "1048576", CONFIG_UNIT_BYTES, PROBEVAL_OK, CONFIG_UNIT_BYTES,
		    1048576 },
		{ "99999999TB", CONFIG_UNIT_BYTES, PROBEVAL_RANGE,
		    CONFIG_UNIT_BYTES, 0 },
		{ "5", CONFIG_UNIT_NONE, PROBEVAL_INVALID, CONFIG_UNIT_NONE,
		    0 },
		{ "fast", CONFIG_UNIT_MS, PROBEVAL_INVALID, CONFIG_UNIT_NONE,
		    0 },
		{ "5d", CONFIG_UNIT_MS, PROBEVAL_INVALID, CONFIG_UNIT_NONE, 0 },
		{ "", CONFIG_UNIT_MS, PROBEVAL_INVALID, CONFIG_UNIT_NONE, 0 },
	};
	struct config_threshold	 th;
	enum probeval		 r;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(&th, 0, sizeof(th));
		r = config_probe_values_threshold(t[i].in, t[i].bare, &th);
		ok(r == t[i].r && th.unit == t[i].unit &&
		    (r != PROBEVAL_OK || th.value == t[i].v),
		    "threshold \"%s\" (bare %d) -> %d, unit %d", t[i].in,
		    t[i].bare, t[i].r, t[i].unit);
	}
}

/* An AF_INET or AF_INET6 address as "ADDR port", or what else it is. */
static const char *
addr_text(const struct sockaddr_storage *ss, socklen_t len)
{
	static char	 buf[160];
	char		 a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET && len == sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s %u", a, ntohs(s->sin_port));
	} else if (ss->ss_family == AF_INET6 &&
	    len == sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s %u", a, ntohs(s->sin6_port));
	} else if (ss->ss_family == AF_UNIX) {
		const struct sockaddr_un *s = (const void *)ss;

		snprintf(buf, sizeof(buf), "unix %s %u", s->sun_path,
		    (unsigned)len);
	} else
		snprintf(buf, sizeof(buf), "family %d", ss->ss_family);
	return buf;
}

static void
test_tcp(void)
{
	static const struct {
		const char	*in;
		enum probeval	 r;
		const char	*addr;
	} t[] = {
		{ "127.0.0.1:5432", PROBEVAL_OK, "127.0.0.1 5432" },
		{ "localhost:80", PROBEVAL_OK, "127.0.0.1 80" },
		{ "LocalHost:1", PROBEVAL_OK, "127.0.0.1 1" },
		{ "[::1]:65535", PROBEVAL_OK, "::1 65535" },
		{ "[2001:db8::1]:443", PROBEVAL_OK, "2001:db8::1 443" },
		{ "/run/app.sock", PROBEVAL_OK, "unix /run/app.sock 16" },
		{ "db.example.com:5432", PROBEVAL_NAME, NULL },
		{ "db:5432", PROBEVAL_NAME, NULL },
		{ "db", PROBEVAL_NAME, NULL },
		{ "*:80", PROBEVAL_ANY, NULL },
		{ "127.0.0.1:0", PROBEVAL_PORT, NULL },
		{ "127.0.0.1:65536", PROBEVAL_PORT, NULL },
		{ "127.0.0.1:", PROBEVAL_PORT, NULL },
		{ "127.0.0.1:http", PROBEVAL_PORT, NULL },
		{ "127.0.0.1", PROBEVAL_INVALID, NULL },
		{ "[::1]", PROBEVAL_INVALID, NULL },
		{ "::1:80", PROBEVAL_INVALID, NULL },
		{ "[::1:80", PROBEVAL_INVALID, NULL },
		{ "[::1]x:80", PROBEVAL_INVALID, NULL },
		{ "[127.0.0.1]:80", PROBEVAL_INVALID, NULL },
		{ "[db]:80", PROBEVAL_INVALID, NULL },
		{ ":80", PROBEVAL_INVALID, NULL },
		{ "a b:80", PROBEVAL_INVALID, NULL },
		{ "run/app.sock", PROBEVAL_INVALID, NULL },
	};
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 path[PROBEVAL_UNIX_MAX + 2];
	enum probeval		 r;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		len = 0;
		r = config_probe_values_tcp(t[i].in, &ss, &len);
		if (t[i].addr == NULL)
			ok(r == t[i].r, "tcp \"%s\" is refused (%d)", t[i].in,
			    t[i].r);
		else
			is_str(r == PROBEVAL_OK ? addr_text(&ss, len) : "(no)",
			    t[i].addr, "tcp \"%s\"", t[i].in);
	}
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[PROBEVAL_UNIX_MAX] = '\0';
	r = config_probe_values_tcp(path, &ss, &len);
	ok(r == PROBEVAL_OK && ss.ss_family == AF_UNIX &&
	    len == offsetof(struct sockaddr_un, sun_path) + 108 &&
	    strcmp(((struct sockaddr_un *)&ss)->sun_path, path) == 0,
	    "a socket path of 107 bytes fits sun_path");
	path[PROBEVAL_UNIX_MAX] = 'a';
	path[PROBEVAL_UNIX_MAX + 1] = '\0';
	ok(config_probe_values_tcp(path, &ss, &len) == PROBEVAL_LONG,
	    "a socket path of 108 bytes does not");
}

static void
test_http(void)
{
	static const struct {
		const char	*in;
		enum probeval	 r;
		const char	*addr, *host, *path;
	} t[] = {
		{ "http://127.0.0.1:8080/healthz", PROBEVAL_OK,
		    "127.0.0.1 8080", "127.0.0.1:8080", "/healthz" },
		{ "http://127.0.0.1", PROBEVAL_OK, "127.0.0.1 80",
		    "127.0.0.1", "/" },
		{ "HTTP://localhost/", PROBEVAL_OK, "127.0.0.1 80",
		    "localhost", "/" },
		{ "http://localhost:80/a?b=c&d=%20", PROBEVAL_OK,
		    "127.0.0.1 80", "localhost:80", "/a?b=c&d=%20" },
		{ "http://[::1]:8080/x", PROBEVAL_OK, "::1 8080",
		    "[::1]:8080", "/x" },
		{ "http://[::1]/", PROBEVAL_OK, "::1 80", "[::1]", "/" },
		{ "https://127.0.0.1/", PROBEVAL_HTTPS, NULL, NULL, NULL },
		{ "HTTPS://x/", PROBEVAL_HTTPS, NULL, NULL, NULL },
		{ "ftp://127.0.0.1/", PROBEVAL_SCHEME, NULL, NULL, NULL },
		{ "127.0.0.1:80/x", PROBEVAL_INVALID, NULL, NULL, NULL },
		{ "http://example.com/", PROBEVAL_NAME, NULL, NULL, NULL },
		{ "http://*:80/", PROBEVAL_ANY, NULL, NULL, NULL },
		{ "http://127.0.0.1:0/", PROBEVAL_PORT, NULL, NULL, NULL },
		{ "http://127.0.0.1:/", PROBEVAL_PORT, NULL, NULL, NULL },
		{ "http://u:p@127.0.0.1/", PROBEVAL_INVALID, NULL, NULL,
		    NULL },
		{ "http:///x", PROBEVAL_INVALID, NULL, NULL, NULL },
		{ "http://127.0.0.1/a b", PROBEVAL_PATH, NULL, NULL, NULL },
		{ "http://127.0.0.1/a#frag", PROBEVAL_PATH, NULL, NULL, NULL },
		{ "http://127.0.0.1?x", PROBEVAL_PATH, NULL, NULL, NULL },
		{ "http://127.0.0.1/\r\nX: y", PROBEVAL_PATH, NULL, NULL,
		    NULL },
		{ "http://127.0.0.1/caf\303\251", PROBEVAL_PATH, NULL, NULL,
		    NULL },
	};
	struct config_probe_url	 u;
	enum probeval		 r;
	char			 host[128];
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(&u, 0, sizeof(u));
		r = config_probe_values_http(t[i].in, &u);
		if (t[i].addr == NULL) {
			ok(r == t[i].r, "http \"%s\" is refused (%d)", t[i].in,
			    t[i].r);
			continue;
		}
		if (!ok(r == PROBEVAL_OK, "http \"%s\" is accepted", t[i].in))
			continue;
		is_str(addr_text(&u.addr, u.addrlen), t[i].addr,
		    "http \"%s\": address", t[i].in);
		snprintf(host, sizeof(host), "%.*s", (int)u.hostlen, u.host);
		is_str(host, t[i].host, "http \"%s\": host as written",
		    t[i].in);
		is_str(u.path, t[i].path, "http \"%s\": path", t[i].in);
	}
}

int
main(void)
{
	test_text();
	test_comm_header();
	test_status();
	test_bytes_percent();
	test_threshold();
	test_tcp();
	test_http();
	return done_testing();
}
