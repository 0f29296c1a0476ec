/*
 * test_config.c - the config parser, one behaviour per assertion.
 *
 * The messages are part of the interface (`mydaemon -t` prints them and
 * scripts and people match on them), so errors are compared word for
 * word, with file and line.  Value syntax (durations, listen addresses)
 * is internal to the parser and is tested through config_parse(), the
 * way a user meets it.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "config/config.h"
#include "tap.h"

#define PIDFILE		"/run/mydaemon.pid"
#define LOGFILE		"/var/log/mydaemon/mydaemon.log"
#define MAINTFILE	"/var/lib/mydaemon/maintenance"
#define RESULTDIR	"/var/lib/mydaemon/results"

static const struct config_paths paths = { PIDFILE, LOGFILE, MAINTFILE,
    RESULTDIR, NULL };

static struct config *
parse_len(const char *text, size_t len, struct config_errors *e)
{
	return config_parse("t.conf", text, len, &paths, e);
}

static void
diag_errors(const struct config_errors *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		printf("#   error: %s\n", e->msg[i]);
}


/* Parse text that must be valid; one assertion. */
static struct config *
good(const char *text, const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;

	cfg = parse_len(text, strlen(text), &e);
	if (!ok(cfg != NULL && e.n == 0, "accepts %s", name))
		diag_errors(&e);
	config_parse_errors_free(&e);
	return cfg;
}

/* The one message text (len bytes) is rejected with, or what happened. */
static char *
verdict(const char *text, size_t len)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	const char		*got;
	char			*s;

	cfg = parse_len(text, len, &e);
	if (cfg != NULL)
		got = "(accepted)";
	else if (e.n != 1)
		got = e.n == 0 ? "(no message)" : "(several messages)";
	else
		got = e.msg[0];
	if (e.n > 1)
		diag_errors(&e);
	s = strdup(got);
	config_parse_free(cfg);
	config_parse_errors_free(&e);
	return s;
}

/* Text (of len bytes) that must fail with exactly one message. */
static void
bad_len(const char *text, size_t len, const char *want)
{
	char	*got = verdict(text, len);

	is_str(got, want, "rejects with: %s", want);
	free(got);
}

static void
bad(const char *text, const char *want)
{
	bad_len(text, strlen(text), want);
}

/* Whether text fails with exactly want, for ok(); says what it got. */
static int
verdict_is(const char *text, const char *want)
{
	char	*got = verdict(text, strlen(text));
	int	 same = got != NULL && strcmp(got, want) == 0;

	if (!same)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got ? got : "(null)", want);
	free(got);
	return same;
}

/* Text that must fail with exactly these messages, in this order. */
static void
bad_all(const char *file, const char *text, const char *const *want,
    size_t n, const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	size_t			 i;

	cfg = config_parse(file, text, strlen(text), &paths, &e);
	if (!ok(cfg == NULL && e.n == n, "%s: %zu messages", name, n))
		diag_errors(&e);
	for (i = 0; i < n && i < e.n; i++)
		is_str(e.msg[i], want[i], "%s, #%zu", name, i + 1);
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

static void
test_defaults(void)
{
	static const struct config_paths none = { NULL, NULL, NULL, NULL,
	    NULL };
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	struct sockaddr_in	*sin;

	cfg = good("", "an empty file");
	if (cfg == NULL)
		return;
	sin = (struct sockaddr_in *)&cfg->listen[0].addr;
	ok(cfg->nlisten == 1, "default: one listen address");
	is_str(cfg->listen[0].text, "127.0.0.1:8080", "default: listen text");
	ok(sin->sin_family == AF_INET && ntohs(sin->sin_port) == 8080 &&
	    sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	    cfg->listen[0].addrlen == sizeof(*sin),
	    "default: listen sockaddr is 127.0.0.1 port 8080");
	is_str(cfg->pidfile, PIDFILE, "default: pidfile passed in");
	is_str(cfg->log_file, LOGFILE, "default: log_file passed in");
	is_str(cfg->maintenance_file, MAINTFILE,
	    "default: maintenance_file passed in");
	is_str(cfg->result_dir, RESULTDIR, "default: result_dir passed in");
	ok(cfg->user == NULL && cfg->user_line == 0, "default: no user");
	ok(cfg->group == NULL && cfg->group_line == 0, "default: no group");
	ok(cfg->log_level == LOG_INFO, "default: log_level info");
	ok(cfg->syslog_facility == LOG_DAEMON, "default: facility daemon");
	ok(cfg->access_log == NULL, "default: access_log off");
	ok(cfg->maintenance == 0, "default: maintenance no");
	ok(cfg->nchecks == 0, "default: no check");
	ok(cfg->max_parallel_checks == 4, "default: max_parallel_checks 4");
	ok(cfg->nagent_listen == 0, "default: agent_listen none");
	ok(cfg->agent_warning_weight == 100,
	    "default: agent_warning_weight 100%%");
	ok(cfg->max_connections == 512, "default: max_connections 512");
	ok(cfg->idle_timeout_ms == 10000, "default: idle_timeout 10s");
	ok(cfg->shutdown_timeout_ms == 5000, "default: shutdown_timeout 5s");
	config_parse_free(cfg);

	cfg = config_parse("t.conf", "", 0, &none, &e);
	ok(cfg != NULL && cfg->pidfile == NULL &&
	    strcmp(cfg->log_file, "stderr") == 0 &&
	    cfg->maintenance_file == NULL,
	    "NULL paths: pidfile none, log_file stderr, no maintenance_file");
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

/* Every global and flat key once, CRLF, blanks and comments everywhere. */
static const char full_text[] =
    "# a complete file\r\n"
    "\r\n"
    "  listen = 127.0.0.1:9000   # local\r\n"
    "listen=[::1]:9000\r\n"
    "\tpidfile\t=\t/var/run/x.pid\t\r\n"
    "user = nobody\r\n"
    "group = no.group_1-x\r\n"
    "log_file = syslog\r\n"
    "log_level = debug # loud\r\n"
    "syslog_facility = local3\r\n"
    "access_log = /var/log/access.log\r\n"
    "maintenance = yes\r\n"
    "check_command = /bin/echo \"a # b\" 'c d' # comment\r\n"
    "check_interval = 1500ms\r\n"
    "check_timeout = 2m\r\n"
    "check_rise = 3\r\n"
    "check_fall = 100\r\n"
    "max_connections = 65536\r\n"
    "idle_timeout = 1h\r\n"
    "agent_listen = *:9777\r\n"
    "agent_warning_weight = 25%\r\n"
    "maintenance_file = /var/tmp/drain\r\n"
    "max_parallel_checks = 16\r\n"
    "shutdown_timeout = 0";			/* no final newline */

static void
test_full_file(void)
{
	struct config		*cfg;
	struct config_check	*c;

	cfg = good(full_text, "a file setting every key, with CRLF");
	if (cfg == NULL)
		return;
	ok(cfg->nlisten == 2 && cfg->listen[1].addr.ss_family == AF_INET6,
	    "full: two listen addresses, the second IPv6");
	is_str(cfg->listen[0].text, "127.0.0.1:9000", "full: listen text");
	is_str(cfg->pidfile, "/var/run/x.pid", "full: pidfile, tabs trimmed");
	ok(cfg->user != NULL && strcmp(cfg->user, "nobody") == 0 &&
	    cfg->user_line == 6, "full: user and user_line");
	ok(cfg->group != NULL && strcmp(cfg->group, "no.group_1-x") == 0 &&
	    cfg->group_line == 7, "full: group and group_line");
	is_str(cfg->log_file, "syslog", "full: log_file syslog");
	ok(cfg->log_level == LOG_DEBUG, "full: comment after log_level");
	ok(cfg->syslog_facility == LOG_LOCAL3, "full: facility local3");
	is_str(cfg->access_log, "/var/log/access.log", "full: access_log");
	ok(cfg->maintenance == 1, "full: maintenance");
	ok(cfg->max_connections == 65536, "full: max_connections 65536");
	ok(cfg->idle_timeout_ms == 3600000, "full: idle_timeout 1h");
	ok(cfg->shutdown_timeout_ms == 0, "full: shutdown_timeout 0");
	ok(cfg->nagent_listen == 1 &&
	    strcmp(cfg->agent_listen[0].text, "*:9777") == 0,
	    "full: agent_listen");
	ok(cfg->agent_warning_weight == 25, "full: agent_warning_weight 25%%");
	is_str(cfg->maintenance_file, "/var/tmp/drain",
	    "full: maintenance_file");
	ok(cfg->max_parallel_checks == 16, "full: max_parallel_checks 16");

	if (!ok(cfg->nchecks == 1 && strcmp(cfg->checks[0].name, "main") == 0,
	    "full: the flat check_* keys make one check named main")) {
		config_parse_free(cfg);
		return;
	}
	c = &cfg->checks[0];
	is_str(c->command, "/bin/echo \"a # b\" 'c d'",
	    "full: check_command raw text keeps the quoted #");
	ok(c->argv != NULL && c->argv[3] == NULL &&
	    strcmp(c->argv[1], "a # b") == 0 &&
	    strcmp(c->argv[2], "c d") == 0, "full: check_command argv");
	ok(c->interval_ms == 1500 && c->timeout_ms == 120000,
	    "full: check_interval 1500ms, check_timeout 2m");
	ok(c->rise == 3 && c->fall == 100, "full: check_rise, check_fall");
	ok(c->affects_health == 1, "full: the main check affects health");
	ok(c->line == 0 && c->command_line == 13,
	    "full: main has no section line; command_line of check_command");
	config_parse_free(cfg);
}

/* Parse "KEY = VALUE" and hand back the config, or NULL. */
static struct config *
one(const char *key, const char *value)
{
	char		 text[256], name[256];

	snprintf(text, sizeof(text), "%s = %s\n", key, value);
	snprintf(name, sizeof(name), "%s = %s", key, value);
	return good(text, name);
}

static const struct named { const char *v; int want; } lv[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "DEBUG", LOG_DEBUG }
}, fac[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "lpr", LOG_LPR }, { "uucp", LOG_UUCP },
	{ "ftp", LOG_FTP }, { "syslog", LOG_SYSLOG },
	{ "local0", LOG_LOCAL0 }, { "local7", LOG_LOCAL7 }
}, bools[] = {
	{ "yes", 1 }, { "no", 0 }, { "TRUE", 1 }, { "false", 0 },
	{ "On", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 }
};

