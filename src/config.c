/*
 * config.c - parse mydaemon.conf: text in, a struct config or messages out.
 *
 * The parser is pure so that `mydaemon -t`, start-up and SIGHUP give the
 * same verdict and so that it can be unit-tested and fuzzed: no logging,
 * no I/O, no clock, no user database.  It does not stop at the first
 * problem; an administrator fixing a file wants every mistake at once.
 *
 * The comment rule follows the shell: '#' starts a comment only at the
 * start of a word outside quotes, so check_command keeps a quoted '#'.
 * Quoting is tracked on the whole line for every key, so that the same
 * rule holds whatever the key.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config.h"

#define LINE_MAX_BYTES	4096	/* longer lines are an error, not cut */
#define SAFE_MAX	64	/* longest value quoted in a message */
#define SAFE_SIZE	(SAFE_MAX + sizeof("..."))
#define MSG_SIZE	512
#define DEFAULT_LISTEN	"127.0.0.1:8080"

#define SEC		1000ULL
#define MINUTE		(60 * SEC)
#define HOUR		(60 * MINUTE)

enum num { NUM_OK, NUM_INVALID, NUM_RANGE };

struct parser;

struct key {
	const char	*name;
	void		(*set)(struct parser *, const struct key *,
			    const char *);
	size_t		 off;		/* field for set_duration, set_uint */
	uint64_t	 min, max;
	const char	*range;		/* min and max as written to users */
};

struct name_value {
	const char	*name;
	int		 value;
};

static void	set_listen(struct parser *, const struct key *, const char *);
static void	set_pidfile(struct parser *, const struct key *, const char *);
static void	set_name(struct parser *, const struct key *, const char *);
static void	set_log_file(struct parser *, const struct key *,
		    const char *);
static void	set_level(struct parser *, const struct key *, const char *);
static void	set_facility(struct parser *, const struct key *,
		    const char *);
static void	set_access_log(struct parser *, const struct key *,
		    const char *);
static void	set_bool(struct parser *, const struct key *, const char *);
static void	set_command(struct parser *, const struct key *,
		    const char *);
static void	set_duration(struct parser *, const struct key *,
		    const char *);
static void	set_uint(struct parser *, const struct key *, const char *);

#define DUR(n, f, lo, hi, r) \
	{ n, set_duration, offsetof(struct config, f), lo, hi, r }
#define UINT(n, f, lo, hi, r) \
	{ n, set_uint, offsetof(struct config, f), lo, hi, r }

static const struct key keys[] = {
	{ "listen", set_listen, 0, 0, 0, NULL },
	{ "pidfile", set_pidfile, 0, 0, 0, NULL },
	{ "user", set_name, 0, 0, 0, NULL },
	{ "group", set_name, 0, 0, 0, NULL },
	{ "log_file", set_log_file, 0, 0, 0, NULL },
	{ "log_level", set_level, 0, 0, 0, NULL },
	{ "syslog_facility", set_facility, 0, 0, 0, NULL },
	{ "access_log", set_access_log, 0, 0, 0, NULL },
	{ "maintenance", set_bool, 0, 0, 0, NULL },
	{ "check_command", set_command, 0, 0, 0, NULL },
	DUR("check_interval", check_interval_ms, 10, 24 * HOUR, "10ms-24h"),
	DUR("check_timeout", check_timeout_ms, 10, 24 * HOUR, "10ms-24h"),
	UINT("check_rise", check_rise, 1, 100, "1-100"),
	UINT("check_fall", check_fall, 1, 100, "1-100"),
	UINT("max_connections", max_connections, 1, 65536, "1-65536"),
	DUR("idle_timeout", idle_timeout_ms, 10, 24 * HOUR, "10ms-24h"),
	DUR("shutdown_timeout", shutdown_timeout_ms, 0, HOUR, "0-1h"),
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const struct name_value levels[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG }, { NULL, 0 }
};

