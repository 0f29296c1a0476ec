/*
 * http_answer.h - a pure parser of the answer to an HTTP/1.1 GET, as the
 * http probe (checks/probe_net.c) reads it from a service it checks: the
 * status line, the fields that frame the body (Content-Length,
 * Transfer-Encoding), and the body itself, chunked or not, of which the
 * first HTTP_ANSWER_BODY_MAX bytes are kept.
 *
 * Incremental: bytes are fed as they arrive, in pieces of any size, and
 * each byte is looked at once; the verdict does not depend on how they
 * were cut.  No I/O, no clock, no logging, no allocation.  Every byte is
 * taken as hostile: nothing is read past what was fed, and the status
 * line's reason is handed back as raw bytes, for the caller to escape.
 */
#ifndef MYDAEMON_HTTP_ANSWER_H
#define MYDAEMON_HTTP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_ANSWER_HEAD_MAX	8192	/* status line and fields */
#define HTTP_ANSWER_BODY_MAX	65536	/* body bytes kept */
#define HTTP_ANSWER_LINE_MAX	4096	/* a chunk's size line */

/* What http_answer_feed() and http_answer_eof() answer. */
enum {
	HTTP_ANSWER_MORE = -1,	/* feed more (or say EOF) */
	HTTP_ANSWER_DONE = 0,	/* complete, or HTTP_ANSWER_BODY_MAX kept */
	HTTP_ANSWER_NONE,	/* closed before a single byte */
	HTTP_ANSWER_STATUS,	/* not an HTTP/1.x status line */
	HTTP_ANSWER_FIELD,	/* a field line that is not one */
	HTTP_ANSWER_LENGTH,	/* a bad or conflicting Content-Length */
	HTTP_ANSWER_TOO_LONG,	/* head or trailers past HEAD_MAX */
	HTTP_ANSWER_CHUNK,	/* bad chunked framing */
	HTTP_ANSWER_CUT		/* closed before the end of the answer */
};

struct http_answer {
	/* What was found (status: 0 until the status line is in). */
	unsigned int	 status;	/* 100-999 */
	int		 minor;		/* HTTP/1.<minor> */
	const char	*reason;	/* raw bytes in head[], no NUL */
	size_t		 reason_len;
	size_t		 body_len;	/* bytes kept in body[] */
	uint64_t	 length;	/* Content-Length, if has_length */
	int		 has_length;

	/* The parser's own. */
	int		 rc;		/* MORE, or the verdict, which stays */
	int		 state;
	int		 te, te_chunked; /* Transfer-Encoding: seen, last */
	int		 last_field;	/* for an obs-fold line */
	unsigned int	 interim;	/* 1xx answers skipped */
	uint64_t	 left;		/* of the Content-Length or chunk */
	size_t		 head_len;	/* bytes in head[] */
	size_t		 line;		/* where the current line starts */
	size_t		 count;		/* of a chunk line, of trailers */

	/* The buffers, last: http_answer_init() does not clear them. */
	char		 head[HTTP_ANSWER_HEAD_MAX];
	char		 body[HTTP_ANSWER_BODY_MAX];
};

/* Ready for a new answer. */
void	http_answer_init(struct http_answer *a);

/*
 * Take the next n bytes of the answer.  Returns HTTP_ANSWER_MORE while
 * the answer goes on, HTTP_ANSWER_DONE once it is complete (its framing
 * says so, or HTTP_ANSWER_BODY_MAX bytes of body are kept: read no
 * more), or one of the errors.  Once it is not MORE the verdict stays,
 * and further bytes are not looked at.  Interim 1xx answers (but 101)
 * are skipped; 101, 204 and 304 have no body.
 */
int	http_answer_feed(struct http_answer *a, const char *p, size_t n);

/*
 * The server closed the connection: DONE when that ends the answer
 * (a body framed by the close), NONE when nothing came at all, CUT
 * when the answer is not complete.  A verdict already given stays.
 */
int	http_answer_eof(struct http_answer *a);

/* What an error means, in words ("malformed status line"). */
const char *http_answer_why(int rc);

#endif /* MYDAEMON_HTTP_ANSWER_H */