static void
test_enums(void)
{
	struct config	*cfg;
	size_t		 i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		cfg = one("log_level", lv[i].v);
		ok(cfg && cfg->log_level == lv[i].want, "log_level %s",
		    lv[i].v);
		config_parse_free(cfg);
	}
	for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++) {
		cfg = one("syslog_facility", fac[i].v);
		ok(cfg && cfg->syslog_facility == fac[i].want,
		    "syslog_facility %s", fac[i].v);
		config_parse_free(cfg);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		cfg = one("maintenance", bools[i].v);
		ok(cfg && cfg->maintenance == bools[i].want,
		    "maintenance %s", bools[i].v);
		config_parse_free(cfg);
	}
}

static void
test_paths(void)
{
	struct config	*cfg;

	cfg = one("pidfile", "none");
	ok(cfg && cfg->pidfile == NULL, "pidfile none is NULL");
	config_parse_free(cfg);
	cfg = one("log_file", "stderr");
	ok(cfg && strcmp(cfg->log_file, "stderr") == 0, "log_file stderr");
	config_parse_free(cfg);
	cfg = one("log_file", "SysLog");
	ok(cfg && strcmp(cfg->log_file, "syslog") == 0,
	    "log_file keyword in any case, kept as we spell it");
	config_parse_free(cfg);
	cfg = one("log_file", "/var/log/x.log");
	ok(cfg && strcmp(cfg->log_file, "/var/log/x.log") == 0,
	    "log_file absolute path");
	config_parse_free(cfg);
	cfg = one("access_log", "off");
	ok(cfg && cfg->access_log == NULL, "access_log off is NULL");
	config_parse_free(cfg);
	bad("pidfile = run/x.pid\n",
	    "t.conf:1: pidfile: must be an absolute path or \"none\"");
	bad("log_file = x.log\n", "t.conf:1: log_file: must be an absolute "
	    "path, \"syslog\" or \"stderr\"");
	bad("access_log = ./a\n",
	    "t.conf:1: access_log: must be an absolute path or \"off\"");
	bad("user = -x\n", "t.conf:1: user: invalid name \"-x\" (expected "
	    "letters, digits, '.', '_' or '-', not starting with '-')");
	bad("group = a b\n", "t.conf:1: group: invalid name \"a b\" "
	    "(expected letters, digits, '.', '_' or '-', not starting with "
	    "'-')");
	bad("user = root:x\n", "t.conf:1: user: invalid name \"root:x\" "
	    "(expected letters, digits, '.', '_' or '-', not starting with "
	    "'-')");
}

static void
test_errors(void)
{
	bad("colour = blue\n", "t.conf:1: unknown key \"colour\"");
	bad("Log_Level = info\n", "t.conf:1: unknown key \"Log_Level\"");
	bad("log_level = info\nlog_level = debug\n",
	    "t.conf:2: duplicate key \"log_level\" (first set on line 1)");
	bad("log_level = loud\n", "t.conf:1: log_level: invalid value "
	    "\"loud\" (expected error, warning, notice, info or debug)");
	bad("log_level = info#x\n", "t.conf:1: log_level: invalid value "
	    "\"info#x\" (expected error, warning, notice, info or debug)");
	bad("syslog_facility = local8\n", "t.conf:1: syslog_facility: "
	    "invalid value \"local8\" (expected daemon, user, auth, authpriv, "
	    "cron, mail, news, lpr, uucp, ftp, syslog or local0 to local7)");
	bad("maintenance = maybe\n", "t.conf:1: maintenance: invalid value "
	    "\"maybe\" (expected yes, no, true, false, on, off, 1 or 0)");
	bad("check_rise = 2\ncheck_rise = 3\n",
	    "t.conf:2: duplicate key \"check_rise\" (first set on line 1)");
	ok(verdict_is("check_command = /bin/a\ncheck_command = /bin/b\n",
	    "t.conf:2: duplicate key \"check_command\" (first set on line 1)"),
	    "a repeated check_command is a duplicate key");
}

static void
test_numbers(void)
{
	bad("max_connections = 0\n",
	    "t.conf:1: max_connections: 0 is out of range (1-65536)");
	bad("max_connections = 65537\n",
	    "t.conf:1: max_connections: 65537 is out of range (1-65536)");
	bad("max_connections = 99999999999999999999\n", "t.conf:1: "
	    "max_connections: 99999999999999999999 is out of range (1-65536)");
	bad("max_connections = -1\n", "t.conf:1: max_connections: invalid "
	    "number \"-1\" (expected a decimal integer)");
	bad("check_rise = +5\n", "t.conf:1: check_rise: invalid number "
	    "\"+5\" (expected a decimal integer)");
	bad("check_rise = 0x10\n", "t.conf:1: check_rise: invalid number "
	    "\"0x10\" (expected a decimal integer)");
	bad("check_rise = 0\n", "t.conf:1: check_rise: 0 is out of range "
	    "(1-100)");
	bad("check_fall = 101\n", "t.conf:1: check_fall: 101 is out of range "
	    "(1-100)");
}

static void
test_syntax(void)
{
	bad("justaword\n", "t.conf:1: expected \"key = value\"");
	bad("= value\n", "t.conf:1: expected \"key = value\"");
	bad("listen =\n", "t.conf:1: listen: missing value");
	bad("log_level = # comment only\n", "t.conf:1: log_level: missing "
	    "value");
	bad("check_command = /bin/echo \"oops\n",
	    "t.conf:1: check_command: unterminated double quote");
	bad("check_command = /bin/echo 'oops\n",
	    "t.conf:1: check_command: unterminated single quote");
	bad("check_command = /bin/echo oops\\\n",
	    "t.conf:1: check_command: trailing backslash");
	bad("check_command = '' -x\n",
	    "t.conf:1: check_command: empty command name");
	bad("listen = none\nlisten = 127.0.0.1:80\n", "t.conf:2: listen: "
	    "\"none\" cannot be combined with other addresses");
	bad("listen = 127.0.0.1:80\nlisten = none\n", "t.conf:2: listen: "
	    "\"none\" cannot be combined with other addresses");
}

static void
test_messages(void)
{
	char	 buf[256], want[256];

	bad("col\001our = x\n", "t.conf:1: unknown key \"col?our\"");
	bad("log_level = a\033[2Jb\n", "t.conf:1: log_level: invalid value "
	    "\"a?[2Jb\" (expected error, warning, notice, info or debug)");
	snprintf(buf, sizeof(buf), "log_level = %0100d\n", 7);
	snprintf(want, sizeof(want), "t.conf:1: log_level: invalid value "
	    "\"%064d...\" (expected error, warning, notice, info or debug)", 0);
	bad(buf, want);
	/* 63 ASCII bytes then a 2-byte UTF-8 letter straddling the cut. */
	snprintf(buf, sizeof(buf), "user = %063d\303\251\n", 0);
	snprintf(want, sizeof(want), "t.conf:1: user: invalid name "
	    "\"%063d...\" (expected letters, digits, '.', '_' or '-', not "
	    "starting with '-')", 0);
	bad(buf, want);
	bad_len("log_level = info\nlog_\0level = x\n", 31,
	    "t.conf:2: line contains a NUL byte");
}

static void
test_long_lines(void)
{
	char		 buf[4200];
	struct config	*cfg;

	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "#", 1);
	memcpy(buf + 4096, "\r\n", 2);
	cfg = parse_len(buf, 4098, NULL);
	ok(cfg != NULL, "a 4096-byte line (CRLF not counted) is accepted");
	config_parse_free(cfg);
	buf[4096] = 'x';
	bad_len(buf, 4098, "t.conf:1: line too long (more than 4096 bytes)");
}

/* Ten lines in error out of twelve: all of them must be reported. */
static const char multi_text[] =
    "listen = 10.0.0.1:80 # ok\n"	/* 1 */
    "log_level = info\n"		/* 2 */
    "colour = blue\n"			/* 3 */
    "log_level = debug\n"		/* 4 */
    "syslog_facility = loud\n"		/* 5 */
    "max_connections = 0\n"		/* 6 */
    "check_interval = 10x\n"		/* 7 */
    "no equals here\n"			/* 8 */
    "listen =\n"			/* 9 */
    "check_command = \"x\n"		/* 10 */
    "listen = none\n"			/* 11 */
    "pidfile = relative\n";		/* 12 */
static const char *const multi_want[] = {
    "f.conf:3: unknown key \"colour\"",
    "f.conf:4: duplicate key \"log_level\" (first set on line 2)",
    ("f.conf:5: syslog_facility: invalid value \"loud\" (expected "
    "daemon, user, auth, authpriv, cron, mail, news, lpr, uucp, ftp, "
    "syslog or local0 to local7)"),
    "f.conf:6: max_connections: 0 is out of range (1-65536)",
    ("f.conf:7: check_interval: invalid duration \"10x\" (expected a "
    "number with ms, s, m or h)"),
    "f.conf:8: expected \"key = value\"",
    "f.conf:9: listen: missing value",
    "f.conf:10: check_command: unterminated double quote",
    "f.conf:11: listen: \"none\" cannot be combined with other addresses",
    "f.conf:12: pidfile: must be an absolute path or \"none\"",
};

static void
test_multiple_errors(void)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	size_t			 i, n;

	n = sizeof(multi_want) / sizeof(multi_want[0]);
	cfg = config_parse("f.conf", multi_text, strlen(multi_text), &paths,
	    &e);
	if (!ok(cfg == NULL && e.n == n, "every error in a file is reported"))
		diag_errors(&e);
	for (i = 0; i < n && i < e.n; i++)
		is_str(e.msg[i], multi_want[i], "multiple errors, #%zu", i + 1);
	/* A second parse appends to the same list. */
	cfg = config_parse(NULL, "x=1", 3, &paths, &e);
	ok(cfg == NULL && e.n == n + 1 &&
	    strcmp(e.msg[n], "(config):1: unknown key \"x\"") == 0,
	    "errors are appended; a NULL file name reads (config)");
	config_parse_errors_free(&e);
	ok(e.n == 0 && e.msg == NULL,
	    "config_parse_errors_free empties the list");
	errno = 0;
	cfg = config_parse("f.conf", multi_text, strlen(multi_text), &paths,
	    NULL);
	ok(cfg == NULL && errno == EINVAL, "NULL errs: still NULL, EINVAL");
}

