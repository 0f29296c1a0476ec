/*
 * http_chars.h - the character classes and token helpers the request
 * parser (http_parse.c), its URI part (http_uri.c), its incremental scan
 * (http_scan.c) and content negotiation (http_status.c) share.  Internal to
 * those files; ASCII only, never the locale, and every scan bounded by
 * a length.
 */
#ifndef MYDAEMON_HTTP_CHARS_H
#define MYDAEMON_HTTP_CHARS_H

#include <stddef.h>
#include <string.h>

static inline int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 5.6.2; memchr's length leaves out the string's NUL. */
static inline int
is_tchar(unsigned char c)
{
	static const char	 extra[] = "!#$%&'*+-.^_`|~";

	return is_alnum(c) || memchr(extra, c, sizeof(extra) - 1) != NULL;
}

static inline size_t
tchar_span(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && is_tchar((unsigned char)s[i]); i++)
		;
	return i;
}

/* ASCII only: strncasecmp would depend on the locale and on NULs. */
static inline int
token_is(const char *s, size_t n, const char *lit)
{
	size_t	 i;

	if (n != strlen(lit))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)lit[i])
			return 0;
	}
	return 1;
}

/* Cut optional whitespace (SP, HTAB) from both ends of [*s, *s + *n). */
static inline void
trim_ows(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static inline int
is_hex(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Does s[i..n) start with "%" HEXDIG HEXDIG (RFC 3986 2.1)? */
static inline int
is_pct(const char *s, size_t i, size_t n)
{
	return s[i] == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) &&
	    is_hex((unsigned char)s[i + 2]);
}

/* RFC 3986 2.3 unreserved, 2.2 sub-delims. */
static inline int
is_unreserved(unsigned char c)
{
	static const char	 extra[] = "-._~";

	return is_alnum(c) || memchr(extra, c, sizeof(extra) - 1) != NULL;
}

static inline int
is_sub_delim(unsigned char c)
{
	static const char	 delims[] = "!$&'()*+,;=";

	return memchr(delims, c, sizeof(delims) - 1) != NULL;
}

/*
 * A byte a path or a query may hold as it is (RFC 3986 3.3, 3.4: pchar,
 * "/" and "?"); "%" is allowed only before two hex digits.
 */
static inline int
is_uri_char(unsigned char c)
{
	return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' ||
	    c == '/' || c == '?';
}

#endif /* MYDAEMON_HTTP_CHARS_H */
