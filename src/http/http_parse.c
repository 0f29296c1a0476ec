/*
 * http_parse.c - parse any HTTP/1.x request head (RFC 9112) into a struct
 * http_request, or name the status that answers it (http_fast.h).
 *
 * The parser is pure and keeps no state between calls, so the caller
 * calls it again each time bytes arrive.  That is why the cheap question
 * "is the head complete?" comes first and never looks past HTTP_HEAD_MAX
 * bytes: a slow sender costs one memchr pass per read, and the full
 * parse runs once, on a complete head.  Every byte is hostile: nothing
 * is NUL-terminated, every scan is bounded by an end offset, and each
 * byte is looked at a constant number of times.
 *
 * We are a health endpoint, not a proxy, so we are strict: whatever a
 * lenient reading could make ambiguous (obs-fold, a space before ':', a
 * body, two Hosts) is refused rather than guessed at.
 */
#include <stddef.h>
#include <string.h>

#include "http/http.h"
#include "http/http_chars.h"
#include "http/http_fast.h"
#include "http/http_uri.h"
#include "http/http_scan.h"

#define ST_BAD_REQUEST	400
#define ST_TOO_LARGE	413
#define ST_HEAD_TOO_BIG	431
#define ST_BAD_VERSION	505

/* What the header fields said; judged once the whole head is read. */
struct fields {
	int		 hosts;
	int		 te;		/* Transfer-Encoding seen */
	int		 chunked;	/* its last coding so far is chunked */
	int		 cls;		/* Content-Length fields seen */
	const char	*cl;		/* its digits without leading zeros */
	size_t		 cl_len;
	int		 close;		/* Connection: close */
	int		 keep;		/* Connection: keep-alive */
	const char	*accept;	/* the last Accept field */
	size_t		 accept_len;
};

/*
 * RFC 9112 2.2 lets a server ignore empty lines before the request line;
 * they still count toward the head's length and its limit.
 */
static size_t
skip_empty_lines(const char *buf, size_t lim)
{
	size_t	 p = 0;

	for (;;) {
		if (p < lim && buf[p] == '\n')
			p++;
		else if (p + 1 < lim && buf[p] == '\r' && buf[p + 1] == '\n')
			p += 2;
		else
			return p;
	}
}

/*
 * Find the empty line that ends the head: a LF followed by LF or CRLF.
 * Only [from, lim) is searched, so a head that ends past lim counts as
 * not found.  Each memchr starts past the last, so this is linear.
 */
static int
find_head_end(const char *buf, size_t from, size_t lim, size_t *end)
{
	const char	*nl;
	size_t		 i = from;

	while (i < lim && (nl = memchr(buf + i, '\n', lim - i)) != NULL) {
		i = (size_t)(nl - buf) + 1;
		if (i < lim && buf[i] == '\n') {
			*end = i + 1;
			return 1;
		}
		if (i + 1 < lim && buf[i] == '\r' && buf[i + 1] == '\n') {
			*end = i + 2;
			return 1;
		}
	}
	return 0;
}

/*
 * Take the line at *p (before end) into *line and *n without its LF or
 * CRLF, and move *p past it.  Only one CR is dropped: any other CR stays
 * in the line, where it is a control byte and makes the line invalid.
 */