static void
test_comments(void)
{
	struct config	*cfg;

	cfg = good("\n   \n\t# indented comment\n#\n \r\n"
	    "log_level=notice\n", "blank lines, comments, key=value");
	ok(cfg && cfg->log_level == LOG_NOTICE, "key=value without blanks");
	config_parse_free(cfg);
	cfg = good("check_command = /bin/echo a#b \\# 'c' # gone\n",
	    "a # inside a word");
	ok(cfg && cfg->nchecks == 1 &&
	    strcmp(cfg->checks[0].command, "/bin/echo a#b \\# 'c'") == 0,
	    "# inside a word or escaped is not a comment");
	ok(cfg && cfg->nchecks == 1 && cfg->checks[0].argv &&
	    strcmp(cfg->checks[0].argv[1], "a#b") == 0 &&
	    strcmp(cfg->checks[0].argv[2], "#") == 0 &&
	    strcmp(cfg->checks[0].argv[3], "c") == 0 &&
	    !cfg->checks[0].argv[4],
	    "argv of a command with # characters");
	config_parse_free(cfg);
	cfg = good("\357\273\277log_level = error\n", "a byte order mark");
	ok(cfg && cfg->log_level == LOG_ERR, "a leading BOM is skipped");
	config_parse_free(cfg);
	cfg = good("check_command = /bin/sh -c \"echo x=1 | wc\" # ok\n",
	    "a command with = and |");
	ok(cfg && cfg->nchecks == 1 &&
	    strcmp(cfg->checks[0].argv[2], "echo x=1 | wc") == 0,
	    "only the first = separates key from value");
	config_parse_free(cfg);
}

static void
test_listen_config(void)
{
	struct config	*cfg;
	char		 buf[1024];
	size_t		 i, len = 0;

	cfg = good("listen = [::1]:9000\n", "one IPv6 listen");
	ok(cfg && cfg->nlisten == 1 &&
	    strcmp(cfg->listen[0].text, "[::1]:9000") == 0,
	    "listen lines replace the default");
	config_parse_free(cfg);
	cfg = good("listen = none\n", "listen none");
	ok(cfg && cfg->nlisten == 0, "listen none: nlisten 0");
	config_parse_free(cfg);
	for (i = 0; i < CONFIG_MAX_LISTEN; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "listen = 127.0.0.1:%zu\n", 1000 + i);
	cfg = good(buf, "16 listen lines");
	ok(cfg && cfg->nlisten == CONFIG_MAX_LISTEN, "16 addresses kept");
	config_parse_free(cfg);
	snprintf(buf + len, sizeof(buf) - len, "listen = *:1\n");
	bad(buf, "t.conf:17: listen: too many addresses (at most 16)");
	bad("listen = 127.0.0.1:80\nlisten = 127.0.0.1:80\n", "t.conf:2: "
	    "listen: duplicate address \"127.0.0.1:80\" (first on line 1)");
	bad("listen = *:80\n\nlisten = 0.0.0.0:80\n", "t.conf:3: listen: "
	    "duplicate address \"0.0.0.0:80\" (first on line 1)");
	bad("listen = none\nlisten = none\n", "t.conf:2: listen: duplicate "
	    "address \"none\" (first on line 1)");
	bad("listen = 127.0.0.1:0\n", "t.conf:1: listen: invalid port in "
	    "\"127.0.0.1:0\" (expected 1-65535)");
	bad("listen = 127.0.0.1:65536\n", "t.conf:1: listen: invalid port "
	    "in \"127.0.0.1:65536\" (expected 1-65535)");
	bad("listen = 127.0.0.1:abc\n", "t.conf:1: listen: invalid port in "
	    "\"127.0.0.1:abc\" (expected 1-65535)");
	bad("listen = localhost:80\n", "t.conf:1: listen: invalid address "
	    "\"localhost:80\" (expected A.B.C.D:PORT, [IPv6]:PORT or "
	    "*:PORT)");
}

/* The one listen address of "listen = s", or NULL after failing. */
static struct config *
listen_one(const char *s)
{
	struct config	*cfg;

	cfg = one("listen", s);
	if (cfg != NULL && cfg->nlisten != 1) {
		config_parse_free(cfg);
		cfg = NULL;
	}
	return cfg;
}

static void
test_listen_syntax(void)
{
	static const char *const bad_port[] = {
		"1.2.3.4:", "1.2.3.4:+80", "1.2.3.4:-1",
		"*:99999999999999999999"
	}, *const bad_addr[] = {
		":80", "1.2.3.4", "::1:80", "[::1]80", "[::1", "[1.2.3.4]:80",
		"256.1.1.1:80", "1.2.3:80", "[fe80::1%eth0]:80",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]:8080000",
		/* 67 bytes: too long for the text field, cut in the message */
		("11111111111111111111111111111111"
		"11111111111111111111111111111111:80")
	};
	struct config		*cfg;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			 text[256], want[256];
	size_t			 i;

	cfg = listen_one("*:80");
	sin = cfg ? (struct sockaddr_in *)&cfg->listen[0].addr : NULL;
	ok(sin && sin->sin_family == AF_INET &&
	    sin->sin_addr.s_addr == INADDR_ANY && ntohs(sin->sin_port) == 80 &&
	    strcmp(cfg->listen[0].text, "*:80") == 0,
	    "listen *:80 is 0.0.0.0 port 80, text kept");
	config_parse_free(cfg);
	cfg = listen_one("[::1]:8080");
	sin6 = cfg ? (struct sockaddr_in6 *)&cfg->listen[0].addr : NULL;
	ok(sin6 && sin6->sin6_family == AF_INET6 &&
	    cfg->listen[0].addrlen == sizeof(*sin6) &&
	    IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) &&
	    ntohs(sin6->sin6_port) == 8080, "listen [::1]:8080");
	config_parse_free(cfg);
	cfg = listen_one("[::ffff:10.0.0.1]:65535");
	sin6 = cfg ? (struct sockaddr_in6 *)&cfg->listen[0].addr : NULL;
	ok(sin6 && ntohs(sin6->sin6_port) == 65535,
	    "listen v4-mapped, port 65535");
	config_parse_free(cfg);
	cfg = listen_one("10.1.2.3:0080");
	sin = cfg ? (struct sockaddr_in *)&cfg->listen[0].addr : NULL;
	ok(sin && ntohs(sin->sin_port) == 80 &&
	    strcmp(cfg->listen[0].text, "10.1.2.3:0080") == 0,
	    "listen port with leading zeros, text as written");
	config_parse_free(cfg);
	for (i = 0; i < sizeof(bad_port) / sizeof(bad_port[0]); i++) {
		snprintf(text, sizeof(text), "listen = %s\n", bad_port[i]);
		snprintf(want, sizeof(want), "t.conf:1: listen: invalid port "
		    "in \"%s\" (expected 1-65535)", bad_port[i]);
		bad(text, want);
	}
	for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		snprintf(text, sizeof(text), "listen = %s\n", bad_addr[i]);
		snprintf(want, sizeof(want), "t.conf:1: listen: invalid "
		    "address \"%.64s%s\" (expected A.B.C.D:PORT, [IPv6]:PORT "
		    "or *:PORT)", bad_addr[i],
		    strlen(bad_addr[i]) > 64 ? "..." : "");
		bad(text, want);
	}
}

static void
test_durations(void)
{
	static const struct { const char *s; uint64_t ms; } valid[] = {
		{ "0", 0 }, { "0ms", 0 }, { "10ms", 10 }, { "1500ms", 1500 },
		{ "5", 5000 }, { "5s", 5000 }, { "010s", 10000 },
		{ "2m", 120000 }, { "1h", 3600000 }, { " 5s\t", 5000 }
	};
	/* Syntax errors; the overflows below are numbers out of range. */
	static const char *const invalid[] = {
		"s", "ms", "5 s", "-1", "+1", "1.5s", "10x", "10S", "5sm",
		"1h30m"
	}, *const huge[] = {
		"18446744073709551615ms", "99999999999999999999s",
		"18446744073709551616ms", "18446744073709552s",
		"5124095576030432h"
	};
	struct config	*cfg;
	char		 text[128], want[256];
	size_t		 i;

	/* shutdown_timeout takes 0-1h: room for every unit. */
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		cfg = one("shutdown_timeout", valid[i].s);
		ok(cfg && cfg->shutdown_timeout_ms == valid[i].ms,
		    "duration \"%s\"", valid[i].s);
		config_parse_free(cfg);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(text, sizeof(text), "shutdown_timeout = %s\n",
		    invalid[i]);
		snprintf(want, sizeof(want), "t.conf:1: shutdown_timeout: "
		    "invalid duration \"%s\" (expected a number with ms, s, m "
		    "or h)", invalid[i]);
		bad(text, want);
	}
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		snprintf(text, sizeof(text), "shutdown_timeout = %s\n",
		    huge[i]);
		snprintf(want, sizeof(want), "t.conf:1: shutdown_timeout: %s "
		    "is out of range (0-1h)", huge[i]);
		bad(text, want);
	}
	bad("shutdown_timeout =\n", "t.conf:1: shutdown_timeout: missing "
	    "value");
}

