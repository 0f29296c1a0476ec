/*
 * html_text.c - text for an HTML page (see html_text.h).
 *
 * A check's output is hostile: every byte of it goes through
 * html_text(), which lets through only well-formed UTF-8 that is
 * neither a control character nor a noncharacter, and escapes the five
 * characters that could end a text or an attribute.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/text.h"
#include "report/html_text.h"

#define REPLACEMENT	"\357\277\275"		/* U+FFFD */

/* The code point of the well-formed sequence at s, k bytes long. */
static unsigned long
code_point(const unsigned char *s, size_t k)
{
	unsigned long cp;
	size_t i;

	if (k == 1)
		return s[0];
	cp = s[0] & (0x7f >> k);
	for (i = 1; i < k; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* C1 controls and the noncharacters: shown as U+FFFD. */
static int
unwanted(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp & 0xfffe) == 0xfffe;
}

static void
ascii(struct buf *b, unsigned char c)
{
	switch (c) {
	case '&':
		buf_puts(b, "&amp;");
		break;
	case '<':
		buf_puts(b, "&lt;");
		break;
	case '>':
		buf_puts(b, "&gt;");
		break;
	case '"':
		buf_puts(b, "&quot;");
		break;
	case '\'':
		buf_puts(b, "&#39;");
		break;
	case '\t':
		buf_putc(b, ' ');
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			buf_puts(b, REPLACEMENT);
		else
			buf_putc(b, (char)c);
	}
}

void
html_text(struct buf *b, const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, chars = 0;

	while (s != NULL && i < n) {
		if (chars++ == max) {
			buf_puts(b, HTML_ELLIPSIS);
			return;
		}
		if (u[i] < 0x80) {
			ascii(b, u[i++]);
			continue;
		}
		k = text_utf8_len(u + i, n - i);
		if (k == 0 || unwanted(code_point(u + i, k)))
			buf_puts(b, REPLACEMENT);
		else
			buf_append(b, u + i, k);
		i += k > 0 ? k : 1;
	}
}

void
html_str(struct buf *b, const char *s, size_t max)
{
	if (s != NULL)
		html_text(b, s, strlen(s), max);
}

size_t
html_first_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < n && s[i] != '\n' && s[i] != '|'; i++)
		;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' ||
	    s[i - 1] == '\r'))
		i--;
	return i;
}

/* t as UTC; 0 when it cannot be (not finite, out of range). */
static int
utc(double t, struct tm *tm)
{
	time_t tt;

	if (!isfinite(t) || t <= 0 || t > 253402300799.0)
		return 0;
	tt = (time_t)t;
	return gmtime_r(&tt, tm) != NULL;
}

void
html_utc(struct buf *b, double t)
{
	struct tm tm;

	if (!utc(t, &tm)) {
		buf_puts(b, "never");
		return;
	}
	buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
html_clock(struct buf *b, double t)
{
	struct tm tm;

	if (!utc(t, &tm)) {
		buf_puts(b, "--:--:--");
		return;
	}
	buf_printf(b, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
html_age(struct buf *b, double seconds)
{
	static const struct { unsigned long len; const char *unit; } u[] = {
		{ 86400, "d" }, { 3600, "h" }, { 60, "min" }, { 1, "s" },
	};
	unsigned long s, big;
	size_t i;

	if (!isfinite(seconds) || seconds < 0)
		seconds = 0;
	if (seconds > 1e9)
		seconds = 1e9;
	s = (unsigned long)seconds;
	for (i = 0; i < 3 && s < u[i].len; i++)
		;
	big = s / u[i].len;
	buf_printf(b, "%lu %s", big, u[i].unit);
	if (i < 3 && s % u[i].len / u[i + 1].len > 0)
		buf_printf(b, " %lu %s", s % u[i].len / u[i + 1].len,
		    u[i + 1].unit);
}
