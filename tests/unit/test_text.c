/*
 * test_text.c - escaping untrusted bytes (text.c) and the growable buffer
 * they are written to (buf.c).
 *
 * text_utf8_len is compared with an independent decoder (testlib.c's)
 * over every lead and second byte; each escaper is run on every control
 * byte, on the ill-formed forms of RFC 3629 and on random bytes, and its
 * output is checked by a validator of what its consumer accepts (a JSON
 * string, a Prometheus label value, one line of UTF-8).
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "tap.h"
#include "testlib.h"

#define FFFD	"\xef\xbf\xbd"

static struct buf	 out;

static uint64_t	rng = 0x2545f4914f6cdd1dULL;	/* for tl_rand() */

/* A byte of UTF-8 or of what the escapers treat specially. */
static char
tricky_byte(void)
{
	static const char set[] =
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\\\n\0a";

	return set[tl_rand(&rng) % (sizeof(set) - 1)];
}

/* Bytes at the very end of a heap block: a read past n is caught. */
static unsigned char	*tail_block;

static size_t
utf8_len_at_end(const unsigned char *s, size_t n)
{
	unsigned char	*p = tail_block + 4 - n;

	memcpy(p, s, n);
	return text_utf8_len(p, n);
}

#define U8(s, want, what) \
	ok(utf8_len_at_end((const unsigned char *)(s), sizeof(s) - 1) == \
	    (want), "text_utf8_len: %s is %d", what, want)

static void
test_utf8_len(void)
{
	unsigned char	 s[4];
	size_t		 bad = 0, tried = 0, n;
	unsigned int	 a, b, k;
	static const unsigned char rest[][2] = {
		{ 0x80, 0x80 }, { 0xbf, 0xbf }, { 0x41, 0x80 }, { 0x80, 0x41 },
		{ 0xc0, 0x80 }, { 0x80, 0xc0 },
	};

	if ((tail_block = malloc(4)) == NULL)
		abort();
	/* RFC 3629 section 4, its edges, and what it forbids. */
	U8("\x00", 1, "U+0000");
	U8("\x7f", 1, "U+007F");
	U8("\xc2\x80", 2, "U+0080");
	U8("\xdf\xbf", 2, "U+07FF");
	U8("\xe0\xa0\x80", 3, "U+0800");
	U8("\xe1\x80\x80", 3, "U+1000");
	U8("\xec\xbf\xbf", 3, "U+CFFF");
	U8("\xed\x80\x80", 3, "U+D000");
	U8("\xed\x9f\xbf", 3, "U+D7FF");
	U8("\xee\x80\x80", 3, "U+E000");
	U8("\xef\xbf\xbd", 3, "U+FFFD");
	U8("\xef\xbf\xbf", 3, "U+FFFF");
	U8("\xf0\x90\x80\x80", 4, "U+10000");
	U8("\xf1\x80\x80\x80", 4, "U+40000");
	U8("\xf3\xbf\xbf\xbf", 4, "U+FFFFF");
	U8("\xf4\x80\x80\x80", 4, "U+100000");
	U8("\xf4\x8f\xbf\xbf", 4, "U+10FFFF");
	U8("\x80", 0, "a lone continuation byte");
	U8("\xbf", 0, "a lone 0xBF");
	U8("\xc0\x80", 0, "overlong NUL (C0 80)");
	U8("\xc1\xbf", 0, "overlong U+007F (C1 BF)");
	U8("\xe0\x80\x80", 0, "overlong 3-byte NUL");
	U8("\xe0\x9f\xbf", 0, "overlong U+07FF (E0 9F BF)");
	U8("\xf0\x80\x80\x80", 0, "overlong 4-byte NUL");
	U8("\xf0\x8f\xbf\xbf", 0, "overlong U+FFFF (F0 8F BF BF)");
	U8("\xed\xa0\x80", 0, "surrogate U+D800");
	U8("\xed\xaf\xbf", 0, "surrogate U+DBFF");
	U8("\xed\xb0\x80", 0, "surrogate U+DC00");
	U8("\xed\xbf\xbf", 0, "surrogate U+DFFF");
	U8("\xf4\x90\x80\x80", 0, "U+110000");
	U8("\xf5\x80\x80\x80", 0, "lead F5");
	U8("\xf7\xbf\xbf\xbf", 0, "lead F7 (U+1FFFFF)");
	U8("\xf8\x88\x80\x80", 0, "5-byte form");
	U8("\xfc\x84\x80\x80", 0, "6-byte form");
	U8("\xfe", 0, "0xFE");
	U8("\xff", 0, "0xFF");
	U8("\xc3", 0, "a 2-byte sequence cut after 1");
	U8("\xe2\x82", 0, "a 3-byte sequence cut after 2");
	U8("\xe2", 0, "a 3-byte sequence cut after 1");
	U8("\xf0\x9f\x98", 0, "a 4-byte sequence cut after 3");
	U8("\xf0\x9f", 0, "a 4-byte sequence cut after 2");
	U8("\xe2\x28\xa1", 0, "a bad second byte");
	U8("\xe2\x82\x28", 0, "a bad third byte");
	U8("\xf0\x9f\x98\x28", 0, "a bad fourth byte");
	U8("a\x80", 1, "ASCII before garbage");
	U8("\xc3\xa9\x80", 2, "only the first sequence counts");

	/* Every lead and second byte, with sane and insane followers. */
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			for (k = 0; k < (a < 0xc0 ? 1 : sizeof(rest) /
			    sizeof(rest[0])); k++) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = rest[k][0];
				s[3] = rest[k][1];
				for (n = k == 0 ? 1 : 3; n <= 4; n++) {
					if (utf8_len_at_end(s, n) !=
					    tl_utf8_len(s, n))
						bad++;
					tried++;
				}
			}
	ok(bad == 0, "text_utf8_len agrees with a reference decoder on "
	    "%zu inputs (%zu differ)", tried, bad);
	free(tail_block);
}

