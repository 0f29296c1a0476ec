/*
 * test_config.c - the config parser, one behaviour per assertion.
 *
 * The messages are part of the interface (`mydaemon -t` prints them and
 * scripts and people match on them), so errors are compared word for
 * word, with file and line.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "../../src/config.h"
#include "tap.h"

#define PIDFILE	"/run/mydaemon.pid"
#define LOGFILE	"/var/log/mydaemon/mydaemon.log"

static struct config *
parse_len(const char *text, size_t len, struct config_errors *e)
{
	return config_parse("t.conf", text, len, PIDFILE, LOGFILE, e);
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
	config_errors_free(&e);
	return cfg;
}

/* Text (of len bytes) that must fail with exactly one message. */
static void
bad_len(const char *text, size_t len, const char *want)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	const char		*got;

	cfg = parse_len(text, len, &e);
	if (cfg != NULL)
		got = "(accepted)";
	else if (e.n != 1)
		got = e.n == 0 ? "(no message)" : "(several messages)";
	else
		got = e.msg[0];
	is_str(got, want, "rejects with: %s", want);
	if (e.n > 1)
		diag_errors(&e);
	config_free(cfg);
	config_errors_free(&e);
}

static void
bad(const char *text, const char *want)
{
	bad_len(text, strlen(text), want);
}

static void
test_defaults(void)
{
	struct config		*cfg, *d;
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
	ok(cfg->user == NULL && cfg->user_line == 0, "default: no user");
	ok(cfg->group == NULL && cfg->group_line == 0, "default: no group");
	ok(cfg->log_level == LOG_INFO, "default: log_level info");
	ok(cfg->syslog_facility == LOG_DAEMON, "default: facility daemon");
	ok(cfg->access_log == NULL, "default: access_log off");
	ok(cfg->maintenance == 0, "default: maintenance no");
	ok(cfg->check_command == NULL && cfg->check_argv == NULL,
	    "default: no check_command");
	ok(cfg->check_interval_ms == 10000, "default: check_interval 10s");
	ok(cfg->check_timeout_ms == 5000, "default: check_timeout 5s");
	ok(cfg->check_rise == 1 && cfg->check_fall == 1,
	    "default: check_rise and check_fall 1");
	ok(cfg->max_connections == 512, "default: max_connections 512");
	ok(cfg->idle_timeout_ms == 10000, "default: idle_timeout 10s");
	ok(cfg->shutdown_timeout_ms == 5000, "default: shutdown_timeout 5s");
	config_free(cfg);

	d = malloc(sizeof(*d));
	ok(d != NULL && config_defaults(d, NULL, NULL) == 0 &&
	    d->pidfile == NULL && strcmp(d->log_file, "stderr") == 0,
	    "config_defaults: NULL pidfile is none, NULL log_file stderr");
	config_free(d);
}

/* Every key once, CRLF line ends, blanks and comments everywhere. */
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
    "shutdown_timeout = 0";			/* no final newline */

static void
test_full_file(void)
{
	struct config	*cfg;

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
	is_str(cfg->check_command, "/bin/echo \"a # b\" 'c d'",
	    "full: check_command raw text keeps the quoted #");
	ok(cfg->check_argv != NULL && cfg->check_argv[3] == NULL &&
	    strcmp(cfg->check_argv[1], "a # b") == 0 &&
	    strcmp(cfg->check_argv[2], "c d") == 0, "full: check_argv");
	ok(cfg->check_interval_ms == 1500 && cfg->check_timeout_ms == 120000,
	    "full: check_interval 1500ms, check_timeout 2m");
	ok(cfg->check_rise == 3 && cfg->check_fall == 100,
	    "full: check_rise, check_fall");
	ok(cfg->max_connections == 65536, "full: max_connections 65536");
	ok(cfg->idle_timeout_ms == 3600000, "full: idle_timeout 1h");
	ok(cfg->shutdown_timeout_ms == 0, "full: shutdown_timeout 0");
	config_free(cfg);
}

/* Parse "KEY = VALUE" and hand back the config, or NULL. */
static struct config *
one(const char *key, const char *value)
{
	char		 buf[256];

	snprintf(buf, sizeof(buf), "%s = %s\n", key, value);
	return good(buf, buf);
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
		config_free(cfg);
	}
	for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++) {
		cfg = one("syslog_facility", fac[i].v);
		ok(cfg && cfg->syslog_facility == fac[i].want,
		    "syslog_facility %s", fac[i].v);
		config_free(cfg);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		cfg = one("maintenance", bools[i].v);
		ok(cfg && cfg->maintenance == bools[i].want,
		    "maintenance %s", bools[i].v);
		config_free(cfg);
	}
	is_str(config_level_name(LOG_ERR), "error", "level name error");
	is_str(config_level_name(LOG_WARNING), "warning", "level warning");
	is_str(config_level_name(LOG_NOTICE), "notice", "level notice");
	is_str(config_level_name(LOG_INFO), "info", "level name info");
	is_str(config_level_name(LOG_DEBUG), "debug", "level name debug");
	is_str(config_level_name(99), "unknown", "level name of nonsense");
}

