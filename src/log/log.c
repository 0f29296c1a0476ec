/*
 * log.c - the logging API: levels, formatting, the current sink (see
 * log.h).  Where the bytes go, and what happens when they cannot, is
 * log_sink.c's business.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"
#include "log/log_sink.h"

static char		 log_ident[64] = "mydaemon";
static int		 log_level = LOG_INFO;
static struct log_sink	*log_cur;	/* NULL: stderr */
static uint64_t		 log_total_dropped;

int
log_on(int level)
{
	return level <= log_level;
}

static const char *
level_name(int level)
{
	static const char *const names[] = {
		"error", "warning", "notice", "info", "debug"
	};

	/* emerg, alert and crit are not used here; they read as errors */
	if (level <= LOG_ERR)
		return names[0];
	if (level >= LOG_DEBUG)
		return names[4];
	return names[level - LOG_ERR];
}

/*
 * Copy len bytes of msg to dst, control bytes and DEL written as \xHH so
 * that a message can never split or forge a line.  An escape is never
 * cut in half.  Returns the bytes written; no NUL is added.
 */
static size_t
escape(char *dst, size_t avail, const char *msg, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c;
	size_t			 i, n = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)msg[i];
		if (c >= 0x20 && c != 0x7f) {
			if (n + 1 > avail)
				break;
			dst[n++] = (char)c;
			continue;
		}
		if (n + 4 > avail)
			break;
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[c >> 4];
		dst[n++] = hex[c & 0xf];
	}
	return n;
}

/* "2026-11-24T12:00:00.123+00:00": local time, milliseconds, offset. */
static int
format_stamp(char *buf, size_t size, const struct tm *tm, long msec)
{
	long	 off = tm->tm_gmtoff;
	char	 sign = '+';

	if (off < 0) {
		sign = '-';
		off = -off;
	}
	if (msec < 0 || msec > 999)
		msec = msec < 0 ? 0 : 999;
	return snprintf(buf, size,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ld%c%02ld:%02ld",
	    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, tm->tm_sec, msec, sign, off / 3600, off % 3600 / 60);
}

/* log_format_line(), also telling where the message starts. */
static size_t
format_line(char *buf, size_t size, const struct tm *tm, long msec,
    const char *ident, pid_t pid, int level, const char *msg, size_t *msgoff)
{
	size_t	 len;
	int	 n;

	*msgoff = 0;
	if (size < 2) {
		if (size == 1)
			buf[0] = '\0';
		return 0;
	}
	/* size - 1: the last byte before the NUL is kept for the '\n' */
	n = format_stamp(buf, size - 1, tm, msec);
	len = n < 0 ? 0 : (size_t)n;
	if (len < size - 2) {
		n = snprintf(buf + len, size - 1 - len, " %s[%ld]: %s: ",
		    ident != NULL ? ident : "", (long)pid, level_name(level));
		len += n < 0 ? 0 : (size_t)n;
	}
	if (len > size - 2)
		len = size - 2;
	*msgoff = len;
	if (msg != NULL)
		len += escape(buf + len, size - 2 - len, msg, strlen(msg));
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

size_t
log_format_line(char *buf, size_t size, const struct tm *tm, long msec,
    const char *ident, pid_t pid, int level, const char *msg)
{
	size_t	 off;

	return format_line(buf, size, tm, msec, ident, pid, level, msg, &off);
}

static void
now(struct tm *tm, long *msec)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	if (localtime_r(&ts.tv_sec, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
	*msec = ts.tv_nsec / 1000000;
}

size_t
log_timestamp(char *buf, size_t size)
{
	struct tm	 tm;
	long		 msec;
	int		 n;

	now(&tm, &msec);
	n = format_stamp(buf, size, &tm, msec);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

void
log_init(const char *ident)
{
	int	 saved = errno;

	(void)snprintf(log_ident, sizeof(log_ident), "%s",
	    ident != NULL ? ident : "");
	/* read TZ now; localtime_r(3) need not do it for us */
	tzset();
	log_cur = NULL;
	errno = saved;
}

struct log_sink *
log_set_sink(struct log_sink *s)
{
	struct log_sink	*old = log_cur;

	log_cur = s;
	return old;
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_reopen(char *err, size_t errlen)
{
	return log_sink_reopen(log_cur != NULL ? log_cur : log_sink_stderr(),
	    err, errlen);
}

int
log_on_stderr(void)
{
	return log_cur == NULL || log_sink_is_stderr(log_cur);
}

uint64_t
log_dropped(void)
{
	return log_total_dropped;
}

/*
 * Format one event and hand it to the current sink.  The drop is counted
 * here as well as in the sink, so that the total survives the sink being
 * swapped out and closed on reload.  getpid() each time: the daemon forks
 * after log_init().
 */
static void __attribute__((format(printf, 3, 0)))
vlog(int level, int errnum, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX], line[LOG_LINE_MAX];
	struct tm tm;
	long	 msec;
	size_t	 len, off;
	int	 n;

	if (level > log_level)
		return;
	if ((n = vsnprintf(msg, sizeof(msg), fmt, ap)) < 0) {
		/* keep the event, even without its arguments */
		(void)snprintf(msg, sizeof(msg), "%s", fmt);
		n = (int)strlen(msg);
	}
	if (errnum >= 0 && (size_t)n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
		    strerror(errnum));
	now(&tm, &msec);
	len = format_line(line, sizeof(line), &tm, msec, log_ident, getpid(),
	    level, msg, &off);
	if (log_sink_event(log_cur != NULL ? log_cur : log_sink_stderr(), level,
	    log_ident, line, len, off) == -1)
		log_total_dropped++;
}

/* The six entry points differ only in level and in the errno suffix. */
#define LOG_FN(name, level, with_errno)					\
void									\
name(const char *fmt, ...)						\
{									\
	int	 saved = errno;						\
	va_list	 ap;							\
									\
	va_start(ap, fmt);						\
	vlog(level, with_errno ? saved : -1, fmt, ap);			\
	va_end(ap);							\
	errno = saved;							\
}

LOG_FN(log_errx, LOG_ERR, 0)
LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)
