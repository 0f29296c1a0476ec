/*
 * config_probe_values.c - the built-in probes' values (see
 * config_probe_values.h): escaped text, names, status lists, sizes,
 * percentages, thresholds.  Addresses and URLs are
 * config_probe_values_addr.c's.
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

enum probeval
config_probe_values_text(const char *s, char *dst, size_t *len,
    const char **bad)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			dst[n++] = *s;
			continue;
		}
		switch (s[1]) {
		case 'r':
			dst[n++] = '\r';
			break;
		case 'n':
			dst[n++] = '\n';
			break;
		case 't':
			dst[n++] = '\t';
			break;
		case '\\':
			dst[n++] = '\\';
			break;
		default:
			*bad = s;
			return PROBEVAL_ESCAPE;
		}
		s++;
	}
	*len = n;
	return n == 0 ? PROBEVAL_EMPTY : PROBEVAL_OK;
}

int
config_probe_values_visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

enum probeval
config_probe_values_comm(const char *s)
{
	size_t	 n = strlen(s), i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
			return PROBEVAL_INVALID;
	if (n == 0)
		return PROBEVAL_EMPTY;
	return n > PROBEVAL_COMM_MAX ? PROBEVAL_LONG : PROBEVAL_OK;
}

enum probeval
config_probe_values_header(const char *s)
{
	if (*s == '\0')
		return PROBEVAL_EMPTY;
	return config_probe_values_visible(s) ? PROBEVAL_OK : PROBEVAL_INVALID;
}

/* One status code at *s, 100-599; *s moves past it. */
static enum probeval
status_code(const char **s, unsigned int *code)
{
	size_t		 n = strspn(*s, DIGITS);
	uint64_t	 v;

	if (n == 0 || ((*s)[n] != '\0' && strchr(", \t-", (*s)[n]) == NULL))
		return PROBEVAL_INVALID;
	if (n > 3 || config_values_number(*s, n, &v) != CONFVAL_OK)
		return PROBEVAL_RANGE;
	*s += n;
	if (v < 100 || v > 599)
		return PROBEVAL_RANGE;
	*code = (unsigned int)v;
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_status(const char *s, struct config_probe *cp)
{
	unsigned int	 lo[CONFIG_STATUS_MAX], hi[CONFIG_STATUS_MAX];
	enum probeval	 r;
	size_t		 n = 0, i;

	for (;;) {
		s += strspn(s, ", \t");
		if (*s == '\0')
			break;
		if (n == CONFIG_STATUS_MAX)
			return PROBEVAL_MANY;
		if ((r = status_code(&s, &lo[n])) != PROBEVAL_OK)
			return r;
		hi[n] = lo[n];
		if (*s == '-') {
			s++;
			if ((r = status_code(&s, &hi[n])) != PROBEVAL_OK)
				return r;
			if (hi[n] < lo[n])
				return PROBEVAL_ORDER;
		}
		if (*s != '\0' && strchr(", \t", *s) == NULL)
			return PROBEVAL_INVALID;
		n++;
	}
	if (n == 0)
		return PROBEVAL_INVALID;
	for (i = 0; i < n; i++) {
		cp->status[i].lo = lo[i];
		cp->status[i].hi = hi[i];
	}
	cp->nstatus = n;
	return PROBEVAL_OK;
}

/*
 * "I" or "I.F" at s into I * 10^dec + F (F padded to dec digits), with
 * at most dec decimals; *end past it.
 */
static enum probeval
fixed(const char *s, unsigned int dec, uint64_t *out, const char **end)
{
	uint64_t	 v, f = 0, scale = 1;
	size_t		 n = strspn(s, DIGITS), m = 0;
	unsigned int	 i;
	enum confval	 r;

	if ((r = config_values_number(s, n, &v)) != CONFVAL_OK)
		return r == CONFVAL_RANGE ? PROBEVAL_RANGE : PROBEVAL_INVALID;
	s += n;
	if (*s == '.') {
		m = strspn(s + 1, DIGITS);
		if (m == 0 || m > dec ||
		    config_values_number(s + 1, m, &f) != CONFVAL_OK)
			return PROBEVAL_INVALID;
		s += 1 + m;
	}
	for (i = 0; i < dec; i++)
		scale *= 10;
	for (; m < dec; m++)
		f *= 10;
	if (v > (UINT64_MAX - f) / scale)
		return PROBEVAL_RANGE;
	*out = v * scale + f;
	*end = s;
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_bytes(const char *s, uint64_t *out)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	const char	*end;
	uint64_t	 v, mult;
	enum probeval	 r;
	size_t		 i;

	if ((r = fixed(s, 3, &v, &end)) != PROBEVAL_OK)
		return r;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(end, units[i]) == 0 ||
		    strcasecmp(end, iec[i]) == 0)
			break;
	if (*end == '\0')
		i = 0;
	else if (i == sizeof(units) / sizeof(units[0]))
		return PROBEVAL_INVALID;
	/* A fraction of a byte means nothing. */
	if (i == 0 && v % 1000 != 0)
		return PROBEVAL_INVALID;
	mult = 1ULL << (10 * i);
	if (v / 1000 > UINT64_MAX / mult)
		return PROBEVAL_RANGE;
	/* v thousandths of mult bytes, without overflowing on the way */
	*out = (v / 1000) * mult + (v % 1000) * mult / 1000;
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_percent(const char *s, uint64_t *out)
{
	const char	*end;
	uint64_t	 v;
	enum probeval	 r;

	if ((r = fixed(s, 2, &v, &end)) != PROBEVAL_OK)
		return r;
	if (strcmp(end, "%") != 0)
		return PROBEVAL_INVALID;
	if (v > 10000)
		return PROBEVAL_RANGE;
	*out = v;
	return PROBEVAL_OK;
}

/* A duration threshold: as interval's syntax, 1ms-8760h. */
static enum probeval
duration(const char *s, struct config_threshold *t)
{
	enum confval	 r;
	uint64_t	 ms;

	if ((r = config_values_duration(s, &ms)) == CONFVAL_INVALID)
		return PROBEVAL_INVALID;
	t->unit = CONFIG_UNIT_MS;
	if (r == CONFVAL_RANGE || ms < 1 || ms > PROBEVAL_DURATION_MAX)
		return PROBEVAL_RANGE;
	t->value = ms;
	return PROBEVAL_OK;
}

enum probeval
config_probe_values_threshold(const char *s, enum config_unit bare,
    struct config_threshold *t)
{
	static const char *const durs[] = { "ms", "s", "m", "h" };
	const char	*sfx = s + strspn(s, DIGITS ".");
	enum probeval	 r;
	size_t		 i;

	if (sfx == s)
		return PROBEVAL_INVALID;
	if (strcmp(sfx, "%") == 0) {
		r = config_probe_values_percent(s, &t->value);
		if (r == PROBEVAL_OK || r == PROBEVAL_RANGE)
			t->unit = CONFIG_UNIT_PERCENT;
		return r;
	}
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++)
		if (strcmp(sfx, durs[i]) == 0)
			return duration(s, t);
	if (*sfx == '\0' && bare == CONFIG_UNIT_MS)
		return duration(s, t);
	if (*sfx == '\0' && bare != CONFIG_UNIT_BYTES)
		return PROBEVAL_INVALID;
	r = config_probe_values_bytes(s, &t->value);
	if (r == PROBEVAL_OK || r == PROBEVAL_RANGE)
		t->unit = CONFIG_UNIT_BYTES;
	return r;
}
