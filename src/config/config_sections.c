/*
 * config_sections.c - the list of checks a config file makes: "[check NAME]"
 * sections, the flat check_* keys of one check called "main", and what
 * only the end of the file can tell (a check without a command or probe).
 *
 * A section that is wrong is reported once and becomes a dead check that
 * takes its keys and is dropped at the end, so that one mistake in a
 * header is not followed by a message for every key under it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_hook.h"
#include "config/config_sections.h"
#include "config/config_keys.h"
#include "config/config_probe.h"
#include "config/config_values.h"
#include "base/words.h"

#define MAIN_CHECK	"main"
#define SEC		1000ULL

static void
check_defaults(struct config_check *c, const char *name, int line)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->interval_ms = 10 * SEC;
	c->timeout_ms = 5 * SEC;
	c->rise = 1;
	c->fall = 1;
	c->affects_health = 1;
	c->line = line;
	c->history = UINT_MAX;	/* the global one, at the end */
}

/* A new check at the end of the list, or NULL (p->oom, or an error). */
static struct config_check *
add_check(struct parser *p, const char *name, int line)
{
	struct config	*cfg = p->cfg;
	void		*v;
	size_t		 cap;

	if (cfg->nchecks == CONFIG_MAX_CHECKS) {
		config_parser_error(p, "too many checks (at most %d)",
		    CONFIG_MAX_CHECKS);
		return NULL;
	}
	if (cfg->nchecks == p->capchecks) {
		cap = p->capchecks ? p->capchecks * 2 : 4;
		if ((v = realloc(cfg->checks, cap * sizeof(*cfg->checks))) ==
		    NULL) {
			p->oom = 1;
			return NULL;
		}
		cfg->checks = v;
		p->capchecks = cap;
	}
	check_defaults(&cfg->checks[cfg->nchecks], name, line);
	cfg->checks[cfg->nchecks].file = p->file;
	return &cfg->checks[cfg->nchecks++];
}

static int
same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	if (a == NULL || b == NULL)
		return a == b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int
same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
same_threshold(const struct config_threshold *a,
    const struct config_threshold *b)
{
	return a->unit == b->unit && a->value == b->value;
}

int
config_check_same(const struct config_check *a, const struct config_check *b)
{
	const struct config_probe *x = a->probe, *y = b->probe;

	if (a->kind != b->kind || !same_string(a->command, b->command))
		return 0;
	if (a->kind == CONFIG_COMMAND)
		return 1;
	/*
	 * config_probe_set_kind() gives a probe's kind its settings; a check
	 * made elsewhere (a test's) might have none: none is the same as
	 * none, and not the same as some.
	 */
	if (x == NULL || y == NULL)
		return x == y;
	return same_string(x->process_name, y->process_name) &&
	    same_text(x->send, x->send_len, y->send, y->send_len) &&
	    same_text(x->expect, x->expect_len, y->expect, y->expect_len) &&
	    same_string(x->host_header, y->host_header) &&
	    x->nstatus == y->nstatus && memcmp(x->status, y->status,
	    x->nstatus * sizeof(x->status[0])) == 0 &&
	    same_string(x->expect_body, y->expect_body) &&
	    x->max_age_ms == y->max_age_ms && x->min_size == y->min_size &&
	    same_threshold(&x->warning, &y->warning) &&
	    same_threshold(&x->critical, &y->critical);
}

const struct config_check *
config_sections_find(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nchecks; i++)
		if (strcmp(cfg->checks[i].name, name) == 0)
			return &cfg->checks[i];
	return NULL;
}

static int
good_name(const char *s, size_t n)
{
	return n >= 1 && n <= CONFIG_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") >= n;
}

/*
 * A section that is wrong has been reported: its keys go to a check that
 * is dropped at the end, so that they do not read as misplaced ones.
 */
static void
dead_section(struct parser *p, const char *name)
{
	words_free(p->dead.argv);
	words_free(p->dead.depends);
	config_hook_free(&p->dead.on_change);
	free(p->dead.command);
	config_probe_free(p->dead.probe);
	check_defaults(&p->dead, name != NULL ? name : "", -1);
	p->cur = &p->dead;
}

