/*
 * fuzz_words.c - libFuzzer harness for words_split(), words_strip_comment()
 * and words_trim().
 *
 * The input is one string (up to its first NUL), as a config value is.
 * Besides crashes and leaks, the harness aborts when:
 *  - words_split() fails without one of its messages, or returns no
 *    word, more than WORDS_MAX, or a word longer than the input;
 *  - the words, quoted again as a shell would (single quotes, double
 *    quotes or backslashes, in turn) and joined by blanks, do not split
 *    back to the same words;
 *  - words_strip_comment() does more than cut the string at a '#' that
 *    starts a word, or cuts inside what words_split() sees as quotes:
 *    the words before the cut must be the words of the whole line up to
 *    the one that starts with that '#';
 *  - words_trim() does more than take blanks off both ends.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/words.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why)
{
	fuzz_fail("words", why, input, strlen(input));
}

FUZZ_ORACLE static int
known_why(const char *why)
{
	static const char *const whys[] = { "unterminated single quote",
	    "unterminated double quote", "trailing backslash",
	    "too many words", "no command" };
	size_t	 i;

	for (i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		if (strcmp(why, whys[i]) == 0)
			return 1;
	return 0;
}

FUZZ_ORACLE static size_t
count(char **v)
{
	size_t	 n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

/* Append word w to d, quoted in one of three shell styles. */
FUZZ_ORACLE static char *
quote(char *d, const char *w, int style)
{
	const char	*s;

	switch (style) {
	case 0:		/* 'it'\''s' */
		*d++ = '\'';
		for (s = w; *s != '\0'; s++) {
			if (*s == '\'') {
				memcpy(d, "'\\''", 4);
				d += 4;
			} else
				*d++ = *s;
		}
		*d++ = '\'';
		break;
	case 1:		/* "it's \"x\"": \ escapes $ ` " \ only */
		*d++ = '"';
		for (s = w; *s != '\0'; s++) {
			if (strchr("$`\"\\", *s) != NULL)
				*d++ = '\\';
			*d++ = *s;
		}
		*d++ = '"';
		break;
	default:	/* it\'s, a newline in single quotes ('' for "") */
		if (*w == '\0') {
			memcpy(d, "''", 2);
			d += 2;
		}
		for (s = w; *s != '\0'; s++) {
			if (*s == '\n') {
				memcpy(d, "'\n'", 3);
				d += 3;
			} else {
				*d++ = '\\';
				*d++ = *s;
			}
		}
		break;
	}
	return d;
}

FUZZ_ORACLE static void
round_trip(char **v, size_t n, size_t len)
{
	const char	*why;
	char		*line, *d, **again;
	size_t		 i;

	/* Each byte takes at most 4, plus quotes and a blank per word. */
	if ((line = malloc(4 * len + 3 * n + 1)) == NULL)
		return;
	for (d = line, i = 0; i < n; i++) {
		if (i > 0)
			*d++ = ' ';
		d = quote(d, v[i], (int)(i % 3));
	}
	*d = '\0';
	if ((again = words_split(line, &why)) == NULL) {
		free(line);
		if (why == NULL)
			return;		/* ENOMEM */
		fail("quoted words do not split again");
	}
	if (count(again) != n)
		fail("quoted words split into another number of words");
	for (i = 0; i < n; i++)
		if (strcmp(again[i], v[i]) != 0)
			fail("quoted words split into other words");
	words_free(again);
	free(line);
}

FUZZ_ORACLE static void
check_split(const char *s, char ***out)
{
	const char	*why = "not set";
	char		**v;
	size_t		 n, i, len = strlen(s);

	*out = NULL;
	errno = 0;
	if ((v = words_split(s, &why)) == NULL) {
		if (why == NULL && errno != ENOMEM)
			fail("words_split failed with no reason");
		if (why != NULL && !known_why(why))
			fail("words_split failed with an unknown reason");
		return;
	}
	if (why != NULL)
		fail("words_split succeeded with a reason");
	n = count(v);
	if (n == 0 || n > WORDS_MAX)
		fail("words_split returned no word or too many");
	for (i = 0; i < n; i++)
		if (strlen(v[i]) > len)
			fail("a word is longer than the input");
	round_trip(v, n, len);
	*out = v;
}

FUZZ_ORACLE static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

FUZZ_ORACLE static void
check_comment(const char *s, char **whole)
{
	const char	*why;
	char		*t, **v;
	size_t		 len = strlen(s), cut, n, i;

	if ((t = strdup(s)) == NULL)
		return;
	words_strip_comment(t);
	cut = strlen(t);
	if (cut > len || memcmp(t, s, cut) != 0)
		fail("words_strip_comment changed more than the end");
	if (cut == len) {
		free(t);
		return;
	}
	if (s[cut] != '#' || (cut > 0 && !is_blank(s[cut - 1])))
		fail("words_strip_comment cut elsewhere than at a word's '#'");
	/* Outside quotes for words_split too: the words before it. */
	v = words_split(t, &why);
	if (v == NULL && why != NULL && (strncmp(why, "unterminated", 12) ==
	    0 || strcmp(why, "trailing backslash") == 0))
		fail("words_strip_comment cut inside quotes or an escape");
	if (whole != NULL) {
		n = v != NULL ? count(v) : 0;
		if (v == NULL && why != NULL && strcmp(why, "no command") != 0)
			n = (size_t)-1;
		if (n != (size_t)-1) {
			if (n >= count(whole) || whole[n][0] != '#')
				fail("the comment is not a word of the line");
			for (i = 0; i < n; i++)
				if (strcmp(v[i], whole[i]) != 0)
					fail("words before the comment differ");
		}
	}
	words_free(v);
	free(t);
}

FUZZ_ORACLE static void
check_trim(const char *s)
{
	char	*t, *r;
	size_t	 len = strlen(s), rl;

	if ((t = strdup(s)) == NULL)
		return;
	r = words_trim(t);
	rl = strlen(r);
	if (r < t || r + rl > t + len || memcmp(r, s + (r - t), rl) != 0)
		fail("words_trim changed more than the ends");
	if (rl > 0 && (strchr(" \t\r\n\v\f", r[0]) != NULL ||
	    strchr(" \t\r\n\v\f", r[rl - 1]) != NULL))
		fail("words_trim left a blank at an end");
	free(t);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, **whole;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	input = s;
	check_split(s, &whole);
	check_comment(s, whole);
	check_trim(s);
	words_free(whole);
	free(s);
	return 0;
}
