/*
 * config_parse.c - parse mydaemon.conf: text in, a struct config or
 * messages out.
 *
 * The parser is pure so that `mydaemon -t`, start-up and SIGHUP give the
 * same verdict and so that it can be unit-tested and fuzzed: no logging,
 * no I/O, no clock, no user database.  It does not stop at the first
 * problem; an administrator fixing a file wants every mistake at once.
 *
 * This file is the grammar: lines, comments, "[check NAME]" sections and
 * "key = value".  What each key means and how its value is read is in
 * config_keys.c.  The comment rule follows the shell: '#' starts a comment
 * only at the start of a word outside quotes, so a command keeps a quoted
 * '#', whatever the key.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/config.h"
#include "config/config_access.h"
#include "config/config_depends.h"
#include "config/config_hook.h"
#include "config/config_sections.h"
#include "config/config_keys.h"
#include "config/config_probe.h"
#include "config/config_values.h"
#include "base/words.h"

#define LINE_MAX_BYTES	4096	/* longer lines are an error, not cut */
#define DEFAULT_LISTEN	"127.0.0.1:8080"
#define SEC		1000ULL

/* The lines of a text: LF, CRLF or the end of the text end one. */
struct lines {
	const char	*p, *end;
	int		 lineno;
};

enum line { LINE_END, LINE_OK, LINE_LONG, LINE_NUL };

/* The next line, without its end, NUL-terminated in buf. */
static enum line
config_line(struct lines *it, char buf[LINE_MAX_BYTES + 1])
{
	const char	*nl;
	size_t		 n;

	if (it->p >= it->end)
		return LINE_END;
	it->lineno++;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = (size_t)((nl != NULL ? nl : it->end) - it->p);
	if (n > 0 && it->p[n - 1] == '\r')
		n--;
	memcpy(buf, it->p, n > LINE_MAX_BYTES ? 0 : n);
	buf[n > LINE_MAX_BYTES ? 0 : n] = '\0';
	it->p = nl != NULL ? nl + 1 : it->end;
	if (n > LINE_MAX_BYTES)
		return LINE_LONG;
	return memchr(buf, '\0', n) != NULL ? LINE_NUL : LINE_OK;
}

/* Which key, and may it be here?  NULL after saying why not. */
static const struct confkey *
find_key(struct parser *p, const char *key)
{
	const struct confkey	*elsewhere = NULL;
	char			 sk[CONFVAL_SAFE];
	size_t			 i;

	/* A key may have a row for each scope (on_change). */
	for (i = 0; i < config_keys_count; i++) {
		if (strcmp(confkeys[i].name, key) != 0)
			continue;
		if (confkeys[i].scope == SCOPE_ANY)
			break;
		if ((confkeys[i].scope == SCOPE_CHECK) != (p->cur != NULL)) {
			elsewhere = &confkeys[i];
			continue;
		}
		if (p->cur != NULL || !p->sections)
			break;
		/* after the section an include line ended */
		config_parser_error(p, "\"%s\" is a global key: global keys go "
		    "before the first section", key);
		return NULL;
	}
	if (i == config_keys_count && elsewhere != NULL) {
		if (p->cur == NULL)
			config_parser_error(p, "\"%s\" belongs in a [check "
			    "NAME] section", key);
		else
			config_parser_error(p, "unknown key \"%s\" in a check "
			    "section (%s keys go before the first section)",
			    key, elsewhere->scope == SCOPE_FLAT ?
			    "flat check_*" : "global");
		return NULL;
	}
	if (i == config_keys_count) {
		config_parser_error(p, "unknown key \"%s\"",
		    config_values_safe(sk, key));
		return NULL;
	}
	if (p->seen[i] != 0 && !confkeys[i].repeat) {
		config_parser_error(p, "duplicate key \"%s\" (first set on "
		    "line %d)", key, p->seen[i]);
		return NULL;
	}
	if (p->seen[i] == 0)
		p->seen[i] = p->lineno;
	return &confkeys[i];
}

