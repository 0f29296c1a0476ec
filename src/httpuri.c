/*
 * httpuri.c - the parts of a request target and a Host field that
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

#include "httpchar.h"

/*
 * uri-host [":" port] (RFC 3986 3.2.2, 3.2.3): an IP-literal in brackets
 * or a reg-name of unreserved, sub-delims and %HH.  RFC 9112 3.2 wants a
 * 400 for an invalid Host; an empty one is allowed.
 */
int
http_authority_ok(const char *v, size_t n)
{
	char			 ip[64], a6[16];
	size_t			 i = 0, end;

	if (n > 0 && v[0] == '[') {
		for (end = 1; end < n && v[end] != ']'; end++)
			;
		if (end == n || end - 1 >= sizeof(ip))
			return 0;
		memcpy(ip, v + 1, end - 1);
		ip[end - 1] = '\0';
		if (inet_pton(AF_INET6, ip, a6) != 1)
			return 0;
		i = end + 1;
	} else {
		for (; i < n && v[i] != ':'; i++) {
			unsigned char c = (unsigned char)v[i];

			if (c == '%' && i + 2 < n &&
			    is_hex((unsigned char)v[i + 1]) &&
			    is_hex((unsigned char)v[i + 2]))
				i += 2;
			else if (!is_unreserved(c) && !is_sub_delim(c))
				return 0;
		}
	}
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
http_path_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) &&
		    is_hex((unsigned char)s[i + 2]))
			i += 2;
		else if (!is_uri_char(c))
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
http_absolute_path(const char *s, size_t n)
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
	if (i == start || !http_authority_ok(s + start, i - start))
		return -1;
	return (long)i;
}
