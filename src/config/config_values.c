/*
 * config_values.c - configuration values (see config_values.h).
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config/config.h"
#include "config/config_values.h"

#define SEC	1000ULL
#define MINUTE	(60 * SEC)
#define HOUR	(60 * MINUTE)

const struct config_values_name config_values_levels[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG }, { NULL, 0 }
};

const struct config_values_name config_values_facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "mail", LOG_MAIL }, { "news", LOG_NEWS }, { "lpr", LOG_LPR },
	{ "uucp", LOG_UUCP }, { "ftp", LOG_FTP }, { "syslog", LOG_SYSLOG },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { NULL, 0 }
};

const struct config_values_name config_values_booleans[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 }, { NULL, 0 }
};

const struct config_values_name config_values_maint_status[] = {
	{ "503", 503 }, { "404", 404 }, { NULL, 0 }
};

int
config_values_lookup(const struct config_values_name *t, const char *name,
    int *value)
{
	for (; t->name != NULL; t++) {
		if (strcasecmp(t->name, name) == 0) {
			*value = t->value;
			return 0;
		}
	}
	return -1;
}

const char *
config_values_safe(char *buf, const char *s)
{
	size_t	 i, n;

	n = strlen(s);
	if (n > CONFVAL_SAFE_MAX) {
		n = CONFVAL_SAFE_MAX;
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

enum confval
config_values_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t	 n = 0;
	size_t		 i;
	int		 big = 0;

	if (len == 0)
		return CONFVAL_INVALID;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9)
			return CONFVAL_INVALID;
		if (n > (UINT64_MAX - d) / 10)
			big = 1;
		else
			n = n * 10 + d;
	}
	*out = n;
	return big ? CONFVAL_RANGE : CONFVAL_OK;
}

enum confval
config_values_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *sfx; uint64_t mult; } units[] = {
		{ "", SEC }, { "ms", 1 }, { "s", SEC }, { "m", MINUTE },
		{ "h", HOUR }
	};
	enum confval	 r;
	uint64_t	 n;
	size_t		 i, len;

	len = strspn(s, "0123456789");
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s + len, units[i].sfx) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return CONFVAL_INVALID;
	if ((r = config_values_number(s, len, &n)) != CONFVAL_OK)
		return r;
	if (n > UINT64_MAX / units[i].mult)
		return CONFVAL_RANGE;
	*ms = n * units[i].mult;
	return CONFVAL_OK;
}

enum confval
config_values_percent(const char *s, unsigned int *out)
{
	size_t		 len = strlen(s);
	uint64_t	 n;
	enum confval	 r;

	if (len < 2 || s[len - 1] != '%')
		return CONFVAL_INVALID;
	if ((r = config_values_number(s, len - 1, &n)) != CONFVAL_OK)
		return r;
	if (n > 100)
		return CONFVAL_RANGE;
	*out = (unsigned int)n;
	return CONFVAL_OK;
}

/* The port after the colon: 1-65535, decimal. */
static int
parse_port(const char *s, in_port_t *port)
{
	uint64_t	 n;

	if (config_values_number(s, strlen(s), &n) != CONFVAL_OK || n < 1 ||
	    n > 65535)
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

int
config_values_listen(const char *s, struct config_listen *out, const char **why)
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
config_values_same_addr(const struct config_listen *a,
    const struct config_listen *b)
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