static const struct name_value facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "mail", LOG_MAIL }, { "news", LOG_NEWS }, { "lpr", LOG_LPR },
	{ "uucp", LOG_UUCP }, { "ftp", LOG_FTP }, { "syslog", LOG_SYSLOG },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { NULL, 0 }
};

static const struct name_value booleans[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 }, { NULL, 0 }
};

/* Everything one config_parse() call needs; there is no global state. */
struct parser {
	const char		*file;
	struct config		*cfg;
	struct config_errors	*errs;
	int			 lineno;
	int			 nerr;
	int			 oom;
	int			 seen[NKEYS];	/* line a key was set on */
	int			 listen_given;	/* file replaced the default */
	int			 none_line;	/* line of `listen = none` */
	int			 listen_line[CONFIG_MAX_LISTEN];
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(int c)
{
	return is_blank(c) || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/*
 * Copy s into buf (SAFE_SIZE bytes) fit for a one-line message: control
 * bytes become '?' and a long value is cut, not in the middle of a UTF-8
 * sequence, and marked with "...".
 */
static const char *
safe(char *buf, const char *s)
{
	size_t	 i, n;

	n = strlen(s);
	if (n > SAFE_MAX) {
		n = SAFE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s[n] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* Append "FILE:LINE: message" to the caller's list. */
static void __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	struct config_errors	*e = p->errs;
	char			 msg[MSG_SIZE], *s, **v;
	va_list			 ap;
	int			 len;

	p->nerr++;
	if (e == NULL || p->oom)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = snprintf(NULL, 0, "%s:%d: %s", p->file, p->lineno, msg);
	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL) {
		p->oom = 1;
		return;
	}
	(void)snprintf(s, (size_t)len + 1, "%s:%d: %s", p->file, p->lineno,
	    msg);
	/* Grow by doubling: the array is full when n is a power of two. */
	if ((e->n & (e->n - 1)) == 0) {
		v = realloc(e->msg, (e->n ? e->n * 2 : 1) * sizeof(*v));
		if (v == NULL) {
			free(s);
			p->oom = 1;
			return;
		}
		e->msg = v;
	}
	e->msg[e->n++] = s;
}

/* Replace *dst by a copy of val, or by NULL when val is NULL. */
static void
set_string(struct parser *p, char **dst, const char *val)
{
	char	*s = NULL;

	if (val != NULL && (s = strdup(val)) == NULL) {
		p->oom = 1;
		return;
	}
	free(*dst);
	*dst = s;
}

static int
lookup(const struct name_value *t, const char *name, int *value)
{
	for (; t->name != NULL; t++) {
		if (strcasecmp(t->name, name) == 0) {
			*value = t->value;
			return 0;
		}
	}
	return -1;
}

/* Decimal digits only: no sign, no blanks, no base prefix. */
static enum num
parse_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t	 n = 0;
	size_t		 i;
	int		 big = 0;

	if (len == 0)
		return NUM_INVALID;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9)
			return NUM_INVALID;
		if (n > (UINT64_MAX - d) / 10)
			big = 1;
		else
			n = n * 10 + d;
	}
	*out = n;
	return big ? NUM_RANGE : NUM_OK;
}

static enum num
parse_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *sfx; uint64_t mult; } units[] = {
		{ "", SEC }, { "ms", 1 }, { "s", SEC }, { "m", MINUTE },
		{ "h", HOUR }
	};
	enum num	 r;
	uint64_t	 n;
	size_t		 i, len;

	len = strspn(s, "0123456789");
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s + len, units[i].sfx) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return NUM_INVALID;
	if ((r = parse_number(s, len, &n)) != NUM_OK)
		return r;
	if (n > UINT64_MAX / units[i].mult)
		return NUM_RANGE;
	*ms = n * units[i].mult;
	return NUM_OK;
}

int
config_parse_duration(const char *s, uint64_t *ms)
{
	return parse_duration(s, ms) == NUM_OK ? 0 : -1;
}