static int
head_line(const char *buf, size_t *p, size_t end, const char **line,
    size_t *n)
{
	const char	*nl;

	if (*p >= end || (nl = memchr(buf + *p, '\n', end - *p)) == NULL)
		return 0;
	*line = buf + *p;
	*n = (size_t)(nl - *line);
	*p += *n + 1;
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* "HTTP/" DIGIT "." DIGIT; 1.x with x > 1 is answered as 1.1. */
static int
parse_version(const char *s, size_t n, int *minor)
{
	if (n != 8 || memcmp(s, "HTTP/", 5) != 0 ||
	    !is_digit((unsigned char)s[5]) || s[6] != '.' ||
	    !is_digit((unsigned char)s[7]))
		return ST_BAD_REQUEST;
	if (s[5] != '1')
		return ST_BAD_VERSION;
	*minor = s[7] == '0' ? 0 : 1;
	return 0;
}

/*
 * The request target s[0..n): the origin-form, or the absolute-form
 * whose path starts at *path; "*" and the authority form are not
 * served.  Its path and query hold RFC 3986's bytes only (RFC 9112 3.2):
 * no '"', '\\', '|', '{', '^', no '#' (a target has no fragment), no
 * '%' without two hex digits after it.
 */
static int
target_ok(const char *s, size_t n, size_t *path)
{
	long	 off = 0;

	if (s[0] != '/' && (off = http_uri_absolute_path(s, n)) == -1)
		return 0;
	*path = (size_t)off;
	return http_uri_path_ok(s + off, n - (size_t)off);
}

/*
 * method SP request-target SP HTTP-version, single spaces.  On 0 and
 * 505 the method and path are filled, since a syntactically sound line
 * is worth logging.
 */
static int
parse_request_line(const char *s, size_t n, struct http_request *req)
{
	const char	*q;
	size_t		 m, t, start, path;
	int		 minor = 0, rc;

	m = tchar_span(s, n);
	if (m == 0 || m == n || s[m] != ' ')
		return ST_BAD_REQUEST;
	for (t = m + 1; t < n && (unsigned char)s[t] > 0x20 &&
	    (unsigned char)s[t] < 0x7f; t++)
		;
	if (t == m + 1 || t == n || s[t] != ' ')
		return ST_BAD_REQUEST;
	start = m + 1;
	if (!target_ok(s + start, t - start, &path))
		return ST_BAD_REQUEST;
	start += path;
	if ((rc = parse_version(s + t + 1, n - t - 1, &minor)) ==
	    ST_BAD_REQUEST)
		return rc;
	req->method_text = s;
	req->method_len = m;
	if (m == 3 && memcmp(s, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (m == 4 && memcmp(s, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	req->path = s + start;
	q = memchr(req->path, '?', t - start);
	req->path_len = q != NULL ? (size_t)(q - req->path) : t - start;
	if (req->path_len == 0) {	/* "http://host" means "/" */
		req->path = "/";
		req->path_len = 1;
	}
	req->minor = minor;
	return rc;
}

/*
 * Digits only, no list form.  Values are compared without leading zeros
 * rather than converted, so that no length overflows and "00" equals "0".
 */
static int
content_length(const char *v, size_t n, struct fields *f)
{
	size_t	 i;

	if (n == 0)
		return ST_BAD_REQUEST;
	for (i = 0; i < n; i++)
		if (!is_digit((unsigned char)v[i]))
			return ST_BAD_REQUEST;
	while (n > 0 && *v == '0') {
		v++;
		n--;
	}
	if (f->cls++ > 0 && (n != f->cl_len || memcmp(v, f->cl, n) != 0))
		return ST_BAD_REQUEST;
	f->cl = v;
	f->cl_len = n;
	return 0;
}

/* A comma list of options; ones we do not know are none of our business. */
static void
connection(const char *v, size_t n, struct fields *f)
{
	const char	*tok;
	size_t		 i = 0, j, len;

	while (i < n) {
		for (j = i; j < n && v[j] != ','; j++)
			;
		tok = v + i;
		len = j - i;
		trim_ows(&tok, &len);
		if (token_is(tok, len, "close"))
			f->close = 1;
		else if (token_is(tok, len, "keep-alive"))
			f->keep = 1;
		i = j + 1;
	}
}

/*
 * Transfer-Encoding: a comma list of codings, and several fields make
 * one list (RFC 9110 5.3).  A body is framed only when chunked is the
 * last coding and is applied once (RFC 9112 6.1, 7); anything else
 * leaves its length unknowable, which 6.3 answers with 400 and a close.
 * A coding is a token, then OWS ";" and parameters, which we do not
 * judge; empty list elements are skipped (RFC 9110 5.6.1).
 */
static int
transfer_encoding(const char *v, size_t n, struct fields *f)
{
	const char	*tok;
	size_t		 i = 0, j, len, k;

	f->te = 1;
	while (i < n) {
		for (j = i; j < n && v[j] != ','; j++)
			;
		tok = v + i;
		len = j - i;
		i = j + 1;
		trim_ows(&tok, &len);
		if (len == 0)
			continue;
		k = tchar_span(tok, len);
		while (k < len && (tok[k] == ' ' || tok[k] == '\t'))
			k++;
		/* After chunked, no other coding, and no second chunked. */
		if (k == 0 || (k < len && tok[k] != ';') || f->chunked)
			return ST_BAD_REQUEST;
		f->chunked = token_is(tok, len, "chunked");
	}
	return 0;
}

static int
apply_field(const char *name, size_t k, const char *v, size_t n,
    struct fields *f)
{
	if (token_is(name, k, "host")) {
		if (++f->hosts > 1 || !http_uri_authority_ok(v, n))
			return ST_BAD_REQUEST;
	} else if (token_is(name, k, "content-length"))
		return content_length(v, n, f);
	else if (token_is(name, k, "transfer-encoding"))
		return transfer_encoding(v, n, f);
	else if (token_is(name, k, "connection"))
		connection(v, n, f);
	else if (token_is(name, k, "accept")) {
		f->accept = v;
		f->accept_len = n;
	}
	return 0;
}

/*
 * field-name ":" OWS field-value OWS.  A line that starts with SP or
 * HTAB (obs-fold), a space before ':' or an empty name all fail the
 * "tchars then ':'" test; RFC 9112 5.1 and 5.2 want those refused.
 */
static int
header_field(const char *s, size_t n, struct fields *f)
{
	const char	*v;
	size_t		 k, vn, i;

	k = tchar_span(s, n);
	if (k == 0 || k == n || s[k] != ':')
		return ST_BAD_REQUEST;
	v = s + k + 1;
	vn = n - k - 1;
	for (i = 0; i < vn; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return ST_BAD_REQUEST;
	}
	trim_ows(&v, &vn);
	return apply_field(s, k, v, vn, f);
}

/*
 * Judge the head as a whole, in the order of precedence: syntax (400),
 * then the version (505), then a body (413).
 */
static int
judge_head(const struct fields *f, int vrc, struct http_request *req)
{
	if (vrc == 0 && req->minor == 1 && f->hosts == 0)
		return ST_BAD_REQUEST;
	/* A body we cannot frame, or framed twice (RFC 9112 6.1, 6.3). */
	if (f->te && (f->cls > 0 || !f->chunked))
		return ST_BAD_REQUEST;
	if (vrc != 0)
		return vrc;
	if (f->te || (f->cls > 0 && f->cl_len > 0))
		return ST_TOO_LARGE;
	if (req->minor == 1)
		req->keep_alive = !f->close;
	else
		req->keep_alive = f->keep && !f->close;
	req->accept = f->accept;
	req->accept_len = f->accept_len;
	return 0;
}

/* Parse the complete head in [pos, end), which ends with an empty line. */
static int
parse_head(const char *buf, size_t pos, size_t end, struct http_request *req)
{
	struct fields	 f;
	const char	*line;
	size_t		 n;
	int		 vrc, rc;

	memset(&f, 0, sizeof(f));
	if (!head_line(buf, &pos, end, &line, &n))
		return ST_BAD_REQUEST;
	if ((vrc = parse_request_line(line, n, req)) == ST_BAD_REQUEST)
		return vrc;
	while (head_line(buf, &pos, end, &line, &n) && n > 0)
		if ((rc = header_field(line, n, &f)) != 0)
			return rc;
	return judge_head(&f, vrc, req);
}

/*
 * No head ends within HTTP_HEAD_MAX bytes.  That is 431 only when each
 * of those bytes may still belong to a valid head: a bad byte before the
 * limit is 400, the verdict the scan gives a head that arrives a few
 * bytes at a time, also when all of it came in one read (16 KiB of
 * garbage is 400 at its first byte, not 431).  On 431, a request line
 * that is there and sound fills the method and path for the log.
 */
static int
too_big(const char *buf, size_t pos, size_t len, struct http_request *req)
{
	struct http_scan	 scan;
	const char		*line;
	size_t			 n;

	memset(&scan, 0, sizeof(scan));
	if (http_scan(&scan, buf, len) == ST_BAD_REQUEST)
		return ST_BAD_REQUEST;
	/* On 400 it fills nothing, which leaves method_len 0. */
	if (head_line(buf, &pos, len, &line, &n))
		(void)parse_request_line(line, n, req);
	return ST_HEAD_TOO_BIG;
}

int
http_parse_careful(const char *buf, size_t len, struct http_request *req)
{
	size_t	 lim, pos, end;

	memset(req, 0, sizeof(*req));
	lim = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;
	pos = skip_empty_lines(buf, lim);
	if (!find_head_end(buf, pos, lim, &end)) {
		if (len < HTTP_HEAD_MAX)
			return -1;
		return too_big(buf, pos, len, req);
	}
	req->head_len = end;
	return parse_head(buf, pos, end, req);
}

