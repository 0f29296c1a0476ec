/*
 * drain.h - maintenance without editing the configuration: the
 * maintenance file that `mydaemon -s drain` writes (atomically, as root)
 * and the daemon reads at start, on SIGUSR2 and on reload.  It outlives
 * restarts and reboots, and needs neither a valid configuration file nor
 * HTTP.  A file that is there means "drained"; undrain removes it.
 *
 * Format, one "key=value" a line:
 *   drained=1  since=UNIX-TIME  reason=TEXT (one line, may be empty)
 *   until=UNIX-TIME (only for a drain that ends by itself, -d)
 *
 * A check's drain (SPEC 21) is the same format in its own file beside
 * the host's: MAINTENANCE_FILE.check.NAME (drain_check_path()).  A file
 * without "until" (every file written before -d) never expires.
 */
#ifndef MYDAEMON_DRAIN_H
#define MYDAEMON_DRAIN_H

#include <stddef.h>

#define DRAIN_REASON_MAX	200	/* bytes of a reason kept */
#define DRAIN_FILE_MAX		1024

struct drain_info {
	int	 drained;
	double	 since;			/* Unix time; 0: not known */
	char	 reason[DRAIN_REASON_MAX + 1];	/* "" when none was given */
	double	 until;			/* Unix time it ends; 0: never */
};

/* Pure: is d a drain whose until has come by now? */
int	drain_over(const struct drain_info *d, double now);

/*
 * The file of check name's drain beside the host's maintenance file,
 * malloc'ed; NULL (errno) on ENOMEM.
 */
char	*drain_check_path(const char *maintenance_file, const char *name);

/* Pure: render (returns the length) and parse (0, or -1 malformed). */
size_t	drain_format(char *buf, size_t size, const struct drain_info *d);
int	drain_parse(const char *buf, size_t len, struct drain_info *d);

/*
 * Read the file at path: 0 and *d (not drained when it does not exist),
 * or -1 with errno (it exists but cannot be read; d says drained, with
 * no reason, since a file there means a drain was asked for).
 */
int	drain_read(const char *path, struct drain_info *d);

/*
 * Record a drain (reason may be NULL; until 0: no end), atomically: a new
 * file beside the old one, then rename.  0, or -1 with a reason in err
 * and errno.
 */
int	drain_write(const char *path, const char *reason, double now,
	    double until, char *err, size_t errlen);

/* Record the end of a drain: remove the file.  0 (also when there was
   none), or -1 with a reason in err and errno. */
int	drain_remove(const char *path, char *err, size_t errlen);

#endif /* MYDAEMON_DRAIN_H */
