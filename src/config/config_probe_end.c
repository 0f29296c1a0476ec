/*
 * config_probe_end.c - what only the end of a [check] section can tell of
 * its probe (see config_probe.h): whether each key belongs to its kind
 * (send only in a tcp check), what its thresholds mean (a bare number is
 * bytes for a disk check, seconds for the others; disk's defaults), and
 * whether a process probe names mydaemon's own pidfile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_parser.h"
#include "config/config_probe.h"
#include "config/config_probe_values.h"
#include "config/config_values.h"

/* Keys that only one kind takes. */
static const struct {
	const char		*key;
	enum config_kind	 kind;
} only[] = {
	{ "process_name", CONFIG_PROCESS }, { "send", CONFIG_TCP },
	{ "expect", CONFIG_TCP }, { "expect_status", CONFIG_HTTP },
	{ "expect_body", CONFIG_HTTP }, { "host_header", CONFIG_HTTP },
	{ "max_age", CONFIG_FILE }, { "min_size", CONFIG_FILE }
};

/* What a threshold is for each kind, in words (command, process: none). */
static const char *const want[] = { NULL, NULL, "a duration (e.g. 500ms)",
    "a duration (e.g. 500ms)", "a duration (e.g. 26h)",
    "a percentage or a size of free space (e.g. 10% or 2GB)" };

/* Keys of another kind than the section's. */
static void
foreign_keys(struct parser *p, const struct config_check *c)
{
	size_t	 i;

	for (i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
		if (only[i].kind == c->kind ||
		    (p->lineno = config_parser_line(p, only[i].key)) == 0)
			continue;
		config_parser_error(p, "%s: only for %s checks", only[i].key,
		    config_probe_kinds[only[i].kind]);
	}
}

static const char *
article(enum config_kind kind)
{
	return kind == CONFIG_HTTP ? "an" : "a";
}

static const char *
unit_name(enum config_unit u)
{
	return u == CONFIG_UNIT_PERCENT ? "a percentage" :
	    u == CONFIG_UNIT_BYTES ? "a size" : "a duration";
}

/* One threshold (0 warning, 1 critical) for c's kind; -1 if wrong. */
static int
threshold(struct parser *p, struct config_check *c, int i,
    struct config_threshold *t)
{
	static const char *const name[] = { "warning", "critical" };
	const char	*val = p->threshold[i];
	enum config_unit bare = c->kind == CONFIG_DISK ? CONFIG_UNIT_BYTES :
			    CONFIG_UNIT_MS;
	enum probeval	 r;
	char		 sv[CONFVAL_SAFE];

	if (c->kind == CONFIG_COMMAND || c->kind == CONFIG_PROCESS) {
		config_parser_error(p, c->kind == CONFIG_PROCESS ? "%s: a "
		    "process check has no thresholds" : "%s: only for tcp, "
		    "http, file and disk checks", name[i]);
		return -1;
	}
	config_values_safe(sv, val);
	if ((r = config_probe_values_threshold(val, bare, t)) ==
	    PROBEVAL_INVALID) {
		config_parser_error(p, "%s: \"%s\" is not a threshold: %s %s "
		    "check's threshold is %s", name[i], sv, article(c->kind),
		    config_probe_kinds[c->kind], want[c->kind]);
		return -1;
	}
	if ((c->kind == CONFIG_DISK) != (t->unit != CONFIG_UNIT_MS)) {
		config_parser_error(p, "%s: \"%s\" is %s, but %s %s check's "
		    "threshold is %s", name[i], sv, unit_name(t->unit),
		    article(c->kind), config_probe_kinds[c->kind],
		    want[c->kind]);
		return -1;
	}
	if (r != PROBEVAL_OK) {
		config_parser_error(p, "%s: %s is out of range (%s)", name[i],
		    sv, t->unit == CONFIG_UNIT_PERCENT ? "0%-100%" :
		    t->unit == CONFIG_UNIT_MS ? "1ms-8760h" : "too large");
		return -1;
	}
	return 0;
}

/* Both thresholds of the same unit: warning must come before critical. */
static void
order(struct parser *p, struct config_check *c, int line)
{
	struct config_probe	*cp = c->probe;
	char			 sw[CONFVAL_SAFE], sc[CONFVAL_SAFE];

	if (cp->warning.unit != cp->critical.unit ||
	    cp->warning.unit == CONFIG_UNIT_NONE)
		return;
	config_values_safe(sw, p->threshold[0]);
	config_values_safe(sc, p->threshold[1]);
	p->lineno = line;
	if (c->kind != CONFIG_DISK && cp->critical.value < cp->warning.value)
		config_parser_error(p, "critical: \"%s\" is less than warning "
		    "\"%s\": a longer time is worse, so critical must be at "
		    "least warning", sc, sw);
	else if (c->kind == CONFIG_DISK &&
	    cp->critical.value > cp->warning.value)
		config_parser_error(p, "critical: \"%s\" is more than warning "
		    "\"%s\": less free space is worse, so critical must be at "
		    "most warning", sc, sw);
}

static void
thresholds(struct parser *p, struct config_check *c)
{
	struct config_threshold	 t[2];
	int			 line[2], i, bad = 0;

	line[0] = config_parser_line(p, "warning");
	line[1] = config_parser_line(p, "critical");
	if (c->kind == CONFIG_DISK && line[0] == 0 && line[1] == 0) {
		c->probe->warning.unit = CONFIG_UNIT_PERCENT;
		c->probe->warning.value = 1000;
		c->probe->critical.unit = CONFIG_UNIT_PERCENT;
		c->probe->critical.value = 500;
		return;
	}
	for (i = 0; i < 2; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		if (line[i] == 0 || p->threshold[i] == NULL)
			continue;
		p->lineno = line[i];
		if (threshold(p, c, i, &t[i]) == -1)
			bad = 1;
	}
	/*
	 * A command check's thresholds were refused above; with none it has
	 * nothing to keep, and maybe no probe settings to keep it in.
	 */
	if (bad || c->kind == CONFIG_COMMAND)
		return;
	c->probe->warning = t[0];
	c->probe->critical = t[1];
	order(p, c, line[1]);
}

/*
 * mydaemon's own pidfile: reading it would drop the daemon's lock on it
 * (closing any descriptor of a file drops the process's POSIX locks).
 */
static void
own_pidfile(struct parser *p, struct config_check *c)
{
	if (c->kind != CONFIG_PROCESS || p->cfg->pidfile == NULL ||
	    strcmp(c->probe->target, p->cfg->pidfile) != 0)
		return;
	p->lineno = c->probe->line;
	config_parser_error(p, "process: %s is mydaemon's own pidfile (the "
	    "daemon cannot read it without dropping its lock)",
	    c->probe->target);
}

void
config_probe_section_end(struct parser *p)
{
	struct config_check	*c = p->cur;
	int			 lineno = p->lineno;

	/*
	 * Not a dead section, nor one without a command or probe.  Below,
	 * c->probe is used only for a probe's kind, which always has it
	 * (config_probe_set_kind()); a command check has it only when one
	 * of the keys foreign_keys() reports was misplaced in it.
	 */
	if (c != NULL && c != &p->dead && c->command != NULL) {
		foreign_keys(p, c);
		thresholds(p, c);
		own_pidfile(p, c);
	}
	free(p->threshold[0]);
	free(p->threshold[1]);
	p->threshold[0] = p->threshold[1] = NULL;
	p->lineno = lineno;
}
