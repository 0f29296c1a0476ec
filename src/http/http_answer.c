/*
 * http_answer.c - the answer to the http probe's GET, parsed as it
 * arrives (see http_answer.h).
 *
 * The head is collected into head[] a byte at a time and each line is
 * judged as soon as its LF arrives: "HTTP/" must be the first five bytes
 * (a service that speaks something else is told at once, not after the
 * timeout), the status line RFC 9112 4's, each field "name:" value with
 * a name of tchars and a value without control bytes.  Only the fields
 * that frame the body are read; RFC 9112 6.3 decides the framing:
 * no body after 1xx, 204 and 304; chunked when Transfer-Encoding's last
 * coding is, else until the close when Transfer-Encoding is there;
 * else Content-Length's bytes; else until the close.  A line may end in
 * LF alone (RFC 9112 2.2).  The body is copied in runs, not bytewise.
 *
 * Past STYLE's 400 lines (by about 30) on purpose: it is one state
 * machine over one struct, head, chunk sizes and body, whose states hand
 * bytes to each other; split in two, each half would need the other's
 * states and the struct's insides.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http_answer.h"
#include "http/http_chars.h"

enum {
	S_HEAD,		/* status line and fields */
	S_LENGTH,	/* `left` bytes of body */
	S_EOF,		/* body until the close */
	C_SIZE0,	/* a chunk's size line: its first byte */
	C_SIZE,		/* hex digits */
	C_SIZE_WS,	/* blanks after them */
	C_EXT,		/* ";ext...": skipped */
	C_SIZE_LF,	/* the CR is in: LF */
	C_DATA,		/* `left` bytes of the chunk */
	C_DATA_CR,	/* the line end after the data */
	C_DATA_LF,
	C_TRAILER,	/* a trailer line's first byte, or the end */
	C_TRAILER_LINE,
	C_TRAILER_LF,	/* the CR of the empty line: LF ends it all */
	S_DONE
};

enum { F_OTHER, F_LENGTH, F_TE };	/* the last field, for obs-fold */

void
http_answer_init(struct http_answer *a)
{
	memset(a, 0, offsetof(struct http_answer, head));
	a->rc = HTTP_ANSWER_MORE;
	a->state = S_HEAD;
}

static void
conclude(struct http_answer *a, int rc)
{
	a->rc = rc;
	if (rc == HTTP_ANSWER_DONE)
		a->state = S_DONE;
}

/* Field-value bytes (RFC 9110 5.5): HTAB, SP, VCHAR, obs-text. */
static int
value_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* "HTTP/1.x NNN[ reason]" (the reason may be empty, or left out). */
static int
status_line(struct http_answer *a, const char *s, size_t n)
{
	unsigned char	 d0, d1, d2;

	if (n < 12 || s[5] != '1' || s[6] != '.' ||
	    !is_digit((unsigned char)s[7]) || s[8] != ' ')
		return -1;
	d0 = (unsigned char)s[9];
	d1 = (unsigned char)s[10];
	d2 = (unsigned char)s[11];
	if (d0 < '1' || d0 > '9' || !is_digit(d1) || !is_digit(d2))
		return -1;
	if (n > 12 && (s[12] != ' ' || !value_ok(s + 13, n - 13)))
		return -1;
	a->minor = s[7] - '0';
	a->status = (d0 - '0') * 100u + (d1 - '0') * 10u + (d2 - '0');
	a->reason = n > 12 ? s + 13 : s + n;
	a->reason_len = n > 12 ? n - 13 : 0;
	return 0;
}

/* Digits only; every Content-Length of the answer must say the same. */
static int
content_length(struct http_answer *a, const char *s, size_t n)
{
	uint64_t	 v = 0, d;
	size_t		 i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (a->has_length && a->length != v)
		return -1;
	a->has_length = 1;
	a->length = v;
	return 0;
}

/* Is the last coding of a Transfer-Encoding list "chunked"? */
static int
last_is_chunked(const char *s, size_t n, int was)
{
	const char	*e, *t;
	size_t		 len, tn;

	for (;;) {
		e = memchr(s, ',', n);
		len = e != NULL ? (size_t)(e - s) : n;
		t = s;
		tn = len;
		trim_ows(&t, &tn);
		if (tn > 0)	/* empty elements do not count */
			was = token_is(t, tn, "chunked");
		if (e == NULL)
			return was;
		s = e + 1;
		n -= len + 1;
	}
}