static void
parse_line(struct parser *p, char *line)
{
	const struct confkey	*k;
	char			*eq, *key, *val;
	void			*base;

	words_strip_comment(line);
	line = words_trim(line);
	if (*line == '\0')
		return;
	if (*line == '[') {
		config_sections_section(p, line);
		return;
	}
	if ((eq = strchr(line, '=')) == NULL || eq == line) {
		config_parser_error(p, "expected \"key = value\"");
		return;
	}
	*eq = '\0';
	key = words_trim(line);
	val = words_trim(eq + 1);
	if ((k = find_key(p, key)) == NULL)
		return;
	if (*val == '\0') {
		config_parser_error(p, "%s: missing value", key);
		return;
	}
	if (k->scope == SCOPE_GLOBAL || k->scope == SCOPE_ANY)
		base = p->cfg;
	else if (k->scope == SCOPE_CHECK)
		base = p->cur;
	else
		base = config_sections_flat(p);
	if (base != NULL)
		k->set(p, k, base, val);
}

/* An address both for HTTP and for the agent can only fail to bind. */
static void
overlap(struct parser *p)
{
	struct config	*cfg = p->cfg;
	size_t		 i, j;

	for (i = 0; i < cfg->nagent_listen; i++)
		for (j = 0; j < cfg->nlisten; j++)
			if (config_values_same_addr(&cfg->agent_listen[i],
			    &cfg->listen[j])) {
				p->lineno = p->addrs[1].line[i];
				config_parser_error(p, "agent_listen: %s is "
				    "also a listen address",
				    cfg->agent_listen[i].text);
			}
}

/* What only the whole file can tell. */
static void
whole_file(struct parser *p)
{
	config_parser_at(p, p->cfg->files[0], p->lineno);
	overlap(p);
	config_sections_finish(p);
	config_depends_finish(p);
}

/*
 * Errors in file and line order (a check's missing command is found at
 * the end).
 */
static void
sort_errors(struct parser *p)
{
	struct config_errors *e = p->errs;
	size_t i, j, first;
	char *m;
	uint64_t l;

	if (e == NULL || p->oom || p->nerrline > e->n)
		return;
	first = e->n - p->nerrline;	/* messages of earlier calls stay */
	for (i = 1; i < p->nerrline; i++)	/* insertion sort: stable */
		for (j = i; j > 0 && p->errline[j - 1] > p->errline[j]; j--) {
			l = p->errline[j];
			p->errline[j] = p->errline[j - 1];
			p->errline[j - 1] = l;
			m = e->msg[first + j];
			e->msg[first + j] = e->msg[first + j - 1];
			e->msg[first + j - 1] = m;
		}
}

static int
defaults(struct config *cfg, const struct config_paths *paths)
{
	const char	*why;

	memset(cfg, 0, sizeof(*cfg));
	(void)config_values_listen(DEFAULT_LISTEN, &cfg->listen[0], &why);
	cfg->nlisten = 1;
	cfg->log_level = LOG_INFO;
	cfg->syslog_facility = LOG_DAEMON;
	cfg->agent_warning_weight = 100;
	cfg->max_parallel_checks = 4;
	cfg->max_connections = 512;
	cfg->idle_timeout_ms = 10 * SEC;
	cfg->shutdown_timeout_ms = 5 * SEC;
	cfg->hook_timeout_ms = 10 * SEC;
	cfg->maintenance_status = 503;
	cfg->health_details = 1;
	cfg->history = CONFIG_HISTORY_DEFAULT;
	if ((cfg->log_file = strdup(paths->log_file != NULL ?
	    paths->log_file : "stderr")) == NULL ||
	    (paths->pidfile != NULL &&
	    (cfg->pidfile = strdup(paths->pidfile)) == NULL) ||
	    (paths->maintenance_file != NULL && (cfg->maintenance_file =
	    strdup(paths->maintenance_file)) == NULL) ||
	    (paths->result_dir != NULL && (cfg->result_dir =
	    strdup(paths->result_dir)) == NULL))
		return -1;
	return 0;
}

