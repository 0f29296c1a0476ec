/*
 * config_keys.c - every key of mydaemon.conf and how its value is read
 * (see config_keys.h).  One table says where a key may appear (before the
 * sections, in a [check] section, or before them as one of the flat
 * check_* keys of the check "main"), which reader takes its value and
 * which field it sets.  Value syntax itself is config_values.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/config_access.h"
#include "config/config_depends.h"
#include "config/config_hook.h"
#include "config/config_include.h"
#include "config/config_keys.h"
#include "config/config_probe.h"
#include "config/config_values.h"
#include "base/words.h"

#define SEC		1000ULL
#define HOUR		(3600 * SEC)
#define BOOLEANS	"yes, no, true, false, on, off, 1 or 0"

typedef void	setter(struct parser *, const struct confkey *, void *,
		    const char *);
static setter	set_listen, set_path, set_name, set_table, set_command,
		set_duration, set_uint, set_percent;

#define CF(f)	offsetof(struct config, f)
#define CK(f)	offsetof(struct config_check, f)
#define G	SCOPE_GLOBAL
#define F	SCOPE_FLAT
#define C	SCOPE_CHECK
#define PATH(n, f, w, null, r) { n, G, set_path, CF(f), 0, 0, r, w, null, 0 }
#define TABLE(n, s, off, t, r)	{ n, s, set_table, off, 0, 0, r, t, 0, 0 }
#define DUR(n, s, off, lo, hi, r) \
	{ n, s, set_duration, off, lo, hi, r, 0, 0, 0 }
#define UINT(n, s, off, lo, hi, r) { n, s, set_uint, off, lo, hi, r, 0, 0, 0 }
#define PLAIN(n, s, fn, off)	{ n, s, fn, off, 0, 0, NULL, NULL, 0, 0 }
#define REPEAT(n, s, fn, off)	{ n, s, fn, off, 0, 0, NULL, NULL, 0, 1 }

const struct confkey confkeys[] = {
	REPEAT("listen", G, set_listen, CF(listen)),
	REPEAT("agent_listen", G, set_listen, CF(agent_listen)),
	PATH("pidfile", pidfile, "none", 1, "an absolute path or \"none\""),
	PLAIN("user", G, set_name, CF(user)),
	PLAIN("group", G, set_name, CF(group)),
	PATH("log_file", log_file, "syslog stderr", 0,
	    "an absolute path, \"syslog\" or \"stderr\""),
	TABLE("log_level", G, CF(log_level), config_values_levels,
	    "error, warning, notice, info or debug"),
	TABLE("syslog_facility", G, CF(syslog_facility),
	    config_values_facilities,
	    "daemon, user, auth, authpriv, cron, mail, news, lpr, uucp, ftp, "
	    "syslog or local0 to local7"),
	PATH("access_log", access_log, "off", 1,
	    "an absolute path or \"off\""),
	TABLE("maintenance", G, CF(maintenance), config_values_booleans,
	    BOOLEANS),
	PATH("maintenance_file", maintenance_file, NULL, 0, "an absolute path"),
	PATH("result_dir", result_dir, NULL, 0, "an absolute path"),
	PLAIN("agent_warning_weight", G, set_percent,
	    CF(agent_warning_weight)),
	UINT("max_parallel_checks", G, CF(max_parallel_checks), 1,
	    CONFIG_MAX_CHECKS, "1-1024"),
	UINT("max_connections", G, CF(max_connections), 1, 65536, "1-65536"),
	DUR("idle_timeout", G, CF(idle_timeout_ms), 10, 24 * HOUR,
	    "10ms-24h"),
	DUR("shutdown_timeout", G, CF(shutdown_timeout_ms), 0, HOUR, "0-1h"),
	REPEAT("include", SCOPE_ANY, config_include_key, 0),
	PLAIN("check_command", F, set_command, 0),
	DUR("check_interval", F, CK(interval_ms), 10, 24 * HOUR, "10ms-24h"),
	DUR("check_timeout", F, CK(timeout_ms), 10, 24 * HOUR, "10ms-24h"),
	UINT("check_rise", F, CK(rise), 1, 100, "1-100"),
	UINT("check_fall", F, CK(fall), 1, 100, "1-100"),
	PLAIN("command", C, set_command, 0),
	DUR("interval", C, CK(interval_ms), 10, 24 * HOUR, "10ms-24h"),
	DUR("timeout", C, CK(timeout_ms), 10, 24 * HOUR, "10ms-24h"),
	UINT("rise", C, CK(rise), 1, 100, "1-100"),
	UINT("fall", C, CK(fall), 1, 100, "1-100"),
	TABLE("affects_health", C, CK(affects_health), config_values_booleans,
	    BOOLEANS),
	/* The built-in probes (SPEC 19): config_probe.c. */
	PLAIN("process", C, config_probe_set_kind, 0),
	PLAIN("tcp", C, config_probe_set_kind, 0),
	PLAIN("http", C, config_probe_set_kind, 0),
	PLAIN("file", C, config_probe_set_kind, 0),
	PLAIN("disk", C, config_probe_set_kind, 0),
	PLAIN("process_name", C, config_probe_set_comm, 0),
	PLAIN("send", C, config_probe_set_text, 0),
	PLAIN("expect", C, config_probe_set_text, 0),
	PLAIN("expect_status", C, config_probe_set_status, 0),
	PLAIN("expect_body", C, config_probe_set_body, 0),
	PLAIN("host_header", C, config_probe_set_host, 0),
	{ "max_age", C, config_probe_set_age, 0, SEC, 8760 * HOUR,
	    "1s-8760h", 0, 0, 0 },
	PLAIN("min_size", C, config_probe_set_size, 0),
	PLAIN("warning", C, config_probe_set_threshold, 0),
	PLAIN("critical", C, config_probe_set_threshold, 0),
	PLAIN("depends", C, config_depends_set, 0),
	DUR("start_grace", C, CK(start_grace_ms), 0, 24 * HOUR, "0-24h"),
	DUR("ttl", C, CK(ttl_ms), 10, 8784 * HOUR, "10ms-8784h"),
	/* SPEC 21 hooks: config_hook.c */
	PLAIN("on_change", G, config_hook_set, CF(on_change)),
	PLAIN("on_change", C, config_hook_set, CK(on_change)),
	DUR("hook_timeout", G, CF(hook_timeout_ms), 10, HOUR, "10ms-1h"),
	/* SPEC 21: drains */
	TABLE("maintenance_status", G, CF(maintenance_status),
	    config_values_maint_status, "503 or 404"),
	DUR("shutdown_drain", G, CF(shutdown_drain_ms), 0, HOUR, "0-1h"),
	/* SPEC 22: exposure (config_access.c) */
	REPEAT("allow", G, config_access_set, CF(allow)),
	REPEAT("status_allow", G, config_access_set, CF(status_allow)),
	TABLE("health_details", G, CF(health_details), config_values_booleans,
	    BOOLEANS),
	/* SPEC 23: a check's own, or the global one (config_sections.c) */
	UINT("history", G, CF(history), 0, CONFIG_HISTORY_MAX, "0-500"),
	UINT("history", C, CK(history), 0, CONFIG_HISTORY_MAX, "0-500"),
};
const size_t config_keys_count = sizeof(confkeys) / sizeof(confkeys[0]);