/* "[check NAME]": a new section; keys from here on are the check's. */
void
config_sections_section(struct parser *p, char *line)
{
	const struct config_check *dup;
	char	*s = words_trim(line + 1), *name, sv[CONFVAL_SAFE];
	size_t	 n = strlen(s);

	config_probe_section_end(p);
	p->cur = NULL;
	p->sections = 1;
	memset(p->seen, 0, config_keys_count * sizeof(*p->seen));
	if (n == 0 || s[n - 1] != ']') {
		config_parser_error(p, "expected \"[check NAME]\"");
		dead_section(p, NULL);
		return;
	}
	s[n - 1] = '\0';
	s = words_trim(s);
	if (strcmp(s, "check") == 0) {
		config_parser_error(p, "missing check name "
		    "(expected [check NAME])");
		dead_section(p, NULL);
		return;
	}
	if (strncmp(s, "check", 5) != 0 || (s[5] != ' ' && s[5] != '\t')) {
		config_parser_error(p, "unknown section \"[%s]\" (expected "
		    "[check NAME])", config_values_safe(sv, s));
		dead_section(p, NULL);
		return;
	}
	name = words_trim(s + 6);
	if (!good_name(name, strlen(name))) {
		config_parser_error(p, "invalid check name \"%s\" (expected 1 "
		    "to %d of a-z, 0-9, '_' and '-')",
		    config_values_safe(sv, name), CONFIG_NAME_MAX);
		dead_section(p, NULL);
		return;
	}
	if ((dup = config_sections_find(p->cfg, name)) != NULL &&
	    dup->line == 0)
		config_parser_error(p, "[check %s] and the check_* keys (line "
		    "%d) both define the check \"%s\"", name, p->flat_line,
		    name);
	else if (dup != NULL && dup->file == p->file)
		config_parser_error(p, "duplicate check \"%s\" (first on line "
		    "%d)", name, dup->line);
	else if (dup != NULL)
		config_parser_error(p, "duplicate check \"%s\" (first in %s, "
		    "line %d)", name, dup->file, dup->line);
	else if ((p->cur = add_check(p, name, p->lineno)) != NULL)
		return;
	dead_section(p, name);
}

/* The check a flat check_* key sets: "main", made on first use. */
struct config_check *
config_sections_flat(struct parser *p)
{
	struct config_check *c;

	if (p->flat_line == 0)
		p->flat_line = p->lineno;
	if ((c = (struct config_check *)config_sections_find(p->cfg,
	    MAIN_CHECK)) ==
	    NULL)
		c = add_check(p, MAIN_CHECK, 0);
	return c;
}

/*
 * A section with a ttl and nothing to run takes pushed results (SPEC 20).
 * Its "command", what /status shows and what tells a changed check on
 * reload, is the same word for every such check: a new ttl is no new
 * command (the kept result stays).
 */
static void
pushed(struct parser *p, struct config_check *c)
{
	c->pushed = 1;
	config_parser_string(p, &c->command, "pushed");
}

/*
 * At the end: a check without a command (nor a ttl) is an error; dead
 * ones go.
 */
void
config_sections_finish(struct parser *p)
{
	struct config	*cfg = p->cfg;
	size_t		 i, n = 0;

	config_probe_section_end(p);
	p->cur = NULL;
	words_free(p->dead.argv);
	words_free(p->dead.depends);
	config_hook_free(&p->dead.on_change);
	free(p->dead.command);
	config_probe_free(p->dead.probe);
	for (i = 0; i < cfg->nchecks; i++) {
		struct config_check *c = &cfg->checks[i];

		if (c->history == UINT_MAX)
			c->history = cfg->history;
		if (c->command == NULL && c->ttl_ms > 0 && c->line > 0)
			pushed(p, c);
		if (c->command == NULL && c->line > 0) {
			config_parser_at(p, c->file, c->line);
			p->cur = c;
			config_parser_error(p, "no command or probe (command, "
			    "process, tcp, http, file or disk)");
			p->cur = NULL;
		}
		/*
		 * Dropped: dead sections, and flat keys without check_command
		 * (no check, as it always was).
		 */
		if (c->command == NULL || c->line < 0) {
			free(c->command);
			words_free(c->argv);
			config_probe_free(c->probe);
			words_free(c->depends);
			config_hook_free(&c->on_change);
			continue;
		}
		cfg->checks[n++] = *c;
	}
	cfg->nchecks = n;
}

