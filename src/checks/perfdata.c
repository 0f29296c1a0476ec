/*
 * perfdata.c - parse Nagios performance data (see perfdata.h).
 *
 * A cursor walks the bytes once.  Numbers are checked against the
 * plain decimal syntax before strtod() sees them, so that "inf", "nan"
 * or hex never pass for a value; the daemon never sets a locale, so the
 * decimal point is '.'.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/perfdata.h"
#include "base/text.h"

#define NUM_MAX	64	/* longest number taken */

struct cursor {
	const char	*p, *end;	/* the bytes still to parse */
	char		*arena, *arena_end;
};

static const struct unit {
	const char	*uom;
	const char	*base;
	double		 factor;
} units[] = {
	{ "s", "seconds", 1 }, { "ms", "seconds", 1e-3 },
	{ "us", "seconds", 1e-6 },
	{ "B", "bytes", 1 }, { "KB", "bytes", 1024.0 },
	{ "MB", "bytes", 1024.0 * 1024 },
	{ "GB", "bytes", 1024.0 * 1024 * 1024 },
	{ "TB", "bytes", 1024.0 * 1024 * 1024 * 1024 },
	{ "%", "percent", 1 }, { "c", "counter", 1 }, { "", "", 1 },
};

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Past the rest of a malformed item. */
static void
skip_item(struct cursor *c)
{
	while (c->p < c->end && !is_sep(*c->p))
		c->p++;
}

/* The length of the field at the cursor: up to ';' or the item's end. */
static size_t
field_len(const struct cursor *c)
{
	const char	*q = c->p;

	while (q < c->end && *q != ';' && !is_sep(*q))
		q++;
	return (size_t)(q - c->p);
}

/*
 * A decimal number, [-+]digits[.digits][e[-+]digits], at the start of
 * s; returns its length (0: none) and stores the value.
 */
static size_t
perf_number(const char *s, size_t n, double *v)
{
	char	 tmp[NUM_MAX + 1];
	size_t	 i = 0, digits = 0, e;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
		e = i + 1;
		if (e < n && (s[e] == '-' || s[e] == '+'))
			e++;
		if (e < n && s[e] >= '0' && s[e] <= '9')
			for (i = e; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (i > NUM_MAX)
		return 0;
	memcpy(tmp, s, i);
	tmp[i] = '\0';
	*v = strtod(tmp, NULL);
	return i;
}

/* A field that is one finite number and nothing else (min, max). */
static int
whole_number(const char *s, size_t n, double *v)
{
	return n > 0 && perf_number(s, n, v) == n && isfinite(*v);
}

/*
 * Copy n bytes to the arena at *d (bounded by end) as valid UTF-8: a byte
 * that is not part of a well-formed sequence becomes U+FFFD, so that two
 * labels that differ only in such bytes are seen to be the same one.
 */
static int
put_utf8(char **d, char *end, const char *s, size_t n)
{
	size_t	 i = 0, k;

	while (i < n) {
		k = text_utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			if (end - *d < 3)
				return -1;
			memcpy(*d, "\xef\xbf\xbd", 3);
			*d += 3;
			i++;
			continue;
		}
		if ((size_t)(end - *d) < k)
			return -1;
		memcpy(*d, s + i, k);
		*d += k;
		i += k;
	}
	return 0;
}

/*
 * The label, up to and past its '=': 'quoted' or plain.  In a quoted
 * label '' is a quote and blanks and '=' are text; it ends at the first
 * quote followed by '=', so that a plugin that forgot to double a quote
 * ('it's here'=1) is still read as it meant.  Copied to the arena (valid
 * UTF-8, NUL-terminated); NULL when malformed.
 */
static const char *
label(struct cursor *c)
{
	const char	*s = c->p, *q, *run, *end;
	char		*start = c->arena, *d = c->arena;

	if (*s == '\'') {
		for (end = s + 1; end < c->end && *end != '\n'; end++)
			if (end[0] == '\'' && end + 1 < c->end &&
			    end[1] == '=')
				break;
		if (end >= c->end || *end != '\'')
			return NULL;
		/* Runs between quotes as a whole, so characters stay whole. */
		for (q = s + 1; q < end; ) {
			for (run = q; run < end && *run != '\''; run++)
				if (*run == '\0' || *run == '\r')
					return NULL;
			/* up to and with a quote: '' is one, a lone ' itself */
			if (put_utf8(&d, c->arena_end - 1, q,
			    (size_t)(run - q) + (run < end)) == -1)
				return NULL;
			q = run + 1 + (run + 1 < end && run[1] == '\'');
		}
		s = end + 2;
	} else {
		for (q = s; q < c->end && *q != '=' && !is_sep(*q); q++)
			if (*q == '\0')
				return NULL;
		if (q >= c->end || *q != '=' ||
		    put_utf8(&d, c->arena_end - 1, s, (size_t)(q - s)) == -1)
			return NULL;
		s = q + 1;
	}
	if (d == start)
		return NULL;
	*d++ = '\0';
	c->arena = d;
	c->p = s;
	return start;
}