/* The port after the colon: 1-65535, decimal. */
static int
parse_port(const char *s, in_port_t *port)
{
	uint64_t	 n;

	if (parse_number(s, strlen(s), &n) != NUM_OK || n < 1 || n > 65535)
		return -1;
	*port = htons((in_port_t)n);
	return 0;
}

/*
 * Split "HOST:PORT" or "[HOST]:PORT" into host (copied to buf, which
 * has room for the whole text) and a pointer to the port.
 */
static int
split_host_port(const char *s, char *buf, const char **port)
{
	const char	*end;

	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			return -1;
		s++;
	} else if ((end = strrchr(s, ':')) == NULL)
		return -1;
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	*port = end + (*end == ']' ? 2 : 1);
	return 0;
}

/* Like config_parse_listen(), saying which part was wrong in *why. */
static int
parse_listen(const char *s, struct config_listen *out, const char **why)
{
	struct config_listen	 l;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&l.addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&l.addr;
	char			 host[sizeof(l.text)];
	const char		*port;
	in_port_t		 nport;

	memset(&l, 0, sizeof(l));
	*why = "address";
	if (strlen(s) >= sizeof(l.text) || split_host_port(s, host, &port))
		return -1;
	if (s[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		l.addrlen = sizeof(*sin6);
	} else if (s[0] != '[' && (strcmp(host, "*") == 0 ||
	    inet_pton(AF_INET, host, &sin->sin_addr) == 1)) {
		sin->sin_family = AF_INET;	/* "*": zeroed, INADDR_ANY */
		l.addrlen = sizeof(*sin);
	} else
		return -1;
	*why = "port";
	if (parse_port(port, &nport) == -1)
		return -1;
	if (l.addr.ss_family == AF_INET)
		sin->sin_port = nport;
	else
		sin6->sin6_port = nport;
	memcpy(l.text, s, strlen(s) + 1);
	*out = l;
	return 0;
}

int
config_parse_listen(const char *s, struct config_listen *out)
{
	const char	*why;

	return parse_listen(s, out, &why);
}

static int
same_addr(const struct config_listen *a, const struct config_listen *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->addr.ss_family != b->addr.ss_family)
		return 0;
	if (a->addr.ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)&a->addr;
		b4 = (const struct sockaddr_in *)&b->addr;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	a6 = (const struct sockaddr_in6 *)&a->addr;
	b6 = (const struct sockaddr_in6 *)&b->addr;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr)) == 0;
}

/* `listen = none`: HTTP off, which makes no sense with any address. */
static void
listen_none(struct parser *p)
{
	if (p->none_line != 0) {
		perr(p, "listen: duplicate address \"none\" (first on line %d)",
		    p->none_line);
		return;
	}
	p->none_line = p->lineno;
	if (p->cfg->nlisten > 0)
		perr(p, "listen: \"none\" cannot be combined with other "
		    "addresses");
}

static void
listen_error(struct parser *p, const char *why, const char *val)
{
	char	 sv[SAFE_SIZE];

	if (strcmp(why, "port") == 0)
		perr(p, "listen: invalid port in \"%s\" (expected 1-65535)",
		    safe(sv, val));
	else
		perr(p, "listen: invalid address \"%s\" (expected "
		    "A.B.C.D:PORT, [IPv6]:PORT or *:PORT)", safe(sv, val));
}

