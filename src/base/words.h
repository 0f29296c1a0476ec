/*
 * words.h - shell-like words and comments, without a shell: what a
 * configuration line and a check command are cut with.  Pure.
 */
#ifndef MYDAEMON_WORDS_H
#define MYDAEMON_WORDS_H

#define WORDS_MAX	64	/* words in a command at most */

/*
 * Split a command line into words as a POSIX shell does for quoting
 * only: 'single quotes', "double quotes" (where backslash escapes only
 * $ ` " \ and newline), and backslash outside quotes.  No expansion, no
 * globbing, no operators.  Returns a NULL-terminated malloc'ed vector
 * (free with words_free), or NULL with *why set to a static message
 * ("unterminated single quote", "no command", ...), or NULL with *why
 * NULL and errno ENOMEM.
 */
char	**words_split(const char *s, const char **why);
void	  words_free(char **argv);

/*
 * Cut a comment in place: '#' at the start of a word and outside quotes,
 * as the shell sees it, so that a quoted "a # b" survives.
 */
void	 words_strip_comment(char *s);

/* Blanks, CR and LF off both ends, in place; returns the new start. */
char	*words_trim(char *s);

#endif /* MYDAEMON_WORDS_H */
