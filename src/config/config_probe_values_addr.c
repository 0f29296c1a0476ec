/*
 * config_probe_values_addr.c - where a tcp or http probe connects (see
 * config_probe_values.h).
 *
 * Addresses are literals only: a name would need getaddrinfo(), which
 * blocks, and a probe runs on the daemon's one loop.  "localhost" is the
 * one name allowed, as 127.0.0.1, not as whatever /etc/hosts says.
 */
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/config_probe_values.h"
#include "config/config_values.h"

#define DIGITS		"0123456789"
#define NAME_BYTES	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			DIGITS ".-"

/* The port at s (n bytes), 1-65535. */
static enum probeval
port(const char *s, size_t n, in_port_t *out)
{
	uint64_t	 v;

	if (config_values_number(s, n, &v) != CONFVAL_OK || v < 1 ||
	    v > 65535)
		return PROBEVAL_PORT;
	*out = htons((in_port_t)v);
	return PROBEVAL_OK;
}

/* The host of n bytes at s, without its brackets: an address to reach. */
static enum probeval
host(const char *s, size_t n, int bracket, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 buf[INET6_ADDRSTRLEN + 1];

	memset(ss, 0, sizeof(*ss));
	if (n == 0 || n >= sizeof(buf))
		return n == 0 || bracket ? PROBEVAL_INVALID :
		    strspn(s, NAME_BYTES) >= n ? PROBEVAL_NAME :
		    PROBEVAL_INVALID;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (bracket) {
		if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
			return PROBEVAL_INVALID;
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
		return PROBEVAL_OK;
	}
	if (strcasecmp(buf, "localhost") == 0)
		strcpy(buf, "127.0.0.1");
	if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
		return PROBEVAL_OK;
	}
	if (strcmp(buf, "*") == 0)
		return PROBEVAL_ANY;
	return strspn(buf, NAME_BYTES) == n ? PROBEVAL_NAME : PROBEVAL_INVALID;
}

/*
 * "HOST:PORT" or "[IPv6]:PORT", n bytes at s; the port may be left out
 * when dflt (network order) is not 0.
 */
static enum probeval
host_port(const char *s, size_t n, in_port_t dflt,
    struct sockaddr_storage *ss, socklen_t *len)
{
	const char	*end = s + n, *h = s, *c;
	enum probeval	 r;
	in_port_t	 p = dflt;
	size_t		 hn;

	if (n > 0 && s[0] == '[') {
		if ((c = memchr(s, ']', n)) == NULL)
			return PROBEVAL_INVALID;
		h = s + 1;
		hn = (size_t)(c - h);
		c++;
		if (c < end && *c != ':')
			return PROBEVAL_INVALID;
	} else {
		c = memchr(s, ':', n);
		hn = (size_t)((c != NULL ? c : end) - s);
		if (c != NULL && memchr(c + 1, ':', (size_t)(end - c - 1)))
			return PROBEVAL_INVALID;	/* IPv6 needs [] */
		if (c == NULL)
			c = end;
	}
	if ((r = host(h, hn, h != s, ss, len)) != PROBEVAL_OK)
		return r;
	if (c == end && dflt == 0)
		return PROBEVAL_INVALID;
	if (c < end && (r = port(c + 1, (size_t)(end - c - 1), &p)) !=
	    PROBEVAL_OK)
		return r;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = p;
	else
		((struct sockaddr_in6 *)ss)->sin6_port = p;
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_tcp(const char *s, struct sockaddr_storage *addr,
    socklen_t *addrlen)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)addr;
	size_t			 n = strlen(s);

	if (s[0] != '/')
		return host_port(s, n, 0, addr, addrlen);
	if (n > PROBEVAL_UNIX_MAX || n >= sizeof(sun->sun_path))
		return PROBEVAL_LONG;
	memset(addr, 0, sizeof(*addr));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, s, n + 1);
	*addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_http(const char *s, struct config_probe_url *u)
{
	const char	*auth, *rest;
	enum probeval	 r;
	size_t		 n;

	if ((auth = strstr(s, "://")) == NULL)
		return PROBEVAL_INVALID;
	n = (size_t)(auth - s);
	if (n == 5 && strncasecmp(s, "https", 5) == 0)
		return PROBEVAL_HTTPS;
	if (n != 4 || strncasecmp(s, "http", 4) != 0)
		return PROBEVAL_SCHEME;
	auth += 3;
	n = strcspn(auth, "/?#");
	if (memchr(auth, '@', n) != NULL)
		return PROBEVAL_INVALID;	/* no user:password@ */
	if ((r = host_port(auth, n, htons(80), &u->addr, &u->addrlen)) !=
	    PROBEVAL_OK)
		return r;
	rest = auth + n;
	if (*rest != '\0' && (*rest != '/' ||
	    !config_probe_values_visible(rest) || strchr(rest, '#') != NULL))
		return PROBEVAL_PATH;
	u->host = auth;
	u->hostlen = n;
	u->path = *rest != '\0' ? rest : "/";
	return PROBEVAL_OK;
}
