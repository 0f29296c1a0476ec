/*
 * test_http_fast.c - the fast path of the request parser (http_fast.h)
 * against the careful one: the heads that probes send are taken by the
 * fast path, and every head one edit away from them (each byte replaced
 * by each of the 256, each byte removed, each byte doubled, each prefix)
 * is either left to the careful parser or read exactly as it reads it.
 *
 * Each input is copied into a heap buffer of exactly its length, so that
 * under ASan or valgrind a read past len is caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/http_fast.h"
#include "tap.h"

/* What the load balancers and tools of the README send. */
static const char *const probes[] = {
	/* wrk */
	"GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
	/* ab -k */
	"GET /health HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	"Host: 127.0.0.1:8080\r\nUser-Agent: ApacheBench/2.3\r\n"
	"Accept: */*\r\n\r\n",
	/* curl */
	"GET /health/web HTTP/1.1\r\nHost: localhost:8080\r\n"
	"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
	/* HAProxy's httpchk, a close, a query, HEAD */
	"HEAD /health?from=lb HTTP/1.1\r\nhost: lb.example\r\n"
	"connection: close\r\naccept: application/health+json\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
	"OPTIONS /status HTTP/1.1\r\nHost:\r\nX-Forwarded-For: 10.0.0.1\r\n"
	"Accept:   text/plain ;q=0.9\t\r\n\r\n",
};

static int	 mismatches, fast_taken, compared;

/* Both parsers on buf[0..n), held to http_fast.h's promise. */
static void
compare(const char *in, size_t n)
{
	struct http_request	 f, c;
	char			*b;
	int			 frc, crc;

	if ((b = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	memcpy(b, in, n);
	compared++;
	frc = http_parse_fast(b, n, &f);
	crc = http_parse_careful(b, n, &c);
	if (frc == 0) {
		fast_taken++;
		if (crc != 0 || f.method != c.method ||
		    f.method_text != c.method_text ||
		    f.method_len != c.method_len || f.path != c.path ||
		    f.path_len != c.path_len || f.minor != c.minor ||
		    f.keep_alive != c.keep_alive ||
		    f.head_len != c.head_len || f.accept != c.accept ||
		    f.accept_len != c.accept_len) {
			if (mismatches++ < 5)
				printf("# differs: \"%.*s\" (careful %d)\n",
				    (int)n, in, crc);
		}
	} else if (frc != HTTP_FAST_UNSURE && mismatches++ < 5)
		printf("# fast path answered %d\n", frc);
	free(b);
}

static int
fast(const char *s, struct http_request *req)
{
	return http_parse_fast(s, strlen(s), req);
}

static int
whole(const char *s, struct http_request *req)
{
	return http_parse(s, strlen(s), req);
}

static void
edits(const char *p)
{
	size_t	 n = strlen(p), i;
	char	*m;
	int	 c;

	if ((m = malloc(n + 1)) == NULL)
		abort();
	for (i = 0; i <= n; i++)
		compare(p, i);			/* each prefix */
	for (i = 0; i < n; i++) {
		memcpy(m, p, n);
		for (c = 0; c < 256; c++) {	/* each byte, each value */
			m[i] = (char)c;
			compare(m, n);
		}
		memcpy(m, p, i);		/* each byte removed */
		memcpy(m + i, p + i + 1, n - i - 1);
		compare(m, n - 1);
		memcpy(m, p, i + 1);		/* each byte doubled */
		memcpy(m + i + 1, p + i, n - i);
		compare(m, n + 1);
	}
	free(m);
}

int
main(void)
{
	struct http_request	 req;
	size_t			 i;
	int			 before;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		ok(http_parse_fast(probes[i], strlen(probes[i]), &req) == 0 &&
		    req.head_len == strlen(probes[i]),
		    "probe %zu takes the fast path", i);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		before = mismatches;
		edits(probes[i]);
		ok(mismatches == before, "every edit of probe %zu: the fast "
		    "path agrees with the careful parser", i);
	}
	ok(fast_taken > compared / 20, "the fast path took %d of %d heads",
	    fast_taken, compared);
	/* What it leaves to the careful parser, and what that says. */
	ok(fast("GET /%41 HTTP/1.1\r\nHost: x\r\n\r\n", &req) ==
	    HTTP_FAST_UNSURE && whole("GET /%41 HTTP/1.1\r\nHost: x\r\n"
	    "\r\n", &req) == 0 && req.path_len == 4,
	    "a '%%' in the target goes to the careful parser, which takes it");
	ok(fast("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", &req) ==
	    HTTP_FAST_UNSURE && whole("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Host: a\r\n\r\n", &req) == 400,
	    "two Hosts: 400, from the careful parser");
	ok(fast("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n",
	    &req) == HTTP_FAST_UNSURE && whole("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 1\r\n\r\n", &req) == 413,
	    "a body: 413, from the careful parser");
	ok(fast("GET / HTTP/1.0\r\nConnection: close, keep-alive\r\n\r\n",
	    &req) == HTTP_FAST_UNSURE && whole("GET / HTTP/1.0\r\n"
	    "Connection: close, keep-alive\r\n\r\n", &req) == 0 &&
	    !req.keep_alive, "a Connection list: the careful parser's");
	return done_testing();
}
