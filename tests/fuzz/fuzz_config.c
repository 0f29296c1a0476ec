/*
 * fuzz_config.c - libFuzzer harness for config_parse() and config_parse_peek().
 *
 * The input is a mydaemon.conf, copied into a buffer of exactly its size
 * (config_parse() must not need a NUL).  Besides crashes and leaks, the
 * harness aborts when the result breaks what config.h promises:
 *  - a config, or NULL with at least one message (ENOMEM aside);
 *  - each message "fuzz.conf:LINE: text", LINE a line of the input, in
 *    line order, on one line without control bytes, and valid UTF-8
 *    when the input is;
 *  - in a config: at most CONFIG_MAX_CHECKS checks with valid, unique
 *    names, each with a command and a non-empty argv, or a probe whose
 *    command is "KIND TARGET", whose http request cannot be split and
 *    whose thresholds are its kind's, in order; every value in the
 *    range mydaemon.conf(5) gives.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/config.h"
#include "base/words.h"

#include "fuzz_check.h"

#define FILE_NAME	"fuzz.conf"
#define HOUR_MS		(3600ULL * 1000)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why)
{
	fuzz_fail("config", why, input, input_len);
}

/* Lines of the text as config_parse.c counts them: LF ends one, so does EOF. */
FUZZ_ORACLE static size_t
count_lines(const char *s, size_t n)
{
	size_t	 i, lines = 0;

	if (n >= 3 && memcmp(s, "\357\273\277", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines + (n > 0 && s[n - 1] != '\n');
}

FUZZ_ORACLE static int
good_name(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= CONFIG_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

FUZZ_ORACLE static void
check_errors(const struct config_errors *e, size_t lines, int utf8)
{
	const char	*m, *p;
	size_t		 i, pre = strlen(FILE_NAME ":");
	long		 line, last = 0;
	char		*end;

	for (i = 0; i < e->n; i++) {
		m = e->msg[i];
		if (m == NULL || strncmp(m, FILE_NAME ":", pre) != 0)
			fail("a message does not start with the file name");
		p = m + pre;
		if (*p < '1' || *p > '9')
			fail("a message has no line number");
		line = strtol(p, &end, 10);
		if (end[0] != ':' || end[1] != ' ' || end[2] == '\0')
			fail("a message is not FILE:LINE: text");
		if (line < 1 || (size_t)line > lines)
			fail("a message names a line the file does not have");
		if (line < last)
			fail("messages are not in line order");
		last = line;
		for (p = m; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail("a message holds a control byte");
		if (utf8 && !tl_valid_utf8(m, strlen(m)))
			fail("a valid UTF-8 file gives a message that is not");
	}
}

FUZZ_ORACLE static void
check_listen(const struct config_listen *l, size_t n)
{
	size_t	 i;

	if (n > CONFIG_MAX_LISTEN)
		fail("too many listen addresses");
	for (i = 0; i < n; i++) {
		if (memchr(l[i].text, '\0', sizeof(l[i].text)) == NULL ||
		    l[i].text[0] == '\0')
			fail("a listen text is not a string");
		if (!(l[i].addr.ss_family == AF_INET &&
		    l[i].addrlen == sizeof(struct sockaddr_in)) &&
		    !(l[i].addr.ss_family == AF_INET6 &&
		    l[i].addrlen == sizeof(struct sockaddr_in6)))
			fail("a listen address is neither IPv4 nor IPv6");
	}
}

/* Header bytes that cannot break a request: visible ASCII only. */
FUZZ_ORACLE static int
visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/*
 * A probe: "KIND TARGET" as its command, no argv, an address for the
 * network kinds, a request that cannot be split, thresholds of its
 * kind's unit in order.
 */
FUZZ_ORACLE static void
check_probe(const struct config_check *c)
{
	static const char *const kind[] = { "command", "process", "tcp",
	    "http", "file", "disk" };
	const struct config_probe	*p = c->probe;
	size_t				 n, i;

	if (p == NULL)
		fail("a probe without its settings");
	if (c->kind < CONFIG_PROCESS || c->kind > CONFIG_DISK ||
	    c->argv != NULL || p->target == NULL)
		fail("a probe without a kind or a target, or with an argv");
	n = strlen(kind[c->kind]);
	if (strncmp(c->command, kind[c->kind], n) != 0 ||
	    c->command[n] != ' ' || strcmp(c->command + n + 1, p->target) != 0)
		fail("a probe's command is not \"KIND TARGET\"");
	if ((c->kind == CONFIG_TCP || c->kind == CONFIG_HTTP) !=
	    (p->addrlen != 0))
		fail("a network probe has no address, or another one has");
	if (c->kind == CONFIG_HTTP && (p->path == NULL || p->path[0] != '/' ||
	    !visible(p->path) || p->host_header == NULL ||
	    !visible(p->host_header)))
		fail("an http probe's request could be split");
	if ((c->kind != CONFIG_TCP && (p->send != NULL || p->expect != NULL)) ||
	    (p->process_name != NULL && (c->kind != CONFIG_PROCESS ||
	    strlen(p->process_name) > 15)))
		fail("a probe keeps a key of another kind");
	for (i = 0; i < p->nstatus; i++)
		if (p->status[i].lo < 100 ||
		    p->status[i].lo > p->status[i].hi ||
		    p->status[i].hi > 599)
			fail("an expect_status range is out of 100-599");
	if ((c->kind == CONFIG_DISK) != (p->warning.unit ==
	    CONFIG_UNIT_PERCENT || p->warning.unit == CONFIG_UNIT_BYTES ||
	    p->critical.unit == CONFIG_UNIT_PERCENT ||
	    p->critical.unit == CONFIG_UNIT_BYTES))
		fail("a threshold of another kind's unit");
	if (c->kind == CONFIG_PROCESS && (p->warning.unit != CONFIG_UNIT_NONE ||
	    p->critical.unit != CONFIG_UNIT_NONE))
		fail("a process probe has a threshold");
	if (p->warning.unit == p->critical.unit &&
	    p->warning.unit != CONFIG_UNIT_NONE &&
	    (c->kind == CONFIG_DISK ? p->critical.value > p->warning.value :
	    p->critical.value < p->warning.value))
		fail("warning and critical in the wrong order");
}

FUZZ_ORACLE static void
check_check(const struct config *cfg, size_t i)
{
	const struct config_check	*c = &cfg->checks[i];
	size_t				 j, n;

	if (memchr(c->name, '\0', sizeof(c->name)) == NULL ||
	    !good_name(c->name))
		fail("a check has an invalid name");
	for (j = 0; j < i; j++)
		if (strcmp(cfg->checks[j].name, c->name) == 0)
			fail("two checks have the same name");
	if (config_sections_find(cfg, c->name) != c)
		fail("config_sections_find() does not find a check");
	if (c->command == NULL)
		fail("a check has no command");
	if (c->kind != CONFIG_COMMAND)
		check_probe(c);
	else if (c->argv == NULL || c->argv[0] == NULL ||
	    c->argv[0][0] == '\0')
		fail("a check has no argv");
	for (n = 0; c->argv != NULL && c->argv[n] != NULL; n++)
		if (n == WORDS_MAX)
			fail("a command has more than WORDS_MAX words");
	if (c->interval_ms < 10 || c->interval_ms > 24 * HOUR_MS ||
	    c->timeout_ms < 10 || c->timeout_ms > 24 * HOUR_MS ||
	    c->rise < 1 || c->rise > 100 || c->fall < 1 || c->fall > 100 ||
	    (c->affects_health != 0 && c->affects_health != 1))
		fail("a check's value is out of its range");
	if (c->line < 0 || (c->line == 0 && strcmp(c->name, "main") != 0) ||
	    c->command_line < 1)
		fail("a check's line numbers are wrong");
}

FUZZ_ORACLE static int
absolute_or_null(const char *s)
{
	return s == NULL || s[0] == '/';
}

FUZZ_ORACLE static void
check_config(const struct config *cfg)
{
	size_t	 i;

	check_listen(cfg->listen, cfg->nlisten);
	check_listen(cfg->agent_listen, cfg->nagent_listen);
	if (cfg->nchecks > CONFIG_MAX_CHECKS)
		fail("more than CONFIG_MAX_CHECKS checks");
	if (cfg->nchecks > 0 && cfg->checks == NULL)
		fail("checks counted but not there");
	for (i = 0; i < cfg->nchecks; i++)
		check_check(cfg, i);
	if (cfg->log_file == NULL || (cfg->log_file[0] != '/' &&
	    strcmp(cfg->log_file, "syslog") != 0 &&
	    strcmp(cfg->log_file, "stderr") != 0))
		fail("log_file is no path, syslog or stderr");
	if (!absolute_or_null(cfg->pidfile) ||
	    !absolute_or_null(cfg->access_log) ||
	    cfg->maintenance_file == NULL || cfg->maintenance_file[0] != '/')
		fail("a path is not absolute");
	if ((cfg->user != NULL && (cfg->user[0] == '\0' ||
	    cfg->user[0] == '-' || cfg->user_line < 1)) ||
	    (cfg->group != NULL && (cfg->group[0] == '\0' ||
	    cfg->group[0] == '-' || cfg->group_line < 1)))
		fail("a user or group name is invalid");
	if (cfg->log_level < LOG_ERR || cfg->log_level > LOG_DEBUG ||
	    (cfg->maintenance != 0 && cfg->maintenance != 1) ||
	    cfg->agent_warning_weight > 100 ||
	    cfg->max_parallel_checks < 1 ||
	    cfg->max_parallel_checks > CONFIG_MAX_CHECKS ||
	    cfg->max_connections < 1 || cfg->max_connections > 65536 ||
	    cfg->idle_timeout_ms < 10 || cfg->idle_timeout_ms > 24 * HOUR_MS ||
	    cfg->shutdown_timeout_ms > HOUR_MS)
		fail("a global value is out of its range");
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config_paths paths = { "/run/mydaemon.pid",
	    "/var/log/mydaemon/mydaemon.log",
	    "/var/lib/mydaemon/maintenance", "/var/lib/mydaemon/results",
	    NULL };
	struct config_errors	 errs = { NULL, 0 };
	struct config		*cfg;
	char			*text, *v;

	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	input = text;
	input_len = size;
	errno = 0;
	cfg = config_parse(FILE_NAME, text, size, &paths, &errs);
	if (cfg == NULL && errs.n == 0 && errno != ENOMEM)
		fail("no config and no message");
	if (cfg != NULL && errs.n > 0)
		fail("a config and messages");
	check_errors(&errs, count_lines(text, size),
	    tl_valid_utf8(text, size));
	if (cfg != NULL)
		check_config(cfg);
	config_parse_free(cfg);
	config_parse_errors_free(&errs);

	/* `-s` reads a key from a broken file: never crash either. */
	if ((v = config_parse_peek(text, size, "pidfile")) != NULL) {
		if (v[0] == '\0')
			fail("config_parse_peek found an empty value");
		free(v);
	}
	free(text);
	return 0;
}