/* The lines of one file's text, at p->file (config_include.c recurses). */
static void
parse_text(struct parser *p, const char *text, size_t len)
{
	char		 buf[LINE_MAX_BYTES + 1];
	struct lines	 it = { text, text != NULL ? text + len : NULL, 0 };
	enum line	 r;

	/* Skip the UTF-8 byte order mark that some editors add. */
	if (text != NULL && len >= 3 && memcmp(text, "\357\273\277", 3) == 0)
		it.p += 3;
	while (text != NULL && !p->oom && it.lineno < INT_MAX &&
	    (r = config_line(&it, buf)) != LINE_END) {
		p->lineno = it.lineno;
		if (r == LINE_LONG)
			config_parser_error(p, "line too long (more than %d "
			    "bytes)", LINE_MAX_BYTES);
		else if (r == LINE_NUL)
			config_parser_error(p, "line contains a NUL byte");
		else
			parse_line(p, buf);
	}
	if (it.lineno == INT_MAX && it.p < it.end)
		config_parser_error(p, "too many lines");
}

/* The main file's name, the first of cfg->files; -1 on ENOMEM. */
static int
main_file(struct parser *p, const char *file)
{
	struct config	*cfg = p->cfg;

	if ((cfg->files = calloc(1, sizeof(*cfg->files))) == NULL ||
	    (cfg->files[0] = strdup(file != NULL ? file : "(config)")) ==
	    NULL)
		return -1;
	cfg->nfiles = 1;
	p->file = cfg->files[0];
	p->file_index = 0;
	return 0;
}

struct config *
config_parse(const char *file, const char *text, size_t len,
    const struct config_paths *paths, struct config_errors *errs)
{
	static const struct config_paths none;
	struct parser	 p;
	struct config	*cfg;

	memset(&p, 0, sizeof(p));
	p.keys = confkeys;
	p.nkeys = config_keys_count;
	if (paths == NULL)
		paths = &none;
	p.cfg = cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL ||
	    (p.seen = calloc(config_keys_count, sizeof(*p.seen))) == NULL ||
	    defaults(cfg, paths) == -1 || main_file(&p, file) == -1) {
		config_parse_free(cfg);
		free(p.seen);
		errno = ENOMEM;
		return NULL;
	}
	p.errs = errs;
	p.reader = paths->reader;
	p.text = parse_text;
	parse_text(&p, text, len);
	whole_file(&p);
	sort_errors(&p);
	free(p.seen);
	free(p.errline);
	if (p.oom || p.nerr > 0) {
		config_parse_free(cfg);
		errno = p.oom ? ENOMEM : EINVAL;
		return NULL;
	}
	return cfg;
}

/* Frees the struct itself too: config_parse() hands out malloc'ed ones. */
void
config_parse_free(struct config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	free(cfg->pidfile);
	free(cfg->user);
	free(cfg->group);
	free(cfg->log_file);
	free(cfg->access_log);
	free(cfg->maintenance_file);
	free(cfg->result_dir);
	for (i = 0; i < cfg->nchecks; i++) {
		free(cfg->checks[i].command);
		words_free(cfg->checks[i].argv);
		config_probe_free(cfg->checks[i].probe);
		words_free(cfg->checks[i].depends);
		config_hook_free(&cfg->checks[i].on_change);
	}
	free(cfg->checks);
	config_hook_free(&cfg->on_change);
	config_access_free(cfg);
	for (i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg);
}

void
config_parse_errors_free(struct config_errors *errs)
{
	size_t	 i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

/*
 * `mydaemon -s` must find a running daemon even when its configuration
 * has since been broken: read only the last well-formed global "key =
 * value" line for one key, ignoring every other problem.
 */
char *
config_parse_peek(const char *text, size_t len, const char *key)
{
	char		 buf[LINE_MAX_BYTES + 1], *eq, *k, *found = NULL;
	struct lines	 it = { text, text != NULL ? text + len : NULL, 0 };
	enum line	 r;

	if (text != NULL && len >= 3 && memcmp(text, "\357\273\277", 3) == 0)
		it.p += 3;
	while ((r = config_line(&it, buf)) != LINE_END) {
		if (r != LINE_OK)
			continue;
		words_strip_comment(buf);
		k = words_trim(buf);
		if (*k == '[')
			break;		/* the sections hold no global key */
		if ((eq = strchr(k, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(words_trim(k), key) != 0 || *words_trim(eq + 1) ==
		    '\0')
			continue;
		free(found);
		if ((found = strdup(words_trim(eq + 1))) == NULL)
			return NULL;
	}
	return found;
}
