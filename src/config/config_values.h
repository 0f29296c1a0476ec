/*
 * config_values.h - the syntax of configuration values: numbers, durations,
 * listen addresses, names from a table.  Pure; used by config_parse.c only.
 */
#ifndef MYDAEMON_CONFIG_VALUES_H
#define MYDAEMON_CONFIG_VALUES_H

#include <stddef.h>
#include <stdint.h>

struct config_listen;

enum confval { CONFVAL_OK, CONFVAL_INVALID, CONFVAL_RANGE };

struct config_values_name {
	const char	*name;
	int		 value;
};

extern const struct config_values_name config_values_levels[];
extern const struct config_values_name config_values_facilities[];
extern const struct config_values_name config_values_booleans[];
extern const struct config_values_name config_values_maint_status[];

/* Decimal digits only: no sign, no blanks, no base prefix. */
enum confval	config_values_number(const char *s, size_t len, uint64_t *out);
/* A number with ms, s, m or h (bare: seconds), in milliseconds. */
enum confval	config_values_duration(const char *s, uint64_t *ms);
/* "N%" with 0 <= N <= 100. */
enum confval	config_values_percent(const char *s, unsigned int *out);

/*
 * "A.B.C.D:PORT", "[IPv6]:PORT" or "*:PORT".  0, or -1 with *why
 * "address" or "port".
 */
int	config_values_listen(const char *s, struct config_listen *out,
	    const char **why);
int	config_values_same_addr(const struct config_listen *a,
	    const struct config_listen *b);

/* Case-insensitive lookup in a NULL-terminated table; 0 or -1. */
int	config_values_lookup(const struct config_values_name *t,
	    const char *name, int *value);

/*
 * s fit for a one-line message, in buf (CONFVAL_SAFE bytes): control
 * bytes become '?', a long value is cut (not inside a UTF-8 sequence)
 * and marked with "...".
 */
#define CONFVAL_SAFE_MAX	64
#define CONFVAL_SAFE		(CONFVAL_SAFE_MAX + sizeof("..."))
const char	*config_values_safe(char *buf, const char *s);

#endif /* MYDAEMON_CONFIG_VALUES_H */
