/*
 * config_depends.c - "depends = NAME[, NAME...]" (see config_depends.h).
 *
 * A section names the checks it waits for; commas, blanks or both
 * separate them.  The names are only read here: whether each is a check
 * and whether they go round in a circle can be told only once the whole
 * file is read, by config_depends_finish().  A cycle is reported once,
 * at the depends line of the check where it was entered, as the path
 * round it ("cycle app -> db -> app"): a check that names itself is the
 * cycle of one ("cycle app -> app").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_depends.h"
#include "config/config_parser.h"
#include "config/config_values.h"
#include "base/words.h"

#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789_-"
#define SEPARATORS	", \t"
#define PATH_MAX_BYTES	400	/* of a cycle in a message */

enum { WHITE, GREY, BLACK };	/* not seen, on the path, done */

/* The names of one value, or NULL after saying what is wrong. */
static char **
split(struct parser *p, const struct confkey *k, const char *val)
{
	char		**v, sv[CONFVAL_SAFE], word[CONFVAL_SAFE];
	char		  name[CONFIG_NAME_MAX + 1];
	const char	 *s = val;
	size_t		  n = 0, len, i;

	if ((v = calloc(strlen(val) / 2 + 2, sizeof(*v))) == NULL) {
		p->oom = 1;
		return NULL;
	}
	for (;;) {
		s += strspn(s, " \t");
		len = strcspn(s, SEPARATORS);
		if (len == 0) {
			config_parser_error(p, "%s: empty name in the list",
			    k->name);
			break;
		}
		if (len > CONFIG_NAME_MAX || strspn(s, NAME_CHARS) < len) {
			snprintf(word, sizeof(word), "%.*s", (int)len, s);
			config_parser_error(p, "%s: invalid check name \"%s\" "
			    "(expected 1 to %d of a-z, 0-9, '_' and '-')",
			    k->name, config_values_safe(sv, word),
			    CONFIG_NAME_MAX);
			break;
		}
		snprintf(name, sizeof(name), "%.*s", (int)len, s);
		for (i = 0; i < n && strcmp(v[i], name) != 0; i++)
			;
		if (i < n) {
			config_parser_error(p, "%s: \"%s\" is named twice",
			    k->name, name);
			break;
		}
		if ((v[n++] = strdup(name)) == NULL) {
			p->oom = 1;
			break;
		}
		s += len + strspn(s + len, " \t");
		if (*s == '\0')
			return v;
		if (*s == ',')
			s++;
	}
	words_free(v);
	return NULL;
}

void
config_depends_set(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_check	*c = base;
	char			**v;

	if ((v = split(p, k, val)) == NULL)
		return;
	words_free(c->depends);
	c->depends = v;
	c->depends_line = p->lineno;
}

/* The next message is about check c, at its depends line. */
static void
at(struct parser *p, struct config_check *c)
{
	config_parser_at(p, c->file, c->depends_line);
	p->cur = c;
}

/* What a walk of the graph needs: colours and the path it is on. */
struct walk {
	struct parser	*p;
	unsigned char	*colour;
	size_t		*path;
	size_t		 depth;
};

/* The path from check j (on it) back to j, as words for a message. */
static void
report_cycle(struct walk *w, size_t j)
{
	struct config_check	*checks = w->p->cfg->checks;
	char			 s[PATH_MAX_BYTES + CONFIG_NAME_MAX + 8];
	size_t			 k, len = 0;

	for (k = 0; w->path[k] != j; k++)
		;
	for (; k < w->depth && len < PATH_MAX_BYTES; k++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "%s -> ",
		    checks[w->path[k]].name);
	if (k < w->depth)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "... -> ");
	snprintf(s + len, sizeof(s) - len, "%s", checks[j].name);
	at(w->p, &checks[j]);
	config_parser_error(w->p, "depends: cycle %s", s);
}

/* Depth first from check i; a check met again on the path is a cycle. */
static void
visit(struct walk *w, size_t i)
{
	struct config			*cfg = w->p->cfg;
	const struct config_check	*d;
	char				**name;
	size_t				 j;

	w->colour[i] = GREY;
	w->path[w->depth++] = i;
	for (name = cfg->checks[i].depends; name != NULL && *name != NULL;
	    name++) {
		if ((d = config_sections_find(cfg, *name)) == NULL)
			continue;	/* said already */
		j = (size_t)(d - cfg->checks);
		if (w->colour[j] == GREY)
			report_cycle(w, j);
		else if (w->colour[j] == WHITE)
			visit(w, j);
	}
	w->depth--;
	w->colour[i] = BLACK;
}

void
config_depends_finish(struct parser *p)
{
	struct config	*cfg = p->cfg;
	struct walk	 w = { p, NULL, NULL, 0 };
	char		**name;
	size_t		 i;

	for (i = 0; i < cfg->nchecks; i++) {
		at(p, &cfg->checks[i]);
		for (name = cfg->checks[i].depends; name != NULL &&
		    *name != NULL; name++)
			if (config_sections_find(cfg, *name) == NULL)
				config_parser_error(p, "depends: unknown check "
				    "\"%s\"", *name);
	}
	p->cur = NULL;
	if (cfg->nchecks == 0)
		return;
	if ((w.colour = calloc(cfg->nchecks, 1)) == NULL ||
	    (w.path = calloc(cfg->nchecks, sizeof(*w.path))) == NULL) {
		p->oom = 1;
		free(w.colour);
		return;
	}
	for (i = 0; i < cfg->nchecks; i++)
		if (w.colour[i] == WHITE)
			visit(&w, i);
	p->cur = NULL;
	free(w.colour);
	free(w.path);
}
