/*
 * cidr.c - address ranges and matching a peer against them (see
 * cidr.h).  inet_pton() reads the addresses, so that "1.2.3" or
 * "010.1.1.1" mean here what they mean to the rest of the system's
 * strict parsers: nothing.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "base/cidr.h"

static int
is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

long
cidr_next(const char *s, size_t *pos, const char **start)
{
	size_t i = *pos, j;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] == ',') {
		/* A separator; at the start, an entry missing before it. */
		if (*pos == 0) {
			*pos = i + 1;
			*start = s + i;
			return 0;
		}
		i++;
		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == '\0' || s[i] == ',') {
			*pos = i;
			*start = s + i;
			return 0;	/* "a,,b" or "a," */
		}
	}
	if (s[i] == '\0') {
		*pos = i;
		return -1;
	}
	for (j = i; s[j] != '\0' && !is_sep(s[j]); j++)
		;
	*start = s + i;
	*pos = j;
	return (long)(j - i);
}

/* "/LEN": 0-max, digits only, no leading zero but "0" itself. */
static int
prefix_len(const char *p, unsigned int max, unsigned int *len)
{
	unsigned int v = 0;
	size_t i;

	if (p[0] == '\0' || (p[0] == '0' && p[1] != '\0'))
		return -1;
	for (i = 0; p[i] != '\0'; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 3)
			return -1;
		v = v * 10 + (unsigned int)(p[i] - '0');
	}
	if (v > max)
		return -1;
	*len = v;
	return 0;
}

/* Clear the bits past len; 1 if any was set. */
static int
clear_host(uint8_t *a, unsigned int len, unsigned int bytes)
{
	unsigned int i;
	uint8_t keep;
	int set = 0;

	for (i = len / 8; i < bytes; i++) {
		keep = i == len / 8 ? (uint8_t)(0xff00 >> (len % 8)) : 0;
		set |= (a[i] & ~keep) != 0;
		a[i] &= keep;
	}
	return set;
}

int
cidr_parse(const char *s, size_t n, struct cidr *c, int *host_bits,
    const char **why)
{
	char text[CIDR_TEXT_MAX], *slash;
	unsigned int len, max;

	*host_bits = 0;
	if (n == 0) {
		*why = "empty entry";
		return -1;
	}
	if (n >= sizeof(text) || memchr(s, '\0', n) != NULL) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	if ((slash = strchr(text, '/')) != NULL)
		*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, text, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	len = max;
	if (slash != NULL && prefix_len(slash + 1, max, &len) == -1) {
		*why = slash[1] == '\0' ? "no prefix length after '/'" :
		    max == 32 ? "invalid prefix length (expected 0-32)" :
		    "invalid prefix length (expected 0-128)";
		return -1;
	}
	c->len = (uint8_t)len;
	*host_bits = clear_host(c->addr, len, max / 8);
	return 0;
}

void
cidr_format(const struct cidr *c, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	size_t n;

	if (inet_ntop(c->family, c->addr, host, sizeof(host)) == NULL)
		strcpy(host, "?");
	n = strlen(host);
	if (size > n + 5) {
		memcpy(buf, host, n);
		buf[n++] = '/';
		if (c->len >= 100)
			buf[n++] = (char)('0' + c->len / 100);
		if (c->len >= 10)
			buf[n++] = (char)('0' + c->len / 10 % 10);
		buf[n++] = (char)('0' + c->len % 10);
		buf[n] = '\0';
	} else if (size > 0)
		buf[0] = '\0';
}

/* Whether the first len bits of a and b are the same. */
static int
same_prefix(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int whole = len / 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (len % 8 == 0)
		return 1;
	mask = (uint8_t)(0xff00 >> (len % 8));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

int
cidr_match(const struct cidr *list, size_t n, const struct sockaddr *peer)
{
	const struct sockaddr_in *in4 = (const void *)peer;
	const struct sockaddr_in6 *in6 = (const void *)peer;
	const uint8_t *a4 = NULL, *a6 = NULL;
	size_t i;

	if (peer->sa_family == AF_INET)
		a4 = (const uint8_t *)&in4->sin_addr;
	else if (peer->sa_family == AF_INET6) {
		a6 = in6->sin6_addr.s6_addr;
		/* an IPv4 client of a dual-stack socket: IPv4 too */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			a4 = a6 + 12;
	}
	for (i = 0; i < n; i++) {
		if (list[i].family == AF_INET && a4 != NULL &&
		    same_prefix(list[i].addr, a4, list[i].len))
			return 1;
		if (list[i].family == AF_INET6 && a6 != NULL &&
		    same_prefix(list[i].addr, a6, list[i].len))
			return 1;
	}
	return 0;
}
