/*
 * fuzz_probe_values.c - libFuzzer harness for config_probe_values.c, the
 * syntax of the built-in probes' values.
 *
 * The input is one value (up to its first NUL), as a config line gives
 * it, handed to every reader.  Besides crashes and leaks, the harness
 * aborts when:
 *  - decoded text is longer than its input, does not decode again to
 *    itself once escaped, or an escape error points elsewhere than at a
 *    backslash of the input;
 *  - an accepted process name or header value holds a byte it must not
 *    (a header value that could split a request above all);
 *  - an accepted status list is empty, too long, out of 100-599 or has
 *    a range that ends before it starts, or a refused one changed the
 *    probe;
 *  - a size, percentage or threshold is accepted out of its range, or
 *    a size differs from the same number with "B", or with "KB" from
 *    1024 times it;
 *  - an accepted tcp address or http URL is not an IPv4, IPv6 or Unix
 *    socket address of the right length, has port 0, came from a name
 *    (other than localhost), or an http path could split the request.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/config_probe_values.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why)
{
	fuzz_fail("probe_values", why, input, strlen(input));
}

FUZZ_ORACLE static int
visible(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* The decoded text escaped again: \r \n \t \\ for those bytes. */
FUZZ_ORACLE static void
check_text(const char *s)
{
	size_t		 n = strlen(s), len, len2, i;
	char		*d, *e, *d2, *p;
	const char	*bad = NULL;
	enum probeval	 r;

	if ((d = malloc(n + 1)) == NULL || (e = malloc(2 * n + 1)) == NULL ||
	    (d2 = malloc(2 * n + 1)) == NULL)
		abort();
	r = config_probe_values_text(s, d, &len, &bad);
	if (r == PROBEVAL_ESCAPE && (bad == NULL || bad < s || bad >= s + n ||
	    *bad != '\\'))
		fail("an escape error points elsewhere than at a backslash");
	if (r != PROBEVAL_OK && r != PROBEVAL_ESCAPE && r != PROBEVAL_EMPTY)
		fail("text: an unexpected verdict");
	if (r == PROBEVAL_OK) {
		if (len == 0 || len > n)
			fail("decoded text is empty or longer than its input");
		for (p = e, i = 0; i < len; i++) {
			const char *esc = d[i] == '\r' ? "\\r" : d[i] == '\n' ?
			    "\\n" : d[i] == '\t' ? "\\t" : d[i] == '\\' ?
			    "\\\\" : NULL;

			if (esc != NULL) {
				memcpy(p, esc, 2);
				p += 2;
			} else
				*p++ = d[i];
		}
		*p = '\0';
		if (memchr(e, '\0', (size_t)(p - e)) == NULL &&
		    (config_probe_values_text(e, d2, &len2, &bad) !=
		    PROBEVAL_OK || len2 != len || memcmp(d, d2, len) != 0))
			fail("escaped again, the text decodes otherwise");
	}
	free(d);
	free(e);
	free(d2);
}

FUZZ_ORACLE static void
check_names(const char *s)
{
	size_t	 n = strlen(s), i;

	if (config_probe_values_comm(s) == PROBEVAL_OK) {
		if (n == 0 || n > PROBEVAL_COMM_MAX || strchr(s, '/') != NULL)
			fail("an accepted process name is empty, long, has /");
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				fail("an accepted process name has a control");
	}
	if (config_probe_values_header(s) == PROBEVAL_OK &&
	    (n == 0 || !visible(s, n)))
		fail("an accepted header value could split a request");
}

FUZZ_ORACLE static void
check_status(const char *s)
{
	struct config_probe	 cp;
	size_t			 i;

	memset(&cp, 0, sizeof(cp));
	cp.nstatus = 99;
	if (config_probe_values_status(s, &cp) != PROBEVAL_OK) {
		if (cp.nstatus != 99)
			fail("a refused status list changed the probe");
		return;
	}
	if (cp.nstatus == 0 || cp.nstatus > CONFIG_STATUS_MAX)
		fail("a status list of no range or too many");
	for (i = 0; i < cp.nstatus; i++)
		if (cp.status[i].lo < 100 || cp.status[i].hi > 599 ||
		    cp.status[i].lo > cp.status[i].hi)
			fail("a status range out of 100-599 or upside down");
}

