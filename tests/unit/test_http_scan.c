/*
 * test_http_scan.c - the incremental scan of a request head (http_scan.h):
 * each of its four answers (read more, a head ends here, 400 at the first
 * bad byte, 431 at HTTP_HEAD_MAX), where it stops, how it resumes, and
 * that its verdict does not depend on how the bytes are cut into reads.
 *
 * Whether http_parse() agrees with the scan is test_http.c's, and the
 * fuzzer's (tests/fuzz/fuzz_http.c).  Every call here gets a heap copy
 * of exactly the bytes it is given, so that under ASan or valgrind a
 * look past len is caught.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/http_scan.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define S(s)		s, sizeof(s) - 1

/* http_scan() of the first len bytes of in, from a copy of just those. */
static int
scan_step(struct http_scan *s, const char *in, size_t len)
{
	char	*held;
	int	 rc;

	if ((held = calloc(1, len > 0 ? len : 1)) == NULL)
		abort();
	memcpy(held, in, len);
	rc = http_scan(s, held, len);
	free(held);
	return rc;
}

/* The verdict on all len bytes at once; *at: where the scan stopped. */
static int
scan_whole(const char *in, size_t len, size_t *at)
{
	struct http_scan	 s;
	int			 rc;

	memset(&s, 0, sizeof(s));
	rc = scan_step(&s, in, len);
	*at = s.pos;
	return rc;
}

/*
 * The verdict when the bytes arrive in reads of the sizes next_len()
 * draws, as the server sees them: it asks again after each read while
 * the answer is -1.
 */
static int
scan_cut(const char *in, size_t len, size_t (*next_len)(void *), void *arg,
    size_t *at)
{
	struct http_scan	 s;
	size_t			 have = 0;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	while (have < len && rc == -1) {
		have += next_len(arg);
		if (have > len)
			have = len;
		rc = scan_step(&s, in, have);
	}
	if (len == 0)
		rc = scan_step(&s, in, 0);
	*at = s.pos;
	return rc;
}

static size_t
one_byte(void *arg)
{
	(void)arg;
	return 1;
}

/* Two reads: the first *(size_t *)arg bytes, then the rest. */
static size_t
split_at(void *arg)
{
	size_t	*first = arg, n = *first;

	*first = SIZE_MAX / 2;
	return n;
}

/* Reads of random sizes, mostly small, now and then large. */
static size_t
random_len(void *arg)
{
	uint64_t	*seed = arg;
	uint32_t	 r = tl_rand(seed);

	return 1 + (r >> 8) % ((r & 3) == 0 ? 1500 : 9);
}

/* ---- 0: heads that end ---- */

