/*
 * buf.h - a growable byte buffer: what answers and rendered pages are
 * built in.  Appending never fails loudly: on ENOMEM (or a size that
 * cannot be) `failed` is set, later appends do nothing, and the caller
 * looks at the flag once when it is done.
 */
#ifndef MYDAEMON_BUF_H
#define MYDAEMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*data;		/* NUL-terminated after every append */
	size_t	 len, cap;
	int	 failed;
};

/* len = 0, failure cleared, memory kept */
void	buf_reset(struct buf *b);
/* Cut to len bytes (when shorter than now), NUL-terminated again */
void	buf_truncate(struct buf *b, size_t len);
void	buf_free(struct buf *b);
void	buf_append(struct buf *b, const void *s, size_t n);
void	buf_puts(struct buf *b, const char *s);
void	buf_putc(struct buf *b, char c);
void	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Decimal, without printf: the hot paths write many numbers. */
void	buf_u64(struct buf *b, uint64_t v);
void	buf_i64(struct buf *b, int64_t v);
/*
 * A double with `digits` decimals (1-9), formatted by hand so that the
 * locale cannot change it; anything not finite is written as 0, so a
 * scraper or a JSON parser never sees "nan" or "inf".
 */
void	buf_fixed(struct buf *b, double x, int digits);
/*
 * A double in the shortest of %.17g's forms that reads back as the same
 * value ("0.5", "1e+21", "-3"); not finite is written as 0.
 */
void	buf_double(struct buf *b, double x);

#endif /* MYDAEMON_BUF_H */