FUZZ_ORACLE static void
check_numbers(const char *s)
{
	static const enum config_unit bare[] = { CONFIG_UNIT_NONE,
	    CONFIG_UNIT_MS, CONFIG_UNIT_BYTES, CONFIG_UNIT_PERCENT };
	struct config_threshold	 t;
	uint64_t		 v, w;
	enum probeval		 r;
	size_t			 n = strlen(s), i;
	char			*b;

	if (config_probe_values_percent(s, &v) == PROBEVAL_OK && v > 10000)
		fail("a percentage over 100%");
	if (config_probe_values_bytes(s, &v) == PROBEVAL_OK &&
	    n > 0 && strspn(s, "0123456789.") == n &&
	    (b = malloc(n + 3)) != NULL) {
		memcpy(b, s, n);
		memcpy(b + n, "B", 2);
		if (config_probe_values_bytes(b, &w) != PROBEVAL_OK || w != v)
			fail("N and NB are not the same size");
		memcpy(b + n, "KB", 3);
		r = config_probe_values_bytes(b, &w);
		if ((r == PROBEVAL_OK && w != v * 1024) ||
		    (r != PROBEVAL_OK && r != PROBEVAL_RANGE))
			fail("NKB is not 1024 times N");
		free(b);
	}
	for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
		memset(&t, 0, sizeof(t));
		r = config_probe_values_threshold(s, bare[i], &t);
		if (r != PROBEVAL_OK && r != PROBEVAL_RANGE &&
		    r != PROBEVAL_INVALID)
			fail("threshold: an unexpected verdict");
		if ((r == PROBEVAL_INVALID) != (t.unit == CONFIG_UNIT_NONE))
			fail("a threshold's unit is not set as promised");
		if (r == PROBEVAL_OK && ((t.unit == CONFIG_UNIT_PERCENT &&
		    t.value > 10000) || (t.unit == CONFIG_UNIT_MS &&
		    (t.value < 1 || t.value > PROBEVAL_DURATION_MAX))))
			fail("a threshold out of its range");
	}
}

/* An address of the right length, a port, and no name looked up. */
FUZZ_ORACLE static void
check_addr(const struct sockaddr_storage *ss, socklen_t len, const char *h,
    size_t hn)
{
	const struct sockaddr_in	*s4 = (const void *)ss;
	const struct sockaddr_in6	*s6 = (const void *)ss;
	struct in6_addr			 a6;
	char				 buf[64];

	if (ss->ss_family == AF_INET) {
		if (len != sizeof(*s4) || s4->sin_port == 0)
			fail("an IPv4 address of a wrong length or port 0");
		if (hn >= sizeof(buf))
			fail("an IPv4 host too long to be a literal");
		memcpy(buf, h, hn);
		buf[hn] = '\0';
		if (strcasecmp(buf, "localhost") != 0 &&
		    inet_pton(AF_INET, buf, &a6) != 1)
			fail("an IPv4 address from a host that is no literal");
	} else if (ss->ss_family == AF_INET6) {
		if (len != sizeof(*s6) || s6->sin6_port == 0)
			fail("an IPv6 address of a wrong length or port 0");
		if (hn < 2 || h[0] != '[' || hn - 2 >= sizeof(buf))
			fail("an IPv6 address without brackets");
		memcpy(buf, h + 1, hn - 2);
		buf[hn - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1)
			fail("an IPv6 address from a host that is no literal");
	} else
		fail("an address neither IPv4 nor IPv6");
}

FUZZ_ORACLE static void
check_net(const char *s)
{
	struct sockaddr_storage	 ss;
	struct config_probe_url	 u;
	socklen_t		 len = 0;
	const struct sockaddr_un *sun = (const void *)&ss;
	size_t			 n = strlen(s), hn;

	if (config_probe_values_tcp(s, &ss, &len) == PROBEVAL_OK) {
		if (s[0] == '/') {
			if (ss.ss_family != AF_UNIX || n > PROBEVAL_UNIX_MAX ||
			    strcmp(sun->sun_path, s) != 0 || len !=
			    offsetof(struct sockaddr_un, sun_path) + n + 1)
				fail("a Unix socket address is not the path");
		} else {
			hn = s[0] == '[' ? (size_t)(strchr(s, ']') - s) + 1 :
			    strcspn(s, ":");
			check_addr(&ss, len, s, hn);
		}
	}
	memset(&u, 0, sizeof(u));
	if (config_probe_values_http(s, &u) != PROBEVAL_OK)
		return;
	if (n < 7 || strncasecmp(s, "http://", 7) != 0)
		fail("an accepted URL is not http://");
	if (u.host != s + 7 || u.hostlen == 0 || u.hostlen > n - 7 ||
	    !visible(u.host, u.hostlen))
		fail("an accepted URL's host is not in it, or not visible");
	hn = u.host[0] == '[' ? (size_t)((const char *)memchr(u.host, ']',
	    u.hostlen) - u.host) + 1 : strcspn(u.host, ":/");
	check_addr(&u.addr, u.addrlen, u.host, hn);
	if (u.path == NULL || u.path[0] != '/' ||
	    !visible(u.path, strlen(u.path)) || strchr(u.path, '#') != NULL)
		fail("an accepted URL's path could split the request");
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	input = s;
	check_text(s);
	check_names(s);
	check_status(s);
	check_numbers(s);
	check_net(s);
	free(s);
	return 0;
}