static const struct {
	const char	*in;
	size_t		 len;
	const char	*what;
} heads[] = {
	{ S("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "a plain GET" },
	{ S("GET / HTTP/1.0\n\n"), "lines ending in LF alone" },
	{ S("GET / HTTP/1.1\nHost: a\r\n\n"), "LF and CRLF mixed" },
	{ S("HEAD /health HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n"
	    "Connection: keep-alive\r\n\r\n"), "HEAD with three fields" },
	{ S("\r\n\n\r\nGET / HTTP/1.1\r\n\r\n"),
	    "empty lines before the request line" },
	{ S("BREW /pot HTTP/9.9\r\n\r\n"), "any method of tchars, any digits" },
	{ S("a!#$%&'*+-.^_`|~Z /x HTTP/1.1\r\n\r\n"),
	    "every tchar in the method" },
	{ S("GET /a/b.c?x=1&y=%2F;z=,:@!$'()*+~ HTTP/1.1\r\n\r\n"),
	    "a path and query of RFC 3986's bytes" },
	{ S("GET /%aF%0a HTTP/1.1\r\n\r\n"), "%HH in either case" },
	{ S("GET http://example.org:8080/health?x HTTP/1.1\r\n\r\n"),
	    "an absolute-form target" },
	{ S("GET HTTPS://[::1]:8/h HTTP/1.1\r\n\r\n"),
	    "an absolute-form with an IPv6 host, scheme in capitals" },
	{ S("GET http://a HTTP/1.1\r\n\r\n"), "an absolute-form without path" },
	{ S("GET http://a?q=1 HTTP/1.1\r\n\r\n"),
	    "an absolute-form's query right after the host" },
	{ S("GET / HTTP/1.1\r\nX-a!#$%&'*+-.^_`|~9: v\r\n\r\n"),
	    "every tchar in a field name" },
	{ S("GET / HTTP/1.1\r\nEmpty:\r\nE2:\n\r\n"), "empty field values" },
	{ S("GET / HTTP/1.1\r\nX:  a\tb : c ;\"d\" \t\r\n\r\n"),
	    "blanks, tabs, colons and quotes in a value" },
	{ S("GET / HTTP/1.1\r\nX: caf\xc3\xa9 \x80\xff\r\n\r\n"),
	    "bytes 0x80-0xff in a value (obs-text)" },
};

static void
test_heads(void)
{
	size_t	 i, at, k;
	int	 rc, all;

	for (i = 0; i < NELEM(heads); i++) {
		rc = scan_whole(heads[i].in, heads[i].len, &at);
		ok(rc == 0 && at == heads[i].len, "%s: a head that ends at "
		    "byte %zu (got %d at %zu)", heads[i].what, heads[i].len,
		    rc, at);
		/* Every shorter piece of it may still become that head. */
		all = 1;
		for (k = 0; k < heads[i].len && all; k++) {
			rc = scan_whole(heads[i].in, k, &at);
			if (rc != -1 || at != k) {
				printf("#   %zu bytes: %d at %zu\n", k, rc, at);
				all = 0;
			}
		}
		ok(all, "%s: each of its first bytes alone is -1, read more",
		    heads[i].what);
	}
	ok(scan_whole("", 0, &at) == -1 && at == 0,
	    "no byte yet: -1 at byte 0");
}

/* The next request may follow in the same read: it is not looked at. */
static void
test_pipelined(void)
{
	static const char	 two[] =
	    "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
	static const char	 junk[] = "GET / HTTP/1.1\n\n\x16\x03\x01 junk";
	struct http_scan	 s;
	size_t			 at;
	int			 rc;

	rc = scan_whole(two, sizeof(two) - 1, &at);
	ok(rc == 0 && at == 19, "two heads in one read: the first ends at "
	    "byte 19 (got %d at %zu)", rc, at);
	memset(&s, 0, sizeof(s));
	ok(scan_step(&s, two + 19, sizeof(two) - 1 - 19) == 0 &&
	    s.pos == 19, "a zeroed scan takes the second from there");
	rc = scan_whole(junk, sizeof(junk) - 1, &at);
	ok(rc == 0 && at == 16, "garbage after a whole head is not the "
	    "head's: 0 at byte 16 (got %d at %zu)", rc, at);
}

/* ---- 400: the first byte that belongs to no valid head ---- */

static const struct {
	const char	*in;
	size_t		 len;
	size_t		 at;
	const char	*what;
} bad[] = {
	{ S("\x16\x03\x01\x02\x00\x01"), 0, "a TLS ClientHello" },
	{ S("\x00GET / HTTP/1.1\r\n\r\n"), 0, "a NUL first" },
	{ S(" GET / HTTP/1.1\r\n\r\n"), 0, "a blank before the method" },
	{ S("\rX"), 1, "a CR before the request line, then no LF" },
	{ S("\n\r\r"), 2, "an empty line, then CR CR" },
	{ S("G\x00T / HTTP/1.1"), 1, "a NUL in the method" },
	{ S("GET\t/ HTTP/1.1"), 3, "a tab after the method" },
	{ S("GET\r\n"), 3, "a method alone" },
	{ S("GET  / HTTP/1.1"), 4, "two blanks after the method" },
	{ S("GET * HTTP/1.1"), 4, "the asterisk form, not served" },
	{ S("GET a HTTP/1.1"), 4, "a target that is no form" },
	{ S("GET /\r\n"), 5, "HTTP/0.9: no version" },
	{ S("GET /\n"), 5, "HTTP/0.9 with LF alone" },
	{ S("GET /a#b HTTP/1.1"), 6, "a fragment" },
	{ S("GET /a\"b HTTP/1.1"), 6, "a quote in the path" },
	{ S("GET /\xc3\xa9 HTTP/1.1"), 5, "a byte past ASCII in the path" },
	{ S("GET /%zz HTTP/1.1"), 6, "'%' without hex digits" },
	{ S("GET /%4 HTTP/1.1"), 7, "'%' with one hex digit" },
	{ S("GET http://a\\b/ HTTP/1.1"), 12, "a backslash in the authority" },
	{ S("GET http://a/b|c HTTP/1.1"), 14, "a '|' in an absolute path" },
	{ S("GET http://a?%zz HTTP/1.1"), 14,
	    "a bad '%' in an absolute-form's query" },
	{ S("GET / \r\n"), 6, "a blank and no version" },
	{ S("GET /a b HTTP/1.1"), 7, "a blank inside the target" },
	{ S("GET / http/1.1"), 6, "the version in small letters" },
	{ S("GET / HTTP/a.1"), 11, "a letter for the major version" },
	{ S("GET / HTTP/11\r\n"), 12, "no dot in the version" },
	{ S("GET / HTTP/1.b"), 13, "a letter for the minor version" },
	{ S("GET / HTTP/1.10\r\n"), 14, "two digits for the minor version" },
	{ S("GET / HTTP/1.1 \r\n"), 14, "a blank after the version" },
	{ S("GET / HTTP/1.1\r\r"), 15, "CR CR after the request line" },
	{ S("GET / HTTP/1.1\r\n Host: a\r\n"), 16,
	    "a field folded onto the request line" },
	{ S("GET / HTTP/1.1\r\n:a\r\n"), 16, "a field without a name" },
	{ S("GET / HTTP/1.1\r\nHo st: a\r\n"), 18, "a blank in a field name" },
	{ S("GET / HTTP/1.1\r\nHost : a\r\n"), 20,
	    "a blank before the colon" },
	{ S("GET / HTTP/1.1\r\nHost\r\n"), 20, "a field without a colon" },
	{ S("GET / HTTP/1.1\r\nX: a\x01z\r\n"), 20,
	    "a control byte in a value" },
	{ S("GET / HTTP/1.1\r\nX: a\x00z\r\n"), 20, "a NUL in a value" },
	{ S("GET / HTTP/1.1\r\nX: \x7f\r\n"), 19, "DEL in a value" },
	{ S("GET / HTTP/1.1\r\nX: a\rb\r\n"), 21, "a CR alone in a value" },
	{ S("GET / HTTP/1.1\r\nX: a\r\n\rX"), 23,
	    "a CR alone where the head should end" },
	{ S("GET / HTTP/1.1\r\n\r\r\n"), 17, "CR CR at the end" },
};

static void
test_bad(void)
{
	size_t	 i, at;
	int	 rc;

	for (i = 0; i < NELEM(bad); i++) {
		rc = scan_whole(bad[i].in, bad[i].len, &at);
		ok(rc == 400 && at == bad[i].at, "%s: 400 at byte %zu (got %d "
		    "at %zu)", bad[i].what, bad[i].at, rc, at);
		rc = scan_whole(bad[i].in, bad[i].at, &at);
		ok(rc == -1 && at == bad[i].at,
		    "%s: the bytes before the bad one are -1, read more",
		    bad[i].what);
	}
}

/* ---- 431: HTTP_HEAD_MAX bytes and no end ---- */

/* A buffer of n bytes: "GET /" and then 'a's. */
static char *
long_target(size_t n)
{
	char	*b;

	if ((b = malloc(n)) == NULL)
		abort();
	memset(b, 'a', n);
	memcpy(b, "GET /", 5);
	return b;
}

/* A whole head of exactly n bytes (n >= 24): one long field. */
static char *
head_of(size_t n)
{
	static const char	 top[] = "GET / HTTP/1.1\r\nX: ";
	char			*b = long_target(n);

	memcpy(b, top, sizeof(top) - 1);
	memcpy(b + n - 4, "\r\n\r\n", 4);
	return b;
}

static void
test_limit(void)
{
	const size_t	 max = HTTP_HEAD_MAX;
	char		*b;
	size_t		 at, n;
	int		 rc;

	b = long_target(max + 100);
	rc = scan_whole(b, max - 1, &at);
	ok(rc == -1 && at == max - 1, "HTTP_HEAD_MAX - 1 bytes of a target: "
	    "-1, read more (got %d at %zu)", rc, at);
	rc = scan_whole(b, max, &at);
	ok(rc == 431 && at == max, "HTTP_HEAD_MAX bytes and no end: 431 "
	    "(got %d at %zu)", rc, at);
	rc = scan_whole(b, max + 100, &at);
	ok(rc == 431 && at == max, "more in the same read: 431, the scan "
	    "stops at HTTP_HEAD_MAX (got %d at %zu)", rc, at);
	b[max - 1] = '"';
	rc = scan_whole(b, max + 100, &at);
	ok(rc == 400 && at == max - 1,
	    "a bad last byte within the limit: 400 there (got %d at %zu)",
	    rc, at);
	b[max - 1] = 'a';
	b[max] = '"';
	rc = scan_whole(b, max + 100, &at);
	ok(rc == 431 && at == max,
	    "a bad byte past the limit: 431 (got %d at %zu)", rc, at);
	free(b);

	n = 1 << 20;
	b = long_target(n);
	rc = scan_whole(b, n, &at);
	ok(rc == 431 && at == max,
	    "1 MiB in one read: 431 at HTTP_HEAD_MAX (got %d at %zu)", rc, at);
	free(b);

	b = head_of(max);
	rc = scan_whole(b, max, &at);
	ok(rc == 0 && at == max, "a head of exactly HTTP_HEAD_MAX bytes "
	    "ends (got %d at %zu)", rc, at);
	free(b);
	b = head_of(max + 1);
	rc = scan_whole(b, max + 1, &at);
	ok(rc == 431 && at == max, "a head one byte longer is 431 (got %d "
	    "at %zu)", rc, at);
	free(b);

	b = long_target(max);
	for (n = 0; n < max; n += 2)
		memcpy(b + n, "\r\n", 2);
	rc = scan_whole(b, max, &at);
	ok(rc == 431 && at == max,
	    "HTTP_HEAD_MAX bytes of empty lines count too: 431");
	free(b);
}

/* ---- resuming ---- */

static void
test_resume(void)
{
	static const char	 head[] = "GET / HTTP/1.1\r\n\r\n";
	struct http_scan	 s;
	char			 b[64];
	int			 rc;

	memset(&s, 0, sizeof(s));
	memcpy(b, head, sizeof(head));
	ok(scan_step(&s, b, 6) == -1 && s.pos == 6, "6 bytes: -1 at 6");
	ok(scan_step(&s, b, 6) == -1 && s.pos == 6,
	    "asked again with nothing new: -1, still at 6");

	/* What it has seen it does not look at again. */
	memcpy(b, "\x16\x03\x01\x02\x03\x04", 6);
	rc = scan_step(&s, b, sizeof(head) - 1);
	ok(rc == 0 && s.pos == sizeof(head) - 1,
	    "the bytes already seen are not looked at again (got %d at %u)",
	    rc, (unsigned)s.pos);
	memcpy(b + sizeof(head) - 1, "\x16\x03", 2);
	ok(scan_step(&s, b, sizeof(head) + 1) == 0 &&
	    s.pos == sizeof(head) - 1,
	    "once a head has ended: 0 again, at the same byte");

	memset(&s, 0, sizeof(s));
	memcpy(b, "GET /a|b", 8);
	ok(scan_step(&s, b, 8) == 400 && s.pos == 6, "a bad byte: 400 at 6");
	ok(scan_step(&s, b, 8) == 400 && s.pos == 6,
	    "asked again: 400 again, at the same byte");
}

static void
test_431_final(void)
{
	struct http_scan	 s;
	char			*b = long_target(HTTP_HEAD_MAX + 10);

	memset(&s, 0, sizeof(s));
	ok(scan_step(&s, b, HTTP_HEAD_MAX) == 431 &&
	    scan_step(&s, b, HTTP_HEAD_MAX + 10) == 431 &&
	    s.pos == HTTP_HEAD_MAX, "431 is final: asked again with more, 431");
	free(b);
}

/* ---- the verdict does not depend on the reads ---- */

static int
same_cut(const char *in, size_t len, size_t (*next_len)(void *),
    void *arg, int want, size_t want_at, const char *how)
{
	size_t	 at;
	int	 rc = scan_cut(in, len, next_len, arg, &at);

	if (rc == want && at == want_at)
		return 1;
	printf("#   %s: %d at %zu, in one read %d at %zu\n", how, rc, at, want,
	    want_at);
	return 0;
}

/* Every way of cutting in (len bytes) we try gives one verdict. */
static void
chunks_agree(const char *in, size_t len, const char *what)
{
	uint64_t	 seed = 0x9e3779b97f4a7c15ULL ^ len;
	size_t		 at, cut, first, i;
	int		 rc, all = 1;
	static const size_t near[] = { 1, 2, 5, HTTP_HEAD_MAX - 1,
	    HTTP_HEAD_MAX, HTTP_HEAD_MAX + 1 };

	rc = scan_whole(in, len, &at);
	all &= same_cut(in, len, one_byte, NULL, rc, at, "byte by byte");
	if (len <= 600) {
		for (cut = 1; cut < len && all; cut++) {
			first = cut;
			all &= same_cut(in, len, split_at, &first, rc, at,
			    "two reads");
		}
	} else {
		for (i = 0; i < NELEM(near) && all; i++) {
			first = near[i];
			all &= same_cut(in, len, split_at, &first, rc, at,
			    "two reads around the limit");
		}
	}
	for (i = 0; i < 50 && all; i++)
		all &= same_cut(in, len, random_len, &seed, rc, at,
		    "reads of random sizes");
	ok(all, "%s: the same verdict (%d at %zu) however the bytes are cut",
	    what, rc, at);
}

static void
test_chunks(void)
{
	static const char	 pipelined[] = "GET / HTTP/1.1\r\n\r\nGET /";
	char			*b;
	size_t			 i;

	for (i = 0; i < NELEM(heads); i++)
		chunks_agree(heads[i].in, heads[i].len, heads[i].what);
	for (i = 0; i < NELEM(bad); i++)
		chunks_agree(bad[i].in, bad[i].len, bad[i].what);
	chunks_agree(pipelined, sizeof(pipelined) - 1, "a pipelined head");
	chunks_agree("GET /x HTTP/1.1\r\nHost:", 22, "a head cut short");

	b = long_target(HTTP_HEAD_MAX + 300);
	chunks_agree(b, HTTP_HEAD_MAX + 300, "a target past the limit");
	b[HTTP_HEAD_MAX - 1] = '<';
	chunks_agree(b, HTTP_HEAD_MAX + 300, "a bad last byte at the limit");
	free(b);
	b = head_of(HTTP_HEAD_MAX);
	chunks_agree(b, HTTP_HEAD_MAX, "a head of exactly HTTP_HEAD_MAX");
	free(b);
	b = head_of(HTTP_HEAD_MAX + 1);
	chunks_agree(b, HTTP_HEAD_MAX + 1, "a head one byte too long");
	free(b);
}

/* Random bytes from a small alphabet that makes heads likely. */
static void
test_random_inputs(void)
{
	static const char	 alpha[] = "GET /HTP1.0\r\n:ax%2?";
	uint64_t		 seed = 20240611;
	char			 in[200], what[64];
	size_t			 i, k, len;

	for (i = 0; i < 40; i++) {
		len = 1 + tl_rand(&seed) % sizeof(in);
		memcpy(in, "GET / HTTP/1.1\r\n", 16);
		for (k = i % 2 ? 16 : 0; k < len; k++)
			in[k] = alpha[tl_rand(&seed) % (sizeof(alpha) - 1)];
		snprintf(what, sizeof(what), "random input #%zu", i + 1);
		chunks_agree(in, len, what);
	}
}

int
main(void)
{
	test_heads();
	test_pipelined();
	test_bad();
	test_limit();
	test_resume();
	test_431_final();
	test_chunks();
	test_random_inputs();
	return done_testing();
}
