/*
 * test_words.c - shell-like words and comments (words.h), one behaviour
 * per assertion.
 *
 * A check command is split here and nowhere else, and the config parser
 * cuts its comments with the same quoting rules, so these cases are what
 * an administrator can rely on when writing `command = ...`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/words.h"
#include "tap.h"

/* Render argv as [w1][w2]... so that empty words show; or the error. */
static const char *
split(const char *s, char *buf, size_t size)
{
	const char	*why;
	char		**v, **w;
	size_t		 len = 0;

	if ((v = words_split(s, &why)) == NULL)
		return why != NULL ? why : "(out of memory)";
	buf[0] = '\0';
	for (w = v; *w != NULL; w++)
		len += (size_t)snprintf(buf + len, size - len, "[%s]", *w);
	words_free(v);
	return buf;
}

static const struct { const char *in, *want; } split_cases[] = {
	{ "/bin/echo hello  world", "[/bin/echo][hello][world]" },
	{ " \ta\t b \n c ", "[a][b][c]" },
	{ "'a b' c", "[a b][c]" }, { "\"a b\" c", "[a b][c]" },
	{ "a'b'\"c\"d", "[abcd]" }, { "''", "[]" },
	{ "a '' \"\" b", "[a][][][b]" }, { "'a\\b\"'", "[a\\b\"]" },
	{ "\"\\$\\`\\\"\\\\\"", "[$`\"\\]" },
	{ "\"a\\nb\\'\"", "[a\\nb\\']" }, { "\"a\\\nb\"", "[ab]" },
	{ "a\\ b \\'x\\\" \\\\", "[a b]['x\"][\\]" },
	{ "a\\\nb", "[ab]" }, { "a \\\n b", "[a][b]" },
	{ "a;b|c&d<e>f ; x", "[a;b|c&d<e>f][;][x]" },
	{ "$HOME *.c ~ `id`", "[$HOME][*.c][~][`id`]" },
	{ "", "no command" }, { " \t\n", "no command" },
	{ "\\\n", "no command" },
	{ "'abc", "unterminated single quote" },
	{ "a \"b", "unterminated double quote" },
	{ "\"a\\\"", "unterminated double quote" },
	{ "a\\", "trailing backslash" },
};

static void
test_split(void)
{
	char		 in[512], buf[1024], want[1024];
	size_t		 i;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++)
		is_str(split(split_cases[i].in, buf, sizeof(buf)),
		    split_cases[i].want, "split #%zu", i + 1);
	in[0] = want[0] = '\0';
	for (i = 0; i < WORDS_MAX; i++) {
		strcat(in, "w ");
		strcat(want, "[w]");
	}
	is_str(split(in, buf, sizeof(buf)), want, "split 64 words");
	strcat(in, "''");
	is_str(split(in, buf, sizeof(buf)), "too many words",
	    "split 65 words is too many, even an empty last one");
}

static void
test_split_contract(void)
{
	const char	*why = "x";
	char		**v;

	errno = 0;
	ok(words_split("'", &why) == NULL && errno == EINVAL,
	    "split errors set errno EINVAL");
	ok(words_split("a 'b", NULL) == NULL, "split with NULL why");
	why = "x";
	v = words_split("a b", &why);
	ok(v != NULL && why == NULL, "a good split leaves why NULL");
	words_free(v);
	v = words_split("a b", NULL);
	ok(v != NULL && strcmp(v[1], "b") == 0 && v[2] == NULL,
	    "a good split with NULL why");
	words_free(v);
	words_free(NULL);
	ok(1, "words_free(NULL) does nothing");
}

/* What is left of s once its comment is cut. */
static const struct { const char *in, *want; } comment_cases[] = {
	{ "a # b", "a " }, { "# all", "" }, { "a\t#b", "a\t" },
	{ "a#b # c", "a#b " }, { "a \\# b # c", "a \\# b " },
	{ "'a # b' # c", "'a # b' " }, { "\"a # b\" #c", "\"a # b\" " },
	{ "\"a\\\" # b\" # c", "\"a\\\" # b\" " },
	{ "'a\\' # b", "'a\\' " }, { "a'#'b # c", "a'#'b " },
	{ "'a # b", "'a # b" }, { "\"a # b", "\"a # b" },
	{ "no comment", "no comment" }, { "", "" },
};

static void
test_strip_comment(void)
{
	char	 buf[64];
	size_t	 i;

	for (i = 0; i < sizeof(comment_cases) / sizeof(comment_cases[0]);
	    i++) {
		snprintf(buf, sizeof(buf), "%s", comment_cases[i].in);
		words_strip_comment(buf);
		is_str(buf, comment_cases[i].want, "comment cut from \"%s\"",
		    comment_cases[i].in);
	}
}

static void
test_trim(void)
{
	char	 buf[32];
	char	*s;

	snprintf(buf, sizeof(buf), " \t a  b \r\n");
	s = words_trim(buf);
	is_str(s, "a  b", "trim blanks, CR and LF off both ends");
	ok(s == buf + 3, "trim returns a pointer into the string");
	snprintf(buf, sizeof(buf), "\v\fx\f");
	is_str(words_trim(buf), "x", "trim vertical tab and form feed");
	snprintf(buf, sizeof(buf), " \t \r\n");
	is_str(words_trim(buf), "", "trim a blank string to nothing");
	buf[0] = '\0';
	is_str(words_trim(buf), "", "trim an empty string");
}

int
main(void)
{
	test_split();
	test_split_contract();
	test_strip_comment();
	test_trim();
	return done_testing();
}