/* A field line: 0, or the error it is. */
static int
field_line(struct http_answer *a, const char *s, size_t n)
{
	const char	*field = s;
	size_t		 name;

	if (s[0] == ' ' || s[0] == '\t') {
		/* obs-fold: more of the field before, which we ignore */
		if (!value_ok(s, n))
			return HTTP_ANSWER_FIELD;
		return a->last_field == F_LENGTH ? HTTP_ANSWER_LENGTH :
		    a->last_field == F_TE ? HTTP_ANSWER_FIELD : 0;
	}
	a->last_field = F_OTHER;
	name = tchar_span(s, n);
	if (name == 0 || name == n || s[name] != ':' ||
	    !value_ok(s + name + 1, n - name - 1))
		return HTTP_ANSWER_FIELD;
	s += name + 1;
	n -= name + 1;
	trim_ows(&s, &n);
	if (token_is(field, name, "content-length")) {
		a->last_field = F_LENGTH;
		return content_length(a, s, n) == -1 ? HTTP_ANSWER_LENGTH : 0;
	}
	if (token_is(field, name, "transfer-encoding")) {
		a->last_field = F_TE;
		a->te = 1;
		a->te_chunked = last_is_chunked(s, n, a->te_chunked);
	}
	return 0;
}

/* The empty line: skip an interim answer, or frame the body. */
static void
head_end(struct http_answer *a)
{
	unsigned int	 st = a->status;

	if (st >= 100 && st < 200 && st != 101) {
		a->interim++;
		a->status = 0;
		a->reason = NULL;
		a->reason_len = 0;
		a->has_length = a->te = a->te_chunked = 0;
		a->length = 0;
		a->head_len = 0;
		return;
	}
	if (st < 200 || st == 204 || st == 304)
		conclude(a, HTTP_ANSWER_DONE);
	else if (a->te && a->te_chunked)
		a->state = C_SIZE0;
	else if (a->te || !a->has_length)
		a->state = S_EOF;
	else if ((a->left = a->length) == 0)
		conclude(a, HTTP_ANSWER_DONE);
	else
		a->state = S_LENGTH;
}

/* A line of the head is in (its LF is head[head_len - 1]). */
static void
line_end(struct http_answer *a)
{
	const char	*s = a->head + a->line;
	size_t		 n = a->head_len - 1 - a->line;
	int		 rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (a->line == 0) {
		if (status_line(a, s, n) == -1)
			conclude(a, HTTP_ANSWER_STATUS);
	} else if (n == 0)
		head_end(a);
	else if ((rc = field_line(a, s, n)) != 0)
		conclude(a, rc);
	a->line = a->head_len;
}

static void
head_byte(struct http_answer *a, char c)
{
	static const char	 prefix[] = "HTTP/";

	if (a->head_len == HTTP_ANSWER_HEAD_MAX) {
		conclude(a, HTTP_ANSWER_TOO_LONG);
		return;
	}
	a->head[a->head_len++] = c;
	if (a->head_len < sizeof(prefix) && c != prefix[a->head_len - 1])
		conclude(a, HTTP_ANSWER_STATUS);
	else if (c == '\n')
		line_end(a);
}

/* Keep what fits of n body bytes; a full body[] ends the answer. */
static void
keep(struct http_answer *a, const char *p, size_t n)
{
	size_t	 room = HTTP_ANSWER_BODY_MAX - a->body_len;

	if (n > room)
		n = room;
	memcpy(a->body + a->body_len, p, n);
	a->body_len += n;
	if (a->body_len == HTTP_ANSWER_BODY_MAX)
		conclude(a, HTTP_ANSWER_DONE);
}

/* The size line is over: data, or the last chunk's trailers. */
static int
size_done(struct http_answer *a)
{
	a->count = 0;
	return a->left == 0 ? C_TRAILER : C_DATA;
}

