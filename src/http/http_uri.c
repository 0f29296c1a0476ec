/*
 * http_uri.c - the parts of a request target and a Host field that
 * follow RFC 3986: an authority (uri-host and port), a path and query,
 * and the absolute-form "http://host/path" that RFC 9112 3.2.2 says a
 * server must accept.  Pure functions over bytes that are not
 * NUL-terminated.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "http/http_chars.h"
#include "http/http_uri.h"

/* RFC 3986 3.2.2: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
static int
ipvfuture_ok(const char *v, size_t n)
{
	size_t	 i = 1;

	if (n == 0 || (v[0] != 'v' && v[0] != 'V'))
		return 0;
	while (i < n && is_hex((unsigned char)v[i]))
		i++;
	if (i == 1 || i + 1 >= n || v[i] != '.')
		return 0;
	for (i++; i < n; i++)
		if (!is_unreserved((unsigned char)v[i]) &&
		    !is_sub_delim((unsigned char)v[i]) && v[i] != ':')
			return 0;
	return 1;
}

/*
 * IP-literal = "[" ( IPv6address / IPvFuture ) "]" at the start of v[0..n):
 * its length with both brackets, or 0 when there is no valid one.
 */
static size_t
ip_literal(const char *v, size_t n)
{
	char	 ip[64], a6[16];
	size_t	 end;

	for (end = 1; end < n && v[end] != ']'; end++)
		;
	if (end == n)
		return 0;
	if (ipvfuture_ok(v + 1, end - 1))
		return end + 1;
	if (end - 1 >= sizeof(ip))
		return 0;
	memcpy(ip, v + 1, end - 1);
	ip[end - 1] = '\0';
	return inet_pton(AF_INET6, ip, a6) == 1 ? end + 1 : 0;
}

/* The length of the reg-name (unreserved, sub-delims, %HH) v starts with. */
static size_t
reg_name(const char *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (is_pct(v, i, n))
			i += 2;
		else if (!is_unreserved((unsigned char)v[i]) &&
		    !is_sub_delim((unsigned char)v[i]))
			break;
	}
	return i;
}

/*
 * uri-host [":" port] (RFC 3986 3.2.2, 3.2.3): an IP-literal in brackets
 * (IPv6 or IPvFuture) or a reg-name.  RFC 9112 3.2 wants a 400 for an
 * invalid Host; an empty one is allowed.
 */
int
http_uri_authority_ok(const char *v, size_t n)
{
	size_t	 i;

	if (n > 0 && v[0] == '[') {
		if ((i = ip_literal(v, n)) == 0)
			return 0;
	} else
		i = reg_name(v, n);
	if (i == n)
		return 1;
	if (v[i] != ':')
		return 0;
	for (i++; i < n; i++)
		if (!is_digit((unsigned char)v[i]))
			return 0;
	return 1;
}

int
http_uri_path_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (is_pct(s, i, n))
			i += 2;
		else if (!is_uri_char((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/*
 * The absolute-form "http://host:port/path" (RFC 9112 3.2.2: a server
 * MUST accept it): the offset of the path after the authority, the
 * target's length when there is no path, or -1 for any other form and
 * for an authority that is empty (RFC 9110 4.2.1), holds userinfo (4.2.4)
 * or is no valid host.
 */
long
http_uri_absolute_path(const char *s, size_t n)
{
	size_t	 i, start;

	if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		i = 7;
	else if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		i = 8;
	else
		return -1;
	for (start = i; i < n && s[i] != '/' && s[i] != '?'; i++)
		;
	if (i == start || !http_uri_authority_ok(s + start, i - start))
		return -1;
	return (long)i;
}
