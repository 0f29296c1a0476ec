/*
 * fuzz_http.c - libFuzzer harness for http_parse() and http_scan().
 *
 * FUZZ-OPTIONS: -max_len=9000
 *
 * Run through tests/fuzz/run (or `make fuzz`).  The first byte of an
 * input decides how the rest is cut into chunks for http_scan() (0: one
 * chunk); the rest is the bytes a client sent, copied into a buffer of
 * exactly their size so that ASan sees any read past the end.  Each
 * head is judged as the server judges it (conn_http.c: conn_http_process()),
 * and the pipelined heads after it too.
 *
 * Besides crashes, the harness aborts when an answer breaks what the
 * parsers promise their caller:
 *  - http_parse() answers -1, 0, 400, 413, 431 or 505 only; never -1
 *    once HTTP_HEAD_MAX bytes are there; a head it accepts points into
 *    the buffer, parses the same alone, and is incomplete one byte
 *    shorter; what is incomplete is incomplete at half its length;
 *  - http_scan() gives the same verdict at the same byte however the
 *    bytes are cut into chunks, and -1 only before HTTP_HEAD_MAX bytes;
 *  - the two agree (http_scan.h): a head that http_parse() takes as a
 *    whole (0, 413 or 505) ends where http_scan() says 0, and the scan
 *    never says 400 or 431 on a prefix of it; where the scan says 0,
 *    http_parse() finds a complete head of exactly that length; and
 *    http_parse() says 431 only where the scan does (garbage is 400 at
 *    its first byte, however much of it arrives at once);
 *  - the fast path (http_fast.h) accepts only what the careful parser
 *    accepts, and fills the request exactly as it does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/http_fast.h"
#include "http/http_scan.h"

#include "fuzz_check.h"

#define PIPELINED_MAX	64	/* heads of one input looked at */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

FUZZ_ORACLE static int
known(int rc)
{
	return rc == -1 || rc == 0 || rc == 400 || rc == 413 || rc == 431 ||
	    rc == 505;
}

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *buf, size_t size)
{
	fuzz_fail("http", why, buf, size);
}

/* The strings must point into the head, and a head is judged alone. */
FUZZ_ORACLE static void
check_ok(const char *buf, size_t size, const struct http_request *r)
{
	struct http_request	 again;
	int			 in_head;

	/* An absolute-form target without a path is the static "/". */
	in_head = r->path >= buf && r->path + r->path_len <= buf + r->head_len;
	if (r->head_len == 0 || r->head_len > size ||
	    r->head_len > HTTP_HEAD_MAX || r->method_len == 0 ||
	    r->method_text < buf ||
	    r->method_text + r->method_len > buf + r->head_len ||
	    r->path_len == 0 || (!in_head && r->path_len != 1) ||
	    r->path[0] != '/' || (r->minor != 0 && r->minor != 1) ||
	    (r->keep_alive != 0 && r->keep_alive != 1))
		fail("an accepted request is not what http.h promises", buf,
		    size);
	if (r->accept != NULL && (r->accept < buf ||
	    r->accept + r->accept_len > buf + r->head_len))
		fail("Accept points out of the head", buf, size);
	if (r->accept == NULL && (http_status_accepts(r, "application/json") ||
	    http_status_accepts(r, "application/health+json")))
		fail("no Accept, yet a type is accepted", buf, size);
	(void)http_status_accepts(r, "text/plain");
	if (http_parse(buf, r->head_len, &again) != 0 ||
	    again.head_len != r->head_len || again.path != r->path ||
	    again.path_len != r->path_len || again.method != r->method ||
	    again.keep_alive != r->keep_alive)
		fail("the head alone does not parse the same", buf, size);
	if (http_parse(buf, r->head_len - 1, &again) != -1)
		fail("the head one byte shorter is not incomplete", buf, size);
}

/* The fast path against the careful parser, on the same bytes. */
FUZZ_ORACLE static void
check_fast(const char *buf, size_t size)
{
	struct http_request	 f, c;
	int			 frc, crc;

	frc = http_parse_fast(buf, size, &f);
	if (frc != 0 && frc != HTTP_FAST_UNSURE)
		fail("the fast path answered an unknown code", buf, size);
	if (frc != 0)
		return;
	crc = http_parse_careful(buf, size, &c);
	if (crc != 0)
		fail("the fast path accepts what the careful parser refuses",
		    buf, size);
	if (f.method != c.method || f.method_text != c.method_text ||
	    f.method_len != c.method_len || f.path != c.path ||
	    f.path_len != c.path_len || f.minor != c.minor ||
	    f.keep_alive != c.keep_alive || f.head_len != c.head_len ||
	    f.accept != c.accept || f.accept_len != c.accept_len)
		fail("the fast path reads a head otherwise than the careful "
		    "parser", buf, size);
}