static void
test_duration_keys(void)
{
	struct config	*cfg;

	cfg = good("check_interval = 24h\ncheck_timeout = 10ms\n"
	    "idle_timeout = 86400000ms\nshutdown_timeout = 1h\n",
	    "durations at the top and bottom of their ranges");
	ok(cfg && cfg->idle_timeout_ms == 86400000 &&
	    cfg->shutdown_timeout_ms == 3600000, "range limits are inclusive");
	ok(cfg && cfg->nchecks == 0,
	    "flat check_* keys without check_command make no check");
	config_parse_free(cfg);
	cfg = good("check_command = /bin/true\ncheck_interval = 24h\n"
	    "check_timeout = 10ms\n", "flat check durations at their limits");
	ok(cfg && cfg->nchecks == 1 && cfg->checks[0].interval_ms ==
	    86400000 && cfg->checks[0].timeout_ms == 10,
	    "flat check range limits are inclusive");
	config_parse_free(cfg);
	bad("check_interval = 5ms\n",
	    "t.conf:1: check_interval: 5ms is out of range (10ms-24h)");
	bad("check_interval = 25h\n",
	    "t.conf:1: check_interval: 25h is out of range (10ms-24h)");
	bad("check_timeout = 0\n",
	    "t.conf:1: check_timeout: 0 is out of range (10ms-24h)");
	bad("idle_timeout = 86400001ms\n", "t.conf:1: idle_timeout: "
	    "86400001ms is out of range (10ms-24h)");
	bad("shutdown_timeout = 61m\n",
	    "t.conf:1: shutdown_timeout: 61m is out of range (0-1h)");
	bad("check_interval = 99999999999999999999s\n", "t.conf:1: "
	    "check_interval: 99999999999999999999s is out of range "
	    "(10ms-24h)");
	bad("check_timeout = s\n", "t.conf:1: check_timeout: invalid "
	    "duration \"s\" (expected a number with ms, s, m or h)");
	bad("check_timeout = 5 s\n", "t.conf:1: check_timeout: invalid "
	    "duration \"5 s\" (expected a number with ms, s, m or h)");
	bad("idle_timeout = -1\n", "t.conf:1: idle_timeout: invalid "
	    "duration \"-1\" (expected a number with ms, s, m or h)");
	bad("shutdown_timeout = 1.5s\n", "t.conf:1: shutdown_timeout: "
	    "invalid duration \"1.5s\" (expected a number with ms, s, m or h)");
}

/* Every section key once, and a section of defaults. */
static const char sections_text[] =
    "log_level = debug\n"				/* 1 */
    "\n"						/* 2 */
    "[check disk]   # the root file system\n"		/* 3 */
    "command = /usr/lib/nagios/plugins/check_disk -w 10% -c 5% -p /\n"
    "interval = 30s\n"					/* 5 */
    "timeout = 10s\n"					/* 6 */
    "  rise = 2\n"					/* 7 */
    "\tfall = 3\n"					/* 8 */
    "affects_health = no\n"				/* 9 */
    "[ check\tload ]\n"					/* 10 */
    "# everything else is a default\n"			/* 11 */
    "command = check_load -w 5 'a # b'\n"		/* 12 */
    "[check a-b_9]\r\n"					/* 13 */
    "command = /bin/true\r\n"				/* 14 */
    "affects_health = On\r\n";				/* 15 */

static void
test_sections(void)
{
	const struct config_check	*d, *l;
	struct config			*cfg;

	cfg = good(sections_text, "three [check NAME] sections");
	if (cfg == NULL)
		return;
	ok(cfg->log_level == LOG_DEBUG, "sections: global keys before them");
	if (!ok(cfg->nchecks == 3 && strcmp(cfg->checks[0].name, "disk") == 0 &&
	    strcmp(cfg->checks[1].name, "load") == 0 &&
	    strcmp(cfg->checks[2].name, "a-b_9") == 0,
	    "sections: three checks, in the order of the file")) {
		config_parse_free(cfg);
		return;
	}
	d = &cfg->checks[0];
	l = &cfg->checks[1];
	is_str(d->command, "/usr/lib/nagios/plugins/check_disk -w 10% -c 5% "
	    "-p /", "section: command as written");
	ok(d->argv != NULL && strcmp(d->argv[0],
	    "/usr/lib/nagios/plugins/check_disk") == 0 &&
	    strcmp(d->argv[2], "10%") == 0 && strcmp(d->argv[6], "/") == 0 &&
	    d->argv[7] == NULL, "section: command split into argv");
	ok(d->interval_ms == 30000, "section: interval 30s");
	ok(d->timeout_ms == 10000, "section: timeout 10s");
	ok(d->rise == 2 && d->fall == 3, "section: rise 2, fall 3");
	ok(d->affects_health == 0, "section: affects_health no");
	ok(d->line == 3 && d->command_line == 4,
	    "section: line of the header and of the command");
	ok(l->interval_ms == 10000, "section default: interval 10s");
	ok(l->timeout_ms == 5000, "section default: timeout 5s");
	ok(l->rise == 1 && l->fall == 1, "section default: rise 1, fall 1");
	ok(l->affects_health == 1, "section default: affects_health yes");
	ok(l->line == 10 && l->command_line == 12,
	    "section: blanks inside the brackets, a comment line");
	ok(l->argv != NULL && strcmp(l->argv[0], "check_load") == 0 &&
	    strcmp(l->argv[3], "a # b") == 0 && l->argv[4] == NULL,
	    "section: a bare command name and a quoted #");
	ok(cfg->checks[2].affects_health == 1 && cfg->checks[2].line == 13,
	    "section: CRLF, affects_health On");

	ok(config_sections_find(cfg, "disk") == d &&
	    config_sections_find(cfg, "load") == l,
	    "config_sections_find finds a check by name");
	ok(config_sections_find(cfg, "nope") == NULL,
	    "config_sections_find: no such name");
	ok(config_sections_find(cfg, "Disk") == NULL &&
	    config_sections_find(cfg, "") == NULL,
	    "config_sections_find: names are exact; no check is named \"\"");
	config_parse_free(cfg);
}

static void
test_section_values(void)
{
	struct config	*cfg;

	cfg = good("[check abcdefghijabcdefghijabcdefghijab]\ncommand = /a\n",
	    "a check name of 32 bytes");
	ok(cfg && cfg->nchecks == 1 && strlen(cfg->checks[0].name) == 32,
	    "a 32-byte name is kept whole");
	config_parse_free(cfg);
	cfg = good("[check main]\ncommand = /bin/true\n",
	    "a [check main] section without flat keys");
	ok(cfg && cfg->nchecks == 1 && cfg->checks[0].line == 1,
	    "[check main] alone is an ordinary section");
	config_parse_free(cfg);
	cfg = good("[check a]\ncommand = /a\ninterval = 24h\ntimeout = 10ms\n"
	    "rise = 100\nfall = 100\n", "section values at their limits");
	ok(cfg && cfg->checks[0].interval_ms == 86400000 &&
	    cfg->checks[0].timeout_ms == 10 && cfg->checks[0].rise == 100 &&
	    cfg->checks[0].fall == 100, "section range limits are inclusive");
	config_parse_free(cfg);
	cfg = good("[check a]\ncommand = /a\ninterval = 5s\nrise = 2\n"
	    "[check b]\ncommand = /b\ninterval = 7s\nrise = 3\n",
	    "the same keys in two sections");
	ok(cfg && cfg->nchecks == 2 && cfg->checks[0].interval_ms == 5000 &&
	    cfg->checks[1].interval_ms == 7000 && cfg->checks[1].rise == 3,
	    "each section keeps its own values");
	config_parse_free(cfg);
	cfg = good("check_command = /bin/a\n[check x]\ncommand = /bin/b\n",
	    "flat keys and a section of another name");
	ok(cfg && cfg->nchecks == 2 && strcmp(cfg->checks[0].name, "main") ==
	    0 && strcmp(cfg->checks[1].name, "x") == 0 &&
	    config_sections_find(cfg, "main") == &cfg->checks[0],
	    "the flat check main comes first, then the sections");
	config_parse_free(cfg);
	cfg = good("check_interval = 5s\ncheck_rise = 2\n",
	    "flat check_* keys without check_command");
	ok(cfg && cfg->nchecks == 0 &&
	    config_sections_find(cfg, "main") == NULL,
	    "no check_command: no check main");
	config_parse_free(cfg);
}

static const char *const bad_command[] = {
	"t.conf:1: [check d] no command or probe (command, process, tcp, "
	    "http, file or disk)",
	"t.conf:2: [check d] command: empty command name"
};

static void
test_section_key_errors(void)
{
	bad("[check d]\ncommand = /a\ninterval = 5ms\n", "t.conf:3: "
	    "[check d] interval: 5ms is out of range (10ms-24h)");
	bad("[check d]\ncommand = /a\ntimeout = 1.5s\n", "t.conf:3: "
	    "[check d] timeout: invalid duration \"1.5s\" (expected a number "
	    "with ms, s, m or h)");
	bad("[check d]\ncommand = /a\nrise = 0\n", "t.conf:3: [check d] "
	    "rise: 0 is out of range (1-100)");
	bad("[check d]\ncommand = /a\nfall = x\n", "t.conf:3: [check d] "
	    "fall: invalid number \"x\" (expected a decimal integer)");
	bad("[check d]\naffects_health = maybe\ncommand = /a\n", "t.conf:2: "
	    "[check d] affects_health: invalid value \"maybe\" (expected yes, "
	    "no, true, false, on, off, 1 or 0)");
	bad("[check d]\ncommand = /a\nbogus = 1\n",
	    "t.conf:3: [check d] unknown key \"bogus\"");
	/* The check is left without a command, and that is said too. */
	bad_all("t.conf", "[check d]\ncommand = '' x\n", bad_command, 2,
	    "a bad command in a section");
	bad("[check d]\ncommand = /a\ninterval = 1s\ninterval = 2s\n",
	    "t.conf:4: [check d] duplicate key \"interval\" (first set on "
	    "line 3)");
	bad("[check d]\ncommand = /a\naffects_health = no\n"
	    "affects_health = no\n", "t.conf:4: [check d] duplicate key "
	    "\"affects_health\" (first set on line 3)");
	ok(verdict_is("[check d]\ncommand = /a\ncommand = /b\n",
	    "t.conf:3: [check d] duplicate key \"command\" (first set on "
	    "line 2)"), "a repeated command in a section is a duplicate key");
	bad("log_level = info\n[check disk]\ninterval = 5s\n",
	    "t.conf:2: [check disk] no command or probe (command, process, "
	    "tcp, http, file or disk)");
}