static void
set_listen(struct parser *p, const struct key *k, const char *val)
{
	struct config		*cfg = p->cfg;
	struct config_listen	 l;
	const char		*why;
	char			 sv[SAFE_SIZE];
	size_t			 i;

	if (!p->listen_given) {
		p->listen_given = 1;
		cfg->nlisten = 0;	/* the file's addresses replace ours */
	}
	if (strcasecmp(val, "none") == 0) {
		listen_none(p);
		return;
	}
	if (parse_listen(val, &l, &why) == -1) {
		listen_error(p, why, val);
		return;
	}
	if (p->none_line != 0) {
		perr(p, "listen: \"none\" cannot be combined with other "
		    "addresses");
		return;
	}
	for (i = 0; i < cfg->nlisten; i++) {
		if (same_addr(&cfg->listen[i], &l)) {
			perr(p, "listen: duplicate address \"%s\" "
			    "(first on line %d)", safe(sv, val),
			    p->listen_line[i]);
			return;
		}
	}
	if (cfg->nlisten == CONFIG_MAX_LISTEN) {
		perr(p, "%s: too many addresses (at most %d)", k->name,
		    CONFIG_MAX_LISTEN);
		return;
	}
	p->listen_line[cfg->nlisten] = p->lineno;
	cfg->listen[cfg->nlisten++] = l;
}

static void
set_pidfile(struct parser *p, const struct key *k, const char *val)
{
	if (strcasecmp(val, "none") == 0)
		set_string(p, &p->cfg->pidfile, NULL);
	else if (val[0] == '/')
		set_string(p, &p->cfg->pidfile, val);
	else
		perr(p, "%s: must be an absolute path or \"none\"", k->name);
}

static void
set_log_file(struct parser *p, const struct key *k, const char *val)
{
	if (strcasecmp(val, "syslog") == 0)
		set_string(p, &p->cfg->log_file, "syslog");
	else if (strcasecmp(val, "stderr") == 0)
		set_string(p, &p->cfg->log_file, "stderr");
	else if (val[0] == '/')
		set_string(p, &p->cfg->log_file, val);
	else
		perr(p, "%s: must be an absolute path, \"syslog\" or "
		    "\"stderr\"", k->name);
}

static void
set_access_log(struct parser *p, const struct key *k, const char *val)
{
	if (strcasecmp(val, "off") == 0)
		set_string(p, &p->cfg->access_log, NULL);
	else if (val[0] == '/')
		set_string(p, &p->cfg->access_log, val);
	else
		perr(p, "%s: must be an absolute path or \"off\"", k->name);
}

/*
 * The portable user name character set; '-' first would read as an
 * option to tools like chown.  Whether the name exists is checked by
 * the caller at start-up: this module does not touch the user database.
 */
static void
set_name(struct parser *p, const struct key *k, const char *val)
{
	static const char	 ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-";
	char			 sv[SAFE_SIZE];

	if (val[0] == '-' || val[strspn(val, ok)] != '\0') {
		perr(p, "%s: invalid name \"%s\" (expected letters, digits, "
		    "'.', '_' or '-', not starting with '-')", k->name,
		    safe(sv, val));
		return;
	}
	if (strcmp(k->name, "user") == 0) {
		set_string(p, &p->cfg->user, val);
		p->cfg->user_line = p->lineno;
	} else {
		set_string(p, &p->cfg->group, val);
		p->cfg->group_line = p->lineno;
	}
}

static void
set_level(struct parser *p, const struct key *k, const char *val)
{
	char	 sv[SAFE_SIZE];

	if (lookup(levels, val, &p->cfg->log_level) == -1)
		perr(p, "%s: invalid value \"%s\" (expected error, warning, "
		    "notice, info or debug)", k->name, safe(sv, val));
}

static void
set_facility(struct parser *p, const struct key *k, const char *val)
{
	char	 sv[SAFE_SIZE];

	if (lookup(facilities, val, &p->cfg->syslog_facility) == -1)
		perr(p, "%s: invalid value \"%s\" (expected daemon, user, "
		    "auth, authpriv, cron, mail, news, lpr, uucp, ftp, syslog "
		    "or local0 to local7)", k->name, safe(sv, val));
}

static void
set_bool(struct parser *p, const struct key *k, const char *val)
{
	char	 sv[SAFE_SIZE];

	if (lookup(booleans, val, &p->cfg->maintenance) == -1)
		perr(p, "%s: invalid value \"%s\" (expected yes, no, true, "
		    "false, on, off, 1 or 0)", k->name, safe(sv, val));
}