#define FIELD(base, k, type)	((type *)(void *)((char *)(base) + (k)->off))

/* "listen = none": alone, and once. */
static void
listen_none(struct parser *p, const struct confkey *k, struct addr_list *a,
    size_t n)
{
	if (a->none_line != 0)
		config_parser_error(p, "%s: duplicate address \"none\" "
		    "(first on line %d)", k->name, a->none_line);
	else if ((a->none_line = p->lineno) && n > 0)
		config_parser_error(p, "%s: \"none\" cannot be combined "
		    "with other addresses", k->name);
}

/* An address into *l; -1 after saying what is wrong with it. */
static int
read_addr(struct parser *p, const struct confkey *k, const char *val,
    struct config_listen *l)
{
	const char	*why;
	char		 sv[CONFVAL_SAFE];

	if (config_values_listen(val, l, &why) == 0)
		return 0;
	if (strcmp(why, "port") == 0)
		config_parser_error(p, "%s: invalid port in \"%s\" (expected "
		    "1-65535)", k->name, config_values_safe(sv, val));
	else
		config_parser_error(p, "%s: invalid address \"%s\" (expected "
		    "A.B.C.D:PORT, [IPv6]:PORT or *:PORT)", k->name,
		    config_values_safe(sv, val));
	return -1;
}

/* listen, agent_listen: may repeat; "none" stands alone. */
static void
set_listen(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	int			 agent = k->off == CF(agent_listen);
	struct addr_list	*a = &p->addrs[agent];
	struct config_listen	*v = FIELD(base, k, struct config_listen), l;
	size_t			*n = agent ? &p->cfg->nagent_listen :
				    &p->cfg->nlisten, i;
	char			 sv[CONFVAL_SAFE];

	if (!a->given) {
		a->given = 1;
		*n = 0;		/* the file's addresses replace ours */
	}
	if (strcasecmp(val, "none") == 0) {
		listen_none(p, k, a, *n);
		return;
	}
	if (read_addr(p, k, val, &l) == -1)
		return;
	if (a->none_line != 0) {
		config_parser_error(p, "%s: \"none\" cannot be combined with "
		    "other "
		    "addresses", k->name);
		return;
	}
	for (i = 0; i < *n; i++) {
		if (config_values_same_addr(&v[i], &l)) {
			config_parser_error(p, "%s: duplicate address \"%s\" "
			    "(first on line %d)", k->name,
			    config_values_safe(sv, val), a->line[i]);
			return;
		}
	}
	if (*n == CONFIG_MAX_LISTEN) {
		config_parser_error(p, "%s: too many addresses (at most %d)",
		    k->name, CONFIG_MAX_LISTEN);
		return;
	}
	a->line[*n] = p->lineno;
	v[(*n)++] = l;
}