/* SPEC 20: a section with a ttl and no command takes pushed results. */
static void
test_pushed(void)
{
	struct config	*cfg;

	cfg = good("result_dir = /srv/results\n[check backup]\nttl = 26h\n"
	    "[check web]\ncommand = /a\nttl = 90s\n",
	    "a ttl with no command, and a ttl beside one");
	if (cfg != NULL) {
		ok(cfg->nchecks == 2 && cfg->checks[0].pushed &&
		    cfg->checks[0].ttl_ms == 26 * 3600 * 1000ULL &&
		    cfg->checks[0].argv == NULL,
		    "ttl alone: a check of pushed results");
		is_str(cfg->checks[0].command, "pushed",
		    "its command reads \"pushed\"");
		ok(!cfg->checks[1].pushed && cfg->checks[1].ttl_ms == 90000 &&
		    cfg->checks[1].argv != NULL,
		    "a command check with a ttl still runs its command");
		is_str(cfg->result_dir, "/srv/results", "result_dir is set");
		ok(cfg->checks[0].ttl_ms > 0 && cfg->checks[1].interval_ms ==
		    10000, "the other keys keep their defaults");
		config_parse_free(cfg);
	}
	bad("[check backup]\ncommand = /a\nttl = 0\n", "t.conf:3: [check "
	    "backup] ttl: 0 is out of range (10ms-8784h)");
	bad("[check backup]\ncommand = /a\nttl = soon\n", "t.conf:3: [check "
	    "backup] ttl: invalid duration \"soon\" (expected a number "
	    "with ms, s, m or h)");
	bad("[check backup]\ninterval = 5s\n",
	    "t.conf:1: [check backup] no command or probe (command, "
	    "process, tcp, http, file or disk)");
	bad("ttl = 1h\n",
	    "t.conf:1: \"ttl\" belongs in a [check NAME] section");
	bad("result_dir = results\n",
	    "t.conf:1: result_dir: must be an absolute path");
}

static void
test_misplaced_keys(void)
{
	bad("command = /bin/true\n",
	    "t.conf:1: \"command\" belongs in a [check NAME] section");
	bad("interval = 5s\n",
	    "t.conf:1: \"interval\" belongs in a [check NAME] section");
	bad("affects_health = no\n",
	    "t.conf:1: \"affects_health\" belongs in a [check NAME] section");
	bad("[check d]\ncommand = /a\nlisten = *:80\n", "t.conf:3: [check d] "
	    "unknown key \"listen\" in a check section (global keys go "
	    "before the first section)");
	bad("[check d]\ncommand = /a\nmax_parallel_checks = 2\n", "t.conf:3: "
	    "[check d] unknown key \"max_parallel_checks\" in a check section "
	    "(global keys go before the first section)");
	bad("[check d]\ncommand = /a\ncheck_rise = 2\n", "t.conf:3: "
	    "[check d] unknown key \"check_rise\" in a check section (flat "
	    "check_* keys go before the first section)");
	bad("check_command = /bin/true\n\n[check main]\ncommand = /bin/x\n",
	    "t.conf:3: [check main] and the check_* keys (line 1) both "
	    "define the check \"main\"");
	bad("log_level = info\ncheck_interval = 5s\n[check main]\n"
	    "command = /bin/x\n", "t.conf:3: [check main] and the check_* "
	    "keys (line 2) both define the check \"main\"");
}

static void
test_section_headers(void)
{
	bad("[check]\n", "t.conf:1: missing check name (expected "
	    "[check NAME])");
	bad("[ check\t]\n", "t.conf:1: missing check name (expected "
	    "[check NAME])");
	bad("[]\n", "t.conf:1: unknown section \"[]\" (expected "
	    "[check NAME])");
	bad("[checkdisk]\n", "t.conf:1: unknown section \"[checkdisk]\" "
	    "(expected [check NAME])");
	bad("[foo x]\n", "t.conf:1: unknown section \"[foo x]\" (expected "
	    "[check NAME])");
	bad("[check disk\n", "t.conf:1: expected \"[check NAME]\"");
	bad("[check disk] extra\n", "t.conf:1: expected \"[check NAME]\"");
	bad("[check Bad]\n", "t.conf:1: invalid check name \"Bad\" (expected "
	    "1 to 32 of a-z, 0-9, '_' and '-')");
	bad("[check a b]\n", "t.conf:1: invalid check name \"a b\" (expected "
	    "1 to 32 of a-z, 0-9, '_' and '-')");
	bad("[check a.b]\n", "t.conf:1: invalid check name \"a.b\" (expected "
	    "1 to 32 of a-z, 0-9, '_' and '-')");
	bad("[check abcdefghijabcdefghijabcdefghijabc]\n", "t.conf:1: invalid "
	    "check name \"abcdefghijabcdefghijabcdefghijabc\" (expected 1 to "
	    "32 of a-z, 0-9, '_' and '-')");
	bad("[check disk]\ncommand = /a\n\n[check disk]\ncommand = /b\n",
	    "t.conf:4: duplicate check \"disk\" (first on line 1)");
}

/* The keys of a section already reported do not add messages. */
static void
test_broken_sections(void)
{
	static const char *const heads[] = {
		"[check Bad]", "[foo x]", "[check disk", "[check]",
		"[check twice]"
	};
	static const char	 want[] = "t.conf:3: ";
	char			 text[512], *msg;
	size_t			 i;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		snprintf(text, sizeof(text), "[check twice]\ncommand = /a\n"
		    "%s\ninterval = 5s\nrise = 2\naffects_health = no\n",
		    heads[i]);
		msg = verdict(text, strlen(text));
		if (!ok(msg != NULL && strncmp(msg, want, sizeof(want) - 1) ==
		    0, "only the header of \"%s\" is reported, not its keys",
		    heads[i]))
			printf("#   got: \"%s\"\n", msg ? msg : "(null)");
		free(msg);
	}
	bad("[check Bad]\ninterval = 5s\n[check ok]\ncommand = /a\n",
	    "t.conf:1: invalid check name \"Bad\" (expected 1 to 32 of a-z, "
	    "0-9, '_' and '-')");
	bad("check_command = /a\n[check main]\ninterval = 1s\n",
	    "t.conf:2: [check main] and the check_* keys (line 1) both "
	    "define the check \"main\"");
}

/* Errors in and around sections, all of them, with their sections. */
static const char sec_multi_text[] =
    "max_parallel_checks = 0\n"		/* 1 */
    "command = /bin/true\n"		/* 2 */
    "[check disk]\n"			/* 3 */
    "command = /bin/df\n"		/* 4 */
    "interval = 10x\n"			/* 5 */
    "rise = 0\n"			/* 6 */
    "listen = *:80\n"			/* 7 */
    "colour = blue\n"			/* 8 */
    "rise = 2\n"			/* 9 */
    "[check Disk]\n"			/* 10 */
    "command = /bin/true\n"		/* 11 */
    "[check disk]\n"			/* 12 */
    "[check net\n"			/* 13 */
    "[check idle]\n"			/* 14 */
    "timeout = 1s\n"			/* 15 */
    "affects_health = sometimes\n"	/* 16 */
    "[check cmd]\n"			/* 17 */
    "command = \"x\n";			/* 18 */
static const char *const sec_multi_want[] = {
    "f.conf:1: max_parallel_checks: 0 is out of range (1-1024)",
    "f.conf:2: \"command\" belongs in a [check NAME] section",
    ("f.conf:5: [check disk] interval: invalid duration \"10x\" (expected "
    "a number with ms, s, m or h)"),
    "f.conf:6: [check disk] rise: 0 is out of range (1-100)",
    ("f.conf:7: [check disk] unknown key \"listen\" in a check section "
    "(global keys go before the first section)"),
    "f.conf:8: [check disk] unknown key \"colour\"",
    "f.conf:9: [check disk] duplicate key \"rise\" (first set on line 6)",
    ("f.conf:10: invalid check name \"Disk\" (expected 1 to 32 of a-z, "
    "0-9, '_' and '-')"),
    "f.conf:12: duplicate check \"disk\" (first on line 3)",
    "f.conf:13: expected \"[check NAME]\"",
    /* Only the end of the file can tell, but in line order all the same. */
    "f.conf:14: [check idle] no command or probe (command, process, tcp, "
    "http, file or disk)",
    ("f.conf:16: [check idle] affects_health: invalid value \"sometimes\" "
    "(expected yes, no, true, false, on, off, 1 or 0)"),
    "f.conf:17: [check cmd] no command or probe (command, process, tcp, "
    "http, file or disk)",
    "f.conf:18: [check cmd] command: unterminated double quote",
};

static void
test_section_multi(void)
{
	bad_all("f.conf", sec_multi_text, sec_multi_want,
	    sizeof(sec_multi_want) / sizeof(sec_multi_want[0]),
	    "errors in sections");
}

/* 1024 sections, then `extra` (a whole section or more), parsed. */
static struct config *
many_checks(const char *extra, struct config_errors *e)
{
	struct config	*cfg;
	char		*text;
	size_t		 i, len = 0, size = CONFIG_MAX_CHECKS * 40 + 256;

	if ((text = malloc(size)) == NULL)
		return NULL;
	for (i = 0; i < CONFIG_MAX_CHECKS; i++)
		len += (size_t)snprintf(text + len, size - len,
		    "[check c%zu]\ncommand = /bin/true\n", i);
	snprintf(text + len, size - len, "%s", extra);
	errno = 0;
	cfg = config_parse("t.conf", text, strlen(text), &paths, e);
	free(text);
	return cfg;
}

