/*
 * fuzz_http_answer.c - libFuzzer harness for http_answer_feed() and
 * http_answer_eof(), the parser of what a service answers the http probe.
 *
 * FUZZ-OPTIONS: -max_len=80000
 *
 * Run through tests/fuzz/run (or `make fuzz`).  The first byte of an
 * input chooses what the rest is:
 *  - even: the bytes a service sent, fed in pieces whose sizes come from
 *    that byte (0: one piece), then the close when the byte's bit 1 is
 *    set;
 *  - odd: a body, sent chunked in chunks whose sizes come from that byte,
 *    with an extension and a trailer when its bits say so; the parser
 *    must give that body back (its first HTTP_ANSWER_BODY_MAX bytes).
 *
 * Besides crashes, the harness aborts when the parser breaks what
 * http_answer.h promises: a verdict among the known ones; the same
 * verdict, status, reason and body however the bytes are cut; the
 * reason inside head[]; no more than HTTP_ANSWER_HEAD_MAX bytes of head
 * and HTTP_ANSWER_BODY_MAX of body; a status of 100-999 once done; a
 * verdict that stays whatever comes after it; and a close that always
 * ends an answer still going.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_answer.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct http_answer	 pa, pb;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *buf, size_t size)
{
	fuzz_fail("http_answer", why, buf, size);
}

/* xorshift32: piece sizes from the input's first byte. */
FUZZ_ORACLE static size_t
next_piece(uint32_t *x, uint32_t max, size_t left)
{
	if (max == 0)
		return left;
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return 1 + *x % max;
}

/* Feed buf to a in pieces of 1 to max bytes (0: one piece); the verdict. */
FUZZ_ORACLE static int
feed_cut(struct http_answer *a, const char *buf, size_t size, uint32_t max,
    uint32_t x, int close)
{
	size_t		 at = 0, k;
	int		 rc = HTTP_ANSWER_MORE;

	http_answer_init(a);
	x |= 1;
	while (at < size) {
		k = next_piece(&x, max, size - at);
		if (k > size - at)
			k = size - at;
		rc = http_answer_feed(a, buf + at, k);
		at += k;
	}
	if (close)
		rc = http_answer_eof(a);
	return rc;
}

FUZZ_ORACLE static void
sane(const struct http_answer *a, int rc, const char *buf, size_t size)
{
	if (rc < HTTP_ANSWER_MORE || rc > HTTP_ANSWER_CUT)
		fail("an unknown verdict", buf, size);
	if (a->head_len > HTTP_ANSWER_HEAD_MAX ||
	    a->body_len > HTTP_ANSWER_BODY_MAX)
		fail("past a limit", buf, size);
	if (rc == HTTP_ANSWER_DONE && (a->status < 100 || a->status > 999))
		fail("done without a status", buf, size);
	if (a->reason != NULL && (a->reason < a->head ||
	    a->reason + a->reason_len > a->head + a->head_len))
		fail("the reason is not in the head", buf, size);
	if (a->reason != NULL && memchr(a->reason, '\n', a->reason_len))
		fail("a reason holds a line end", buf, size);
}

FUZZ_ORACLE static int
same(const struct http_answer *x, const struct http_answer *y)
{
	return x->rc == y->rc && x->status == y->status &&
	    x->reason_len == y->reason_len && x->body_len == y->body_len &&
	    (x->reason_len == 0 || memcmp(x->reason, y->reason,
	    x->reason_len) == 0) &&
	    memcmp(x->body, y->body, x->body_len) == 0;
}

/* The bytes a service sent. */
FUZZ_ORACLE static void
raw(const char *buf, size_t size, uint8_t seed)
{
	int	 close = (seed & 2) != 0, rc, again;

	rc = feed_cut(&pa, buf, size, 0, 0, close);
	sane(&pa, rc, buf, size);
	again = feed_cut(&pb, buf, size, 1u << (seed % 12), 0x9e3779b9u * seed,
	    close);
	sane(&pb, again, buf, size);
	if (!same(&pa, &pb))
		fail("the verdict depends on how the bytes are cut", buf,
		    size);
	if (size <= 512) {
		again = feed_cut(&pb, buf, size, 1, 1, close);	/* bytewise */
		if (!same(&pa, &pb))
			fail("bytewise is not the same", buf, size);
	}
	if (rc != HTTP_ANSWER_MORE &&
	    (http_answer_feed(&pa, "HTTP/1.1 200 OK\r\n\r\n", 19) != rc ||
	    http_answer_eof(&pa) != rc))
		fail("a verdict does not stay", buf, size);
	if (rc == HTTP_ANSWER_MORE && http_answer_eof(&pa) ==
	    HTTP_ANSWER_MORE)
		fail("the close leaves an answer going", buf, size);
}

/* A body sent chunked must come back as it was. */
FUZZ_ORACLE static void
chunked(const char *body, size_t size, uint8_t seed)
{
	static char	 wire[16 * 80000 + 256];	/* 1-byte chunks */
	uint32_t	 x = 0x85ebca6bu * (seed | 1u);
	uint32_t	 max = 1u << (seed % 14);
	size_t		 at = 0, k, w, want;
	int		 rc;

	w = (size_t)snprintf(wire, sizeof(wire), "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: %schunked\r\n\r\n", seed & 4 ? "gzip, " : "");
	while (at < size) {
		k = next_piece(&x, max, size - at);
		if (k > size - at)
			k = size - at;
		w += (size_t)snprintf(wire + w, sizeof(wire) - w, "%zx%s\r\n",
		    k, seed & 8 ? ";ext=\"v\"" : "");
		memcpy(wire + w, body + at, k);
		w += k;
		memcpy(wire + w, "\r\n", 2);
		w += 2;
		at += k;
	}
	w += (size_t)snprintf(wire + w, sizeof(wire) - w, "0\r\n%s\r\n",
	    seed & 16 ? "X-Trailer: t\r\n" : "");
	rc = feed_cut(&pa, wire, w, 1u << (seed >> 4), seed, 0);
	sane(&pa, rc, wire, w);
	want = size < HTTP_ANSWER_BODY_MAX ? size : HTTP_ANSWER_BODY_MAX;
	if (rc != HTTP_ANSWER_DONE || pa.status != 200 ||
	    pa.body_len != want || memcmp(pa.body, body, want) != 0)
		fail("a chunked body does not come back", body, size);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf;
	uint8_t	 seed;

	if (size == 0)
		return 0;
	seed = data[0];
	data++;
	size--;
	/* exactly the bytes, so that ASan sees a read past the end */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (seed & 1)
		chunked(buf, size, seed);
	else
		raw(buf, size, seed);
	free(buf);
	return 0;
}
