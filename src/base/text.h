/*
 * text.h - untrusted bytes (a check's output, a client's request) made
 * fit to show: every function takes n bytes of anything, NUL included,
 * and appends text that is valid UTF-8 for its consumer.  Each byte that
 * is not part of a well-formed UTF-8 sequence becomes one U+FFFD.
 */
#ifndef MYDAEMON_TEXT_H
#define MYDAEMON_TEXT_H

#include <stddef.h>

struct buf;

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 section 4:
 * no overlongs, surrogates or code points past U+10FFFF), or 0.
 */
size_t	text_utf8_len(const unsigned char *s, size_t n);

/* A JSON string, quotes included; NULL gives null. */
void	text_json(struct buf *b, const char *s, size_t n);
void	text_json_str(struct buf *b, const char *s);	/* NUL-terminated */

/* A Prometheus label value, without the quotes: \\ \" \n escaped. */
void	text_label(struct buf *b, const char *s, size_t n);

/* One line for people: control bytes and DEL become '?'. */
void	text_line(struct buf *b, const char *s, size_t n);

/* One line of printable ASCII (HAProxy's agent): anything else is '?'. */
void	text_ascii(struct buf *b, const char *s, size_t n);

/*
 * How much of s (n bytes) is its first line without Nagios performance
 * data: up to the first '\n' or '|', trailing blanks cut, at most `max`
 * bytes and never in the middle of a UTF-8 sequence.
 */
size_t	text_first_line(const char *s, size_t n, size_t max);

#endif /* MYDAEMON_TEXT_H */