/* Split now, so that a quoting mistake is caught by `mydaemon -t`. */
static void
set_command(struct parser *p, const struct key *k, const char *val)
{
	char		**argv;
	const char	 *why;

	if ((argv = config_split_words(val, &why)) == NULL) {
		if (why == NULL)
			p->oom = 1;
		else
			perr(p, "%s: %s", k->name, why);
		return;
	}
	if (argv[0][0] == '\0') {
		perr(p, "%s: empty command name", k->name);
		config_argv_free(argv);
		return;
	}
	config_argv_free(p->cfg->check_argv);
	p->cfg->check_argv = argv;
	set_string(p, &p->cfg->check_command, val);
}

static void
set_duration(struct parser *p, const struct key *k, const char *val)
{
	uint64_t	 ms;
	char		 sv[SAFE_SIZE];

	switch (parse_duration(val, &ms)) {
	case NUM_INVALID:
		perr(p, "%s: invalid duration \"%s\" (expected a number with "
		    "ms, s, m or h)", k->name, safe(sv, val));
		return;
	case NUM_OK:
		if (ms >= k->min && ms <= k->max) {
			*(uint64_t *)(void *)((char *)p->cfg + k->off) = ms;
			return;
		}
		break;
	case NUM_RANGE:
		break;
	}
	perr(p, "%s: %s is out of range (%s)", k->name, safe(sv, val),
	    k->range);
}

static void
set_uint(struct parser *p, const struct key *k, const char *val)
{
	uint64_t	 n;
	char		 sv[SAFE_SIZE];

	switch (parse_number(val, strlen(val), &n)) {
	case NUM_INVALID:
		perr(p, "%s: invalid number \"%s\" (expected a decimal "
		    "integer)", k->name, safe(sv, val));
		return;
	case NUM_OK:
		if (n >= k->min && n <= k->max) {
			*(unsigned int *)(void *)((char *)p->cfg + k->off) =
			    (unsigned int)n;
			return;
		}
		break;
	case NUM_RANGE:
		break;
	}
	perr(p, "%s: %s is out of range (%s)", k->name, safe(sv, val),
	    k->range);
}

/* Inside '...' everything is literal up to the closing quote. */
static const char *
single_quoted(const char *s, char *buf, size_t *len, const char **why)
{
	const char	*end;

	if ((end = strchr(s, '\'')) == NULL) {
		*why = "unterminated single quote";
		return NULL;
	}
	memcpy(buf + *len, s, (size_t)(end - s));
	*len += (size_t)(end - s);
	return end + 1;
}

/* Inside "..." a backslash escapes only $ ` " \ and newline. */
static const char *
double_quoted(const char *s, char *buf, size_t *len, const char **why)
{
	for (;;) {
		if (*s == '\0') {
			*why = "unterminated double quote";
			return NULL;
		}
		if (*s == '"')
			return s + 1;
		if (*s == '\\' && s[1] == '\n') {
			s += 2;
			continue;
		}
		if (*s == '\\' && s[1] != '\0' && strchr("$`\"\\", s[1]))
			s++;
		buf[(*len)++] = *s++;
	}
}

/*
 * Read one word at *sp into buf (as large as the whole input).  Returns
 * 1 for a word, 0 when there was only a line continuation, -1 on error.
 */
static int
next_word(const char **sp, char *buf, const char **why)
{
	const char	*s = *sp;
	size_t		 len = 0;
	int		 any = 0;

	while (s != NULL && *s != '\0' && !is_blank(*s) && *s != '\n') {
		if (*s == '\'')
			s = single_quoted(s + 1, buf, &len, why);
		else if (*s == '"')
			s = double_quoted(s + 1, buf, &len, why);
		else if (*s == '\\' && s[1] == '\0') {
			*why = "trailing backslash";
			return -1;
		} else if (*s == '\\') {
			if (s[1] != '\n')
				buf[len++] = s[1];
			any |= s[1] != '\n';
			s += 2;
			continue;
		} else
			buf[len++] = *s++;
		any = 1;
	}
	if (s == NULL)
		return -1;
	buf[len] = '\0';
	*sp = s;
	return any;
}

