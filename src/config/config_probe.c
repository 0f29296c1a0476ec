/*
 * config_probe.c - the built-in probes' keys in a [check] section (see
 * config_probe.h).
 *
 * The order of a section's keys does not matter, so what depends on the
 * kind is decided when the section ends (config_probe_end.c); until then
 * a threshold is kept as written, in the parser.  A kind whose value is
 * wrong still counts as given: one message, not a second "no command".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_parser.h"
#include "config/config_probe.h"
#include "config/config_probe_values.h"
#include "config/config_values.h"

#define ONE_OF	"one of command, process, tcp, http, file or disk per check"
#define TLS	"use command = /usr/lib/nagios/plugins/check_http --ssl ..."

/* By enum config_kind (config_probe.h). */
const char *const config_probe_kinds[] = { "command", "process", "tcp", "http",
    "file", "disk" };

/*
 * Made here rather than with the check: most checks are commands, which
 * need none.  Any key of a probe makes it, whatever comes first in the
 * section (send before tcp =); a key misplaced in a command check makes
 * one too, to be reported at the section's end and freed with the rest.
 */
struct config_probe *
config_probe_of(struct parser *p, struct config_check *c)
{
	if (c->probe == NULL &&
	    (c->probe = calloc(1, sizeof(*c->probe))) == NULL)
		p->oom = 1;
	return c->probe;
}

int
config_probe_taken(struct parser *p, const struct confkey *k,
    struct config_check *c)
{
	if (c->command == NULL)
		return 0;
	config_parser_error(p, "%s: this check already has %s (line %d): "
	    ONE_OF, k->name, config_probe_kinds[c->kind], c->command_line);
	return 1;
}

/* Why a tcp address or an http URL is refused. */
static void
addr_error(struct parser *p, const struct confkey *k, enum probeval r,
    const char *val)
{
	int	 tcp = strcmp(k->name, "tcp") == 0;
	char	 sv[CONFVAL_SAFE];

	config_values_safe(sv, val);
	if (r == PROBEVAL_PORT)
		config_parser_error(p, "%s: invalid port in \"%s\" (expected "
		    "1-65535)", k->name, sv);
	else if (r == PROBEVAL_NAME)
		config_parser_error(p, "%s: \"%s\" names a host: use an IP "
		    "address or localhost (a name lookup would block)",
		    k->name, sv);
	else if (r == PROBEVAL_ANY)
		config_parser_error(p, "%s: \"%s\": * is not an address to "
		    "connect to (use 127.0.0.1 or [::1])", k->name, sv);
	else if (r == PROBEVAL_LONG)
		config_parser_error(p, "%s: socket path \"%s\" is too long (at "
		    "most %d bytes)", k->name, sv, PROBEVAL_UNIX_MAX);
	else if (r == PROBEVAL_HTTPS)
		config_parser_error(p, "%s: https is not supported (mydaemon "
		    "has no TLS library): " TLS, k->name);
	else if (r == PROBEVAL_PATH)
		config_parser_error(p, "%s: invalid path in \"%s\" (expected "
		    "visible ASCII, no spaces or '#')", k->name, sv);
	else if (tcp)
		config_parser_error(p, "%s: invalid address \"%s\" (expected "
		    "HOST:PORT, [IPv6]:PORT or /PATH)", k->name, sv);
	else
		config_parser_error(p, "%s: %s \"%s\" (expected "
		    "http://HOST[:PORT][/PATH])", k->name,
		    r == PROBEVAL_SCHEME ? "unsupported scheme in" :
		    "invalid URL", sv);
}

/* http: where to connect, the path, and the Host header by default. */
static void
set_http(struct parser *p, const struct confkey *k, struct config_probe *cp,
    const char *val)
{
	struct config_probe_url	 u;
	enum probeval		 r;

	if ((r = config_probe_values_http(val, &u)) != PROBEVAL_OK) {
		addr_error(p, k, r, val);
		return;
	}
	cp->addr = u.addr;
	cp->addrlen = u.addrlen;
	config_parser_string(p, &cp->path, u.path);
	if (cp->host_header == NULL &&
	    (cp->host_header = strndup(u.host, u.hostlen)) == NULL)
		p->oom = 1;
}

void
config_probe_set_kind(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_check	*c = base;
	struct config_probe	*cp;
	enum config_kind	 kind = CONFIG_PROCESS;
	enum probeval		 r;
	size_t			 n;

	/* Before the kind is set: a probe's kind always has its settings. */
	if (config_probe_taken(p, k, c) || (cp = config_probe_of(p, c)) ==
	    NULL)
		return;
	while (strcmp(config_probe_kinds[kind], k->name) != 0)
		kind++;
	c->kind = kind;
	c->command_line = cp->line = p->lineno;
	config_parser_string(p, &cp->target, val);
	n = strlen(k->name) + strlen(val) + 2;
	if ((c->command = malloc(n)) == NULL)
		p->oom = 1;
	else
		(void)snprintf(c->command, n, "%s %s", k->name, val);
	if (kind == CONFIG_TCP) {
		if ((r = config_probe_values_tcp(val, &cp->addr,
		    &cp->addrlen)) != PROBEVAL_OK)
			addr_error(p, k, r, val);
	} else if (kind == CONFIG_HTTP)
		set_http(p, k, cp, val);
	else if (val[0] != '/')
		config_parser_error(p, "%s: must be an absolute path", k->name);
}

