/*
 * result_file.h - one pushed result as a file (SPEC 20): what
 * `mydaemon -s result NAME STATUS [TEXT]` writes into the result
 * directory and the daemon reads back.  Pure: bytes in, bytes out; the
 * directory itself is result_dir.h's.
 *
 * Format, three lines, the third running to the end of the file:
 *   status=N          N is 0 (ok), 1 (warning), 2 (critical), 3 (unknown)
 *   time=SECONDS      Unix time of the push, at most 6 decimals
 *   text=TEXT         the plugin output, any bytes, newlines included
 *
 * The directory is group-writable, so the reader trusts nothing: one
 * byte out of place and the whole file is refused.
 */
#ifndef MYDAEMON_RESULT_FILE_H
#define MYDAEMON_RESULT_FILE_H

#include <stddef.h>

#include "checks/check_status.h"

#define RESULT_TEXT_MAX		4096	/* bytes of text, as a check's output */
#define RESULT_FILE_MAX		(RESULT_TEXT_MAX + 64)

struct result_file {
	enum health_state	 state;
	double			 when;	/* Unix time, 0 to RESULT_TIME_MAX */
	const char		*text;	/* in the parsed buffer */
	size_t			 len;	/* at most RESULT_TEXT_MAX */
};

/* The latest time a file may say (year 5138): a sane bound, no more. */
#define RESULT_TIME_MAX		99999999999.0

/*
 * A status as given on the command line: 0 to 3, or ok, warning,
 * critical, unknown in any case.  0, or -1 for anything else.
 */
int	result_file_status(const char *word, enum health_state *state);

/*
 * Write r into buf (text cut to RESULT_TEXT_MAX, the time to the
 * millisecond).  Returns the length, 0 when buf is too small (size
 * RESULT_FILE_MAX is always enough).
 */
size_t	result_file_format(char *buf, size_t size,
	    const struct result_file *r);

/*
 * Read len bytes (need not be NUL-terminated; r->text points into buf).
 * 0, or -1 with *why saying what is wrong ("bad status line", ...).
 */
int	result_file_parse(const char *buf, size_t len, struct result_file *r,
	    const char **why);

#endif /* MYDAEMON_RESULT_FILE_H */
