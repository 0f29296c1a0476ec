/*
 * buf.c - the growable byte buffer (see buf.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define BUF_MIN	256	/* first allocation */

/*
 * Make room for n more bytes plus a NUL.  The NUL is not part of the
 * data, but it lets callers and tests treat the contents as a C string.
 */
static int
reserve(struct buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->cap > b->len && b->cap - b->len > n)
		return 0;
	if (n >= SIZE_MAX / 2 - b->len)
		goto fail;
	cap = b->cap ? b->cap : BUF_MIN;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void
buf_append(struct buf *b, const void *s, size_t n)
{
	if (reserve(b, n) == -1)
		return;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	if (reserve(b, 1) == -1)
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (reserve(b, 0) == -1)
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		/* Too long for what is left: grow once and format again. */
		if (reserve(b, (size_t)n) == -1) {
			b->data[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n < 0) {
		b->data[b->len] = '\0';
		b->failed = 1;
		return;
	}
	b->len += (size_t)n;
}

void
buf_u64(struct buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_append(b, tmp + i, sizeof(tmp) - i);
}

void
buf_i64(struct buf *b, int64_t v)
{
	if (v < 0) {
		buf_putc(b, '-');
		buf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		buf_u64(b, (uint64_t)v);
}

void
buf_fixed(struct buf *b, double x, int digits)
{
	unsigned long long whole, frac, scale = 1;
	int i, neg = 0;
	char tmp[16];

	if (digits < 1 || digits > 9)
		digits = 3;
	for (i = 0; i < digits; i++)
		scale *= 10;
	if (!isfinite(x))
		x = 0;
	if (x < 0) {
		neg = 1;
		x = -x;
	}
	if (x > 1e19)
		x = 1e19;
	whole = (unsigned long long)x;
	frac = (unsigned long long)((x - (double)whole) * (double)scale + 0.5);
	if (frac >= scale) {
		whole++;
		frac -= scale;
	}
	if (neg && (whole != 0 || frac != 0))
		buf_putc(b, '-');
	buf_u64(b, whole);
	tmp[0] = '.';
	for (i = digits; i > 0; i--, frac /= 10)
		tmp[i] = (char)('0' + frac % 10);
	buf_append(b, tmp, (size_t)digits + 1);
}

void
buf_double(struct buf *b, double x)
{
	char tmp[32];
	int prec;

	if (!isfinite(x))
		x = 0;
	if (x == 0) {		/* no "-0" */
		buf_putc(b, '0');
		return;
	}
	if (fabs(x) < 1e15 && x == (double)(int64_t)x) {
		buf_i64(b, (int64_t)x);
		return;
	}
	/* The C locale is never changed here: '.' is the decimal point. */
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	buf_puts(b, tmp);
}
