/*
 * log.h - the daemon's log: one line per event, one write(2) per line.
 *
 *   2026-11-24T12:00:00.123+00:00 mydaemon[PID]: LEVEL: message
 *
 * Where lines go is a sink (log_sink.h); until one is set they go to
 * stderr.  Nothing here may stop or block the daemon: a line that cannot
 * be written is dropped and counted.  log_warn appends ": strerror(errno)",
 * log_warnx does not (OpenBSD's convention); every call keeps errno.
 */
#ifndef MYDAEMON_LOG_H
#define MYDAEMON_LOG_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <time.h>

#define LOG_LINE_MAX	2048	/* longer messages are cut */

struct log_sink;

void		 log_init(const char *ident);
/* Send lines to s from now on (NULL: stderr); returns the old sink. */
struct log_sink	*log_set_sink(struct log_sink *s);
void		 log_set_level(int level);	/* LOG_ERR .. LOG_DEBUG */
/* Would a line of this level be written?  (Spares a hot path's work.) */
int		 log_on(int level);
/* Reopen the current sink at its path (SIGUSR1); 0, or -1 with err. */
int		 log_reopen(char *err, size_t errlen);
/* Lines lost so far, across every sink that was current. */
uint64_t	 log_dropped(void);
/* The log goes to stderr (the foreground's default, or the journal). */
int		 log_on_stderr(void);

void	log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Pure: format one line into buf (size >= 64) with the local time `tm`
 * (tm_gmtoff gives the offset) and `msec`.  LEVEL is error, warning,
 * notice, info or debug.  Control bytes and DEL in msg are written as
 * \xHH so that one event is always one line; a message that does not fit
 * is cut and the line still ends with '\n'.  Returns the length (buf is
 * NUL-terminated).
 */
size_t	log_format_line(char *buf, size_t size, const struct tm *tm, long msec,
	    const char *ident, pid_t pid, int level, const char *msg);

/* The current time as log lines show it, for the access log. */
size_t	log_timestamp(char *buf, size_t size);

#endif /* MYDAEMON_LOG_H */
