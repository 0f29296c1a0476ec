/*
 * check_history.h - a check's recent results (SPEC 23 "history"): a ring
 * of its last N results, 8 bytes each, allocated once to N entries when
 * the first result comes.  Pure: no clock, no I/O.
 */
#ifndef MYDAEMON_CHECK_HISTORY_H
#define MYDAEMON_CHECK_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define CHECK_HISTORY_MAX	CONFIG_HISTORY_MAX	/* "history = N" */

/*
 * One result, packed: time in Unix seconds; then the duration in ms
 * (20 bits, capped at 1048575), the state (2 bits) and the exit code
 * (9 bits: 0-255, or 511 for none: a timeout, a signal, a probe).
 */
struct check_history_entry {
	uint32_t	 time;
	uint32_t	 bits;
};

#define CHECK_HISTORY_MS_MAX	0xfffffU
#define CHECK_HISTORY_NO_EXIT	0x1ff

/* The ring: cap entries, n of them used, the oldest at first. */
struct check_history {
	struct check_history_entry	*v;
	uint16_t			 cap, n, first;
};

/* A result unpacked. */
struct check_history_result {
	double		 time;		/* Unix seconds */
	int		 state;		/* enum health_state */
	double		 duration;	/* seconds, to the ms */
	int		 exit_code;	/* -1: none */
};

/* Pack and unpack one result (out of range values are clamped). */
void	check_history_pack(const struct check_history_result *r,
	    struct check_history_entry *e);
void	check_history_unpack(const struct check_history_entry *e,
	    struct check_history_result *r);

/*
 * Add a result, the newest; the oldest goes when cap are kept.  The
 * ring is allocated to cap entries by its first result; cap 0 keeps
 * nothing.  -1 when that allocation fails (the result is not kept).
 */
int	check_history_add(struct check_history *h, unsigned int cap,
	    const struct check_history_result *r);
/* Add a packed entry as it is (a restart's hand-over). */
int	check_history_add_entry(struct check_history *h, unsigned int cap,
	    const struct check_history_entry *e);
/*
 * Keep at most cap entries from now on, the newest; a ring not yet
 * allocated stays so.  -1 when the new one cannot be allocated (the old
 * one is kept as it is).
 */
int	check_history_resize(struct check_history *h, unsigned int cap);
/* The i-th entry, oldest first (i < h->n). */
const struct check_history_entry *check_history_at(
	    const struct check_history *h, size_t i);
void	check_history_free(struct check_history *h);

#endif /* MYDAEMON_CHECK_HISTORY_H */
