/*
 * text.c - escaping untrusted bytes (see text.h).
 *
 * Each escaper copies runs of harmless bytes in one piece and handles the
 * byte that stopped the run on its own; every byte is looked at once.
 */
#include <string.h>

#include "base/buf.h"
#include "base/text.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

size_t
text_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	/* The second byte's range is what rules out the forbidden forms. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

/*
 * The length of the run at s that needs no escaping: well-formed UTF-8
 * with none of the bytes `stop` says are special (ASCII only).
 */
static size_t
plain_run(const unsigned char *s, size_t n, int (*stop)(unsigned char))
{
	size_t i = 0, k;

	while (i < n) {
		if (s[i] < 0x80) {
			if (stop(s[i]))
				break;
			i++;
			continue;
		}
		if ((k = text_utf8_len(s + i, n - i)) == 0)
			break;
		i += k;
	}
	return i;
}

/*
 * Copy s (n bytes) to b: the runs plain_run() lets through as they are,
 * each byte that stopped one as one() writes it.
 */
static void
escape(struct buf *b, const char *s, size_t n, int (*stop)(unsigned char),
    void (*one)(struct buf *, unsigned char))
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;

	while (i < n && !b->failed) {
		run = plain_run(p + i, n - i, stop);
		buf_append(b, s + i, run);
		if ((i += run) == n)
			break;
		one(b, p[i++]);
	}
}

static int
json_special(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
}

static void
json_one(struct buf *b, unsigned char c)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const char *e;

	if (c >= 0x80)
		buf_puts(b, "\\ufffd");
	else if (c != '\0' && (e = strchr(from, c)) != NULL) {
		buf_putc(b, '\\');
		buf_putc(b, to[e - from]);
	} else
		buf_printf(b, "\\u%04x", c);
}

void
text_json(struct buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	escape(b, s, n, json_special, json_one);
	buf_putc(b, '"');
}

void
text_json_str(struct buf *b, const char *s)
{
	text_json(b, s, s != NULL ? strlen(s) : 0);
}

static int
label_special(unsigned char c)
{
	return c == '\\' || c == '"' || c == '\n' || c == '\0';
}

static void
label_one(struct buf *b, unsigned char c)
{
	if (c == '\\')
		buf_puts(b, "\\\\");
	else if (c == '"')
		buf_puts(b, "\\\"");
	else if (c == '\n')
		buf_puts(b, "\\n");
	else if (c == '\0')
		buf_putc(b, '?');
	else
		buf_puts(b, REPLACEMENT);
}

void
text_label(struct buf *b, const char *s, size_t n)
{
	escape(b, s, n, label_special, label_one);
}

static int
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static void
line_one(struct buf *b, unsigned char c)
{
	buf_puts(b, c >= 0x80 ? REPLACEMENT : "?");
}

void
text_line(struct buf *b, const char *s, size_t n)
{
	escape(b, s, n, is_control, line_one);
}

void
text_ascii(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_putc(b, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
}

size_t
text_first_line(const char *s, size_t n, size_t max)
{
	size_t i;
	int k;

	for (i = 0; i < n && i < max; i++)
		if (s[i] == '\n' || s[i] == '|')
			break;
	if (i == max && i < n) {	/* cut: not inside a character */
		size_t j = i;

		for (k = 0; k < 3 && j > 0 &&
		    ((unsigned char)s[j] & 0xc0) == 0x80; k++)
			j--;
		if (j < i && (unsigned char)s[j] >= 0xc0 &&
		    j + text_utf8_len((const unsigned char *)s + j, n - j) > i)
			i = j;
	}
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' ||
	    s[i - 1] == '\r'))
		i--;
	return i;
}