static void
test_paths(void)
{
	struct config	*cfg;

	cfg = one("pidfile", "none");
	ok(cfg && cfg->pidfile == NULL, "pidfile none is NULL");
	config_free(cfg);
	cfg = one("log_file", "stderr");
	ok(cfg && strcmp(cfg->log_file, "stderr") == 0, "log_file stderr");
	config_free(cfg);
	cfg = one("log_file", "/var/log/x.log");
	ok(cfg && strcmp(cfg->log_file, "/var/log/x.log") == 0,
	    "log_file absolute path");
	config_free(cfg);
	cfg = one("access_log", "off");
	ok(cfg && cfg->access_log == NULL, "access_log off is NULL");
	config_free(cfg);
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
	config_free(cfg);
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
	cfg = config_parse("f.conf", multi_text, strlen(multi_text), PIDFILE,
	    LOGFILE, &e);
	if (!ok(cfg == NULL && e.n == n, "every error in a file is reported"))
		diag_errors(&e);
	for (i = 0; i < n && i < e.n; i++)
		is_str(e.msg[i], multi_want[i], "multiple errors, #%zu", i + 1);
	/* A second parse appends to the same list. */
	cfg = config_parse(NULL, "x=1", 3, PIDFILE, LOGFILE, &e);
	ok(cfg == NULL && e.n == n + 1 &&
	    strcmp(e.msg[n], "(config):1: unknown key \"x\"") == 0,
	    "errors are appended; a NULL file name reads (config)");
	config_errors_free(&e);
	ok(e.n == 0 && e.msg == NULL, "config_errors_free empties the list");
	errno = 0;
	cfg = config_parse("f.conf", multi_text, strlen(multi_text), NULL,
	    NULL, NULL);
	ok(cfg == NULL && errno == EINVAL, "NULL errs: still NULL, EINVAL");
}

static void
test_comments(void)
{
	struct config	*cfg;

	cfg = good("\n   \n\t# indented comment\n#\n \r\n"
	    "log_level=notice\n", "blank lines, comments, key=value");
	ok(cfg && cfg->log_level == LOG_NOTICE, "key=value without blanks");
	config_free(cfg);
	cfg = good("check_command = /bin/echo a#b \\# 'c' # gone\n",
	    "a # inside a word");
	ok(cfg && strcmp(cfg->check_command, "/bin/echo a#b \\# 'c'") == 0,
	    "# inside a word or escaped is not a comment");
	ok(cfg && cfg->check_argv && strcmp(cfg->check_argv[1], "a#b") == 0 &&
	    strcmp(cfg->check_argv[2], "#") == 0 &&
	    strcmp(cfg->check_argv[3], "c") == 0 && !cfg->check_argv[4],
	    "check_argv of a command with # characters");
	config_free(cfg);
	cfg = good("\357\273\277log_level = error\n", "a byte order mark");
	ok(cfg && cfg->log_level == LOG_ERR, "a leading BOM is skipped");
	config_free(cfg);
	cfg = good("check_command = /bin/sh -c \"echo x=1 | wc\" # ok\n",
	    "a command with = and |");
	ok(cfg && strcmp(cfg->check_argv[2], "echo x=1 | wc") == 0,
	    "only the first = separates key from value");
	config_free(cfg);
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
	config_free(cfg);
	cfg = good("listen = none\n", "listen none");
	ok(cfg && cfg->nlisten == 0, "listen none: nlisten 0");
	config_free(cfg);
	for (i = 0; i < CONFIG_MAX_LISTEN; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "listen = 127.0.0.1:%zu\n", 1000 + i);
	cfg = good(buf, "16 listen lines");
	ok(cfg && cfg->nlisten == CONFIG_MAX_LISTEN, "16 addresses kept");
	config_free(cfg);
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

static void
test_parse_listen(void)
{
	static const char *const invalid[] = {
		":80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:+80", "1.2.3.4:-1",
		"::1:80", "[::1]80", "[::1", "[1.2.3.4]:80", "256.1.1.1:80",
		"1.2.3:80", "[fe80::1%eth0]:80", "*:99999999999999999999",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]:8080000",
		""
	};
	struct config_listen	 l;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&l.addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&l.addr;
	size_t			 i;

	ok(config_parse_listen("*:80", &l) == 0 &&
	    sin->sin_family == AF_INET && sin->sin_addr.s_addr == INADDR_ANY &&
	    ntohs(sin->sin_port) == 80 && strcmp(l.text, "*:80") == 0,
	    "listen *:80 is 0.0.0.0 port 80, text kept");
	ok(config_parse_listen("[::1]:8080", &l) == 0 &&
	    sin6->sin6_family == AF_INET6 && l.addrlen == sizeof(*sin6) &&
	    IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) &&
	    ntohs(sin6->sin6_port) == 8080, "listen [::1]:8080");
	ok(config_parse_listen("[::ffff:10.0.0.1]:65535", &l) == 0 &&
	    ntohs(sin6->sin6_port) == 65535, "listen v4-mapped, port 65535");
	ok(config_parse_listen("10.1.2.3:0080", &l) == 0 &&
	    ntohs(sin->sin_port) == 80, "listen port with leading zeros");
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		ok(config_parse_listen(invalid[i], &l) == -1,
		    "listen rejects \"%s\"", invalid[i]);
}

