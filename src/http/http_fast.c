/*
 * http_fast.c - the fast path of the request parser (see http_fast.h),
 * and http_parse() itself.
 *
 * A load balancer's probe is a request line and a few short fields, sent
 * again and again: that case is read here in one pass, with a table
 * look-up a byte where a byte must be classed, eight bytes at a time
 * where a field value only has to be visible ASCII, and the names we use
 * (Host, Accept, Connection) compared a word at a time.  It accepts a
 * head only where the careful parser (http_parse.c) would accept it with
 * the same meaning, so the two differ in cost only: whatever is unusual
 * (leading empty lines, a bare LF, a '%' in the target, the absolute
 * form, another version, Content-Length or Transfer-Encoding, a
 * Connection list, a second Host, a Host that is not a plain name and
 * port, an incomplete head, any invalid byte) is left to the careful
 * parser, which then judges it from the start.  tests/fuzz/fuzz_http.c
 * holds the two to that on every input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http.h"
#include "http/http_fast.h"

/* The classes of a byte (RFC 9110 5.6.2, RFC 3986 2-3, RFC 9110 5.5). */
#define C_TCHAR	0x01	/* a token's */
#define C_PATH	0x02	/* a path's: pchar or '/', but '%' */
#define C_HOST	0x04	/* a reg-name's: unreserved, sub-delims, no '%' */
#define C_VALUE	0x08	/* a field value's: HTAB, SP, VCHAR, obs-text */
#define C_QUERY	0x10	/* a query's: C_PATH and '?' */

static const unsigned char cls[256] = {
	/* 0 */  0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  0,  0,  0,  0,  0,  0,
	/* 1 */  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
	/* 2 */  8, 31,  8,  9, 31,  9, 31, 31, 30, 30, 31, 31, 30, 31, 31, 26,
	/* 3 */ 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 26, 30,  8, 30,  8, 24,
	/* 4 */ 26, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
	/* 5 */ 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,  8,  8,  8,  9, 31,
	/* 6 */  9, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
	/* 7 */ 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,  8,  9,  8, 31,  0,
	/* 8 */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* 9 */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* a */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* b */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* c */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* d */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* e */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
	/* f */  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
};

/* The fields we use, found by name. */
enum { F_OTHER, F_HOST, F_ACCEPT, F_CONNECTION };

#define ONES	0x0101010101010101ULL

