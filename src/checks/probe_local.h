/*
 * probe_local.h - the pure half of the local probes (probe_local.c): what
 * they read (a pidfile's pid, a line of /proc/PID/stat), what they
 * compute (df's percentage) and how they say it to people ("3d 2h",
 * "8.7 GB") and to machines (seconds in performance data).  Nothing here
 * touches a file or a clock.
 */
#ifndef MYDAEMON_PROBE_LOCAL_H
#define MYDAEMON_PROBE_LOCAL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

/* What the probe needs of /proc/PID/stat. */
struct probe_local_stat {
	char		 comm[64];	/* the name, without its parentheses */
	char		 state;		/* R, S, D, Z, X, ... */
	uint64_t	 starttime;	/* clock ticks after boot (field 22) */
};

/*
 * The pid in a pidfile's len bytes: a decimal number from 1 to INT_MAX,
 * white space around it allowed, nothing else.  0, or -1 when the text
 * does not hold a pid.
 */
int	probe_local_pid(const char *text, size_t len, pid_t *pid);

/*
 * Parse len bytes of /proc/PID/stat.  The name is between the first '('
 * and the last ')': a process may put either, and spaces, in its name.
 * 0, or -1 when the text is not such a line.
 */
int	probe_local_stat(const char *text, size_t len,
	    struct probe_local_stat *st);

/*
 * Free space in hundredths of a percent, as df computes it: available
 * blocks over those used plus available (the blocks kept for root count
 * for neither), rounded down.  All free when nothing is either.
 */
uint64_t probe_local_percent(uint64_t blocks, uint64_t bfree,
	    uint64_t bavail);

/*
 * part of whole in hundredths of a percent, rounded down, at most all
 * of it; all of it when whole is 0.
 */
uint64_t probe_local_ratio(uint64_t part, uint64_t whole);

/* `part` hundredths of a percent of `whole`, rounded down, no overflow. */
uint64_t probe_local_share(uint64_t whole, uint64_t part);

/*
 * A duration for people: its two largest units, the second left out when
 * zero ("3d 2h", "3h 12m", "12m 5s", "40s", "0s").  Under two days it
 * counts hours, not a day and hours ("27h"): a daily job's stamp reads
 * better so.  Returns buf.
 */
char	*probe_local_duration(char *buf, size_t size, uint64_t secs);

/*
 * Bytes for people, in binary multiples named as in performance data
 * (KB = 1024 B): one decimal under 10 ("8.7 GB"), none above ("107 GB"),
 * whole bytes under 1 KB ("512 B").  Returns buf.
 */
char	*probe_local_bytes(char *buf, size_t size, uint64_t n);

/*
 * Milliseconds as seconds for performance data: "7200", "1.5",
 * "0.001", without trailing zeros.  Returns buf.
 */
char	*probe_local_secs(char *buf, size_t size, uint64_t ms);

#endif /* MYDAEMON_PROBE_LOCAL_H */