static void
test_too_many_checks(void)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;

	cfg = many_checks("", &e);
	ok(cfg != NULL && cfg->nchecks == CONFIG_MAX_CHECKS && e.n == 0,
	    "1024 checks are accepted");
	config_parse_free(cfg);
	cfg = many_checks("[check more]\ncommand = /bin/true\n", &e);
	ok(cfg == NULL && e.n >= 1 && strcmp(e.msg[0],
	    "t.conf:2049: too many checks (at most 1024)") == 0,
	    "the 1025th check is too many");
	if (!ok(e.n == 1, "the keys of the 1025th check add no messages"))
		diag_errors(&e);
	config_parse_errors_free(&e);
	cfg = many_checks("[check Bad]\ncolour = x\n", &e);
	if (!ok(cfg == NULL && errno == EINVAL && e.n == 2 &&
	    strcmp(e.msg[1], "t.conf:2050: unknown key \"colour\"") == 0,
	    "a bad header after 1024 checks is EINVAL, the rest still read"))
		diag_errors(&e);
	config_parse_errors_free(&e);
}

static void
test_agent(void)
{
	struct config	*cfg;

	cfg = good("agent_listen = 127.0.0.1:9777\nagent_listen = [::1]:9777\n",
	    "two agent_listen lines");
	ok(cfg && cfg->nagent_listen == 2 &&
	    strcmp(cfg->agent_listen[1].text, "[::1]:9777") == 0 &&
	    cfg->agent_listen[1].addr.ss_family == AF_INET6,
	    "agent_listen repeats");
	ok(cfg && cfg->nlisten == 1 &&
	    strcmp(cfg->listen[0].text, "127.0.0.1:8080") == 0,
	    "agent_listen leaves the default listen alone");
	config_parse_free(cfg);
	cfg = good("listen = none\nagent_listen = none\n", "agent_listen none");
	ok(cfg && cfg->nagent_listen == 0 && cfg->nlisten == 0,
	    "agent_listen none: nagent_listen 0");
	config_parse_free(cfg);
	bad("agent_listen = none\nagent_listen = *:1\n", "t.conf:2: "
	    "agent_listen: \"none\" cannot be combined with other addresses");
	bad("agent_listen = none\nagent_listen = none\n", "t.conf:2: "
	    "agent_listen: duplicate address \"none\" (first on line 1)");
	bad("agent_listen = *:1\nagent_listen = 0.0.0.0:1\n", "t.conf:2: "
	    "agent_listen: duplicate address \"0.0.0.0:1\" (first on line 1)");
	bad("agent_listen = *:0\n", "t.conf:1: agent_listen: invalid port "
	    "in \"*:0\" (expected 1-65535)");
	bad("agent_listen = haproxy:80\n", "t.conf:1: agent_listen: invalid "
	    "address \"haproxy:80\" (expected A.B.C.D:PORT, [IPv6]:PORT or "
	    "*:PORT)");
	bad("agent_listen =\n", "t.conf:1: agent_listen: missing value");

	cfg = one("agent_warning_weight", "50%");
	ok(cfg && cfg->agent_warning_weight == 50, "agent_warning_weight 50%%");
	config_parse_free(cfg);
	cfg = one("agent_warning_weight", "0%");
	ok(cfg && cfg->agent_warning_weight == 0, "agent_warning_weight 0%%");
	config_parse_free(cfg);
	bad("agent_warning_weight = 101%\n", "t.conf:1: agent_warning_weight: "
	    "101% is out of range (0%-100%)");
	bad("agent_warning_weight = 50\n", "t.conf:1: agent_warning_weight: "
	    "invalid weight \"50\" (expected a percentage, 0% to 100%)");
	bad("agent_warning_weight = %\n", "t.conf:1: agent_warning_weight: "
	    "invalid weight \"%\" (expected a percentage, 0% to 100%)");
	bad("agent_warning_weight = -1%\n", "t.conf:1: agent_warning_weight: "
	    "invalid weight \"-1%\" (expected a percentage, 0% to 100%)");
	bad("agent_warning_weight = 1%\nagent_warning_weight = 2%\n",
	    "t.conf:2: duplicate key \"agent_warning_weight\" (first set on "
	    "line 1)");
}

static void
test_check_globals(void)
{
	struct config	*cfg;

	cfg = one("max_parallel_checks", "1");
	ok(cfg && cfg->max_parallel_checks == 1, "max_parallel_checks 1");
	config_parse_free(cfg);
	cfg = one("max_parallel_checks", "1024");
	ok(cfg && cfg->max_parallel_checks == 1024,
	    "max_parallel_checks 1024");
	config_parse_free(cfg);
	bad("max_parallel_checks = 0\n", "t.conf:1: max_parallel_checks: 0 "
	    "is out of range (1-1024)");
	bad("max_parallel_checks = 1025\n", "t.conf:1: max_parallel_checks: "
	    "1025 is out of range (1-1024)");
	bad("max_parallel_checks = four\n", "t.conf:1: max_parallel_checks: "
	    "invalid number \"four\" (expected a decimal integer)");

	cfg = one("maintenance_file", "/var/tmp/m");
	is_str(cfg ? cfg->maintenance_file : NULL, "/var/tmp/m",
	    "maintenance_file replaces the default");
	config_parse_free(cfg);
	bad("maintenance_file = none\n",
	    "t.conf:1: maintenance_file: must be an absolute path");
	bad("maintenance_file = var/m\n",
	    "t.conf:1: maintenance_file: must be an absolute path");
}

/* config_parse_peek(text, key) is want; one assertion. */
static void
peek_is(const char *text, size_t len, const char *key, const char *want,
    const char *name)
{
	char	*v = config_parse_peek(text, len, key);

	is_str(v, want, "peek: %s", name);
	free(v);
}

static void
test_peek(void)
{
	static const char broken[] =
	    "colour = blue\n"
	    "pidfile = /run/a.pid # first\n"
	    "no equals here\n"
	    "log_level = \"\n"
	    "pidfile = /run/b.pid\r\n"
	    "pidfile =\n"
	    "pid\0file = /run/nul.pid\n"
	    "[check Bad\n"
	    "pidfile = /run/in-section.pid\n";
	static const char bom[] = "\357\273\277pidfile = /run/bom.pid\n";
	char	 *big;
	size_t	  n = 6000;

	peek_is(broken, sizeof(broken) - 1, "pidfile", "/run/b.pid",
	    "the last global value of a broken file");
	peek_is(broken, sizeof(broken) - 1, "log_level", "\"",
	    "a value the parser would reject is still read");
	peek_is(broken, 40, "pidfile", "/run/a.pid",
	    "only len bytes are read");
	peek_is(broken, sizeof(broken) - 1, "user", NULL, "a key not set");
	peek_is(broken, sizeof(broken) - 1, "PIDFILE", NULL,
	    "keys are case-sensitive");
	peek_is("[check d]\npidfile = /x\n", 22, "pidfile", NULL,
	    "lines inside sections are not global");
	peek_is("", 0, "pidfile", NULL, "an empty text");
	if ((big = malloc(n)) != NULL) {
		memset(big, 'x', n);
		memcpy(big, "pidfile = /run/long", 19);
		big[n - 1] = '\n';
		peek_is(big, n, "pidfile", NULL, "a line too long is skipped");
		free(big);
	}
	big = config_parse_peek(bom, sizeof(bom) - 1, "pidfile");
	if (!ok(big != NULL && strcmp(big, "/run/bom.pid") == 0,
	    "peek: a leading BOM is skipped, as config_parse does"))
		printf("#   got:  \"%s\"\n", big ? big : "(null)");
	free(big);
}

/* ---- the built-in probes (SPEC 19) ----------------------------------- */

static const char probes_text[] =
    "[check nginx]\n"				/* 1 */
    "process_name = nginx\n"			/* 2: before its kind */
    "process = /run/nginx.pid\n"		/* 3 */
    "[check db]\n"				/* 4 */
    "warning = 500ms\n"				/* 5 */
    "tcp = localhost:5432\n"			/* 6 */
    "send = PING\\r\\n\n"			/* 7 */
    "expect = +PONG\n"				/* 8 */
    "critical = 2\n"				/* 9: bare = seconds */
    "interval = 5s\n"				/* 10 */
    "[check sock]\n"				/* 11 */
    "tcp = /run/app.sock\n"			/* 12 */
    "[check web]\n"				/* 13 */
    "http = http://[::1]:8080/healthz?full=1\n"	/* 14 */
    "expect_status = 200, 301-302\n"		/* 15 */
    "expect_body = ok\n"			/* 16 */
    "affects_health = no\n"			/* 17 */
    "[check vhost]\n"				/* 18 */
    "host_header = www.example.com\n"		/* 19: before http */
    "http = http://127.0.0.1\n"			/* 20 */
    "[check stamp]\n"				/* 21 */
    "file = /var/lib/backup/stamp\n"		/* 22 */
    "max_age = 26h\n"				/* 23 */
    "min_size = 1KB\n"				/* 24 */
    "critical = 30h\n"				/* 25 */
    "[check root]\n"				/* 26 */
    "disk = /\n"				/* 27 */
    "[check var]\n"				/* 28 */
    "critical = 2GB\n"				/* 29 */
    "warning = 7.5%\n"				/* 30 */
    "disk = /var\n"				/* 31 */
    "[check bytes]\n"				/* 32 */
    "disk = /srv\n"				/* 33 */
    "warning = 1048576\n"			/* 34: bare = bytes */
    "[check cmd]\n"				/* 35 */
    "command = /bin/true\n";			/* 36 */

static int
sin_is(const struct sockaddr_storage *ss, socklen_t len, const char *a,
    unsigned int port)
{
	const struct sockaddr_in	*s4 = (const void *)ss;
	const struct sockaddr_in6	*s6 = (const void *)ss;
	char				 buf[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET && len == sizeof(*s4))
		return inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf)) &&
		    strcmp(buf, a) == 0 && ntohs(s4->sin_port) == port;
	if (ss->ss_family == AF_INET6 && len == sizeof(*s6))
		return inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf)) &&
		    strcmp(buf, a) == 0 && ntohs(s6->sin6_port) == port;
	return 0;
}

/* What every probe has: its kind, "KIND TARGET", no argv, its line. */
static const struct config_probe *
probe_is(const struct config *cfg, const char *name, enum config_kind kind,
    const char *command, int line)
{
	const struct config_check *c = config_sections_find(cfg, name);

	if (!ok(c != NULL && c->kind == kind && c->argv == NULL &&
	    c->command != NULL && strcmp(c->command, command) == 0 &&
	    c->probe != NULL && c->probe->line == line &&
	    c->command_line == line && c->probe->target != NULL &&
	    strcmp(c->probe->target, strchr(command, ' ') + 1) == 0,
	    "probes: [check %s] is \"%s\", line %d", name, command, line))
		printf("#   got: \"%s\"\n", c && c->command ? c->command : "-");
	return c != NULL ? c->probe : NULL;
}

