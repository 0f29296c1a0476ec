/*
 * config_parser.c - the helpers every reader of a key uses (see
 * config_parser.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_parser.h"
#include "base/words.h"

#define MSG_SIZE	512

int
config_parser_line(struct parser *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nkeys; i++)
		if (strcmp(p->keys[i].name, name) == 0)
			return p->seen[i];
	return 0;
}

void
config_parser_at(struct parser *p, const char *file, int line)
{
	size_t	 i;

	p->lineno = line;
	for (i = 0; file != NULL && i < p->cfg->nfiles; i++)
		if (p->cfg->files[i] == file) {
			p->file = file;
			p->file_index = i;
		}
}

void
config_parser_error(struct parser *p, const char *fmt, ...)
{
	struct config_errors	*e = p->errs;
	char			 msg[MSG_SIZE], sec[CONFIG_NAME_MAX + 10] = "";
	char			*s, **v;
	va_list			 ap;
	int			 len;

	p->nerr++;
	if (e == NULL || p->oom)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->cur != NULL && p->cur->name[0] != '\0')
		(void)snprintf(sec, sizeof(sec), "[check %s] ", p->cur->name);
	len = snprintf(NULL, 0, "%s:%d: %s%s", p->file, p->lineno, sec, msg);
	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL) {
		p->oom = 1;
		return;
	}
	(void)snprintf(s, (size_t)len + 1, "%s:%d: %s%s", p->file, p->lineno,
	    sec, msg);
	/* Grow by doubling: the array is full when n is a power of two. */
	if ((e->n & (e->n - 1)) == 0) {
		v = realloc(e->msg, (e->n ? e->n * 2 : 1) * sizeof(*v));
		if (v == NULL) {
			free(s);
			p->oom = 1;
			return;
		}
		e->msg = v;
	}
	e->msg[e->n++] = s;
	if ((p->nerrline & (p->nerrline - 1)) == 0) {
		size_t cap = p->nerrline ? p->nerrline * 2 : 1;
		uint64_t *l = realloc(p->errline, cap * sizeof(*l));

		if (l == NULL) {
			p->oom = 1;
			return;
		}
		p->errline = l;
	}
	/* Sorted by file, in the order they were read, then by line. */
	p->errline[p->nerrline++] = (uint64_t)p->file_index << 32 |
	    (uint32_t)p->lineno;
}

void
config_parser_string(struct parser *p, char **dst, const char *val)
{
	char	*s = NULL;

	if (val != NULL && (s = strdup(val)) == NULL) {
		p->oom = 1;
		return;
	}
	free(*dst);
	*dst = s;
}

char **
config_parser_argv(struct parser *p, const char *key, const char *val)
{
	char		**argv;
	const char	 *why;

	if ((argv = words_split(val, &why)) == NULL) {
		if (why == NULL)
			p->oom = 1;
		else
			config_parser_error(p, "%s: %s", key, why);
		return NULL;
	}
	if (argv[0][0] == '\0') {
		config_parser_error(p, "%s: empty command name", key);
		words_free(argv);
		return NULL;
	}
	return argv;
}
