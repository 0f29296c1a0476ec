/*
 * config_include.c - "include = GLOB": the files a pattern names, read
 * in sorted order where the include line stands (SPEC 21).
 *
 * The parser stays pure: the caller's config_reader finds and reads the
 * files (config_load.c's reads the disk, a test's reads a table), and
 * without one every include line is an error.  A relative pattern is
 * relative to the directory of the file that holds the line.
 *
 * A section never crosses a file's edge: an include line ends the
 * section it stands in, and the end of an included file ends its last
 * one, so that a drop-in's keys mean what they mean when it is read on
 * its own.  An included file's keys before its first section are global
 * keys while no section has begun anywhere, an error after (global keys
 * go before the first section, wherever it is).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_include.h"
#include "config/config_parser.h"
#include "config/config_probe.h"

#define ERR_SIZE	384

/* Whether glob(3) would take the pattern for more than one name. */
static int
magic(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

/* The pattern, relative to the directory of the file that names it. */
static char *
relative(const char *from, const char *pattern)
{
	const char	*slash = strrchr(from, '/');
	size_t		 dir, n;
	char		*s;

	if (pattern[0] == '/' || slash == NULL)
		return strdup(pattern);
	dir = (size_t)(slash - from) + 1;
	n = dir + strlen(pattern) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	memcpy(s, from, dir);
	memcpy(s + dir, pattern, n - dir);
	return s;
}

/* Whether path is being read already: the main file or an including one. */
static int
reading(struct parser *p, const char *path)
{
	int	 i;

	if (strcmp(p->cfg->files[0], path) == 0)
		return 1;
	for (i = 0; i < p->depth; i++)
		if (strcmp(p->open[i], path) == 0)
			return 1;
	return 0;
}

/* A copy of path at the end of cfg->files (messages point at it). */
static const char *
add_file(struct parser *p, const char *path)
{
	struct config	*cfg = p->cfg;
	char		**v, *s;

	if ((s = strdup(path)) == NULL ||
	    (v = realloc(cfg->files, (cfg->nfiles + 1) * sizeof(*v))) ==
	    NULL) {
		free(s);
		p->oom = 1;
		return NULL;
	}
	cfg->files = v;
	cfg->files[cfg->nfiles++] = s;
	return s;
}

/* Read one file's text as if it stood where the include line is. */
static void
include_file(struct parser *p, const char *path)
{
	const char	*file = p->file, *name;
	size_t		 file_index = p->file_index, len;
	int		 lineno = p->lineno;
	char		*text, err[ERR_SIZE];

	if (reading(p, path)) {
		config_parser_error(p, "include: %s includes itself", path);
		return;
	}
	if (p->reader->read(p->reader->arg, path, &text, &len, err,
	    sizeof(err)) == -1) {
		config_parser_error(p, "include: %s", err);
		return;
	}
	if ((name = add_file(p, path)) != NULL) {
		p->open[p->depth++] = name;
		config_parser_at(p, name, 0);
		p->text(p, text, len);
		config_probe_section_end(p);	/* the last section ends */
		p->cur = NULL;
		p->depth--;
		config_parser_at(p, file, lineno);
		p->file_index = file_index;
	}
	free(text);
}

/* The files a pattern names, sorted; NULL after an error. */
static char **
matches(struct parser *p, const char *pattern)
{
	char	**v, err[ERR_SIZE];

	if (!magic(pattern)) {	/* a name: it must exist */
		if ((v = calloc(2, sizeof(*v))) == NULL ||
		    (v[0] = strdup(pattern)) == NULL) {
			free(v);
			p->oom = 1;
			return NULL;
		}
		return v;
	}
	if (p->reader->match(p->reader->arg, pattern, &v, err,
	    sizeof(err)) == -1) {
		config_parser_error(p, "include: %s", err);
		return NULL;
	}
	return v;
}

void
config_include_key(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	char	*pattern, **v;
	size_t	 i;

	(void)k;
	(void)base;
	if (p->cur != NULL) {	/* the include line ends a section */
		config_probe_section_end(p);
		p->cur = NULL;
	}
	if (p->reader == NULL) {
		config_parser_error(p, "include: no file can be included here");
		return;
	}
	if (p->depth >= CONFIG_INCLUDE_DEPTH) {
		config_parser_error(p, "include: files include each other "
		    "more than %d deep", CONFIG_INCLUDE_DEPTH);
		return;
	}
	if ((pattern = relative(p->file, val)) == NULL) {
		p->oom = 1;
		return;
	}
	v = matches(p, pattern);
	free(pattern);
	for (i = 0; v != NULL && v[i] != NULL && !p->oom; i++)
		include_file(p, v[i]);
	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