static uint64_t
load8(const void *p)
{
	uint64_t	 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static uint32_t
load4(const void *p)
{
	uint32_t	 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static uint16_t
load2(const void *p)
{
	uint16_t	 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * The name at p, when it is one we use and ':' follows it: its length in
 * *k.  | 0x20 lowers a letter, and turns no other byte into a letter.
 */
static int
known_name(const unsigned char *p, const unsigned char *e, size_t *k)
{
	switch (*p | 0x20) {
	case 'h':
		*k = 4;
		if (e - p > 4 && p[4] == ':' &&
		    (load4(p) | 0x20202020u) == load4("host"))
			return F_HOST;
		break;
	case 'a':
		*k = 6;
		if (e - p > 6 && p[6] == ':' &&
		    (load4(p) | 0x20202020u) == load4("acce") &&
		    (load2(p + 4) | 0x2020u) == load2("pt"))
			return F_ACCEPT;
		break;
	case 'c':
		*k = 10;
		if (e - p > 10 && p[10] == ':' &&
		    (load8(p) | ONES * 0x20) == load8("connecti") &&
		    (load2(p + 8) | 0x2020u) == load2("on"))
			return F_CONNECTION;
		break;
	}
	return F_OTHER;
}

/* A field name or value s (n bytes) is lit (lower case letters, '-')? */
static int
name_is(const unsigned char *s, size_t n, const char *lit, size_t litn)
{
	size_t	 i;

	if (n != litn)
		return 0;
	/* Of the bytes a name or value holds, none is lowered to '-'. */
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/*
 * Every byte of the value [v, e) is one a field value may hold: eight at
 * a time while they are SP to '~', one at a time through the others.
 */
static int
value_ok(const unsigned char *v, const unsigned char *e)
{
	const unsigned char *q;
	uint64_t w;

	if (e - v >= 8) {
		for (q = v;; q += 8) {
			if (e - q < 8)
				q = e - 8;	/* the last, overlapping */
			w = load8(q);
			/* Below SP, or DEL and above, in any byte? */
			if ((((w - ONES * 0x20) & ~w) | (w + ONES) | w) &
			    (ONES * 0x80))
				break;
			if (q + 8 == e)
				return 1;
		}
	}
	for (q = v; q < e; q++)
		if (!(cls[*q] & C_VALUE))
			return 0;
	return 1;
}

/* uri-host ":" port in its plain form: a reg-name without '%', digits. */
static int
plain_host(const unsigned char *v, const unsigned char *e)
{
	while (v < e && (cls[*v] & C_HOST))
		v++;
	if (v == e)
		return 1;
	if (*v++ != ':')
		return 0;
	while (v < e && *v >= '0' && *v <= '9')
		v++;
	return v == e;
}

/* A field we use, its value [v, e) trimmed of OWS: 0, or unsure. */
static int
field(int id, const unsigned char *v, const unsigned char *e,
    struct http_request *req, int *hosts, int *conn)
{
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	switch (id) {
	case F_HOST:
		if ((*hosts)++ > 0 || !plain_host(v, e))
			return HTTP_FAST_UNSURE;
		break;
	case F_ACCEPT:
		req->accept = (const char *)v;
		req->accept_len = (size_t)(e - v);
		break;
	case F_CONNECTION:
		/* No CR here, the one byte | 0x20 turns into '-'. */
		if (e - v == 5 && (load4(v) | 0x20202020u) == load4("clos") &&
		    (v[4] | 0x20) == 'e')
			*conn |= 1;
		else if (e - v == 10 &&
		    (load8(v) | ONES * 0x20) == load8("keep-ali") &&
		    (load2(v + 8) | 0x2020u) == load2("ve"))
			*conn |= 2;
		else if (memchr(v, ',', (size_t)(e - v)) != NULL)
			return HTTP_FAST_UNSURE;
		break;
	}
	return 0;
}

/* A name other than ours at *p: past it, or unsure for a body's. */
static int
other_name(const unsigned char **pp, const unsigned char *e)
{
	const unsigned char *p = *pp, *name = p;
	size_t	 k;

	while (p < e && (cls[*p] & C_TCHAR))
		p++;
	k = (size_t)(p - name);
	if (k == 0 || p == e || *p != ':' ||
	    name_is(name, k, "content-length", 14) ||
	    name_is(name, k, "transfer-encoding", 17))
		return HTTP_FAST_UNSURE;
	*pp = p;
	return 0;
}

/* The request line; *pp past its CRLF. */
static int
request_line(const unsigned char **pp, const unsigned char *e,
    struct http_request *req)
{
	const unsigned char *s = *pp, *p = s, *t;

	/* A load balancer's own line: one compare reads it all. */
	if (e - s >= 22 && memcmp(s, "GET /health HTTP/1.", 19) == 0 &&
	    (s[19] == '0' || s[19] == '1') && s[20] == '\r' &&
	    s[21] == '\n') {
		req->method_text = (const char *)s;
		req->method_len = 3;
		req->method = HTTP_GET;
		req->path = (const char *)s + 4;
		req->path_len = 7;
		req->minor = s[19] - '0';
		*pp = s + 22;
		return 0;
	}
	while (p < e && (cls[*p] & C_TCHAR))
		p++;
	if (p == s || p == e || *p != ' ')
		return HTTP_FAST_UNSURE;
	req->method_text = (const char *)s;
	req->method_len = (size_t)(p - s);
	if (req->method_len == 3 && memcmp(s, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (req->method_len == 4 && memcmp(s, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	t = ++p;
	if (p == e || *p != '/')
		return HTTP_FAST_UNSURE;
	while (p < e && (cls[*p] & C_PATH))
		p++;
	req->path = (const char *)t;
	req->path_len = (size_t)(p - t);
	while (p < e && (cls[*p] & C_QUERY))
		p++;
	/* SP "HTTP/1." ("0" / "1") CRLF */
	if (e - p < 11 || *p != ' ' || memcmp(p + 1, "HTTP/1.", 7) != 0 ||
	    (p[8] != '0' && p[8] != '1') || p[9] != '\r' || p[10] != '\n')
		return HTTP_FAST_UNSURE;
	req->minor = p[8] - '0';
	*pp = p + 11;
	return 0;
}

int
http_parse_fast(const char *buf, size_t len, struct http_request *req)
{
	const unsigned char *s = (const unsigned char *)buf, *p = s, *e, *v;
	size_t	 k;
	int	 hosts = 0, conn = 0, id;

	memset(req, 0, sizeof(*req));
	/* The careful parser looks for the end within the limit only. */
	e = s + (len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	if (request_line(&p, e, req) != 0)
		return HTTP_FAST_UNSURE;
	for (;;) {
		if (e - p < 2)
			return HTTP_FAST_UNSURE;
		if (*p == '\r') {
			if (p[1] != '\n')
				return HTTP_FAST_UNSURE;
			p += 2;
			break;
		}
		if ((id = known_name(p, e, &k)) != F_OTHER)
			p += k;
		else if (other_name(&p, e) != 0)
			return HTTP_FAST_UNSURE;
		v = ++p;	/* past ':' */
		/* Host's bytes are all judged by plain_host(), stricter. */
		if ((p = memchr(v, '\r', (size_t)(e - v))) == NULL ||
		    e - p < 2 || p[1] != '\n' ||
		    (id != F_HOST && !value_ok(v, p)))
			return HTTP_FAST_UNSURE;
		if (id != F_OTHER &&
		    field(id, v, p, req, &hosts, &conn) != 0)
			return HTTP_FAST_UNSURE;
		p += 2;
	}
	if (req->minor == 1 && hosts == 0)
		return HTTP_FAST_UNSURE;	/* 400 */
	req->keep_alive = req->minor == 1 ? !(conn & 1) : conn == 2;
	req->head_len = (size_t)(p - s);
	return 0;
}

int
http_parse(const char *buf, size_t len, struct http_request *req)
{
	if (http_parse_fast(buf, len, req) == 0)
		return 0;
	return http_parse_careful(buf, len, req);
}
