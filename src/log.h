/*
 * log.h - one line per event, one write(2) per line, never blocking.
 *
 * A "sink" is an opened destination: a file (O_APPEND, mode 0640), syslog
 * (our own non-blocking datagram socket to /dev/log) or stderr.  The
 * daemon has one current sink for its own log; the access log is another
 * sink written with log_sink_write().  A write that fails or is short is
 * dropped and counted, never retried: a full disk must not stop the loop.
 *
 * Reloads open the new sink first (log_sink_open) and only then swap it
 * in (log_swap_sink), so a path that cannot be opened fails the reload
 * and leaves the old log in place.
 */
#ifndef MYDAEMON_LOG_H
#define MYDAEMON_LOG_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <time.h>

#define LOG_LINE_MAX	2048	/* longer messages are truncated */

struct log_sink;

/*
 * Pure: format one log line into buf (size >= 64) as
 *   2026-11-24T12:00:00.123+00:00 mydaemon[PID]: LEVEL: message\n
 * with the local time in `tm` (tm_gmtoff gives the offset) and `msec`.
 * LEVEL is the lower-case level name (error, warning, notice, info,
 * debug).  Control bytes and DEL in msg are written as \xHH so that one
 * event is always one line; a message that does not fit is cut and the
 * line still ends with '\n'.  Returns the length written (no NUL counted;
 * buf is NUL-terminated).
 */
size_t	log_format_line(char *buf, size_t size, const struct tm *tm, long msec,
	    const char *ident, pid_t pid, int level, const char *msg);

/* The current local time as log lines show it; returns the length. */
size_t	log_timestamp(char *buf, size_t size);

/*
 * Open a sink.  spec is an absolute path, "syslog" or "stderr".  For a
 * path, when running as root and uid != (uid_t)-1, a missing parent
 * directory is created (mode 0750, owned by uid:gid) and a newly created
 * file is given to uid:gid; files are created with mode 0640.  Returns
 * the sink, or NULL with errno set and a reason in err ("cannot open log
 * file /x/y: Permission denied").
 */
struct log_sink	*log_sink_open(const char *spec, int facility, uid_t uid,
		    gid_t gid, char *err, size_t errlen);
void		 log_sink_close(struct log_sink *s);
/* Write one ready-made line (one write(2)); -1 and counted if dropped. */
int		 log_sink_write(struct log_sink *s, const char *line, size_t len);
/* The spec the sink was opened with ("syslog", "/var/log/x.log", ...). */
const char	*log_sink_spec(const struct log_sink *s);
/* Reopen a file sink at its path, in place; on failure keep the old fd. */
int		 log_sink_reopen(struct log_sink *s, char *err, size_t errlen);
/* Lines dropped by this sink since it was opened. */
uint64_t	 log_sink_dropped(const struct log_sink *s);

/* The daemon's own log.  Until a sink is set, lines go to stderr. */
void		 log_init(const char *ident);
struct log_sink	*log_swap_sink(struct log_sink *s);	/* returns the old one */
void		 log_set_level(int level);
int		 log_reopen(char *err, size_t errlen);
uint64_t	 log_dropped(void);	/* total, across sinks swapped out too */

void	log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(int level, const char *fmt, va_list ap);
/* log_warn and log_err append ": strerror(errno)"; the x forms do not. */
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* MYDAEMON_LOG_H */