static void
test_probes(void)
{
	const struct config_probe	*p;
	struct config			*cfg;

	cfg = good(probes_text, "a section of every kind, keys in any order");
	if (cfg == NULL)
		return;
	ok(cfg->nchecks == 10, "probes: ten checks");
	if ((p = probe_is(cfg, "nginx", CONFIG_PROCESS,
	    "process /run/nginx.pid", 3)) != NULL)
		ok(p->process_name && strcmp(p->process_name, "nginx") == 0 &&
		    p->addrlen == 0 && p->warning.unit == CONFIG_UNIT_NONE &&
		    p->critical.unit == CONFIG_UNIT_NONE,
		    "probes: process_name, no thresholds");
	if ((p = probe_is(cfg, "db", CONFIG_TCP, "tcp localhost:5432", 6)) !=
	    NULL) {
		ok(sin_is(&p->addr, p->addrlen, "127.0.0.1", 5432),
		    "probes: localhost is 127.0.0.1");
		ok(p->send_len == 6 && memcmp(p->send, "PING\r\n", 6) == 0 &&
		    p->expect_len == 5 && strcmp(p->expect, "+PONG") == 0,
		    "probes: send decoded, expect");
		ok(p->warning.unit == CONFIG_UNIT_MS &&
		    p->warning.value == 500 &&
		    p->critical.unit == CONFIG_UNIT_MS &&
		    p->critical.value == 2000, "probes: tcp thresholds in ms");
		ok(config_sections_find(cfg, "db")->interval_ms == 5000,
		    "probes: interval applies to a probe");
	}
	if ((p = probe_is(cfg, "sock", CONFIG_TCP, "tcp /run/app.sock", 12)) !=
	    NULL)
		ok(p->addr.ss_family == AF_UNIX &&
		    strcmp(((const struct sockaddr_un *)&p->addr)->sun_path,
		    "/run/app.sock") == 0 && p->addrlen ==
		    offsetof(struct sockaddr_un, sun_path) + 14,
		    "probes: a Unix socket");
	if ((p = probe_is(cfg, "web", CONFIG_HTTP,
	    "http http://[::1]:8080/healthz?full=1", 14)) != NULL) {
		ok(sin_is(&p->addr, p->addrlen, "::1", 8080) && p->path &&
		    strcmp(p->path, "/healthz?full=1") == 0 &&
		    p->host_header && strcmp(p->host_header, "[::1]:8080") ==
		    0, "probes: http address, path, Host as written");
		ok(p->nstatus == 2 && p->status[0].lo == 200 &&
		    p->status[0].hi == 200 && p->status[1].lo == 301 &&
		    p->status[1].hi == 302 && p->expect_body &&
		    strcmp(p->expect_body, "ok") == 0,
		    "probes: expect_status, expect_body");
		ok(config_sections_find(cfg, "web")->affects_health == 0,
		    "probes: affects_health applies to a probe");
	}
	if ((p = probe_is(cfg, "vhost", CONFIG_HTTP,
	    "http http://127.0.0.1", 20)) != NULL)
		ok(sin_is(&p->addr, p->addrlen, "127.0.0.1", 80) &&
		    strcmp(p->path, "/") == 0 && p->nstatus == 0 &&
		    strcmp(p->host_header, "www.example.com") == 0,
		    "probes: port 80, path /, host_header wins wherever it is");
	if ((p = probe_is(cfg, "stamp", CONFIG_FILE,
	    "file /var/lib/backup/stamp", 22)) != NULL)
		ok(p->max_age_ms == 26 * 3600000ULL && p->min_size == 1024 &&
		    p->critical.unit == CONFIG_UNIT_MS &&
		    p->critical.value == 30 * 3600000ULL &&
		    p->warning.unit == CONFIG_UNIT_NONE,
		    "probes: max_age, min_size, an age threshold");
	if ((p = probe_is(cfg, "root", CONFIG_DISK, "disk /", 27)) != NULL)
		ok(p->warning.unit == CONFIG_UNIT_PERCENT &&
		    p->warning.value == 1000 &&
		    p->critical.unit == CONFIG_UNIT_PERCENT &&
		    p->critical.value == 500,
		    "probes: disk defaults to warning 10%%, critical 5%%");
	if ((p = probe_is(cfg, "var", CONFIG_DISK, "disk /var", 31)) != NULL)
		ok(p->warning.unit == CONFIG_UNIT_PERCENT &&
		    p->warning.value == 750 &&
		    p->critical.unit == CONFIG_UNIT_BYTES &&
		    p->critical.value == 2ULL << 30,
		    "probes: disk percent and bytes thresholds");
	if ((p = probe_is(cfg, "bytes", CONFIG_DISK, "disk /srv", 33)) != NULL)
		ok(p->warning.unit == CONFIG_UNIT_BYTES &&
		    p->warning.value == 1048576 &&
		    p->critical.unit == CONFIG_UNIT_NONE,
		    "probes: a bare disk threshold is bytes; no default then");
	ok(config_sections_find(cfg, "cmd")->kind == CONFIG_COMMAND &&
	    config_sections_find(cfg, "cmd")->argv != NULL,
	    "probes: a command check is still one");
	config_parse_free(cfg);
}

#define ONE_OF	"one of command, process, tcp, http, file or disk per check"

static void
test_probe_kinds(void)
{
	bad("[check x]\ntcp = 127.0.0.1:1\nhttp = http://127.0.0.1/\n",
	    "t.conf:3: [check x] http: this check already has tcp (line 2): "
	    ONE_OF);
	bad("[check x]\ncommand = /bin/true\n\ndisk = /\n",
	    "t.conf:4: [check x] disk: this check already has command (line "
	    "2): " ONE_OF);
	bad("[check x]\nfile = /a\ncommand = /bin/true\n",
	    "t.conf:3: [check x] command: this check already has file (line "
	    "2): " ONE_OF);
	bad("[check x]\ntcp = 127.0.0.1:1\ntcp = 127.0.0.1:2\n",
	    "t.conf:3: [check x] duplicate key \"tcp\" (first set on line 2)");
	bad("[check x]\nsend = a\ntimeout = 1s\n", "t.conf:1: [check x] no "
	    "command or probe (command, process, tcp, http, file or disk)");
	bad("[check x]\nprocess = run/x.pid\n",
	    "t.conf:2: [check x] process: must be an absolute path");
	bad("[check x]\nfile = stamp\n",
	    "t.conf:2: [check x] file: must be an absolute path");
	bad("[check x]\ndisk = var\n",
	    "t.conf:2: [check x] disk: must be an absolute path");
	bad("tcp = 127.0.0.1:1\n",
	    "t.conf:1: \"tcp\" belongs in a [check NAME] section");
}

static void
test_probe_addresses(void)
{
	bad("[check x]\ntcp = db.example.com:5432\n", "t.conf:2: [check x] "
	    "tcp: \"db.example.com:5432\" names a host: use an IP address or "
	    "localhost (a name lookup would block)");
	bad("[check x]\ntcp = *:80\n", "t.conf:2: [check x] tcp: \"*:80\": * "
	    "is not an address to connect to (use 127.0.0.1 or [::1])");
	bad("[check x]\ntcp = 127.0.0.1:0\n", "t.conf:2: [check x] tcp: "
	    "invalid port in \"127.0.0.1:0\" (expected 1-65535)");
	bad("[check x]\ntcp = 127.0.0.1\n", "t.conf:2: [check x] tcp: invalid "
	    "address \"127.0.0.1\" (expected HOST:PORT, [IPv6]:PORT or /PATH)");
	bad("[check x]\ntcp = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaa\n",
	    "t.conf:2: [check x] tcp: socket path \"/run/aaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is too long (at "
	    "most 107 bytes)");
	bad("[check x]\nhttp = https://127.0.0.1/\n", "t.conf:2: [check x] "
	    "http: https is not supported (mydaemon has no TLS library): use "
	    "command = /usr/lib/nagios/plugins/check_http --ssl ...");
	bad("[check x]\nhttp = ftp://127.0.0.1/\n", "t.conf:2: [check x] "
	    "http: unsupported scheme in \"ftp://127.0.0.1/\" (expected "
	    "http://HOST[:PORT][/PATH])");
	bad("[check x]\nhttp = 127.0.0.1/\n", "t.conf:2: [check x] http: "
	    "invalid URL \"127.0.0.1/\" (expected http://HOST[:PORT][/PATH])");
	bad("[check x]\nhttp = http://web/\n", "t.conf:2: [check x] http: "
	    "\"http://web/\" names a host: use an IP address or localhost (a "
	    "name lookup would block)");
	bad("[check x]\nhttp = http://127.0.0.1/a#b\n", "t.conf:2: [check x] "
	    "http: invalid path in \"http://127.0.0.1/a#b\" (expected visible "
	    "ASCII, no spaces or '#')");
	bad("[check x]\nhttp = http://127.0.0.1/\nhost_header = a\tb\n",
	    "t.conf:3: [check x] host_header: invalid host \"a?b\" (expected "
	    "visible ASCII, no spaces)");
}

