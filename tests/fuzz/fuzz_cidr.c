/*
 * fuzz_cidr.c - libFuzzer harness for the allow lists (cidr.h):
 * cidr_next() over a whole value, cidr_parse() of each entry, and
 * cidr_match() of addresses built from what was parsed.
 *
 * The input is one config value (up to its first NUL).  Besides crashes
 * and leaks, the harness aborts when:
 *  - cidr_next() returns an entry outside the text, one holding a
 *    separator, or goes backwards;
 *  - cidr_parse() fails without one of its messages, or succeeds with a
 *    family other than IPv4 or IPv6, a prefix longer than the family's,
 *    or host bits left set;
 *  - a parsed range, written out by cidr_format() and parsed again, is
 *    another range, or has host bits;
 *  - a range does not match its own network address, an address with a
 *    bit past the prefix set, or (IPv4) their IPv4-mapped IPv6 forms; or
 *    matches an address with a bit inside the prefix flipped.
 */
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why)
{
	fuzz_fail("cidr", why, input, strlen(input));
}

FUZZ_ORACLE static int
known_why(const char *why)
{
	static const char *const whys[] = { "empty entry",
	    "not an IPv4 or IPv6 address", "no prefix length after '/'",
	    "invalid prefix length (expected 0-32)",
	    "invalid prefix length (expected 0-128)" };
	size_t	 i;

	for (i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		if (why != NULL && strcmp(why, whys[i]) == 0)
			return 1;
	return 0;
}

/* Does the range match address a (bytes of its family), or mapped? */
FUZZ_ORACLE static int
matches(const struct cidr *c, const uint8_t *a, int mapped)
{
	struct sockaddr_in	 in4;
	struct sockaddr_in6	 in6;

	if (c->family == AF_INET && !mapped) {
		memset(&in4, 0, sizeof(in4));
		in4.sin_family = AF_INET;
		memcpy(&in4.sin_addr, a, 4);
		return cidr_match(c, 1, (struct sockaddr *)&in4);
	}
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	if (mapped) {
		in6.sin6_addr.s6_addr[10] = 0xff;
		in6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(in6.sin6_addr.s6_addr + 12, a, 4);
	} else
		memcpy(in6.sin6_addr.s6_addr, a, 16);
	return cidr_match(c, 1, (struct sockaddr *)&in6);
}

FUZZ_ORACLE static void
check_range(const struct cidr *c)
{
	unsigned int	 max = c->family == AF_INET ? 32 : 128, i;
	char		 text[CIDR_TEXT_MAX];
	const char	*why;
	struct cidr	 again;
	uint8_t		 a[16];
	int		 hb;

	if (c->family != AF_INET && c->family != AF_INET6)
		fail("a range of another family");
	if (c->len > max)
		fail("a prefix longer than the family's");
	for (i = c->len; i < max; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8)))
			fail("host bits left set");
	for (i = max / 8; i < 16; i++)
		if (c->addr[i] != 0)
			fail("bytes past an IPv4 address");
	cidr_format(c, text, sizeof(text));
	if (cidr_parse(text, strlen(text), &again, &hb, &why) == -1 ||
	    hb || memcmp(&again, c, sizeof(again)) != 0)
		fail("cidr_format's text is another range");
	memcpy(a, c->addr, 16);
	if (!matches(c, a, 0) || (c->family == AF_INET && !matches(c, a, 1)))
		fail("a range does not match its network address");
	if (c->len < max) {
		i = c->len + (unsigned int)(a[0] % (max - c->len));
		a[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		if (!matches(c, a, 0) ||
		    (c->family == AF_INET && !matches(c, a, 1)))
			fail("a range does not match a host in it");
		memcpy(a, c->addr, 16);
	}
	if (c->len > 0) {
		i = (unsigned int)(a[1] % c->len);
		a[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		if (matches(c, a, 0) ||
		    (c->family == AF_INET && matches(c, a, 1)))
			fail("a range matches an address outside it");
	}
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*start, *why;
	struct cidr	 c;
	size_t		 pos = 0, last = 0, len;
	long		 n;
	int		 hb;
	char		*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	input = s;
	len = strlen(s);
	while ((n = cidr_next(s, &pos, &start)) != -1) {
		if (n < 0 || start < s || start + n > s + len || pos > len ||
		    pos < last || (n > 0 && start < s + last))
			fail("cidr_next: an entry outside the text");
		if (n > 0 && strcspn(start, ", \t") < (size_t)n)
			fail("cidr_next: a separator inside an entry");
		if (pos == last && n == 0 && last != 0)
			fail("cidr_next: no progress");
		last = pos;
		why = NULL;
		if (cidr_parse(start, (size_t)n, &c, &hb, &why) == 0)
			check_range(&c);
		else if (!known_why(why))
			fail("cidr_parse failed with an unknown reason");
	}
	free(s);
	return 0;
}