/* A JSON string as RFC 8259 has it, and valid UTF-8, lone \u surrogates
 * refused. */
static int
json_string_ok(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k;
	unsigned int		 u;

	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return 0;
	for (i = 1; i < n - 1; ) {
		if (p[i] < 0x20 || p[i] == '"')
			return 0;
		if (p[i] == '\\') {
			if (i + 1 >= n - 1)
				return 0;
			if (strchr("\"\\/bfnrt", p[i + 1]) != NULL &&
			    p[i + 1] != '\0') {
				i += 2;
				continue;
			}
			if (p[i + 1] != 'u' || i + 6 > n - 1)
				return 0;
			for (u = 0, k = i + 2; k < i + 6; k++)
				if (p[k] >= '0' && p[k] <= '9')
					u = u << 4 | (p[k] - '0');
				else if (p[k] >= 'a' && p[k] <= 'f')
					u = u << 4 | (p[k] - 'a' + 10);
				else if (p[k] >= 'A' && p[k] <= 'F')
					u = u << 4 | (p[k] - 'A' + 10);
				else
					return 0;
			if (u >= 0xd800 && u <= 0xdfff)
				return 0;
			i += 6;
			continue;
		}
		if ((k = tl_utf8_len(p + i, n - 1 - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static const char *
json(const char *s, size_t n)
{
	buf_reset(&out);
	text_json(&out, s, n);
	return out.data;
}

#define JSON_IS(s, want, what) \
	is_str(json(s, sizeof(s) - 1), want, "text_json: %s", what)

static void
test_json(void)
{
	char		 in[3], want[16];
	unsigned int	 c;
	int		 good = 1;
	size_t		 i, len, round, bad = 0;
	char		 r[300];

	for (c = 0; c < 0x20; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = 'b';
		switch (c) {
		case '\b': snprintf(want, sizeof(want), "\"a\\bb\""); break;
		case '\f': snprintf(want, sizeof(want), "\"a\\fb\""); break;
		case '\n': snprintf(want, sizeof(want), "\"a\\nb\""); break;
		case '\r': snprintf(want, sizeof(want), "\"a\\rb\""); break;
		case '\t': snprintf(want, sizeof(want), "\"a\\tb\""); break;
		default:
			snprintf(want, sizeof(want), "\"a\\u%04xb\"", c);
		}
		json(in, 3);
		if (strcmp(out.data, want) != 0 || out.len != strlen(want)) {
			good = 0;
			printf("#   byte %#x: got %s want %s\n", c, out.data,
			    want);
		}
	}
	ok(good, "text_json: every control byte is escaped");
	JSON_IS("\x7f", "\"\\u007f\"", "DEL");
	JSON_IS("\"", "\"\\\"\"", "a quote");
	JSON_IS("\\", "\"\\\\\"", "a backslash");
	JSON_IS("a\0b", "\"a\\u0000b\"", "a NUL inside");
	JSON_IS("\0", "\"\\u0000\"", "a NUL alone");
	JSON_IS("", "\"\"", "the empty string");
	JSON_IS("a/b <x> & 'y'", "\"a/b <x> & 'y'\"", "the rest is plain");
	JSON_IS("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
	    "well-formed UTF-8 is kept");
	JSON_IS("\xef\xbb\xbf" "x", "\"\xef\xbb\xbfx\"", "a BOM is kept");
	JSON_IS("\xff", "\"\\ufffd\"", "0xFF");
	JSON_IS("a\x80" "b", "\"a\\ufffdb\"", "a lone continuation byte");
	JSON_IS("\xc0\x80", "\"\\ufffd\\ufffd\"", "overlong NUL");
	JSON_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	    "an encoded surrogate");
	JSON_IS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "U+110000");
	JSON_IS("\"\\\n\x01\xff", "\"\\\"\\\\\\n\\u0001\\ufffd\"",
	    "specials back to back");

	/* Cut sequences: some U+FFFD, then the text resumes. */
	json("x\xe2\x82", 3);
	ok(json_string_ok(out.data, out.len) &&
	    strncmp(out.data, "\"x\\ufffd", 8) == 0,
	    "text_json: a sequence cut at the end");
	json("\xf0\x9f\x98z", 4);
	ok(json_string_ok(out.data, out.len) &&
	    strcmp(out.data + out.len - 2, "z\"") == 0 &&
	    strstr(out.data, "\\ufffd") == out.data + 1,
	    "text_json: a sequence cut before ASCII");

	buf_reset(&out);
	text_json(&out, NULL, 5);
	is_str(out.data, "null", "text_json: NULL is null");
	buf_reset(&out);
	text_json_str(&out, NULL);
	is_str(out.data, "null", "text_json_str: NULL is null");
	buf_reset(&out);
	text_json_str(&out, "say \"hi\"\n");
	is_str(out.data, "\"say \\\"hi\\\"\\n\"", "text_json_str");
	buf_reset(&out);
	buf_puts(&out, "{\"a\":");
	text_json_str(&out, "b");
	is_str(out.data, "{\"a\":\"b\"", "text_json appends");

	/* Every single byte, and random runs of anything. */
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		json(in, 1);
		if (!json_string_ok(out.data, out.len))
			bad++;
	}
	ok(bad == 0, "text_json: each of the 256 bytes gives a valid string");
	for (round = 0; round < 1000; round++) {
		len = tl_rand(&rng) % sizeof(r);
		for (i = 0; i < len; i++)
			r[i] = round % 2 ? (char)tl_rand(&rng) : tricky_byte();
		json(r, len);
		if (!json_string_ok(out.data, out.len) ||
		    strlen(out.data) != out.len)
			bad++;
	}
	ok(bad == 0, "text_json: 1000 random inputs give valid JSON strings "
	    "of valid UTF-8");
}

/* A Prometheus label value: UTF-8, and only \\ \" \n after a backslash. */
static int
label_ok(const char *s, size_t n)
{
	size_t	 i;

	if (!tl_valid_utf8(s, n) || memchr(s, '\0', n) != NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\n')
			return 0;
		if (s[i] == '\\') {
			if (i + 1 >= n || strchr("\\\"n", s[i + 1]) == NULL)
				return 0;
			i++;
		}
	}
	return 1;
}

static const char *
label(const char *s, size_t n)
{
	buf_reset(&out);
	text_label(&out, s, n);
	return out.data;
}

#define LABEL_IS(s, want, what) \
	is_str(label(s, sizeof(s) - 1), want, "text_label: %s", what)

static void
test_label(void)
{
	char	 r[300], in[1];
	size_t	 i, len, round, bad = 0;

	LABEL_IS("a\\b", "a\\\\b", "a backslash");
	LABEL_IS("a\"b", "a\\\"b", "a quote");
	LABEL_IS("a\nb", "a\\nb", "a newline");
	LABEL_IS("\\\"\n", "\\\\\\\"\\n", "all three");
	LABEL_IS("", "", "the empty string");
	LABEL_IS("/var/log", "/var/log", "plain text is kept");
	LABEL_IS("free space", "free space", "blanks are kept");
	LABEL_IS("a\tb", "a\tb", "a tab is kept");
	LABEL_IS("\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", "UTF-8 is kept");
	LABEL_IS("\xff", FFFD, "0xFF is U+FFFD");
	LABEL_IS("a\x80" "b", "a" FFFD "b", "a lone continuation byte");
	LABEL_IS("\xc0\xaf", FFFD FFFD, "an overlong '/'");
	LABEL_IS("\xed\xb0\x80", FFFD FFFD FFFD, "an encoded surrogate");
	LABEL_IS("a\0b", "a?b", "a NUL is no NUL");
	LABEL_IS("\xff\\", FFFD "\\\\", "U+FFFD then a backslash");
	for (i = 0; i < 256; i++) {
		in[0] = (char)i;
		label(in, 1);
		if (!label_ok(out.data, out.len))
			bad++;
	}
	ok(bad == 0, "text_label: each of the 256 bytes gives a valid value");
	for (round = 0; round < 1000; round++) {
		len = tl_rand(&rng) % sizeof(r);
		for (i = 0; i < len; i++)
			r[i] = round % 2 ? (char)tl_rand(&rng) : tricky_byte();
		label(r, len);
		if (!label_ok(out.data, out.len))
			bad++;
	}
	ok(bad == 0, "text_label: 1000 random inputs give valid label "
	    "values");
}

static const char *
line(const char *s, size_t n)
{
	buf_reset(&out);
	text_line(&out, s, n);
	return out.data;
}

static const char *
ascii(const char *s, size_t n)
{
	buf_reset(&out);
	text_ascii(&out, s, n);
	return out.data;
}

#define LINE_IS(s, want, what) \
	is_str(line(s, sizeof(s) - 1), want, "text_line: %s", what)
#define ASCII_IS(s, want, what) \
	is_str(ascii(s, sizeof(s) - 1), want, "text_ascii: %s", what)

static void
test_line_ascii(void)
{
	char		 r[300], in[1];
	size_t		 i, k, len, round, bad = 0;
	unsigned int	 c;

	LINE_IS("disk / 83% free", "disk / 83% free", "plain text is kept");
	LINE_IS("a\tb\nc\rd", "a?b?c?d", "tab, newline, CR are '?'");
	LINE_IS("\x01\x1f\x7f", "???", "controls and DEL are '?'");
	LINE_IS("a\0b", "a?b", "a NUL is '?'");
	LINE_IS("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "UTF-8 is kept");
	LINE_IS("\xc2\x85", "\xc2\x85", "a C1 control is valid UTF-8");
	LINE_IS("\xff", FFFD, "0xFF is U+FFFD");
	LINE_IS("x\xe0\x80\x80y", "x" FFFD FFFD FFFD "y", "an overlong NUL");
	LINE_IS("\xed\xa0\x80", FFFD FFFD FFFD, "an encoded surrogate");
	LINE_IS("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "U+110000");
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		line(in, 1);
		if (!tl_valid_utf8(out.data, out.len) ||
		    (c >= 0x20 && c < 0x7f && out.data[0] != (char)c) ||
		    ((c < 0x20 || c == 0x7f) && strcmp(out.data, "?") != 0) ||
		    (c >= 0x80 && strcmp(out.data, FFFD) != 0))
			bad++;
	}
	ok(bad == 0, "text_line: each of the 256 bytes alone");
	for (round = 0; round < 1000; round++) {
		len = tl_rand(&rng) % sizeof(r);
		for (i = 0; i < len; i++)
			r[i] = (char)tl_rand(&rng);
		line(r, len);
		for (k = 0; k < out.len; k++)
			if ((unsigned char)out.data[k] < 0x20 ||
			    out.data[k] == 0x7f)
				break;
		if (k < out.len || !tl_valid_utf8(out.data, out.len))
			bad++;
	}
	ok(bad == 0, "text_line: 1000 random inputs give one line of UTF-8");

	ASCII_IS("UP 75%", "UP 75%", "printable ASCII is kept");
	ASCII_IS("a\tb\nc\0d\x7f", "a?b?c?d?", "controls, NUL, DEL are '?'");
	ASCII_IS("\xc3\xa9", "??", "each byte of UTF-8 is '?'");
	ASCII_IS("", "", "the empty string");
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		ascii(in, 1);
		if (out.len != 1 || out.data[0] != (c >= 0x20 && c < 0x7f ?
		    (char)c : '?'))
			bad++;
	}
	ok(bad == 0, "text_ascii: each of the 256 bytes alone");
}

#define FIRST(s, max, want, what) \
	ok(text_first_line(s, sizeof(s) - 1, max) == (want), \
	    "text_first_line: %s is %d (got %zu)", what, want, \
	    text_first_line(s, sizeof(s) - 1, max))

static void
test_first_line(void)
{
	char		 s[200];
	size_t		 len, i, max, r, bad = 0, round;
	uint32_t	 cp;

	FIRST("DISK OK - free | /=1B", 200, 14, "text before '|'");
	FIRST("OK\nlong | a=1", 200, 2, "text before '\\n'");
	FIRST("OK |\n", 200, 2, "blanks before '|' are cut");
	FIRST("OK \t\r\nmore", 200, 2, "blanks and CR before '\\n' are cut");
	FIRST("  OK", 200, 4, "leading blanks are kept");
	FIRST("   ", 200, 0, "only blanks");
	FIRST("| a=1", 200, 0, "'|' first");
	FIRST("\n", 200, 0, "'\\n' first");
	FIRST("", 200, 0, "empty");
	FIRST("no end", 200, 6, "no line end");
	FIRST("a\0b|", 200, 3, "a NUL does not end the line");
	FIRST("abcdef", 3, 3, "cut at max");
	FIRST("abc\n", 3, 3, "max just before the '\\n'");
	FIRST("ab  cd", 4, 2, "cut at max, then blanks cut");
	FIRST("abcdef", 0, 0, "max 0");
	FIRST("a\xc3\xa9", 2, 1, "not inside a 2-byte sequence");
	FIRST("a\xc3\xa9", 3, 3, "after a 2-byte sequence");
	FIRST("a\xe2\x82\xac", 2, 1, "not after 1 byte of 3");
	FIRST("a\xe2\x82\xac", 3, 1, "not after 2 bytes of 3");
	FIRST("a\xe2\x82\xac", 4, 4, "after a 3-byte sequence");
	FIRST("\xf0\x9f\x98\x80z", 1, 0, "not after 1 byte of 4");
	FIRST("\xf0\x9f\x98\x80z", 2, 0, "not after 2 bytes of 4");
	FIRST("\xf0\x9f\x98\x80z", 3, 0, "not after 3 bytes of 4");
	FIRST("\xf0\x9f\x98\x80z", 4, 4, "after a 4-byte sequence");
	FIRST("\xc3\xa9\xc3\xa9\xc3\xa9", 5, 4, "a run of 2-byte sequences");

	/* Random well-formed text, cut at every max. */
	for (round = 0; round < 100; round++) {
		len = 0;
		while (len < sizeof(s) - 4) {
			switch (tl_rand(&rng) % 6) {
			case 0: cp = 0x20 + tl_rand(&rng) % 0x5f; break;
			case 1: cp = " \t\r|\n"[tl_rand(&rng) % 5]; break;
			case 2: cp = 0x80 + tl_rand(&rng) % 0x780; break;
			case 3: cp = 0x800 + tl_rand(&rng) % 0xd000; break;
			default: cp = 0x10000 + tl_rand(&rng) % 0x100000; break;
			}
			if (cp < 0x80)
				s[len++] = (char)cp;
			else if (cp < 0x800) {
				s[len++] = (char)(0xc0 | cp >> 6);
				s[len++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				s[len++] = (char)(0xe0 | cp >> 12);
				s[len++] = (char)(0x80 | (cp >> 6 & 0x3f));
				s[len++] = (char)(0x80 | (cp & 0x3f));
			} else {
				s[len++] = (char)(0xf0 | cp >> 18);
				s[len++] = (char)(0x80 | (cp >> 12 & 0x3f));
				s[len++] = (char)(0x80 | (cp >> 6 & 0x3f));
				s[len++] = (char)(0x80 | (cp & 0x3f));
			}
		}
		for (max = 0; max <= len + 1; max++) {
			r = text_first_line(s, len, max);
			if (r > max || r > len || !tl_valid_utf8(s, r) ||
			    memchr(s, '\n', r) != NULL ||
			    memchr(s, '|', r) != NULL ||
			    (r > 0 && strchr(" \t\r", s[r - 1]) != NULL))
				bad++;
			/* Nothing lost but the cut character and blanks. */
			for (i = r; i < len && i < max && bad == 0; i++)
				if (s[i] == '\n' || s[i] == '|')
					break;
				else if (strchr(" \t\r", s[i]) == NULL &&
				    i + 4 <= max)
					bad++;
		}
	}
	ok(bad == 0, "text_first_line: random UTF-8 cut at every max: "
	    "always whole characters, no '|', no '\\n', no trailing blank");
}

static void
test_buf_grow(void)
{
	struct buf	 b = { NULL, 0, 0, 0 };
	char		 big[1000], want[400];
	size_t		 i, fill, k, cap;
	int		 good = 1;
	char		*data;

	buf_puts(&b, "");
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0' && !b.failed,
	    "an empty append gives an empty string");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	for (i = 0; i < 100000; i++)
		good &= b.data[i] == (char)('a' + i % 26);
	ok(good && b.len == 100000 && b.data[b.len] == '\0' &&
	    b.cap > b.len && !b.failed, "100000 putc: all kept, in order");
	buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0 && !b.failed,
	    "free empties");

	/* printf at every fill level around the first allocation's end. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (fill = 240; fill < 262 && good; fill++)
		for (k = 0; k < 30 && good; k++) {
			buf_reset(&b);
			buf_free(&b);
			buf_append(&b, big, fill);
			buf_printf(&b, "%.*s|%d", (int)k, "0123456789abcdefghij"
			    "klmnopqrstuvwxyz", 7);
			snprintf(want, sizeof(want), "%.*s%.*s|7", (int)fill,
			    big, (int)k,
			    "0123456789abcdefghijklmnopqrstuvwxyz");
			good &= strcmp(b.data, want) == 0 &&
			    b.len == strlen(want) && !b.failed;
		}
	ok(good, "printf right at and past the room left");
	buf_reset(&b);
	buf_append(&b, "ab", 2);
	buf_printf(&b, "[%s]", big);
	ok(b.len == 1003 && b.data[2] == '[' && b.data[1002] == ']' &&
	    b.data[1003] == '\0', "printf much longer than the room");
	buf_printf(&b, "%s", "");
	ok(b.len == 1003, "printf of nothing adds nothing");
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	ok(b.len == 0 && b.data == data && b.cap == cap && b.data[0] == '\0',
	    "reset keeps the memory");

	/* One failure sticks until reset. */
	buf_puts(&b, "keep");
	buf_append(&b, "abc", SIZE_MAX - 2);
	ok(b.failed && b.len == 4, "an impossible size fails, data kept");
	buf_append(&b, "x", 1);
	buf_puts(&b, "x");
	buf_putc(&b, 'x');
	buf_printf(&b, "%d", 1);
	buf_u64(&b, 1);
	buf_i64(&b, -1);
	buf_fixed(&b, 1.5, 2);
	buf_double(&b, 2.5);
	text_json(&b, "x", 1);
	text_label(&b, "x", 1);
	text_line(&b, "x", 1);
	ok(b.failed && b.len == 4 && strcmp(b.data, "keep") == 0,
	    "nothing is appended once failed");
	buf_append(&b, "abc", SIZE_MAX / 2);
	ok(b.failed && b.len == 4, "still failed");
	buf_reset(&b);
	ok(!b.failed && b.len == 0, "reset clears the failure");
	buf_puts(&b, "again");
	is_str(b.data, "again", "and appending works again");
	buf_free(&b);
}

static const char *
u64(uint64_t v)
{
	buf_reset(&out);
	buf_u64(&out, v);
	return out.data;
}

static const char *
i64(int64_t v)
{
	buf_reset(&out);
	buf_i64(&out, v);
	return out.data;
}

static void
test_buf_ints(void)
{
	char		 want[32];
	uint64_t	 v, p;
	int64_t		 s;
	size_t		 i, bad = 0;

	is_str(u64(0), "0", "buf_u64 0");
	is_str(u64(9), "9", "buf_u64 9");
	is_str(u64(10), "10", "buf_u64 10");
	is_str(u64(UINT64_MAX), "18446744073709551615", "buf_u64 max");
	is_str(i64(0), "0", "buf_i64 0");
	is_str(i64(-1), "-1", "buf_i64 -1");
	is_str(i64(INT64_MAX), "9223372036854775807", "buf_i64 max");
	is_str(i64(INT64_MIN), "-9223372036854775808", "buf_i64 min");
	is_str(i64(INT64_MIN + 1), "-9223372036854775807", "buf_i64 min + 1");
	for (p = 1, i = 0; i < 20; i++, p *= 10) {
		snprintf(want, sizeof(want), "%" PRIu64, p);
		bad += strcmp(u64(p), want) != 0;
		snprintf(want, sizeof(want), "%" PRIu64, p - 1);
		bad += strcmp(u64(p - 1), want) != 0;
	}
	for (i = 0; i < 5000; i++) {
		v = (uint64_t)tl_rand(&rng) << 32 | tl_rand(&rng);
		v >>= tl_rand(&rng) % 64;
		snprintf(want, sizeof(want), "%" PRIu64, v);
		bad += strcmp(u64(v), want) != 0;
		s = (int64_t)(v >> 1) * (tl_rand(&rng) % 2 ? -1 : 1);
		snprintf(want, sizeof(want), "%" PRId64, s);
		bad += strcmp(i64(s), want) != 0;
	}
	ok(bad == 0, "buf_u64 and buf_i64 agree with printf (%zu differ)",
	    bad);
}

static const char *
fixed(double x, int d)
{
	buf_reset(&out);
	buf_fixed(&out, x, d);
	return out.data;
}

static const char *
dbl(double x)
{
	buf_reset(&out);
	buf_double(&out, x);
	return out.data;
}

/* Significant digits of a %g-style number. */
static size_t
sig_digits(const char *s)
{
	size_t	 n = 0, zeros = 0;
	int	 lead = 1;

	for (; *s != '\0' && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (lead && *s == '0')
			continue;
		lead = 0;
		n++;
		zeros = *s == '0' ? zeros + 1 : 0;
	}
	return n - zeros;
}

static void
test_buf_fixed(void)
{
	size_t		 i, bad = 0;
	double		 x, got, scale;
	int		 d, k;
	const char	*s;
	char		*end;

	is_str(fixed(1.5, 3), "1.500", "buf_fixed 1.5");
	is_str(fixed(0, 3), "0.000", "buf_fixed 0");
	is_str(fixed(-0.0, 3), "0.000", "buf_fixed -0 has no sign");
	is_str(fixed(-1.25, 2), "-1.25", "buf_fixed -1.25");
	is_str(fixed(0.0004, 3), "0.000", "buf_fixed rounds down");
	is_str(fixed(0.0006, 3), "0.001", "buf_fixed rounds up");
	is_str(fixed(0.125, 2), "0.13", "buf_fixed rounds half up");
	is_str(fixed(0.9996, 3), "1.000", "buf_fixed carries into the whole");
	is_str(fixed(9.99999, 2), "10.00", "buf_fixed carries past a digit");
	is_str(fixed(-0.0004, 3), "0.000", "a negative that rounds to 0 has "
	    "no sign");
	is_str(fixed(-0.0006, 3), "-0.001", "a negative that does not");
	is_str(fixed(-1e-300, 9), "0.000000000", "a tiny negative");
	is_str(fixed(NAN, 3), "0.000", "NaN is 0");
	is_str(fixed(-NAN, 3), "0.000", "-NaN is 0");
	is_str(fixed(INFINITY, 3), "0.000", "inf is 0");
	is_str(fixed(-INFINITY, 3), "0.000", "-inf is 0");
	is_str(fixed(123.456, 9), "123.456000000", "9 decimals");
	is_str(fixed(2.5, 1), "2.5", "1 decimal");
	is_str(fixed(1.5, 0), "1.500", "0 decimals is 3");
	is_str(fixed(1.5, 10), "1.500", "10 decimals is 3");
	is_str(fixed(4294967296.75, 2), "4294967296.75", "past 32 bits");
	is_str(fixed(1700000123.5, 3), "1700000123.500", "a Unix time");

	/* Random values: the format, and within half a unit of the last. */
	for (i = 0; i < 5000; i++) {
		d = 1 + (int)(tl_rand(&rng) % 9);
		x = ((double)tl_rand(&rng) / 4294967296.0 - 0.5) *
		    pow(10, (int)(tl_rand(&rng) % 10) - 3);
		s = fixed(x, d);
		got = strtod(s, &end);
		for (scale = 1, k = 0; k < d; k++)
			scale *= 10;
		if (*end != '\0' || strchr(s, '.') == NULL ||
		    strlen(strchr(s, '.') + 1) != (size_t)d ||
		    fabs(got - x) > 0.5 / scale * (1 + 1e-6) +
		    fabs(x) * 1e-15 ||
		    (s[0] == '-' && got == 0))
			bad++;
	}
	ok(bad == 0, "buf_fixed: 5000 random values are rounded right "
	    "and never \"-0.0\" (%zu bad)", bad);
}

static void
test_buf_double(void)
{
	size_t		 i, bad = 0, notshort = 0, k;
	uint64_t	 bits;
	double		 x;
	const char	*s;
	char		 tmp[400];

	is_str(dbl(0), "0", "buf_double 0");
	is_str(dbl(-0.0), "0", "buf_double -0 is 0");
	is_str(dbl(1), "1", "an integer has no \".0\"");
	is_str(dbl(-3), "-3", "a negative integer");
	is_str(dbl(100), "100", "100 is not 1e+02");
	is_str(dbl(270552530944.0), "270552530944", "bytes of a disk");
	is_str(dbl(999999999999999.0), "999999999999999", "1e15 - 1");
	is_str(dbl(1e15), "1e+15", "1e15");
	is_str(dbl(1e21), "1e+21", "1e21");
	is_str(dbl(-1e300), "-1e+300", "-1e300");
	is_str(dbl(0.5), "0.5", "0.5");
	is_str(dbl(0.1), "0.1", "0.1");
	is_str(dbl(0.02), "0.02", "0.02");
	is_str(dbl(1.92), "1.92", "a load average");
	is_str(dbl(0.00008), "8e-05", "80 microseconds");
	is_str(dbl(-2.5), "-2.5", "-2.5");
	is_str(dbl(1.0 / 3), "0.3333333333333333", "1/3 needs 16 digits");
	is_str(dbl(0.1 + 0.2), "0.30000000000000004", "0.1 + 0.2 needs 17");
	is_str(dbl(1.7976931348623157e308), "1.7976931348623157e+308",
	    "the largest double");
	is_str(dbl(2.2250738585072014e-308), "2.2250738585072014e-308",
	    "the smallest normal double");
	is_str(dbl(NAN), "0", "NaN is 0");
	is_str(dbl(INFINITY), "0", "inf is 0");
	is_str(dbl(-INFINITY), "0", "-inf is 0");
	x = 5e-324;
	ok(strtod(dbl(x), NULL) == x, "the smallest subnormal reads back");

	for (i = 0; i < 5000; i++) {
		bits = (uint64_t)tl_rand(&rng) << 32 | tl_rand(&rng);
		if (i % 4 == 0)		/* moderate magnitudes too */
			bits = (bits & 0x800fffffffffffffULL) |
			    (uint64_t)(1023 + tl_rand(&rng) % 80 - 40) << 52;
		memcpy(&x, &bits, sizeof(x));
		if (i % 8 == 1)
			x = (double)(int64_t)(tl_rand(&rng) % 2000000) - 1e6;
		s = dbl(x);
		if (!isfinite(x)) {
			bad += strcmp(s, "0") != 0;
			continue;
		}
		if (strtod(s, NULL) != x || strpbrk(s, "ni") != NULL ||
		    strcmp(s, "-0") == 0)
			bad++;
		if (x == floor(x) && fabs(x) < 1e15 && strpbrk(s, ".e") != NULL)
			bad++;
		/* Shortest: one digit less does not read back (normals). */
		k = sig_digits(s);
		if (x != floor(x) && fabs(x) >= 2.2250738585072014e-308 &&
		    k > 1) {
			snprintf(tmp, sizeof(tmp), "%.*g", (int)k - 1, x);
			if (strtod(tmp, NULL) == x)
				notshort++;
		}
	}
	ok(bad == 0, "buf_double: 5000 random doubles read back exactly, "
	    "integers without \".0\" (%zu bad)", bad);
	ok(notshort == 0, "buf_double: and no digit fewer would do (%zu "
	    "not shortest)", notshort);
}

int
main(void)
{
	test_utf8_len();
	test_json();
	test_label();
	test_line_ascii();
	test_first_line();
	test_buf_grow();
	test_buf_ints();
	test_buf_fixed();
	test_buf_double();
	buf_free(&out);
	return done_testing();
}
