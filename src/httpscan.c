/*
 * httpscan.c - spot an invalid request head at its first bad byte (see
 * httpscan.h).
 *
 * The syntax followed is RFC 9112's, as strict as http_parse() is, so
 * that nothing http_parse() accepts is ever refused here: empty lines
 * before the request line; method SP target SP "HTTP/" DIGIT "." DIGIT;
 * a line ends in LF or CRLF; fields "name:" value, the name made of
 * tchars, the value of visible bytes, SP and HTAB; an empty line ends it.
 * The target's first byte must be '/' (origin form) or 'h' (http:// or
 * https://, the absolute form), the only two forms served.
 */
#include <string.h>

#include "http.h"
#include "httpscan.h"

enum {
	S_START,	/* empty lines before the request line */
	S_START_LF,	/* a CR there: LF must follow */
	S_METHOD,
	S_TARGET0,	/* the target's first byte */
	S_TARGET,
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
is_tchar(unsigned char c)
{
	static const char	 extra[] = "!#$%&'*+-.^_`|~";

	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && memchr(extra, c, sizeof(extra) - 1) != NULL);
}

/* One byte in the current state: the next state, or -1 for invalid. */
static int
step(struct http_scan *s, unsigned char c)
{
	static const char	 version[] = "HTTP/D.D";

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
	case S_TARGET0:
		return c == '/' || c == 'h' || c == 'H' ? S_TARGET : -1;
	case S_TARGET:
		if (c == ' ') {
			s->n = 0;
			return S_VERSION;
		}
		return c > 0x20 && c < 0x7f && c != '#' ? S_TARGET : -1;
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
