/*
 * test_http_answer.c - the parser of the http probe's answer
 * (http_answer.h): status lines good and bad, the fields that frame the
 * body (Content-Length, Transfer-Encoding) and the field syntax around
 * them, chunked bodies with extensions and trailers, bad chunk sizes and
 * overflows, the head and body limits, what the close means, and that
 * the verdict sticks.
 *
 * Every answer is also fed cut in two at every byte (answers of up to
 * 4 KiB), a byte at a time, and in random pieces: the verdict, the
 * status, the reason and the body must not depend on the cuts.  Each
 * piece is a heap copy of exactly its bytes, so that under ASan or
 * valgrind a look past the end is caught.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_answer.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* a string with NULs among its bytes, and its length */
#define BIN(s)		s, sizeof(s) - 1

#define OK200	"HTTP/1.1 200 OK\r\n"
#define CHUNKED	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;
static struct http_answer *a;

/* Feed n bytes from a copy of exactly those. */
static int
feed(const char *s, size_t n)
{
	char	*held;
	int	 rc;

	if ((held = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	memcpy(held, s, n);
	rc = http_answer_feed(a, held, n);
	free(held);
	return rc;
}

/*
 * The verdict on in (len bytes) cut at the given points (ncut of them,
 * ascending), then EOF when eof is set and more is still wanted.
 */
static int
parse_cut(const char *in, size_t len, const size_t *cut, size_t ncut,
    int eof)
{
	size_t	 i, at = 0, to;
	int	 rc = HTTP_ANSWER_MORE;

	http_answer_init(a);
	for (i = 0; i <= ncut; i++) {
		to = i < ncut ? cut[i] : len;
		rc = feed(in + at, to - at);
		at = to;
	}
	if (eof)
		rc = http_answer_eof(a);
	return rc;
}

static int
parse(const char *in, size_t len, int eof)
{
	return parse_cut(in, len, NULL, 0, eof);
}

/* What a parse found, to compare parses by. */
struct found {
	int		 rc;
	unsigned int	 status;
	char		 reason[128];
	size_t		 body_len;
	uint64_t	 sum;
};

static void
found(int rc, struct found *f)
{
	size_t	 i;

	memset(f, 0, sizeof(*f));
	f->rc = rc;
	f->status = a->status;
	if (a->reason != NULL && a->reason_len < sizeof(f->reason))
		memcpy(f->reason, a->reason, a->reason_len);
	f->body_len = a->body_len;
	for (i = 0; i < a->body_len; i++)
		f->sum = f->sum * 31 + (unsigned char)a->body[i];
}

static int
same(const struct found *x, const struct found *y)
{
	return x->rc == y->rc && x->status == y->status &&
	    strcmp(x->reason, y->reason) == 0 && x->body_len == y->body_len &&
	    x->sum == y->sum;
}

/* However in is cut, the same as in one piece (*whole). */
static int
cuts_agree(const char *in, size_t len, int eof, const struct found *whole)
{
	struct found	 f;
	size_t		*cut, i, n;

	if ((cut = calloc(len + 1, sizeof(*cut))) == NULL)
		abort();
	for (i = 1; i < len; i++)	/* a byte at a time */
		cut[i - 1] = i;
	found(parse_cut(in, len, cut, len > 0 ? len - 1 : 0, eof), &f);
	if (!same(&f, whole))
		goto bad;
	for (i = 1; len <= 4096 && i < len; i++) {	/* in two */
		found(parse_cut(in, len, &i, 1, eof), &f);
		if (!same(&f, whole))
			goto bad;
	}
	for (i = 0; i < 20; i++) {	/* in random pieces */
		size_t at = 0;

		for (n = 0; at < len; n++) {
			at += 1 + tl_rand(&rng) % 700;
			if (at >= len)
				break;
			cut[n] = at;
		}
		found(parse_cut(in, len, cut, n, eof), &f);
		if (!same(&f, whole))
			goto bad;
	}
	free(cut);
	return 1;
bad:
	free(cut);
	return 0;
}

/* ---- a table of answers ---- */

static const struct answer {
	const char	*in;
	size_t		 len;		/* 0: strlen */
	int		 eof;		/* the server closes after it */
	int		 rc;
	unsigned int	 status;
	const char	*body;		/* NULL: not looked at */
	const char	*reason;	/* NULL: not looked at */
	const char	*what;
} answers[] = {
	/* status lines */
	{ OK200 "Content-Length: 2\r\n\r\nok", 0, 0, HTTP_ANSWER_DONE, 200,
	    "ok", "OK", "Content-Length ends the answer, no close needed" },
	{ "HTTP/1.0 503 Service Unavailable\r\n\r\ndown", 0, 1,
	    HTTP_ANSWER_DONE, 503, "down", "Service Unavailable",
	    "no framing: the body ends at the close" },
	{ "HTTP/1.0 200 OK\r\n\r\nstill", 0, 0, HTTP_ANSWER_MORE, 200,
	    "still", NULL, "no framing, no close: more is wanted" },
	{ "HTTP/1.1 204 No Content\n\n", 0, 0, HTTP_ANSWER_DONE, 204, "",
	    "No Content", "lines may end in LF alone; 204 has no body" },
	{ "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 304, "", NULL,
	    "304 has no body whatever Content-Length says" },
	{ "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "", "", "an empty reason" },
	{ "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "", "", "no reason at all" },
	{ "HTTP/1.1 418 I'm a \xe2\x98\x95 pot\r\nContent-Length: 0\r\n\r\n",
	    0, 0, HTTP_ANSWER_DONE, 418, "", "I'm a \xe2\x98\x95 pot",
	    "a reason with obs-text is handed back raw" },
	{ "HTTP/1.1 999 Whatever\r\n\r\n", 0, 1, HTTP_ANSWER_DONE, 999, "",
	    NULL, "status 999 is a status (expect_status judges it)" },
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
	    OK200 "Content-Length: 1\r\n\r\nx", 0, 0, HTTP_ANSWER_DONE, 200,
	    "x", "OK", "interim 1xx answers are skipped" },
	{ "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nrest", 0, 0,
	    HTTP_ANSWER_DONE, 101, "", NULL, "101 is final and has no body" },
	{ "SSH-2.0-OpenSSH_9.2\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "another protocol is refused at once" },
	{ "H", 0, 0, HTTP_ANSWER_MORE, 0, NULL, NULL,
	    "one right byte: more is wanted" },
	{ "http/1.1 200 OK\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "the version is case-sensitive" },
	{ "HTTP/2 200\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "HTTP/2 is not an HTTP/1.x status line" },
	{ "HTTP/2.0 200 OK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "major version 2" },
	{ "HTTP/1.1 20\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "a status of two digits" },
	{ "HTTP/1.1 2000 OK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "a status of four digits" },
	{ "HTTP/1.1 099 Low\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "a status below 100" },
	{ "HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "a status that is not digits" },
	{ "HTTP/1.1  200 OK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "two spaces before the status" },
	{ "HTTP/1.1 200 O\x01K\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "a control byte in the reason" },
	{ "HTTP/1.1 200 O\rK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "a bare CR in the reason" },
	{ "\r\nHTTP/1.1 200 OK\r\n\r\n", 0, 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "an empty line before the status line" },
	{ BIN("HTTP/1.1 200 OK\0\r\n\r\n"), 0, HTTP_ANSWER_STATUS, 0, NULL,
	    NULL, "a NUL in the reason" },
	{ BIN("\x16\x03\x01\x02\x00"), 0, HTTP_ANSWER_STATUS, 0, NULL, NULL,
	    "a TLS record is refused at its first byte" },

	/* fields */
	{ OK200 "Bad Name: x\r\n\r\n", 0, 0, HTTP_ANSWER_FIELD, 200, NULL,
	    NULL, "a blank in a field name" },
	{ OK200 "Name : x\r\n\r\n", 0, 0, HTTP_ANSWER_FIELD, 200, NULL,
	    NULL, "a blank before the colon" },
	{ OK200 ": x\r\n\r\n", 0, 0, HTTP_ANSWER_FIELD, 200, NULL, NULL,
	    "an empty field name" },
	{ OK200 "NoColon\r\n\r\n", 0, 0, HTTP_ANSWER_FIELD, 200, NULL, NULL,
	    "a field without a colon" },
	{ BIN(OK200 "X: a\0b\r\n\r\n"), 0, HTTP_ANSWER_FIELD, 200, NULL,
	    NULL, "a NUL in a value" },
	{ OK200 "X: a\rb\r\n\r\n", 0, 0, HTTP_ANSWER_FIELD, 200, NULL, NULL,
	    "a bare CR in a value" },
	{ OK200 "Server: x\r\n folded\r\nContent-Length: 1\r\n\r\nz", 0, 0,
	    HTTP_ANSWER_DONE, 200, "z", NULL,
	    "obs-fold of an ordinary field is taken" },
	{ OK200 "Content-Length: 1\r\n 2\r\n\r\nz", 0, 0,
	    HTTP_ANSWER_LENGTH, 200, NULL, NULL,
	    "obs-fold of Content-Length is refused" },
	{ OK200 "Transfer-Encoding: gzip\r\n\tchunked\r\n\r\n", 0, 0,
	    HTTP_ANSWER_FIELD, 200, NULL, NULL,
	    "obs-fold of Transfer-Encoding is refused" },
	{ OK200 "X-Empty:\r\nContent-Length: 0\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "", NULL, "an empty value" },
	{ OK200 "content-LENGTH:   3  \r\n\r\nabcdef", 0, 0,
	    HTTP_ANSWER_DONE, 200, "abc", NULL,
	    "names are case-insensitive, values trimmed; bytes past "
	    "Content-Length are not the body" },

	/* Content-Length */
	{ OK200 "Content-Length: abc\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH, 200,
	    NULL, NULL, "Content-Length not a number" },
	{ OK200 "Content-Length:\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH, 200,
	    NULL, NULL, "Content-Length empty" },
	{ OK200 "Content-Length: -1\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH, 200,
	    NULL, NULL, "Content-Length negative" },
	{ OK200 "Content-Length: +1\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH, 200,
	    NULL, NULL, "Content-Length with a sign" },
	{ OK200 "Content-Length: 1 2\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH, 200,
	    NULL, NULL, "Content-Length of two numbers" },
	{ OK200 "Content-Length: 2, 2\r\n\r\n", 0, 0, HTTP_ANSWER_LENGTH,
	    200, NULL, NULL, "Content-Length as a list" },
	{ OK200 "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab", 0, 0,
	    HTTP_ANSWER_DONE, 200, "ab", NULL,
	    "Content-Length twice, the same" },
	{ OK200 "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 0, 0,
	    HTTP_ANSWER_LENGTH, 200, NULL, NULL,
	    "Content-Length twice, not the same" },
	{ OK200 "Content-Length: 18446744073709551615\r\n\r\nab", 0, 0,
	    HTTP_ANSWER_MORE, 200, "ab", NULL,
	    "Content-Length 2^64 - 1: more is wanted" },
	{ OK200 "Content-Length: 18446744073709551616\r\n\r\n", 0, 0,
	    HTTP_ANSWER_LENGTH, 200, NULL, NULL,
	    "Content-Length 2^64 is refused" },
	{ OK200 "Content-Length: 99999999999999999999999\r\n\r\n", 0, 0,
	    HTTP_ANSWER_LENGTH, 200, NULL, NULL,
	    "Content-Length far past 64 bits" },
	{ OK200 "Content-Length: 5\r\n\r\nab", 0, 1, HTTP_ANSWER_CUT, 200,
	    "ab", NULL, "closed before Content-Length's bytes: cut short" },
	{ OK200 "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nab\r\n0\r\n\r\n", 0, 0, HTTP_ANSWER_DONE, 200, "ab", NULL,
	    "Transfer-Encoding wins over Content-Length" },

	/* chunked */
	{ CHUNKED "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "hello world", NULL, "two chunks" },
	{ CHUNKED "5;name=value;q=\"a b\"\r\nhello\r\n0;last\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "hello", NULL, "chunk extensions" },
	{ CHUNKED "5 \t;x\r\nhello\r\n0\r\n\r\n", 0, 0, HTTP_ANSWER_DONE, 200,
	    "hello", NULL, "blanks before an extension" },
	{ CHUNKED "3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY: two\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "abc", NULL, "trailers" },
	{ CHUNKED "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "0123456789abcdefghij", NULL,
	    "hex digits in both cases" },
	{ CHUNKED "00000000000000000000005\r\nhello\r\n000\r\n\r\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "hello", NULL, "leading zeros" },
	{ "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n", 0, 0,
	    HTTP_ANSWER_DONE, 200, "ok", NULL, "chunked with LF alone" },
	{ OK200 "Transfer-Encoding: gzip, Chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
	    0, 0, HTTP_ANSWER_DONE, 200, "z", NULL,
	    "chunked last of a list, any case" },
	{ OK200 "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked, \r\n"
	    "\r\n1\r\nz\r\n0\r\n\r\n", 0, 0, HTTP_ANSWER_DONE, 200, "z", NULL,
	    "the last coding of two fields, empty elements left out" },
	{ OK200 "Transfer-Encoding: chunked, gzip\r\n\r\n1\r\nz\r\n0\r\n", 0,
	    1, HTTP_ANSWER_DONE, 200, "1\r\nz\r\n0\r\n", NULL,
	    "chunked not last: the body runs to the close" },
	{ CHUNKED "0\r\n\r\n", 0, 0, HTTP_ANSWER_DONE, 200, "", NULL,
	    "an empty chunked body" },
	{ CHUNKED "g\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "a size that is not hex" },
	{ CHUNKED "\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "an empty size line" },
	{ CHUNKED "-1\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "a negative size" },
	{ CHUNKED "0x5\r\nhello\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL,
	    NULL, "a 0x prefix" },
	{ CHUNKED "5\r\nhelloX\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "data longer than its size" },
	{ CHUNKED "5\rX", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "CR not followed by LF" },
	{ CHUNKED "5 5\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "digits after a blank" },
	{ CHUNKED "ffffffffffffffff\r\nab", 0, 0, HTTP_ANSWER_MORE, 200, "ab",
	    NULL, "a size of 2^64 - 1: more is wanted" },
	{ CHUNKED "10000000000000000\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL,
	    NULL, "a size of 2^64 overflows" },
	{ CHUNKED "5;x\x01\r\nhello\r\n", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL,
	    NULL, "a control byte in an extension" },
	{ BIN(CHUNKED "0\r\nX: 1\0\r\n\r\n"), 0, HTTP_ANSWER_CHUNK, 200, NULL,
	    NULL, "a NUL in a trailer" },
	{ CHUNKED "0\r\n\rX", 0, 0, HTTP_ANSWER_CHUNK, 200, NULL, NULL,
	    "the last CR not followed by LF" },
	{ CHUNKED "5\r\nhel", 0, 1, HTTP_ANSWER_CUT, 200, "hel", NULL,
	    "closed inside a chunk" },
	{ CHUNKED "5\r\nhello\r\n", 0, 1, HTTP_ANSWER_CUT, 200, "hello",
	    NULL, "closed before the last chunk" },
	{ CHUNKED "0\r\nX: 1\r\n", 0, 1, HTTP_ANSWER_CUT, 200, "", NULL,
	    "closed inside the trailers" },

	/* the close */
	{ "", 0, 1, HTTP_ANSWER_NONE, 0, NULL, NULL,
	    "closed before a byte" },
	{ "HTTP/1.1 200 O", 0, 1, HTTP_ANSWER_CUT, 0, NULL, NULL,
	    "closed inside the status line" },
	{ OK200 "Server: x\r\n", 0, 1, HTTP_ANSWER_CUT, 200, NULL, NULL,
	    "closed inside the head" },
	{ "HTTP/1.1 100 Continue\r\n\r\n", 0, 1, HTTP_ANSWER_CUT, 0, NULL,
	    NULL, "closed after an interim answer" },
};

static void
test_table(void)
{
	const struct answer	*t;
	struct found		 whole;
	size_t			 i, len;
	int			 rc;

	for (i = 0; i < NELEM(answers); i++) {
		t = &answers[i];
		len = t->len != 0 ? t->len : strlen(t->in);
		rc = parse(t->in, len, t->eof);
		ok(rc == t->rc && a->status == t->status,
		    "%s: %s, status %u (got %s, %u)", t->what,
		    http_answer_why(t->rc), t->status, http_answer_why(rc),
		    a->status);
		if (t->body != NULL)
			ok(a->body_len == strlen(t->body) &&
			    memcmp(a->body, t->body, a->body_len) == 0,
			    "%s: the body is \"%s\" (%zu bytes)", t->what,
			    t->body, a->body_len);
		if (t->reason != NULL)
			ok(a->reason != NULL &&
			    a->reason_len == strlen(t->reason) &&
			    memcmp(a->reason, t->reason, a->reason_len) == 0,
			    "%s: the reason is \"%s\"", t->what, t->reason);
		found(rc, &whole);
		ok(cuts_agree(t->in, len, t->eof, &whole),
		    "%s: the same however it is cut", t->what);
	}
}

/* ---- limits ---- */

static char *
big_answer(const char *head, size_t body, char fill, size_t *len)
{
	size_t	 h = strlen(head);
	char	*s;

	if ((s = malloc(h + body)) == NULL)
		abort();
	memcpy(s, head, h);
	memset(s + h, fill, body);
	*len = h + body;
	return s;
}

static void
test_head_limit(void)
{
	char	 head[HTTP_ANSWER_HEAD_MAX + 64];
	size_t	 used, pad;
	int	 rc;

	/* a head of exactly HTTP_ANSWER_HEAD_MAX bytes */
	used = strlen(OK200 "X: ") + strlen("\r\nContent-Length: 0\r\n\r\n");
	pad = HTTP_ANSWER_HEAD_MAX - used;
	snprintf(head, sizeof(head), OK200 "X: %0*d\r\nContent-Length: 0"
	    "\r\n\r\n", (int)pad, 0);
	ok(strlen(head) == HTTP_ANSWER_HEAD_MAX, "the test's head is %d "
	    "bytes", HTTP_ANSWER_HEAD_MAX);
	rc = parse(head, strlen(head), 0);
	ok(rc == HTTP_ANSWER_DONE, "a head of exactly the limit is taken "
	    "(%s)", http_answer_why(rc));
	snprintf(head, sizeof(head), OK200 "X: %0*d\r\nContent-Length: 0"
	    "\r\n\r\n", (int)pad + 1, 0);
	rc = parse(head, strlen(head), 0);
	ok(rc == HTTP_ANSWER_TOO_LONG, "one byte more is too long (%s)",
	    http_answer_why(rc));
	ok(a->head_len == HTTP_ANSWER_HEAD_MAX, "and nothing past the limit "
	    "is kept (%zu)", a->head_len);
}

static void
test_trailer_limit(void)
{
	size_t	 len;
	char	*s = big_answer(CHUNKED "0\r\nX: ", HTTP_ANSWER_HEAD_MAX, 'a',
	    &len);
	int	 rc;

	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_TOO_LONG, "trailers past the limit are too long "
	    "(%s)", http_answer_why(rc));
	free(s);
}

static void
test_chunk_line_limit(void)
{
	size_t	 len;
	char	*s = big_answer(CHUNKED "5;", HTTP_ANSWER_LINE_MAX, 'e', &len);
	int	 rc;

	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_CHUNK, "a size line past %d bytes is refused "
	    "(%s)", HTTP_ANSWER_LINE_MAX, http_answer_why(rc));
	free(s);
	s = big_answer(CHUNKED "5;", HTTP_ANSWER_LINE_MAX - 5, 'e', &len);
	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_MORE, "one just below it is not (%s)",
	    http_answer_why(rc));
	free(s);
}

static void
test_body_limit(void)
{
	struct found	 whole;
	size_t		 len;
	char		*s;
	int		 rc;

	s = big_answer(OK200 "Content-Length: 100000\r\n\r\n", 70000, 'b',
	    &len);
	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_DONE && a->body_len == HTTP_ANSWER_BODY_MAX,
	    "Content-Length past the limit: done at %d bytes, no wait for "
	    "more (%s, %zu)", HTTP_ANSWER_BODY_MAX, http_answer_why(rc),
	    a->body_len);
	found(rc, &whole);
	ok(cuts_agree(s, len, 0, &whole), "the same however it is cut");
	free(s);

	s = big_answer("HTTP/1.0 200 OK\r\n\r\n", HTTP_ANSWER_BODY_MAX, 'c',
	    &len);
	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_DONE && a->body_len == HTTP_ANSWER_BODY_MAX,
	    "a body to the close: done at the limit, before the close (%s)",
	    http_answer_why(rc));
	free(s);
	s = big_answer("HTTP/1.0 200 OK\r\n\r\n", HTTP_ANSWER_BODY_MAX - 1,
	    'c', &len);
	rc = parse(s, len, 0);
	ok(rc == HTTP_ANSWER_MORE, "one byte less: more is wanted (%s)",
	    http_answer_why(rc));
	free(s);

	/* chunked: 40000 + 40000 bytes, cut at the limit */
	s = big_answer(CHUNKED "9c40\r\n", 40000, 'd', &len);
	http_answer_init(a);
	rc = feed(s, len);
	rc = feed("\r\n9c40\r\n", 8);
	rc = feed(s + len - 40000, 40000);
	ok(rc == HTTP_ANSWER_DONE && a->body_len == HTTP_ANSWER_BODY_MAX,
	    "chunks past the limit: done at it (%s, %zu)",
	    http_answer_why(rc), a->body_len);
	free(s);
}

/* ---- the verdict stays ---- */

static void
test_sticky(void)
{
	const char	*done = OK200 "Content-Length: 2\r\n\r\nok";
	int		 rc;

	parse(done, strlen(done), 0);
	rc = feed("garbage", 7);
	ok(rc == HTTP_ANSWER_DONE && a->body_len == 2, "after DONE, bytes "
	    "are not looked at");
	ok(http_answer_eof(a) == HTTP_ANSWER_DONE, "and a close changes "
	    "nothing");
	parse("XTTP", 4, 0);
	rc = feed("HTTP/1.1 200 OK\r\n\r\n", 19);
	ok(rc == HTTP_ANSWER_STATUS && a->status == 0, "after an error, "
	    "the error stays");
	ok(http_answer_eof(a) == HTTP_ANSWER_STATUS, "even at the close");
}

static void
test_why(void)
{
	int	 rc, j, distinct = 1;

	for (rc = HTTP_ANSWER_MORE; rc <= HTTP_ANSWER_CUT; rc++)
		for (j = rc + 1; j <= HTTP_ANSWER_CUT; j++)
			if (strcmp(http_answer_why(rc),
			    http_answer_why(j)) == 0)
				distinct = 0;
	ok(distinct, "each verdict has its own words");
	is_str(http_answer_why(HTTP_ANSWER_CUT), "answer cut short",
	    "CUT in words");
	is_str(http_answer_why(99), "unknown", "an unknown code");
}

int
main(void)
{
	if ((a = malloc(sizeof(*a))) == NULL)
		abort();
	test_table();
	test_head_limit();
	test_trailer_limit();
	test_chunk_line_limit();
	test_body_limit();
	test_sticky();
	test_why();
	free(a);
	return done_testing();
}
