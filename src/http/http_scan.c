/*
 * http_scan.c - spot an invalid request head at its first bad byte (see
 * http_scan.h).
 *
 * The syntax followed is RFC 9112's, as strict as http_parse() is, so
 * that nothing http_parse() accepts is ever refused here: empty lines
 * before the request line; method SP target SP "HTTP/" DIGIT "." DIGIT;
 * a line ends in LF or CRLF; fields "name:" value, the name made of
 * tchars, the value of visible bytes, SP and HTAB; an empty line ends it.
 * The target's first byte must be '/' (origin form) or 'h' (http:// or
 * https://, the absolute form), the only two forms served.  Its path and
 * query (after the third '/' or the first '?' of an absolute form) hold
 * RFC 3986's bytes and "%" HEXDIG HEXDIG, as http_uri_path_ok() wants; the
 * scheme and authority of an absolute form are left to http_parse().
 */
#include <string.h>

#include "http/http.h"
#include "http/http_chars.h"
#include "http/http_uri.h"
#include "http/http_scan.h"

enum {
	S_START,	/* empty lines before the request line */
	S_START_LF,	/* a CR there: LF must follow */
	S_METHOD,
	S_TARGET0,	/* the target's first byte */
	S_ABS,		/* scheme and authority; n counts the '/'s */
	S_PATH,		/* path and query */
	S_PCT1,		/* the first hex digit after '%' */
	S_PCT2,
	S_VERSION,	/* "HTTP/" DIGIT "." DIGIT, n says how far */
	S_LINE_END,	/* CR or LF after the version */
	S_LINE_LF,	/* after a CR: LF */
	S_FIELD0,	/* a field's first byte, or the end */
	S_NAME,
	S_VALUE,
	S_VALUE_LF,
	S_END_LF,	/* the CR of the empty line: LF ends the head */
	S_DONE
};

static int
to_version(struct http_scan *s)
{
	s->n = 0;
	return S_VERSION;
}

/* One byte of the request target, or the SP after it. */
static int
step_target(struct http_scan *s, unsigned char c)
{
	switch (s->state) {
	case S_TARGET0:
		s->n = 0;
		if (c == 'h' || c == 'H')
			return S_ABS;
		return c == '/' ? S_PATH : -1;
	case S_ABS:
		if (c == ' ')
			return to_version(s);
		/* "http://host/": the third '/' begins the path. */
		if ((c == '/' && ++s->n == 3) || c == '?')
			return S_PATH;
		return is_uri_char(c) || c == '%' || c == '[' || c == ']' ?
		    S_ABS : -1;
	case S_PATH:
		if (c == ' ')
			return to_version(s);
		if (c == '%')
			return S_PCT1;
		return is_uri_char(c) ? S_PATH : -1;
	case S_PCT1:
		return is_hex(c) ? S_PCT2 : -1;
	case S_PCT2:
		return is_hex(c) ? S_PATH : -1;
	}
	return -1;
}

/* One byte in the current state: the next state, or -1 for invalid. */
static int
step(struct http_scan *s, unsigned char c)
{
	static const char	 version[] = "HTTP/D.D";

	if (s->state >= S_TARGET0 && s->state <= S_PCT2)
		return step_target(s, c);
	switch (s->state) {
	case S_START:
		if (c == '\r')
			return S_START_LF;
		if (c == '\n')
			return S_START;
		return is_tchar(c) ? S_METHOD : -1;
	case S_START_LF:
		return c == '\n' ? S_START : -1;
	case S_METHOD:
		if (c == ' ')
			return S_TARGET0;
		return is_tchar(c) ? S_METHOD : -1;
	case S_VERSION:
		if (version[s->n] == 'D' ? c < '0' || c > '9' :
		    c != (unsigned char)version[s->n])
			return -1;
		return ++s->n == sizeof(version) - 1 ? S_LINE_END : S_VERSION;
	case S_LINE_END:
		if (c == '\r')
			return S_LINE_LF;
		return c == '\n' ? S_FIELD0 : -1;
	case S_LINE_LF:
	case S_VALUE_LF:
		return c == '\n' ? S_FIELD0 : -1;
	case S_FIELD0:
		if (c == '\r')
			return S_END_LF;
		if (c == '\n')
			return S_DONE;
		return is_tchar(c) ? S_NAME : -1;
	case S_NAME:
		if (c == ':')
			return S_VALUE;
		return is_tchar(c) ? S_NAME : -1;
	case S_VALUE:
		if (c == '\r')
			return S_VALUE_LF;
		if (c == '\n')
			return S_FIELD0;
		return (c < 0x20 && c != '\t') || c == 0x7f ? -1 : S_VALUE;
	case S_END_LF:
		return c == '\n' ? S_DONE : -1;
	}
	return -1;
}

int
http_scan(struct http_scan *s, const char *buf, size_t len)
{
	int	 next;

	if (s->state == S_DONE)
		return 0;
	while (s->pos < len) {
		if (s->pos >= HTTP_HEAD_MAX)
			return 431;
		next = step(s, (unsigned char)buf[s->pos]);
		if (next == -1)
			return 400;
		s->pos++;
		s->state = (uint8_t)next;
		if (next == S_DONE)
			return 0;
	}
	return s->pos >= HTTP_HEAD_MAX ? 431 : -1;
}