static void
test_durations(void)
{
	static const struct { const char *s; uint64_t ms; } valid[] = {
		{ "0", 0 }, { "0ms", 0 }, { "10ms", 10 }, { "1500ms", 1500 },
		{ "5", 5000 }, { "5s", 5000 }, { "010s", 10000 },
		{ "2m", 120000 }, { "1h", 3600000 },
		{ "18446744073709551615ms", UINT64_MAX }
	};
	static const char *const invalid[] = {
		"", "s", "ms", "5 s", " 5s", "5s ", "-1", "+1", "1.5s", "10x",
		"10S", "5sm", "1h30m", "99999999999999999999s",
		"18446744073709551616ms", "18446744073709552s",
		"5124095576030432h"
	};
	uint64_t	 ms;
	size_t		 i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		ok(config_parse_duration(valid[i].s, &ms) == 0 &&
		    ms == valid[i].ms, "duration \"%s\"", valid[i].s);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		ok(config_parse_duration(invalid[i], &ms) == -1,
		    "duration rejects \"%s\"", invalid[i]);
}

static void
test_duration_keys(void)
{
	struct config	*cfg;

	cfg = good("check_interval = 24h\ncheck_timeout = 10ms\n"
	    "idle_timeout = 86400000ms\nshutdown_timeout = 1h\n",
	    "durations at the top and bottom of their ranges");
	ok(cfg && cfg->check_interval_ms == 86400000 &&
	    cfg->check_timeout_ms == 10 && cfg->idle_timeout_ms == 86400000 &&
	    cfg->shutdown_timeout_ms == 3600000, "range limits are inclusive");
	config_free(cfg);
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

/* Render argv as [w1][w2]... so that empty words show. */
static const char *
words(const char *s, char *buf, size_t size)
{
	const char	*why;
	char		**v, **w;
	size_t		 len = 0;

	if ((v = config_split_words(s, &why)) == NULL)
		return why;
	buf[0] = '\0';
	for (w = v; *w != NULL; w++)
		len += (size_t)snprintf(buf + len, size - len, "[%s]", *w);
	config_argv_free(v);
	return buf;
}

static const struct { const char *in, *want; } split_cases[] = {
	{ "/bin/echo hello  world", "[/bin/echo][hello][world]" },
	{ " \ta\t b \n c ", "[a][b][c]" },
	{ "'a b' c", "[a b][c]" }, { "\"a b\" c", "[a b][c]" },
	{ "a'b'\"c\"d", "[abcd]" }, { "''", "[]" },
	{ "a '' \"\" b", "[a][][][b]" }, { "'a\\b\"'", "[a\\b\"]" },
	{ "\"\\$\\`\\\"\\\\\"", "[$`\"\\]" },
	{ "\"a\\nb\\'\"", "[a\\nb\\']" }, { "\"a\\\nb\"", "[ab]" },
	{ "a\\ b \\'x\\\" \\\\", "[a b]['x\"][\\]" },
	{ "a\\\nb", "[ab]" }, { "a \\\n b", "[a][b]" },
	{ "a;b|c&d<e>f ; x", "[a;b|c&d<e>f][;][x]" },
	{ "$HOME *.c ~ `id`", "[$HOME][*.c][~][`id`]" },
	{ "", "no command" }, { " \t\n", "no command" },
	{ "\\\n", "no command" },
	{ "'abc", "unterminated single quote" },
	{ "a \"b", "unterminated double quote" },
	{ "\"a\\\"", "unterminated double quote" },
	{ "a\\", "trailing backslash" },
};

static void
test_split_words(void)
{
	char		 in[512], buf[1024], want[1024];
	const char	*why = "x";
	size_t		 i;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++)
		is_str(words(split_cases[i].in, buf, sizeof(buf)),
		    split_cases[i].want,
		    "split #%zu", i + 1);
	in[0] = want[0] = '\0';
	for (i = 0; i < CONFIG_MAX_ARGS; i++) {
		strcat(in, "w ");
		strcat(want, "[w]");
	}
	is_str(words(in, buf, sizeof(buf)), want, "split 64 words");
	strcat(in, "''");
	is_str(words(in, buf, sizeof(buf)), "too many words",
	    "split 65 words is too many, even an empty last one");
	errno = 0;
	ok(config_split_words("'", &why) == NULL && errno == EINVAL,
	    "split errors set errno EINVAL");
	ok(config_split_words("a 'b", NULL) == NULL, "split with NULL why");
	config_argv_free(NULL);
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
	test_parse_listen();
	test_durations();
	test_duration_keys();
	test_split_words();
	return done_testing();
}