/* xorshift32: chunk sizes from the input's first byte. */
struct chunks {
	uint32_t	 x;
	uint32_t	 max;
};

FUZZ_ORACLE static size_t
next_chunk(struct chunks *c, size_t left)
{
	if (c->max == 0)
		return left;
	c->x ^= c->x << 13;
	c->x ^= c->x >> 17;
	c->x ^= c->x << 5;
	return 1 + c->x % c->max;
}

/*
 * Scan size bytes the way a connection sees them arrive: in chunks, the
 * state kept between calls, until the scan says something other than -1.
 */
FUZZ_ORACLE static int
scan_chunked(const char *buf, size_t size, uint8_t seed, struct http_scan *s)
{
	struct chunks	 c = { 0x9e3779b9u * (seed | 1u),
	    seed == 0 ? 0 : 1u << (seed % 13) };
	size_t		 len = 0, step;
	int		 rc = -1;

	memset(s, 0, sizeof(*s));
	if (size == 0)
		return http_scan(s, buf, 0);
	while (len < size) {
		step = next_chunk(&c, size - len);
		len = step >= size - len ? size : len + step;
		if ((rc = http_scan(s, buf, len)) != -1)
			break;
	}
	return rc;
}

/* One head at buf (size bytes to the end of the input). */
FUZZ_ORACLE static int
one_head(const char *buf, size_t size, uint8_t seed, struct http_request *r)
{
	struct http_request	 at;
	struct http_scan	 s, whole;
	int			 rc, sc, wc, prc;

	check_fast(buf, size);
	rc = http_parse(buf, size, r);
	if (!known(rc))
		fail("http_parse answered an unknown code", buf, size);
	if (rc == -1 && size >= HTTP_HEAD_MAX)
		fail("http_parse wants more after HTTP_HEAD_MAX bytes", buf,
		    size);
	if (rc == 0)
		check_ok(buf, size, r);
	if (rc == -1 && size > 0 && http_parse(buf, size / 2, &at) != -1)
		fail("a prefix of an incomplete head is complete", buf, size);

	sc = scan_chunked(buf, size, seed, &s);
	memset(&whole, 0, sizeof(whole));
	wc = http_scan(&whole, buf, size);
	if (sc != wc || s.pos != whole.pos)
		fail("http_scan depends on how the bytes are cut", buf, size);
	if (sc != -1 && sc != 0 && sc != 400 && sc != 431)
		fail("http_scan answered an unknown code", buf, size);
	if (sc == -1 && (s.pos != size || size >= HTTP_HEAD_MAX))
		fail("http_scan wants more, but not at the end or past the "
		    "limit", buf, size);
	if (sc == 431 && s.pos != HTTP_HEAD_MAX)
		fail("http_scan says 431 before HTTP_HEAD_MAX bytes", buf,
		    size);
	if (sc == 400 && s.pos >= size)
		fail("http_scan says 400 past the bytes it has", buf, size);
	/* Too long is said only of a head with no bad byte in its limit. */
	if (rc == 431 && sc != 431)
		fail("http_parse says 431 where http_scan finds a bad byte "
		    "first", buf, size);

	/* A head that http_parse takes as a whole: the scan must too. */
	if (rc == 0 || rc == 413 || rc == 505) {
		if ((sc == 400 || sc == 431) && s.pos < r->head_len)
			fail("http_scan refuses a prefix of a head that "
			    "http_parse accepts", buf, size);
		if (sc != 0 || s.pos != r->head_len)
			fail("http_scan does not end the head where http_parse "
			    "does", buf, size);
	}
	/* Where the scan ends a head, http_parse finds it complete. */
	if (sc == 0) {
		prc = http_parse(buf, s.pos, &at);
		if (prc == -1 || rc == -1)
			fail("http_scan ends a head that http_parse finds "
			    "incomplete", buf, size);
		if (prc == 0 && at.head_len != s.pos)
			fail("http_parse and http_scan end the head at "
			    "different bytes", buf, size);
	}
	return rc;
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	 r;
	char			*buf;
	size_t			 off = 0, n;
	uint8_t			 seed;
	int			 i;

	if (size == 0)
		return 0;
	seed = data[0];
	data++;
	size--;
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	/* Pipelined heads, answered in order as conn_http_process() does. */
	for (i = 0; i < PIPELINED_MAX; i++) {
		n = size - off;
		if (one_head(buf + off, n, seed, &r) != 0 || r.head_len >= n)
			break;
		off += r.head_len;
	}
	free(buf);
	return 0;
}