/* The unit as written: a base unit, or a copy in the arena. */
static const char *
unit(struct cursor *c, const char *s, size_t n, double *factor)
{
	size_t	 i;
	char	*d;


	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].uom) == n &&
		    memcmp(units[i].uom, s, n) == 0) {
			*factor = units[i].factor;
			return units[i].base;
		}
	}
	*factor = 1;
	/* Letters and signs only: "1,5" is no 1 with a unit ",5". */
	for (i = 0; i < n; i++)
		if (!(((unsigned char)s[i] | 0x20) >= 'a' &&
		    ((unsigned char)s[i] | 0x20) <= 'z') && s[i] != '%' &&
		    s[i] != '/' && s[i] != '_' && (unsigned char)s[i] < 0x80)
			return NULL;
	d = c->arena;
	if (put_utf8(&d, c->arena_end - 1, s, n) == -1)
		return NULL;
	*d++ = '\0';
	s = c->arena;
	c->arena = d;
	return s;
}

/*
 * A threshold, [@][start:][end] with "~" for minus infinity: "N" gives
 * high only, "start:" low only.  The inside ranges of '@' are not
 * exported, nor anything malformed.
 */
static void
threshold(const char *s, size_t n, double f, double *lo, double *hi,
    unsigned int lo_bit, unsigned int hi_bit, unsigned int *has)
{
	const char	*colon;
	double		 a, b;
	size_t		 na;

	if (n == 0 || s[0] == '@')
		return;
	if ((colon = memchr(s, ':', n)) == NULL) {
		if (whole_number(s, n, &b) && isfinite(b * f)) {
			*hi = b * f;
			*has |= hi_bit;
		}
		return;
	}
	na = (size_t)(colon - s);
	if (!(na == 0 || (na == 1 && s[0] == '~') || whole_number(s, na, &a)))
		return;
	if (n - na - 1 > 0 && !whole_number(colon + 1, n - na - 1, &b))
		return;
	if ((na > 0 && s[0] != '~' && !isfinite(a * f)) ||
	    (n - na - 1 > 0 && !isfinite(b * f)))
		return;
	if (na > 0 && s[0] != '~') {
		*lo = a * f;
		*has |= lo_bit;
	}
	if (n - na - 1 > 0) {
		*hi = b * f;
		*has |= hi_bit;
	}
}

/* value[UOM];warn;crit;min;max after the label; 0, or -1 to skip. */
static int
fields(struct cursor *c, struct perf_item *it)
{
	size_t	 n, k;
	double	 f, v;
	int	 i;

	n = field_len(c);
	if (n == 1 && c->p[0] == 'U')
		return -1;		/* "no value": left out */
	if ((k = perf_number(c->p, n, &it->value)) == 0 ||
	    (it->unit = unit(c, c->p + k, n - k, &f)) == NULL)
		return -1;
	it->value *= f;
	if (!isfinite(it->value))
		return -1;		/* 1e999: no number we can show */
	c->p += n;
	for (i = 0; i < 4 && c->p < c->end && *c->p == ';'; i++) {
		c->p++;
		n = field_len(c);
		if (i == 0)
			threshold(c->p, n, f, &it->warn_low, &it->warn_high,
			    PERF_WARN_LOW, PERF_WARN_HIGH, &it->has);
		else if (i == 1)
			threshold(c->p, n, f, &it->crit_low, &it->crit_high,
			    PERF_CRIT_LOW, PERF_CRIT_HIGH, &it->has);
		else if (whole_number(c->p, n, &v) && isfinite(v * f)) {
			*(i == 2 ? &it->min : &it->max) = v * f;
			it->has |= i == 2 ? PERF_MIN : PERF_MAX;
		}
		c->p += n;
	}
	skip_item(c);			/* a fifth ';' and what follows */
	return 0;
}

static int
seen(const struct perf_item *items, size_t n, const struct perf_item *it)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].label, it->label) == 0 &&
		    strcmp(items[i].unit, it->unit) == 0)
			return 1;
	return 0;
}

/* The items of one region of perfdata, appended to items[*n]. */
static void
region(struct cursor *c, struct perf_item *items, size_t *n, size_t max)
{
	struct perf_item	 it;
	char			*mark;

	while (*n < max) {
		while (c->p < c->end && is_sep(*c->p))
			c->p++;
		if (c->p >= c->end)
			return;
		memset(&it, 0, sizeof(it));
		mark = c->arena;
		if ((it.label = label(c)) == NULL || fields(c, &it) == -1 ||
		    seen(items, *n, &it)) {
			c->arena = mark;	/* give its bytes back */
			skip_item(c);
			continue;
		}
		items[(*n)++] = it;
	}
}

size_t
perfdata_parse(const char *out, size_t len, struct perf_item *items,
    size_t max, char *arena, size_t size)
{
	struct cursor	 c = { out, out + len, arena, arena + size };
	const char	*nl, *bar, *rest;
	size_t		 n = 0;

	if (max > PERFDATA_MAX)
		max = PERFDATA_MAX;
	if (size == 0)
		return 0;
	nl = memchr(out, '\n', len);
	rest = nl != NULL ? nl + 1 : out + len;
	/* The first line: after its first '|'. */
	if ((bar = memchr(out, '|', (size_t)(rest - out))) != NULL) {
		c.p = bar + 1;
		c.end = nl != NULL ? nl : out + len;
		region(&c, items, &n, max);
	}
	/* The long output: everything after its first '|'. */
	if ((bar = memchr(rest, '|', (size_t)(out + len - rest))) != NULL) {
		c.p = bar + 1;
		c.end = out + len;
		region(&c, items, &n, max);
	}
	return n;
}
