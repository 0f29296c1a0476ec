/*
 * probe_local_pure.c - the pure half of the local probes (see
 * probe_local.h): parsing what they read, df's arithmetic, and the words
 * and numbers they print.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "checks/probe_local.h"

#define IS_SPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || \
			    (c) == '\r' || (c) == '\v' || (c) == '\f')
#define IS_DIGIT(c)	((c) >= '0' && (c) <= '9')

int
probe_local_pid(const char *text, size_t len, pid_t *pid)
{
	size_t i = 0;
	long long v = 0;
	int digits = 0;

	while (i < len && IS_SPACE(text[i]))
		i++;
	for (; i < len && IS_DIGIT(text[i]); i++, digits++) {
		v = v * 10 + (text[i] - '0');
		if (v > INT_MAX)
			return -1;
	}
	while (i < len && IS_SPACE(text[i]))
		i++;
	if (i != len || digits == 0 || v == 0)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

/* The unsigned decimal at *s, which moves past it; -1 when none. */
static int
number(const char **s, const char *end, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	if (p == end || !IS_DIGIT(*p))
		return -1;
	for (; p < end && IS_DIGIT(*p); p++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	return 0;
}

int
probe_local_stat(const char *text, size_t len, struct probe_local_stat *st)
{
	const char *open, *close, *p, *end = text + len;
	size_t n;
	int field;

	if ((open = memchr(text, '(', len)) == NULL)
		return -1;
	for (close = end; close > open && close[-1] != ')'; close--)
		continue;
	if (close == open)
		return -1;
	close--;			/* at the last ')' */
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';
	/* ") S ppid ...": the state is field 3, starttime field 22 */
	p = close + 1;
	if (end - p < 3 || p[0] != ' ' || p[2] != ' ')
		return -1;
	st->state = p[1];
	p += 2;
	for (field = 4; field <= 22; field++) {
		if (p == end || *p != ' ')
			return -1;
		p++;
		if (field == 22)
			return number(&p, end, &st->starttime);
		/* a field before it: a number, maybe negative */
		if (p < end && *p == '-')
			p++;
		while (p < end && IS_DIGIT(*p))
			p++;
	}
	return -1;
}

uint64_t
probe_local_share(uint64_t whole, uint64_t part)
{
	if (part > 10000)
		part = 10000;
	return whole / 10000 * part + whole % 10000 * part / 10000;
}

uint64_t
probe_local_ratio(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return 10000;
	if (part > whole)
		part = whole;
	if (part <= UINT64_MAX / 10000)
		return part * 10000 / whole;
	/* only past 1.8e15: a hundredth's share of whole, rounded up */
	return part / (whole / 10000 + (whole % 10000 != 0));
}

uint64_t
probe_local_percent(uint64_t blocks, uint64_t bfree, uint64_t bavail)
{
	uint64_t used = blocks > bfree ? blocks - bfree : 0;

	if (bavail > bfree)	/* never so, but the sum must not overflow */
		bavail = bfree;
	return probe_local_ratio(bavail, used + bavail);
}

char *
probe_local_duration(char *buf, size_t size, uint64_t secs)
{
	static const struct { const char *unit; uint64_t secs; } u[] = {
		{ "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 },
	};
	size_t i = 0;
	uint64_t big, rest;

	if (secs < 2 * 86400)
		i = 1;		/* hours, up to 47h */
	while (i < 3 && secs < u[i].secs)
		i++;
	big = secs / u[i].secs;
	rest = i < 3 ? secs % u[i].secs / u[i + 1].secs : 0;
	if (rest != 0)
		snprintf(buf, size, "%" PRIu64 "%s %" PRIu64 "%s", big,
		    u[i].unit, rest, u[i + 1].unit);
	else
		snprintf(buf, size, "%" PRIu64 "%s", big, u[i].unit);
	return buf;
}

char *
probe_local_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB",
	    "PB", "EB" };
	double v = (double)n;
	size_t i = 0;

	if (n < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return buf;
	}
	while (v >= 1024 && i < sizeof(unit) / sizeof(unit[0]) - 1) {
		v /= 1024;
		i++;
	}
	/* what rounds to 10 has no decimal; what rounds to 1024 is the next */
	if (v >= 1023.5 && i < sizeof(unit) / sizeof(unit[0]) - 1) {
		v /= 1024;
		i++;
	}
	if (v < 9.95)
		snprintf(buf, size, "%.1f %s", v, unit[i]);
	else
		snprintf(buf, size, "%.0f %s", v, unit[i]);
	return buf;
}

char *
probe_local_secs(char *buf, size_t size, uint64_t ms)
{
	int n;

	if (ms % 1000 == 0)
		snprintf(buf, size, "%" PRIu64, ms / 1000);
	else {
		n = snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, ms / 1000,
		    ms % 1000);
		while (n > 0 && (size_t)n < size && buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return buf;
}
