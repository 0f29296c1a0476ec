/*
 * http.h - a pure HTTP/1.x request-head parser: bytes in, a request or
 * an error status out.  No I/O, no allocation, no clock, no logging; the
 * request's strings point into the caller's buffer.
 */
#ifndef MYDAEMON_HTTP_H
#define MYDAEMON_HTTP_H

#include <stddef.h>

#define HTTP_HEAD_MAX	8192	/* a longer head is answered 431 */

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OTHER		/* a well-formed method we do not serve: 405 */
};

struct http_request {
	enum http_method	 method;
	const char		*method_text;	/* not NUL-terminated */
	size_t			 method_len;
	const char		*path;		/* target without "?query" */
	size_t			 path_len;
	int			 minor;		/* HTTP/1.<minor>: 0 or 1 */
	int			 keep_alive;	/* after this answer */
	size_t			 head_len;	/* bytes up to the blank line */
	const char		*accept;	/* the Accept value, or NULL */
	size_t			 accept_len;
};

/*
 * Parse the request head at the start of buf (len bytes).  Returns
 *   0     a complete, valid head: *req filled, req->head_len consumed
 *  -1     incomplete: read more (len < HTTP_HEAD_MAX)
 *  400    malformed (bad request line, header syntax, obs-fold, bad or
 *         conflicting Content-Length, missing or repeated Host in 1.1,
 *         control bytes or non-ASCII in the target, ...) or a body whose
 *         length cannot be known (Transfer-Encoding with Content-Length,
 *         or whose last coding is not chunked: RFC 9112 6.3)
 *  413    the request has a framed body (Content-Length > 0, or
 *         Transfer-Encoding ending in chunked)
 *  431    the head is longer than HTTP_HEAD_MAX bytes, each of which
 *         may belong to a valid head (else 400, as http_scan() says)
 *  505    HTTP major version other than 1
 * On 413 and 431 *req may be partly filled (method, path) for logging.
 * Empty lines before the request line are skipped (RFC 9112 2.2).
 */
int	http_parse(const char *buf, size_t len, struct http_request *req);

/*
 * Does the request's Accept name this media type (exactly, with a q
 * above 0)?  Ranges such as * / * do not count: a probe that sends no
 * Accept, or any, gets the plain text it always got.
 */
int	http_status_accepts(const struct http_request *req, const char *type);
/*
 * Does the request's Accept prefer this media type: named exactly, with
 * a q above 0 and at least as high as that of any other range it lists
 * (a browser's text/html)?  No Accept, or * / * alone, is no.
 */
int	http_status_prefers(const struct http_request *req, const char *type);

/*
 * Every status code we send, with its reason phrase: one table, from
 * which the answers' status lines and the counters of /metrics both come.
 */
#define HTTP_STATUS_TABLE(X)						\
	X(200, "OK")							\
	X(400, "Bad Request")						\
	X(403, "Forbidden")						\
	X(404, "Not Found")						\
	X(405, "Method Not Allowed")					\
	X(408, "Request Timeout")					\
	X(413, "Content Too Large")					\
	X(431, "Request Header Fields Too Large")			\
	X(500, "Internal Server Error")					\
	X(503, "Service Unavailable")					\
	X(505, "HTTP Version Not Supported")

enum http_status_index {
#define HTTP_STATUS_INDEX(code, reason)	HTTP_S##code,
	HTTP_STATUS_TABLE(HTTP_STATUS_INDEX)
#undef HTTP_STATUS_INDEX
	HTTP_NSTATUS
};

/* The index of a code in the table, or -1; the code at an index. */
int		 http_status_index(int code);
int		 http_status_code(int index);
/* The reason phrase of a status code we send ("Not Found"). */
const char	*http_status_reason(int code);

#endif /* MYDAEMON_HTTP_H */