static void
test_probe_values(void)
{
	bad("[check x]\ntcp = 127.0.0.1:1\nsend = a\\qb\n", "t.conf:3: "
	    "[check x] send: unknown escape \"\\q\" (expected \\r, \\n, \\t "
	    "or \\\\)");
	bad("[check x]\ntcp = 127.0.0.1:1\nexpect = a\\\n", "t.conf:3: "
	    "[check x] expect: the text ends with a backslash (write \\\\ for "
	    "one)");
	bad("[check x]\nprocess = /p\nprocess_name = a-very-long-name\n",
	    "t.conf:3: [check x] process_name: \"a-very-long-name\" is 16 "
	    "bytes, but the kernel keeps only the first 15 of a process's "
	    "name: it could never match");
	bad("[check x]\nprocess = /p\nprocess_name = usr/bin\n", "t.conf:3: "
	    "[check x] process_name: invalid process name \"usr/bin\" "
	    "(expected 1 to 15 bytes, no '/' or control characters)");
	bad("[check x]\nhttp = http://127.0.0.1/\nexpect_status = 200-600\n",
	    "t.conf:3: [check x] expect_status: \"200-600\" has a code that "
	    "is not an HTTP status (100-599)");
	bad("[check x]\nhttp = http://127.0.0.1/\nexpect_status = 399-200\n",
	    "t.conf:3: [check x] expect_status: \"399-200\" has a range that "
	    "ends before it starts");
	bad("[check x]\nhttp = http://127.0.0.1/\nexpect_status = ok\n",
	    "t.conf:3: [check x] expect_status: invalid status list \"ok\" "
	    "(expected codes and ranges such as 200, 301-302)");
	bad("[check x]\nhttp = http://127.0.0.1/\nexpect_status = 200 201 "
	    "202 203 204 205 206 207 208 209 210 211 212 213 214 215 216\n",
	    "t.conf:3: [check x] expect_status: \"200 201 202 203 204 205 206 "
	    "207 208 209 210 211 212 213 214 215 ...\" has too many codes and "
	    "ranges (at most 16)");
	bad("[check x]\nfile = /f\nmin_size = 1.5B\n", "t.conf:3: [check x] "
	    "min_size: invalid size \"1.5B\" (expected a number of bytes, or "
	    "with B, KB, MB, GB or TB)");
	bad("[check x]\nfile = /f\nmax_age = 500ms\n", "t.conf:3: [check x] "
	    "max_age: 500ms is out of range (1s-8760h)");
}

static void
test_probe_misplaced(void)
{
	bad("[check x]\nsend = a\ncommand = /bin/true\n",
	    "t.conf:2: [check x] send: only for tcp checks");
	bad("[check x]\nhttp = http://127.0.0.1/\nsend = a\n",
	    "t.conf:3: [check x] send: only for tcp checks");
	bad("[check x]\nexpect_status = 200\ntcp = 127.0.0.1:1\n",
	    "t.conf:2: [check x] expect_status: only for http checks");
	bad("[check x]\ndisk = /\nmax_age = 1h\n",
	    "t.conf:3: [check x] max_age: only for file checks");
	bad("[check x]\nfile = /f\nprocess_name = x\n",
	    "t.conf:3: [check x] process_name: only for process checks");
	bad("[check x]\nprocess = /p\nwarning = 1s\n",
	    "t.conf:3: [check x] warning: a process check has no thresholds");
	bad("[check x]\ncritical = 1s\ncommand = /bin/true\n",
	    "t.conf:2: [check x] critical: only for tcp, http, file and disk "
	    "checks");
	/* A section's keys are judged at its end, not at the next one's. */
	bad("[check x]\nsend = a\n[check y]\ntcp = 127.0.0.1:1\n[check x2]\n"
	    "command = /a\n", "t.conf:1: [check x] no command or probe "
	    "(command, process, tcp, http, file or disk)");
}

static void
test_probe_thresholds(void)
{
	bad("[check x]\ntcp = 127.0.0.1:1\nwarning = 10%\n", "t.conf:3: "
	    "[check x] warning: \"10%\" is a percentage, but a tcp check's "
	    "threshold is a duration (e.g. 500ms)");
	bad("[check x]\nhttp = http://127.0.0.1/\ncritical = 2GB\n",
	    "t.conf:3: [check x] critical: \"2GB\" is a size, but an http "
	    "check's threshold is a duration (e.g. 500ms)");
	bad("[check x]\nwarning = 5m\ndisk = /\n", "t.conf:2: [check x] "
	    "warning: \"5m\" is a duration, but a disk check's threshold is a "
	    "percentage or a size of free space (e.g. 10% or 2GB)");
	bad("[check x]\nfile = /f\nwarning = soon\n", "t.conf:3: [check x] "
	    "warning: \"soon\" is not a threshold: a file check's threshold "
	    "is a duration (e.g. 26h)");
	bad("[check x]\ndisk = /\nwarning = 100.5%\n", "t.conf:3: [check x] "
	    "warning: 100.5% is out of range (0%-100%)");
	bad("[check x]\ndisk = /\nwarning = 7.125%\n", "t.conf:3: [check x] "
	    "warning: \"7.125%\" is not a threshold: a disk check's threshold "
	    "is a percentage or a size of free space (e.g. 10% or 2GB)");
	bad("[check x]\ntcp = 127.0.0.1:1\ncritical = 9000h\n", "t.conf:3: "
	    "[check x] critical: 9000h is out of range (1ms-8760h)");
	bad("[check x]\ndisk = /\nwarning = 5%\ncritical = 10%\n", "t.conf:4: "
	    "[check x] critical: \"10%\" is more than warning \"5%\": less "
	    "free space is worse, so critical must be at most warning");
	bad("[check x]\ncritical = 1s\ntcp = 127.0.0.1:1\nwarning = 2s\n",
	    "t.conf:2: [check x] critical: \"1s\" is less than warning "
	    "\"2s\": a longer time is worse, so critical must be at least "
	    "warning");
	ok(verdict_is("[check x]\ndisk = /\nwarning = 1GB\ncritical = 5%\n",
	    "(accepted)"), "disk thresholds of two units are not compared");
	ok(verdict_is("[check x]\ntcp = 127.0.0.1:1\nwarning = 1s\n"
	    "critical = 1s\n", "(accepted)"), "equal thresholds are allowed");
}

/* Every error of a file of probes, in line order, none left out. */
static const char probe_multi_text[] =
    "[check a]\n"				/* 1 */
    "tcp = web:80\n"				/* 2 */
    "http = http://127.0.0.1/\n"		/* 3 */
    "send = \\e\n"				/* 4 */
    "warning = 1%\n"				/* 5 */
    "[check b]\n"				/* 6 */
    "interval = 1s\n";				/* 7 */
static const char *const probe_multi_want[] = {
    ("m.conf:2: [check a] tcp: \"web:80\" names a host: use an IP address "
    "or localhost (a name lookup would block)"),
    "m.conf:3: [check a] http: this check already has tcp (line 2): " ONE_OF,
    ("m.conf:4: [check a] send: unknown escape \"\\e\" (expected \\r, \\n, "
    "\\t or \\\\)"),
    ("m.conf:5: [check a] warning: \"1%\" is a percentage, but a tcp "
    "check's threshold is a duration (e.g. 500ms)"),
    ("m.conf:6: [check b] no command or probe (command, process, tcp, "
    "http, file or disk)"),
};

static void
test_probe_multi(void)
{
	bad_all("m.conf", probe_multi_text, probe_multi_want,
	    sizeof(probe_multi_want) / sizeof(probe_multi_want[0]),
	    "every probe error of a file");
}

/*
 * Only a probe has probe settings: a command check carries none, the
 * keys of a probe make them in any order, and a reload compares them.
 */
static void
test_probe_settings(void)
{
	struct config		*a, *b;
	struct config_check	*t, *c, copy;

	a = good("[check t]\nmax_age = 2h\nmin_size = 1\nfile = /f\n"
	    "[check c]\ncommand = /bin/true\n[check p]\nttl = 1m\n",
	    "probe settings: max_age and min_size before file");
	b = good("[check t]\nfile = /f\nmin_size = 1\nmax_age = 2h\n"
	    "[check c]\ncommand = /bin/true\n",
	    "probe settings: the same keys after file");
	if (a == NULL || b == NULL) {
		config_parse_free(a);
		config_parse_free(b);
		return;
	}
	t = &a->checks[0];
	c = &a->checks[1];
	ok(t->probe != NULL && t->probe->max_age_ms == 2 * 3600000ULL &&
	    t->probe->min_size == 1, "probe settings: max_age kept before "
	    "its kind");
	ok(c->probe == NULL && a->checks[2].pushed &&
	    a->checks[2].probe == NULL, "probe settings: none for a command "
	    "or a pushed check");
	ok(config_check_same(t, &b->checks[0]) &&
	    config_check_same(c, &b->checks[1]), "probe settings: the same "
	    "in any order, for a reload");
	b->checks[0].probe->max_age_ms++;
	ok(!config_check_same(t, &b->checks[0]), "probe settings: another "
	    "max_age is another check");
	copy = *t;
	copy.probe = NULL;
	ok(!config_check_same(t, &copy) && !config_check_same(&copy, t),
	    "probe settings: none and some differ");
	ok(config_check_same(&copy, &copy), "probe settings: none and none "
	    "are the same");
	config_parse_free(a);
	config_parse_free(b);
	bad("[check x]\ncommand = /bin/true\nmax_age = 1h\n",
	    "t.conf:3: [check x] max_age: only for file checks");
	bad("[check x]\nsend = a\ncommand = /bin/true\n",
	    "t.conf:2: [check x] send: only for tcp checks");
	bad("[check x]\nmax_age = soon\nfile = /f\n",
	    "t.conf:2: [check x] max_age: invalid duration \"soon\" "
	    "(expected a number with ms, s, m or h)");
	bad("[check x]\nfile = /f\nmax_age = 8761h\n",
	    "t.conf:3: [check x] max_age: 8761h is out of range (1s-8760h)");
}

int
main(void)
{
	test_defaults();
	test_full_file();
	test_enums();
	test_paths();
	test_errors();
	test_numbers();
	test_syntax();
	test_messages();
	test_long_lines();
	test_multiple_errors();
	test_comments();
	test_listen_config();
	test_listen_syntax();
	test_durations();
	test_duration_keys();
	test_sections();
	test_section_values();
	test_section_key_errors();
	test_misplaced_keys();
	test_pushed();
	test_section_headers();
	test_broken_sections();
	test_section_multi();
	test_too_many_checks();
	test_agent();
	test_check_globals();
	test_peek();
	test_probes();
	test_probe_kinds();
	test_probe_addresses();
	test_probe_values();
	test_probe_misplaced();
	test_probe_thresholds();
	test_probe_multi();
	test_probe_settings();
	return done_testing();
}
