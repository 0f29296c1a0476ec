/*
 * config_probe_values.h - the syntax of the built-in probes' values
 * (SPEC 19): escaped text, HTTP status lists, sizes, percentages,
 * thresholds, tcp addresses and http URLs.  Pure: no allocation, no
 * name lookup (a probe must never block the loop), no messages; the
 * caller (config_probe.c) says what is wrong in words.
 */
#ifndef MYDAEMON_CONFIG_PROBE_VALUES_H
#define MYDAEMON_CONFIG_PROBE_VALUES_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

enum probeval {
	PROBEVAL_OK = 0,
	PROBEVAL_INVALID,	/* not the syntax at all */
	PROBEVAL_RANGE,		/* a number out of its range */
	PROBEVAL_ESCAPE,	/* a backslash escape other than \r \n \t \\ */
	PROBEVAL_EMPTY,		/* nothing left */
	PROBEVAL_PORT,		/* a port that is not 1-65535 */
	PROBEVAL_NAME,		/* a host name: connecting needs a lookup */
	PROBEVAL_ANY,		/* "*": an address to listen on, not to reach */
	PROBEVAL_LONG,		/* longer than the kernel keeps */
	PROBEVAL_HTTPS,		/* https://: no TLS library */
	PROBEVAL_SCHEME,	/* another scheme */
	PROBEVAL_PATH,		/* a byte a request-target cannot hold */
	PROBEVAL_ORDER,		/* a status range that ends before it starts */
	PROBEVAL_MANY		/* more than CONFIG_STATUS_MAX ranges */
};

/* Longest Unix socket path (sun_path, its NUL aside). */
#define PROBEVAL_UNIX_MAX	107
/* Longest process name the kernel keeps (/proc/PID/comm). */
#define PROBEVAL_COMM_MAX	15
/* Longest duration threshold or max_age: 365 days, in ms. */
#define PROBEVAL_DURATION_MAX	(8760ULL * 3600 * 1000)

/*
 * Text with the escapes \r, \n, \t and \\ decoded into dst, which has
 * room for strlen(s) bytes (no NUL is added); its length in *len.  On
 * PROBEVAL_ESCAPE, *bad points at the backslash (its next byte is '\0'
 * when the text ends with it).
 */
enum probeval	config_probe_values_text(const char *s, char *dst,
		    size_t *len, const char **bad);

/* A process name: 1-15 bytes, no '/', no control byte (else LONG, INVALID). */
enum probeval	config_probe_values_comm(const char *s);

/* A header value: visible ASCII only, no blank, no control byte. */
enum probeval	config_probe_values_header(const char *s);

/*
 * HTTP status codes and ranges ("200", "200-399", "200, 301-302"),
 * separated by commas and/or blanks, codes 100-599, into cp->status and
 * cp->nstatus (left alone unless PROBEVAL_OK).
 */
enum probeval	config_probe_values_status(const char *s,
		    struct config_probe *cp);

/*
 * A size in bytes: a number, bare or with B, KB, MB, GB, TB (x1024^n, as
 * perfdata reads them) or KiB, MiB, GiB, TiB, any case; KB and up take
 * up to three decimals ("1.5GB"), rounded down to a byte.
 */
enum probeval	config_probe_values_bytes(const char *s, uint64_t *out);

/* "N%" or "N.NN%", 0-100, at most 2 decimals, in hundredths. */
enum probeval	config_probe_values_percent(const char *s, uint64_t *out);

/*
 * A threshold: a percentage (CONFIG_UNIT_PERCENT), a size with its unit
 * (CONFIG_UNIT_BYTES), a duration with ms, s, m or h (CONFIG_UNIT_MS,
 * 1ms-8760h, whole numbers as for interval); a bare number is of unit
 * `bare` (CONFIG_UNIT_BYTES: bytes; CONFIG_UNIT_MS: seconds).  t->unit
 * is set on PROBEVAL_OK and on PROBEVAL_RANGE.
 */
enum probeval	config_probe_values_threshold(const char *s,
		    enum config_unit bare, struct config_threshold *t);

/*
 * Where a tcp probe connects: "A.B.C.D:PORT", "[IPv6]:PORT",
 * "localhost:PORT" (127.0.0.1) or "/PATH" of a Unix stream socket.
 */
enum probeval	config_probe_values_tcp(const char *s,
		    struct sockaddr_storage *addr, socklen_t *addrlen);

/* An http probe's URL, taken apart. */
struct config_probe_url {
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	const char		*host;	/* HOST[:PORT] as written, in s */
	size_t			 hostlen;
	const char		*path;	/* in s, or "/" */
};

/*
 * "http://HOST[:PORT][/PATH]": HOST as for tcp, port 80 by default,
 * path "/" by default, else visible ASCII without '#'.
 */
enum probeval	config_probe_values_http(const char *s,
		    struct config_probe_url *u);

/* Only visible ASCII, no blank (a path, a header value): 1, else 0. */
int	config_probe_values_visible(const char *s);

#endif /* MYDAEMON_CONFIG_PROBE_VALUES_H */