/*
 * Words go to a vector of CONFIG_MAX_ARGS + 1 pointers and are built in
 * a scratch buffer as long as the input, which no word can outgrow.
 */
char **
config_split_words(const char *s, const char **why)
{
	char		**argv, *buf;
	const char	 *dummy;
	size_t		  n = 0;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	argv = calloc(CONFIG_MAX_ARGS + 1, sizeof(*argv));
	buf = malloc(strlen(s) + 1);
	if (argv == NULL || buf == NULL) {
		free(argv);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	while (*why == NULL) {
		while (is_blank(*s) || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		if (next_word(&s, buf, why) != 1)
			continue;	/* an error, or only a continuation */
		if (n == CONFIG_MAX_ARGS)
			*why = "too many words";
		else if ((argv[n++] = strdup(buf)) == NULL)
			break;
	}
	free(buf);
	if (*why == NULL && n == 0)
		*why = "no command";
	if (*why == NULL && argv[n - 1] != NULL)
		return argv;
	config_argv_free(argv);
	errno = *why != NULL ? EINVAL : ENOMEM;
	return NULL;
}

void
config_argv_free(char **argv)
{
	char	**v;

	if (argv == NULL)
		return;
	for (v = argv; *v != NULL; v++)
		free(*v);
	free(argv);
}

/*
 * Cut a comment: '#' at the start of a word and outside quotes, as the
 * shell sees it, so that check_command's quoted "a # b" survives.
 */
static void
strip_comment(char *s)
{
	char	 quote = '\0';
	int	 boundary = 1;

	for (; *s != '\0'; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = '\0';
		} else if (quote == '"') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				quote = '\0';
		} else if (is_blank(*s)) {
			boundary = 1;
			continue;
		} else if (*s == '#' && boundary) {
			*s = '\0';
			return;
		} else if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '\'' || *s == '"')
			quote = *s;
		boundary = 0;
	}
}

