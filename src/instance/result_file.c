/*
 * result_file.c - a pushed result's file (see result_file.h).
 *
 * Parsed by hand, without strtod() or a locale: the time is digits, a
 * point and at most six more digits, nothing else.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "instance/result_file.h"

#define INT_DIGITS	11	/* of a time, before the point */
#define FRAC_DIGITS	6	/* after it */

static const char *const words[] = { "ok", "warning", "critical",
    "unknown" };

int
result_file_status(const char *word, enum health_state *state)
{
	int i;

	if (word[0] >= '0' && word[0] <= '3' && word[1] == '\0') {
		*state = (enum health_state)(word[0] - '0');
		return 0;
	}
	for (i = 0; i < 4; i++)
		if (strcasecmp(word, words[i]) == 0) {
			*state = (enum health_state)i;
			return 0;
		}
	return -1;
}

size_t
result_file_format(char *buf, size_t size, const struct result_file *r)
{
	size_t len = r->len < RESULT_TEXT_MAX ? r->len : RESULT_TEXT_MAX;
	/* (not -0, which %.3f would write as "-0.000") */
	double when = r->when > 0 && r->when <= RESULT_TIME_MAX ? r->when : 0;
	int n;

	n = snprintf(buf, size, "status=%d\ntime=%.3f\ntext=",
	    (int)r->state & 3, when);
	if (n < 0 || (size_t)n + len >= size)
		return 0;
	memcpy(buf + n, r->text, len);
	buf[n + len] = '\0';
	return (size_t)n + len;
}

/*
 * The line at *p that must start with `key`: its value's bounds, and *p
 * past its newline.  -1 when the key or the newline is missing.
 */
static int
line(const char **p, const char *end, const char *key, const char **v,
    const char **vend)
{
	size_t klen = strlen(key);
	const char *nl;

	if ((size_t)(end - *p) < klen || memcmp(*p, key, klen) != 0)
		return -1;
	*v = *p + klen;
	if ((nl = memchr(*v, '\n', (size_t)(end - *v))) == NULL)
		return -1;
	*vend = nl;
	*p = nl + 1;
	return 0;
}

static int
digits(const char *s, const char *end, size_t max, double *v)
{
	if (s == end || (size_t)(end - s) > max)
		return -1;
	for (*v = 0; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	return 0;
}

/* SECONDS[.FRACTION], within 0 and RESULT_TIME_MAX. */
static int
parse_time(const char *s, const char *end, double *when)
{
	const char *dot = memchr(s, '.', (size_t)(end - s));
	double whole, frac = 0;
	size_t i;

	if (digits(s, dot != NULL ? dot : end, INT_DIGITS, &whole) == -1)
		return -1;
	if (dot != NULL) {
		if (digits(dot + 1, end, FRAC_DIGITS, &frac) == -1)
			return -1;
		for (i = 0; i < (size_t)(end - dot - 1); i++)
			frac /= 10;
	}
	*when = whole + frac;
	return *when <= RESULT_TIME_MAX ? 0 : -1;
}

int
result_file_parse(const char *buf, size_t len, struct result_file *r,
    const char **why)
{
	const char *p = buf, *end = buf + len, *v, *vend;

	memset(r, 0, sizeof(*r));
	*why = "";
	r->state = HEALTH_UNKNOWN;
	r->text = "";
	if (line(&p, end, "status=", &v, &vend) == -1 || vend - v != 1 ||
	    *v < '0' || *v > '3') {
		*why = "no status=0-3 line first";
		return -1;
	}
	r->state = (enum health_state)(*v - '0');
	if (line(&p, end, "time=", &v, &vend) == -1 ||
	    parse_time(v, vend, &r->when) == -1) {
		*why = "no time=SECONDS line second";
		return -1;
	}
	if ((size_t)(end - p) < 5 || memcmp(p, "text=", 5) != 0) {
		*why = "no text= line third";
		return -1;
	}
	p += 5;
	if ((size_t)(end - p) > RESULT_TEXT_MAX) {
		*why = "text too long";
		return -1;
	}
	r->text = p;
	r->len = (size_t)(end - p);
	return 0;
}
