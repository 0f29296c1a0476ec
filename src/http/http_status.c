/*
 * http_status.c - what the answer may be: the Accept field's media types
 * (content negotiation, RFC 9110 12.5.1) and the table of the status
 * codes we send with their reason phrases.
 */
#include <stddef.h>
#include <string.h>

#include "http/http.h"
#include "http/http_chars.h"

/* q=0 (or 0.0, 0.00, 0.000) in a media range's parameters: refused. */
static int
q_zero(const char *p, size_t n)
{
	const char	*q;
	size_t		 i;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != ';')
			continue;
		q = p + i + 1;
		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if (p + n - q < 3 || (q[0] != 'q' && q[0] != 'Q') ||
		    q[1] != '=')
			continue;
		q += 2;
		if (*q != '0')
			return 0;
		for (q++; q < p + n && (*q == '.' || *q == '0'); q++)
			;
		return q == p + n || *q == ';' || *q == ' ' || *q == '\t';
	}
	return 0;
}

/*
 * The next media range of an Accept value, from *pos: the range without
 * its blanks in *r and *len, the length of its type in *tl; 0 at the end.
 */
static int
next_range(const char *v, size_t n, size_t *pos, const char **r,
    size_t *len, size_t *tl)
{
	size_t	 i, j;

	if (v == NULL || *pos >= n)
		return 0;
	for (j = *pos; j < n && v[j] != ','; j++)
		;
	*r = v + *pos;
	*len = j - *pos;
	trim_ows(r, len);
	/* the type, up to its parameters */
	for (i = 0; i < *len && (*r)[i] != ';' && (*r)[i] != ' ' &&
	    (*r)[i] != '\t'; i++)
		;
	*tl = i;
	*pos = j + 1;
	return 1;
}

int
http_status_accepts(const struct http_request *req, const char *type)
{
	const char	*r;
	size_t		 pos = 0, len, n, tl = strlen(type);

	while (next_range(req->accept, req->accept_len, &pos, &r, &len, &n))
		if (n == tl && token_is(r, n, type) && !q_zero(r, len))
			return 1;
	return 0;
}

/*
 * A media range's q (RFC 9110 12.4.2) in thousandths: 1000 without
 * one; a q that is not one (q=2, q=x) counts as 0, refused.
 */
static unsigned int
q_value(const char *p, size_t n)
{
	const char	*q, *end = p + n;
	unsigned int	 v, scale = 100;

	for (; p < end; p++) {
		if (*p != ';')
			continue;
		q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (end - q < 3 || (q[0] != 'q' && q[0] != 'Q') ||
		    q[1] != '=')
			continue;
		q += 2;
		if (*q != '0' && *q != '1')
			return 0;
		v = *q++ == '1' ? 1000 : 0;
		if (q < end && *q == '.')
			for (q++; q < end && is_digit((unsigned char)*q) &&
			    scale > 0; q++, scale /= 10)
				v += (unsigned int)(*q - '0') * scale;
		if (q < end && *q != ';' && *q != ' ' && *q != '\t')
			return 0;
		return v > 1000 ? 0 : v;
	}
	return 1000;
}

int
http_status_prefers(const struct http_request *req, const char *type)
{
	const char	*r;
	size_t		 pos = 0, len, n, tl = strlen(type);
	unsigned int	 mine = 0, best = 0, q;

	while (next_range(req->accept, req->accept_len, &pos, &r, &len,
	    &n)) {
		q = q_value(r + n, len - n);
		if (n == tl && token_is(r, n, type)) {
			if (q > mine)
				mine = q;
		} else if (n > 0 && q > best)
			best = q;
	}
	return mine > 0 && mine >= best;
}

static const struct {
	int		 code;
	const char	*reason;
} statuses[HTTP_NSTATUS] = {
#define HTTP_STATUS_ENTRY(code, reason)	{ code, reason },
	HTTP_STATUS_TABLE(HTTP_STATUS_ENTRY)
#undef HTTP_STATUS_ENTRY
};

int
http_status_index(int code)
{
	int	 i;

	for (i = 0; i < HTTP_NSTATUS; i++)
		if (statuses[i].code == code)
			return i;
	return -1;
}

int
http_status_code(int index)
{
	return index >= 0 && index < HTTP_NSTATUS ? statuses[index].code : 0;
}

const char *
http_status_reason(int code)
{
	int	 i = http_status_index(code);

	return i >= 0 ? statuses[i].reason : "Unknown";
}
