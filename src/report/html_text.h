/*
 * html_text.h - text for an HTML page (the status page, SPEC 23): any
 * bytes made safe to stand between tags or in a quoted attribute, and
 * times and ages in words.  Pure: no clock, no locale.
 */
#ifndef MYDAEMON_HTML_TEXT_H
#define MYDAEMON_HTML_TEXT_H

#include <stddef.h>

struct buf;

#define HTML_ELLIPSIS	"\342\200\246"		/* U+2026 */

/*
 * s (n bytes, any) as HTML text: & < > " ' escaped; every byte that is
 * not part of well-formed UTF-8, every control character (C0, DEL, C1;
 * a tab is a blank) and every noncharacter shown as U+FFFD; at most max
 * characters, then an ellipsis.
 */
void	html_text(struct buf *b, const char *s, size_t n, size_t max);
/* The same for a NUL-terminated string (NULL: nothing). */
void	html_str(struct buf *b, const char *s, size_t max);

/* How long the first line of s is: up to '\n' or '|' (perfdata). */
size_t	html_first_line(const char *s, size_t n);

/* "2026-12-07 18:04:05 UTC"; "never" for 0 or less. */
void	html_utc(struct buf *b, double t);
/* "18:04:05", UTC. */
void	html_clock(struct buf *b, double t);
/* A span of seconds in words: "12 s", "4 min 12 s", "3 h 5 min",
   "2 d 4 h"; "0 s" for a negative one (a clock stepped back). */
void	html_age(struct buf *b, double seconds);

#endif /* MYDAEMON_HTML_TEXT_H */