void
config_probe_set_comm(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe	*cp;
	enum probeval		 r;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL)
		return;
	if ((r = config_probe_values_comm(val)) == PROBEVAL_LONG)
		config_parser_error(p, "%s: \"%s\" is %zu bytes, but the "
		    "kernel keeps only the first %d of a process's name: it "
		    "could never match", k->name, config_values_safe(sv, val),
		    strlen(val), PROBEVAL_COMM_MAX);
	else if (r != PROBEVAL_OK)
		config_parser_error(p, "%s: invalid process name \"%s\" "
		    "(expected 1 to %d bytes, no '/' or control characters)",
		    k->name, config_values_safe(sv, val), PROBEVAL_COMM_MAX);
	else
		config_parser_string(p, &cp->process_name, val);
}

/* The escape at s, as written (a whole UTF-8 sequence), for a message. */
static const char *
escape_text(char *buf, const char *s)
{
	char	 e[8];
	size_t	 n = 2;

	while (n < 5 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	memcpy(e, s, n);
	e[n] = '\0';
	return config_values_safe(buf, e);
}

/* send, expect: escapes decoded, kept with their length. */
void
config_probe_set_text(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe	*cp;
	int			 send = strcmp(k->name, "send") == 0;
	char			*d, **dst;
	size_t			 n, *len;
	const char		*bad;
	enum probeval		 r;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL)
		return;
	dst = send ? &cp->send : &cp->expect;
	len = send ? &cp->send_len : &cp->expect_len;
	if ((d = malloc(strlen(val) + 1)) == NULL) {
		p->oom = 1;
		return;
	}
	if ((r = config_probe_values_text(val, d, &n, &bad)) != PROBEVAL_OK) {
		free(d);
		if (r == PROBEVAL_EMPTY)
			config_parser_error(p, "%s: empty text", k->name);
		else if (bad[1] == '\0')
			config_parser_error(p, "%s: the text ends with a "
			    "backslash (write \\\\ for one)", k->name);
		else
			config_parser_error(p, "%s: unknown escape \"%s\" "
			    "(expected \\r, \\n, \\t or \\\\)", k->name,
			    escape_text(sv, bad));
		return;
	}
	d[n] = '\0';
	free(*dst);
	*dst = d;
	*len = n;
}

void
config_probe_set_status(struct parser *p, const struct confkey *k,
    void *base, const char *val)
{
	struct config_probe	*cp;
	enum probeval		 r;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL ||
	    (r = config_probe_values_status(val, cp)) == PROBEVAL_OK)
		return;
	config_values_safe(sv, val);
	if (r == PROBEVAL_RANGE)
		config_parser_error(p, "%s: \"%s\" has a code that is not an "
		    "HTTP status (100-599)", k->name, sv);
	else if (r == PROBEVAL_ORDER)
		config_parser_error(p, "%s: \"%s\" has a range that ends "
		    "before it starts", k->name, sv);
	else if (r == PROBEVAL_MANY)
		config_parser_error(p, "%s: \"%s\" has too many codes and "
		    "ranges (at most %d)", k->name, sv, CONFIG_STATUS_MAX);
	else
		config_parser_error(p, "%s: invalid status list \"%s\" "
		    "(expected codes and ranges such as 200, 301-302)",
		    k->name, sv);
}

void
config_probe_set_body(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe *cp;

	(void)k;
	if ((cp = config_probe_of(p, base)) != NULL)
		config_parser_string(p, &cp->expect_body, val);
}

/* host_header goes into the request as it is: no CR, LF or blank. */
void
config_probe_set_host(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe	*cp;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL)
		return;
	if (config_probe_values_header(val) != PROBEVAL_OK)
		config_parser_error(p, "%s: invalid host \"%s\" (expected "
		    "visible ASCII, no spaces)", k->name,
		    config_values_safe(sv, val));
	else
		config_parser_string(p, &cp->host_header, val);
}

void
config_probe_set_size(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe	*cp;
	enum probeval		 r;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL)
		return;
	r = config_probe_values_bytes(val, &cp->min_size);
	if (r == PROBEVAL_RANGE)
		config_parser_error(p, "%s: %s is out of range (too large)",
		    k->name, config_values_safe(sv, val));
	else if (r != PROBEVAL_OK)
		config_parser_error(p, "%s: invalid size \"%s\" (expected a "
		    "number of bytes, or with B, KB, MB, GB or TB)", k->name,
		    config_values_safe(sv, val));
}

/*
 * max_age: a duration within the row's min and max, read and reported
 * as config_keys.c's set_duration() does for every other duration.
 */
void
config_probe_set_age(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_probe	*cp;
	enum confval		 r;
	uint64_t		 ms;
	char			 sv[CONFVAL_SAFE];

	if ((cp = config_probe_of(p, base)) == NULL)
		return;
	config_values_safe(sv, val);
	if ((r = config_values_duration(val, &ms)) == CONFVAL_INVALID)
		config_parser_error(p, "%s: invalid duration \"%s\" (expected "
		    "a number with ms, s, m or h)", k->name, sv);
	else if (r != CONFVAL_OK || ms < k->min || ms > k->max)
		config_parser_error(p, "%s: %s is out of range (%s)", k->name,
		    sv, k->range);
	else
		cp->max_age_ms = ms;
}

/*
 * warning, critical: kept as written until the kind is known, in the
 * parser; they need no probe settings until then (config_probe_end.c).
 */
void
config_probe_set_threshold(struct parser *p, const struct confkey *k,
    void *base, const char *val)
{
	(void)base;
	config_parser_string(p, &p->threshold[k->name[0] == 'c'], val);
}

void
config_probe_free(struct config_probe *cp)
{
	if (cp == NULL)
		return;
	free(cp->target);
	free(cp->process_name);
	free(cp->send);
	free(cp->expect);
	free(cp->host_header);
	free(cp->path);
	free(cp->expect_body);
	free(cp);
}
