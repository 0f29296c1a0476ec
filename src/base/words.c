/*
 * words.c - shell-like word splitting and comments (see words.h).
 *
 * Quoting is tracked the same way by the splitter and by the comment
 * cutter, so that whatever a line's key, '#' inside quotes is text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/words.h"

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(int c)
{
	return is_blank(c) || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* Inside '...' everything is literal up to the closing quote. */
static const char *
single_quoted(const char *s, char *buf, size_t *len, const char **why)
{
	const char	*end;

	if ((end = strchr(s, '\'')) == NULL) {
		*why = "unterminated single quote";
		return NULL;
	}
	memcpy(buf + *len, s, (size_t)(end - s));
	*len += (size_t)(end - s);
	return end + 1;
}

/* Inside "..." a backslash escapes only $ ` " \ and newline. */
static const char *
double_quoted(const char *s, char *buf, size_t *len, const char **why)
{
	for (;;) {
		if (*s == '\0') {
			*why = "unterminated double quote";
			return NULL;
		}
		if (*s == '"')
			return s + 1;
		if (*s == '\\' && s[1] == '\n') {
			s += 2;
			continue;
		}
		if (*s == '\\' && s[1] != '\0' && strchr("$`\"\\", s[1]))
			s++;
		buf[(*len)++] = *s++;
	}
}

/*
 * Read one word at *sp into buf (as large as the whole input).  Returns
 * 1 for a word, 0 when there was only a line continuation, -1 on error.
 */
static int
next_word(const char **sp, char *buf, const char **why)
{
	const char	*s = *sp;
	size_t		 len = 0;
	int		 any = 0;

	while (s != NULL && *s != '\0' && !is_blank(*s) && *s != '\n') {
		if (*s == '\'')
			s = single_quoted(s + 1, buf, &len, why);
		else if (*s == '"')
			s = double_quoted(s + 1, buf, &len, why);
		else if (*s == '\\' && s[1] == '\0') {
			*why = "trailing backslash";
			return -1;
		} else if (*s == '\\') {
			if (s[1] != '\n')
				buf[len++] = s[1];
			any |= s[1] != '\n';
			s += 2;
			continue;
		} else
			buf[len++] = *s++;
		any = 1;
	}
	if (s == NULL)
		return -1;
	buf[len] = '\0';
	*sp = s;
	return any;
}

/*
 * Words go to a vector of WORDS_MAX + 1 pointers and are built in a
 * scratch buffer as long as the input, which no word can outgrow.
 */
char **
words_split(const char *s, const char **why)
{
	char		**argv, **shrunk, *buf;
	const char	 *dummy;
	size_t		  n = 0;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	argv = calloc(WORDS_MAX + 1, sizeof(*argv));
	buf = malloc(strlen(s) + 1);
	if (argv == NULL || buf == NULL) {
		free(argv);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	while (*why == NULL) {
		while (is_blank(*s) || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		if (next_word(&s, buf, why) != 1)
			continue;	/* an error, or only a continuation */
		if (n == WORDS_MAX)
			*why = "too many words";
		else if ((argv[n++] = strdup(buf)) == NULL)
			break;
	}
	free(buf);
	if (*why == NULL && n == 0)
		*why = "no command";
	if (*why == NULL && argv[n - 1] != NULL) {
		/* kept as long as the config: no room for words it lacks */
		if ((shrunk = realloc(argv, (n + 1) * sizeof(*argv))) != NULL)
			argv = shrunk;
		return argv;
	}
	words_free(argv);
	errno = *why != NULL ? EINVAL : ENOMEM;
	return NULL;
}

void
words_free(char **argv)
{
	char	**v;

	if (argv == NULL)
		return;
	for (v = argv; *v != NULL; v++)
		free(*v);
	free(argv);
}

void
words_strip_comment(char *s)
{
	char	 quote = '\0';
	int	 boundary = 1;

	for (; *s != '\0'; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = '\0';
		} else if (quote == '"') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				quote = '\0';
		} else if (is_blank(*s)) {
			boundary = 1;
			continue;
		} else if (*s == '#' && boundary) {
			*s = '\0';
			return;
		} else if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '\'' || *s == '"')
			quote = *s;
		boundary = 0;
	}
}

char *
words_trim(char *s)
{
	char	*e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}