static char *
trim(char *s)
{
	char	*e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

static void
parse_line(struct parser *p, char *line)
{
	char	*eq, *key, *val, sk[SAFE_SIZE];
	size_t	 i;

	strip_comment(line);
	line = trim(line);
	if (*line == '\0')
		return;
	if ((eq = strchr(line, '=')) == NULL || eq == line) {
		perr(p, "expected \"key = value\"");
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	for (i = 0; i < NKEYS && strcmp(keys[i].name, key) != 0; i++)
		continue;
	if (i == NKEYS) {
		perr(p, "unknown key \"%s\"", safe(sk, key));
		return;
	}
	if (p->seen[i] != 0 && keys[i].set != set_listen) {
		perr(p, "duplicate key \"%s\" (first set on line %d)", key,
		    p->seen[i]);
		return;
	}
	if (p->seen[i] == 0)
		p->seen[i] = p->lineno;
	if (*val == '\0')
		perr(p, "%s: missing value", key);
	else
		keys[i].set(p, &keys[i], val);
}

/* Lines end in LF, CRLF or the end of the text. */
static void
parse_text(struct parser *p, const char *text, size_t len)
{
	char		 buf[LINE_MAX_BYTES + 1];
	const char	*end = text + len, *nl, *next;
	size_t		 n;

	for (; text < end && !p->oom; text = next) {
		if (p->lineno == INT_MAX) {
			perr(p, "too many lines");
			return;
		}
		p->lineno++;
		nl = memchr(text, '\n', (size_t)(end - text));
		next = nl != NULL ? nl + 1 : end;
		n = (size_t)((nl != NULL ? nl : end) - text);
		if (n > 0 && text[n - 1] == '\r')
			n--;
		if (n > LINE_MAX_BYTES)
			perr(p, "line too long (more than %d bytes)",
			    LINE_MAX_BYTES);
		else if (memchr(text, '\0', n) != NULL)
			perr(p, "line contains a NUL byte");
		else {
			memcpy(buf, text, n);
			buf[n] = '\0';
			parse_line(p, buf);
		}
	}
}

int
config_defaults(struct config *cfg, const char *default_pidfile,
    const char *default_log_file)
{
	memset(cfg, 0, sizeof(*cfg));
	(void)config_parse_listen(DEFAULT_LISTEN, &cfg->listen[0]);
	cfg->nlisten = 1;
	cfg->log_level = LOG_INFO;
	cfg->syslog_facility = LOG_DAEMON;
	cfg->check_interval_ms = 10 * SEC;
	cfg->check_timeout_ms = 5 * SEC;
	cfg->check_rise = 1;
	cfg->check_fall = 1;
	cfg->max_connections = 512;
	cfg->idle_timeout_ms = 10 * SEC;
	cfg->shutdown_timeout_ms = 5 * SEC;
	if (default_log_file == NULL)
		default_log_file = "stderr";
	if ((cfg->log_file = strdup(default_log_file)) == NULL)
		return -1;
	if (default_pidfile != NULL &&
	    (cfg->pidfile = strdup(default_pidfile)) == NULL) {
		free(cfg->log_file);
		cfg->log_file = NULL;
		return -1;
	}
	return 0;
}

struct config *
config_parse(const char *file, const char *text, size_t len,
    const char *default_pidfile, const char *default_log_file,
    struct config_errors *errs)
{
	struct parser	 p;
	struct config	*cfg;

	if ((cfg = malloc(sizeof(*cfg))) == NULL)
		return NULL;
	if (config_defaults(cfg, default_pidfile, default_log_file) == -1) {
		free(cfg);
		errno = ENOMEM;
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	p.file = file != NULL ? file : "(config)";
	p.cfg = cfg;
	p.errs = errs;
	/* Skip the UTF-8 byte order mark that some editors add. */
	if (text != NULL && len >= 3 && memcmp(text, "\357\273\277", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (text != NULL)
		parse_text(&p, text, len);
	if (p.oom || p.nerr > 0) {
		config_free(cfg);
		errno = p.oom ? ENOMEM : EINVAL;
		return NULL;
	}
	return cfg;
}

/* Frees the struct itself too: config_parse() hands out malloc'ed ones. */
void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->pidfile);
	free(cfg->user);
	free(cfg->group);
	free(cfg->log_file);
	free(cfg->access_log);
	free(cfg->check_command);
	config_argv_free(cfg->check_argv);
	free(cfg);
}

void
config_errors_free(struct config_errors *errs)
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

const char *
config_level_name(int level)
{
	const struct name_value	*l;

	for (l = levels; l->name != NULL; l++)
		if (l->value == level)
			return l->name;
	return "unknown";
}

/*
 * `mydaemon -s` must find a running daemon even when its configuration
 * has since been broken: read only the last well-formed "key = value"
 * line for one key, ignoring every other problem.
 */
char *
config_peek(const char *text, size_t len, const char *key)
{
	char		 buf[LINE_MAX_BYTES + 1], *eq, *found = NULL;
	const char	*end = text + len, *nl, *next;
	size_t		 n;

	for (; text < end; text = next) {
		nl = memchr(text, '\n', (size_t)(end - text));
		next = nl != NULL ? nl + 1 : end;
		n = (size_t)((nl != NULL ? nl : end) - text);
		if (n > LINE_MAX_BYTES || memchr(text, '\0', n) != NULL)
			continue;
		memcpy(buf, text, n);
		buf[n] = '\0';
		strip_comment(buf);
		if ((eq = strchr(buf, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(trim(buf), key) != 0 || *trim(eq + 1) == '\0')
			continue;
		free(found);
		if ((found = strdup(trim(eq + 1))) == NULL)
			return NULL;
	}
	return found;
}
