/*
 * config_access.c - "allow = CIDR, ..." and "status_allow = CIDR, ..."
 * (see config_access.h).  Entries are separated by commas and/or
 * blanks; an address without "/LEN" is one host.  An address with bits
 * set past its prefix ("10.1.2.3/8") is taken as the network it names,
 * with a warning that `mydaemon -t` prints: it is most likely a typo for
 * a host or for a longer prefix, but it is no danger to read it so.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_access.h"
#include "config/config_parser.h"
#include "config/config_values.h"

#define ACCESS_MAX	1024	/* entries of one list at most */
#define WARN_MAX	512

/* Keep a warning with file and line for config_load_warnings(). */
static void
warn(struct parser *p, const char *key, const char *entry,
    const struct cidr *c)
{
	struct config	*cfg = p->cfg;
	char		 net[CIDR_TEXT_MAX], sv[CONFVAL_SAFE], **v, *s;

	if (p->oom)
		return;
	cidr_format(c, net, sizeof(net));
	if ((s = malloc(WARN_MAX)) == NULL) {
		p->oom = 1;
		return;
	}
	snprintf(s, WARN_MAX, "%s:%d: warning: %s: \"%s\" has host bits set: "
	    "taken as %s", p->file, p->lineno, key,
	    config_values_safe(sv, entry), net);
	if ((v = realloc(cfg->warnings, (cfg->nwarnings + 1) *
	    sizeof(*v))) == NULL) {
		free(s);
		p->oom = 1;
		return;
	}
	cfg->warnings = v;
	cfg->warnings[cfg->nwarnings++] = s;
}

/* Append c to the list, growing it by doubling. */
static int
append(struct parser *p, struct cidr **list, size_t *n, const struct cidr *c)
{
	struct cidr *v;

	if ((*n & (*n - 1)) == 0) {
		if ((v = realloc(*list, (*n ? *n * 2 : 1) * sizeof(*v))) ==
		    NULL) {
			p->oom = 1;
			return -1;
		}
		*list = v;
	}
	(*list)[(*n)++] = *c;
	return 0;
}

void
config_access_set(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config	*cfg = base;
	int		 st = k->off == offsetof(struct config, status_allow);
	struct cidr	**list = st ? &cfg->status_allow : &cfg->allow, c;
	size_t		*n = st ? &cfg->nstatus_allow : &cfg->nallow, pos = 0;
	char		 entry[CIDR_TEXT_MAX + 1], sv[CONFVAL_SAFE];
	const char	*start, *why;
	long		 len;
	int		 host_bits, none = 1;

	while ((len = cidr_next(val, &pos, &start)) != -1) {
		none = 0;
		snprintf(entry, sizeof(entry), "%.*s", (int)len, start);
		if (cidr_parse(start, (size_t)len, &c, &host_bits, &why) ==
		    -1) {
			config_parser_error(p, "%s: %s%s%s%s", k->name, why,
			    len > 0 ? " in \"" : "", len > 0 ?
			    config_values_safe(sv, entry) : "",
			    len > 0 ? "\"" : "");
			continue;
		}
		if (*n == ACCESS_MAX) {
			config_parser_error(p, "%s: too many entries (at most "
			    "%d)", k->name, ACCESS_MAX);
			return;
		}
		if (host_bits)
			warn(p, k->name, entry, &c);
		if (append(p, list, n, &c) == -1)
			return;
	}
	if (none)
		config_parser_error(p, "%s: no address given (expected "
		    "A.B.C.D[/LEN] or IPv6[/LEN], separated by commas)",
		    k->name);
}

void
config_access_free(struct config *cfg)
{
	size_t	 i;

	free(cfg->allow);
	free(cfg->status_allow);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	cfg->allow = cfg->status_allow = NULL;
	cfg->warnings = NULL;
	cfg->nallow = cfg->nstatus_allow = cfg->nwarnings = 0;
}