/*
 * An absolute path, or one of the key's keywords ("none", "off",
 * "syslog"...): the first one means "unset" when word_null says so,
 * the others stand for themselves.  `range` says it all to users.
 */
static void
set_path(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	char		**dst = FIELD(base, k, char *);
	const char	 *w = k->arg;
	size_t		  n;

	for (; w != NULL && *w != '\0'; w += n + (w[n] == ' ')) {
		n = strcspn(w, " ");
		if (strlen(val) == n && strncasecmp(val, w, n) == 0) {
			config_parser_string(p, dst, w == k->arg &&
			    k->word_null ? NULL : val);
			if (*dst != NULL)	/* as we spell it */
				memcpy(*dst, w, n);
			return;
		}
	}
	if (val[0] == '/')
		config_parser_string(p, dst, val);
	else
		config_parser_error(p, "%s: must be %s", k->name, k->range);
}

/*
 * The portable user name character set; '-' first would read as an
 * option to tools like chown.  Whether the name exists is checked by
 * the caller at start-up: this module does not touch the user database.
 */
static void
set_name(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	static const char	 ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-";
	char			 sv[CONFVAL_SAFE];

	if (val[0] == '-' || val[strspn(val, ok)] != '\0') {
		config_parser_error(p, "%s: invalid name \"%s\" (expected "
		    "letters, digits, '.', '_' or '-', not starting with "
		    "'-')", k->name, config_values_safe(sv, val));
		return;
	}
	config_parser_string(p, FIELD(base, k, char *), val);
	if (k->off == CF(user))
		p->cfg->user_line = p->lineno;
	else
		p->cfg->group_line = p->lineno;
}

/* One name of a table (levels, facilities, booleans). */
static void
set_table(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	char	 sv[CONFVAL_SAFE];

	if (config_values_lookup((const void *)k->arg, val,
	    FIELD(base, k, int)) == -1)
		config_parser_error(p, "%s: invalid value \"%s\" (expected %s)",
		    k->name, config_values_safe(sv, val), k->range);
}

/* Split now, so that a quoting mistake is caught by `mydaemon -t`. */
static void
set_command(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_check	*c = base;
	char			**argv;

	if (config_probe_taken(p, k, c))
		return;
	if ((argv = config_parser_argv(p, k->name, val)) == NULL)
		return;
	words_free(c->argv);
	c->argv = argv;
	c->command_line = p->lineno;
	config_parser_string(p, &c->command, val);
}

/* A number in range, or the message that says why not. */
static void
range_error(struct parser *p, const struct confkey *k, enum confval r,
    const char *val, const char *what)
{
	char		 sv[CONFVAL_SAFE];
	const char	*want = "a decimal integer";

	if (strcmp(what, "duration") == 0)
		want = "a number with ms, s, m or h";
	else if (strcmp(what, "weight") == 0)
		want = "a percentage, 0% to 100%";
	if (r == CONFVAL_INVALID)
		config_parser_error(p, "%s: invalid %s \"%s\" (expected %s)",
		    k->name, what, config_values_safe(sv, val), want);
	else
		config_parser_error(p, "%s: %s is out of range (%s)", k->name,
		    config_values_safe(sv, val),
		    k->range ? k->range : "0%-100%");
}

static void
set_duration(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	enum confval	 r;
	uint64_t	 ms;

	if ((r = config_values_duration(val, &ms)) == CONFVAL_OK &&
	    (ms < k->min || ms > k->max))
		r = CONFVAL_RANGE;
	if (r == CONFVAL_OK)
		*FIELD(base, k, uint64_t) = ms;
	else
		range_error(p, k, r, val, "duration");
}

static void
set_uint(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	enum confval	 r;
	uint64_t	 n;

	if ((r = config_values_number(val, strlen(val), &n)) == CONFVAL_OK &&
	    (n < k->min || n > k->max))
		r = CONFVAL_RANGE;
	if (r == CONFVAL_OK)
		*FIELD(base, k, unsigned int) = (unsigned int)n;
	else
		range_error(p, k, r, val, "number");
}

static void
set_percent(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	enum confval	 r;

	if ((r = config_values_percent(val, FIELD(base, k, unsigned int))) !=
	    CONFVAL_OK)
		range_error(p, k, r, val, "weight");
}