static int
hex_value(unsigned char c)
{
	return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* One byte of a chunk's size line: the next state, or -1. */
static int
size_byte(struct http_answer *a, unsigned char c)
{
	if (++a->count > HTTP_ANSWER_LINE_MAX)
		return -1;
	switch (a->state) {
	case C_SIZE0:
		if (!is_hex(c))
			return -1;
		a->left = (uint64_t)hex_value(c);
		return C_SIZE;
	case C_SIZE:
		if (!is_hex(c))
			break;
		if (a->left > UINT64_MAX >> 4)
			return -1;
		a->left = a->left << 4 | (uint64_t)hex_value(c);
		return C_SIZE;
	case C_EXT:
		if (c == '\t' || (c >= 0x20 && c != 0x7f))
			return C_EXT;
		break;
	case C_SIZE_LF:
		return c == '\n' ? size_done(a) : -1;
	}
	/* after the digits: blanks (BWS), an extension, the line's end */
	if (a->state != C_EXT && (c == ' ' || c == '\t'))
		return C_SIZE_WS;
	if (c == ';')
		return C_EXT;
	if (c == '\r')
		return C_SIZE_LF;
	return c == '\n' ? size_done(a) : -1;
}

/* One byte of the framing around chunks: the next state, or -1. */
static int
chunk_byte(struct http_answer *a, unsigned char c)
{
	switch (a->state) {
	case C_DATA_CR:
		if (c == '\r')
			return C_DATA_LF;
		/* FALLTHROUGH */
	case C_DATA_LF:
		a->count = 0;
		return c == '\n' ? C_SIZE0 : -1;
	case C_TRAILER:
		if (c == '\r')
			return C_TRAILER_LF;
		if (c == '\n')
			return S_DONE;
		/* FALLTHROUGH */
	case C_TRAILER_LINE:
		if (c == '\n')
			return C_TRAILER;
		return (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f ?
		    -1 : C_TRAILER_LINE;
	case C_TRAILER_LF:
		return c == '\n' ? S_DONE : -1;
	}
	return size_byte(a, c);
}

/* Chunked body bytes: a run of data, or one byte of framing. */
static size_t
chunked(struct http_answer *a, const char *p, size_t n)
{
	int	 next;

	if (a->state == C_DATA) {
		if ((uint64_t)n > a->left)
			n = (size_t)a->left;
		a->left -= n;
		if (a->left == 0)
			a->state = C_DATA_CR;
		keep(a, p, n);
		return n;
	}
	if (a->state >= C_TRAILER && ++a->count > HTTP_ANSWER_HEAD_MAX) {
		conclude(a, HTTP_ANSWER_TOO_LONG);
		return 1;
	}
	next = chunk_byte(a, (unsigned char)*p);
	if (next == -1)
		conclude(a, HTTP_ANSWER_CHUNK);
	else if (next == S_DONE)
		conclude(a, HTTP_ANSWER_DONE);
	else
		a->state = next;
	return 1;
}

/* Take some of the n bytes at p (at least one); how many. */
static size_t
step(struct http_answer *a, const char *p, size_t n)
{
	switch (a->state) {
	case S_HEAD:
		head_byte(a, *p);
		return 1;
	case S_LENGTH:
		if ((uint64_t)n > a->left)
			n = (size_t)a->left;
		a->left -= n;
		keep(a, p, n);
		if (a->left == 0)
			conclude(a, HTTP_ANSWER_DONE);
		return n;
	case S_EOF:
		keep(a, p, n);
		return n;
	}
	return chunked(a, p, n);
}

int
http_answer_feed(struct http_answer *a, const char *p, size_t n)
{
	size_t	 used;

	while (a->rc == HTTP_ANSWER_MORE && n > 0) {
		used = step(a, p, n);
		p += used;
		n -= used;
	}
	return a->rc;
}

int
http_answer_eof(struct http_answer *a)
{
	if (a->rc != HTTP_ANSWER_MORE)
		return a->rc;
	if (a->state == S_EOF)
		conclude(a, HTTP_ANSWER_DONE);
	else if (a->state == S_HEAD && a->head_len == 0 && a->interim == 0)
		conclude(a, HTTP_ANSWER_NONE);
	else
		conclude(a, HTTP_ANSWER_CUT);
	return a->rc;
}

const char *
http_answer_why(int rc)
{
	static const char *const why[] = {
		"complete",
		"closed without an answer",
		"not an HTTP/1.x status line",
		"malformed header field",
		"bad Content-Length",
		"head or trailers too long",
		"bad chunked encoding",
		"answer cut short"
	};

	if (rc == HTTP_ANSWER_MORE)
		return "incomplete";
	if (rc < 0 || (size_t)rc >= sizeof(why) / sizeof(why[0]))
		return "unknown";
	return why[rc];
}
