/*
 * http_fast.h - the two halves of http_parse() (http.h), internal to
 * src/http and its tests: the fast path for the common request, and the
 * careful parser that judges everything else.  http_parse() is the
 * first, and the second wherever the first is not sure.
 */
#ifndef MYDAEMON_HTTP_FAST_H
#define MYDAEMON_HTTP_FAST_H

#include <stddef.h>

struct http_request;

#define HTTP_FAST_UNSURE	(-2)

/*
 * A complete head of the common form (request line in origin-form,
 * HTTP/1.0 or 1.1, CRLF lines, no body fields): 0 and *req filled
 * exactly as http_parse_careful() fills it.  Anything else, valid or
 * not, complete or not: HTTP_FAST_UNSURE, and *req means nothing.
 */
int	http_parse_fast(const char *buf, size_t len, struct http_request *req);

/* The whole of RFC 9112 as http.h says of http_parse(). */
int	http_parse_careful(const char *buf, size_t len,
	    struct http_request *req);

#endif /* MYDAEMON_HTTP_FAST_H */
