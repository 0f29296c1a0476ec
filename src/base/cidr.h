/*
 * cidr.h - address ranges ("10.0.0.0/8", "::1", "2001:db8::/32") and
 * whether a peer is in one: what allow and status_allow are made of
 * (SPEC 22).  Pure: text in, ranges out; no allocation when matching.
 */
#ifndef MYDAEMON_CIDR_H
#define MYDAEMON_CIDR_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#define CIDR_TEXT_MAX	64	/* bytes of one entry as written, at most */

/* One range: the network (host bits zero) and its prefix length. */
struct cidr {
	uint8_t		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 len;		/* 0-32 or 0-128 */
	uint8_t		 addr[16];	/* IPv4 in the first 4 bytes */
};

/*
 * Parse one entry of n bytes: an IPv4 or IPv6 address, optionally with
 * "/LEN"; without it, the host alone (/32, /128).  Returns 0 with *c
 * set; *host_bits is 1 when the address had bits set past the prefix
 * (they are cleared: "10.1.2.3/8" is 10.0.0.0/8).  Returns -1 with
 * *why set to a static message when the text is not a range.
 */
int	cidr_parse(const char *s, size_t n, struct cidr *c, int *host_bits,
	    const char **why);

/*
 * The next entry of a list ("10.0.0.0/8, ::1 192.0.2.1"): entries are
 * separated by commas and/or blanks.  From *pos on, sets *start to the
 * entry and returns its length, *pos past it; 0 at the end of s.  An
 * empty entry between two commas is returned as length 0 with *pos
 * moved on (so the caller can call it an error): -1 means the end.
 */
long	cidr_next(const char *s, size_t *pos, const char **start);

/* The range as text ("10.0.0.0/8", "::/0") into buf (>= CIDR_TEXT_MAX). */
void	cidr_format(const struct cidr *c, char *buf, size_t size);

/*
 * Whether the peer (a struct sockaddr_in or sockaddr_in6) is in one of
 * the n ranges of list.  An IPv4-mapped IPv6 peer (::ffff:a.b.c.d, as a
 * dual-stack listener sees IPv4 clients) matches IPv4 ranges as the IPv4
 * address, and IPv6 ranges (::/0, ::ffff:0:0/96) as it is.  Any other
 * family matches nothing.
 */
int	cidr_match(const struct cidr *list, size_t n,
	    const struct sockaddr *peer);

#endif /* MYDAEMON_CIDR_H */
