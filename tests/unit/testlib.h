/*
 * testlib.h - what several unit tests need and none of them tests: a
 * UTF-8 decoder and a strict JSON checker written here, independent of
 * text.c's tables, to judge the daemon's output by; and the xorshift
 * the randomised tests draw from, seeded by each test so that a failure
 * can be replayed.
 *
 * Nothing here prints TAP: tap.h's counters are static to each test
 * program, so what prints stays in tap.h as static inline.
 */
#ifndef MYDAEMON_TESTLIB_H
#define MYDAEMON_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence at s (n bytes), or 0: decoded
 * by the bit patterns, then overlongs, surrogates and code points past
 * U+10FFFF refused (RFC 3629 section 4).
 */
size_t		tl_utf8_len(const unsigned char *s, size_t n);

/* Whether all n bytes at s are well-formed UTF-8. */
int		tl_valid_utf8(const char *s, size_t n);

/*
 * Whether s (n bytes) is exactly one JSON value (RFC 8259), white space
 * around it allowed: strings of well-formed UTF-8 with no lone surrogate
 * escapes, numbers in JSON's grammar only (no NaN, no Infinity), at most
 * 64 levels deep.  NULL is not valid.
 */
int		tl_json_valid(const char *s, size_t n);

/* The next number of a 64-bit xorshift whose state the caller keeps. */
uint32_t	tl_rand(uint64_t *state);

#endif /* MYDAEMON_TESTLIB_H */
