/*
 * perfdata.h - Nagios performance data: a pure parser, bytes in, items
 * out.  No I/O, no allocation; every string of an item lives in the
 * caller's arena.
 *
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 *
 * The data is what follows the first '|' of the first line, and
 * everything after the first '|' of the long output (the lines after
 * the first one), items separated by blanks or line ends (the Nagios
 * plugin development guidelines, "Performance data").  Values go to
 * base units as Icinga 2 does: s, ms, us to seconds; B, KB, MB, GB, TB to
 * bytes (1024 each); % to percent; c to counter; other units are kept as
 * written.  A malformed item is skipped; a malformed threshold, min or
 * max is left out of its item; a value "U" leaves the item out.
 */
#ifndef MYDAEMON_PERFDATA_H
#define MYDAEMON_PERFDATA_H

#include <stddef.h>

#define PERFDATA_MAX	64	/* items of one output at most */

enum perf_field {
	PERF_MIN = 1 << 0,
	PERF_MAX = 1 << 1,
	PERF_WARN_LOW = 1 << 2,
	PERF_WARN_HIGH = 1 << 3,
	PERF_CRIT_LOW = 1 << 4,
	PERF_CRIT_HIGH = 1 << 5
};

struct perf_item {
	const char	*label;		/* unquoted, NUL-terminated */
	const char	*unit;		/* "seconds", "bytes", ... or "" */
	double		 value;
	double		 min, max;
	double		 warn_low, warn_high, crit_low, crit_high;
	unsigned int	 has;		/* enum perf_field bits */
};

/*
 * Parse the performance data of a check's output (n bytes, any bytes).
 * Items go to items[] (at most `max`), their strings to arena (`size`
 * bytes; 3 n + 1 is always enough): labels and units are valid UTF-8
 * there, a byte of an ill-formed sequence made U+FFFD.  An item whose
 * label and unit repeat an earlier one's is skipped, as is one whose
 * value is not finite.  Returns the number of items.
 */
size_t	perfdata_parse(const char *out, size_t n, struct perf_item *items,
	    size_t max, char *arena, size_t size);

#endif /* MYDAEMON_PERFDATA_H */
