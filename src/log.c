/*
 * log.c - the daemon's log: one line per event, one write(2) per line.
 *
 * Nothing in here may stop or block the daemon.  A line that cannot be
 * written (disk full, file gone, syslogd restarting) is dropped and
 * counted, never retried and never buffered: the main loop matters more
 * than a log line.  Every entry point keeps errno as the caller left it,
 * so that code may log first and look at errno afterwards; only the open
 * and reopen calls set errno, and only when they fail.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define SYSLOG_PATH	"/dev/log"
#define LOG_FILE_MODE	0640
#define LOG_DIR_MODE	0750
/*
 * O_NONBLOCK costs nothing on a regular file and keeps a FIFO or a tty
 * given as log_file from blocking the open or the writes.  O_NOFOLLOW:
 * the log directory belongs to the daemon's user, and root must not
 * follow a symlink planted there (see also safe_file()).
 */
#define LOG_OPEN_FLAGS	\
	(O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)

enum sink_type {
	SINK_FILE,
	SINK_SYSLOG,
	SINK_STDERR
};

struct log_sink {
	enum sink_type	 type;
	int		 fd;		/* syslog: -1 while not connected */
	int		 facility;	/* syslog only */
	uid_t		 uid;		/* owner of what we create, or -1 */
	gid_t		 gid;
	uint64_t	 dropped;
	const char	*spec;		/* stored right after the struct */
};

/* Used until log_swap_sink() installs another; never freed. */
static struct log_sink	 log_stderr = {
	.type = SINK_STDERR,
	.fd = STDERR_FILENO,
	.facility = LOG_DAEMON,
	.uid = (uid_t)-1,
	.gid = (gid_t)-1,
	.spec = "stderr"
};
static struct log_sink	*log_cur = &log_stderr;
static char		 log_ident[64] = "mydaemon";
static int		 log_level = LOG_INFO;
static uint64_t		 log_total_dropped;

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

size_t
log_format_line(char *buf, size_t size, const struct tm *tm, long msec,
    const char *ident, pid_t pid, int level, const char *msg)
{
	size_t	 len;
	int	 n;

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
	if (msg != NULL)
		len += escape(buf + len, size - 2 - len, msg, strlen(msg));
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

static void
log_now(struct tm *tm, long *msec)
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

	log_now(&tm, &msec);
	n = format_stamp(buf, size, &tm, msec);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* Fill err, if the caller gave one, without disturbing errno. */
static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

/* One write(2).  A failed or short write loses the line, by design. */
static int
file_put(struct log_sink *s, const char *line, size_t len)
{
	struct pollfd	 pfd = { s->fd, POLLOUT, 0 };
	ssize_t		 n;

	/*
	 * stderr may be a pipe to a supervisor that stopped reading, and is
	 * not ours to make non-blocking: write only when a line fits now.
	 */
	if (s->type == SINK_STDERR && (poll(&pfd, 1, 0) != 1 ||
	    (pfd.revents & POLLOUT) == 0)) {
		s->dropped++;
		return -1;
	}
	n = write(s->fd, line, len);
	if (n < 0 || (size_t)n != len) {
		s->dropped++;
		return -1;
	}
	return 0;
}

/* Connect to syslogd if it is there; if not, lines drop until it is. */
static void
syslog_connect(struct log_sink *s)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, SYSLOG_PATH, sizeof(SYSLOG_PATH));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		(void)close(fd);
		return;
	}
	s->fd = fd;
}

static void
syslog_disconnect(struct log_sink *s)
{
	if (s->fd != -1)
		(void)close(s->fd);
	s->fd = -1;
}

/*
 * Send "<PRI>Mmm dd hh:mm:ss ident[pid]: msg" as one datagram.  syslogd
 * adds its own time and host; the RFC 3164 header is what it expects.
 * A full queue costs this line only; a lost peer (syslogd restarted)
 * also closes the socket so that the next line connects again.
 */
static int
syslog_send(struct log_sink *s, int level, const char *msg, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char		 buf[LOG_LINE_MAX];
	struct tm	 tm;
	long		 msec;
	size_t		 n;
	ssize_t		 sent;
	int		 pri;

	if (s->fd == -1)
		syslog_connect(s);
	if (s->fd == -1)
		goto drop;
	log_now(&tm, &msec);
	pri = (s->facility & LOG_FACMASK) |
	    (level < 0 ? 0 : level > LOG_DEBUG ? LOG_DEBUG : level);
	/* the header always fits: log_ident is far shorter than buf */
	n = (size_t)snprintf(buf, sizeof(buf),
	    "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ", pri,
	    mon[(unsigned)tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, log_ident, (long)getpid());
	n += escape(buf + n, sizeof(buf) - n, msg, len);
	sent = send(s->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent == (ssize_t)n)
		return 0;
	if (sent == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != ENOBUFS && errno != EINTR && errno != EMSGSIZE)
		syslog_disconnect(s);
drop:
	s->dropped++;
	return -1;
}

/*
 * Create the log file's missing parent directory for the user we will
 * become, so that a reopen after logrotate works without root.  Only
 * the immediate parent: building whole trees is the installer's job.
 */
static int
make_parent(const char *path, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	char	 dir[PATH_MAX];
	char	*slash;
	int	 fd, saved;

	/* too long: leave it to open(2) to say so */
	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return 0;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, LOG_DIR_MODE) == -1) {
		if (errno == EEXIST)
			return 0;
		goto fail;
	}
	/* mkdir(2) honoured the umask: set the mode we mean explicitly */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		goto fail;
	if (fchown(fd, uid, gid) == -1 || fchmod(fd, LOG_DIR_MODE) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		goto fail;
	}
	(void)close(fd);
	return 0;
fail:
	set_err(err, errlen, "cannot create log directory %s: %s", dir,
	    strerror(errno));
	return -1;
}

/* Give a file we have just created our mode and, as root, its owner. */
static int
own_new_file(int fd, const char *path, uid_t uid, gid_t gid, int chown_ok)
{
	int	 saved;

	/* open(2) honoured the umask, which is not ours to rely on */
	if (fchmod(fd, LOG_FILE_MODE) == 0 &&
	    (!chown_ok || fchown(fd, uid, gid) == 0))
		return fd;
	saved = errno;
	(void)close(fd);
	(void)unlink(path);	/* ours, thanks to O_EXCL: leave no stray */
	errno = saved;
	return -1;
}

/*
 * Open the log file, creating it if needed.  An existing file is taken
 * as it is: its mode and owner are the administrator's choice.  O_EXCL
 * tells us when the file is ours to set up; losing a race to another
 * creator only means opening theirs.
 */
/*
 * An existing log must be a regular file with one name (a hard link
 * planted by the daemon's user would aim root's writes elsewhere), or a
 * device such as /dev/null or /dev/full.
 */
static int
safe_file(int fd)
{
	struct stat	 st;

	if (fstat(fd, &st) == 0 && ((S_ISREG(st.st_mode) &&
	    st.st_nlink == 1) || S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return fd;
	close(fd);
	errno = EPERM;
	return -1;
}

static int
open_file(const char *path, uid_t uid, gid_t gid, int chown_ok)
{
	int	 fd, tries;

	for (tries = 0; tries < 3; tries++) {
		if ((fd = open(path, LOG_OPEN_FLAGS)) != -1)
			return safe_file(fd);
		if (errno != ENOENT)
			return -1;
		fd = open(path, LOG_OPEN_FLAGS | O_CREAT | O_EXCL,
		    LOG_FILE_MODE);
		if (fd != -1)
			return own_new_file(fd, path, uid, gid, chown_ok);
		if (errno != EEXIST)
			return -1;
	}
	/* still ENOENT then EEXIST: a dangling symlink, in practice */
	errno = ENOENT;
	return -1;
}

static int
sink_open_file(const struct log_sink *s, const char *verb, char *err,
    size_t errlen)
{
	int	 chown_ok, fd;

	chown_ok = geteuid() == 0 && s->uid != (uid_t)-1;
	if (chown_ok &&
	    make_parent(s->spec, s->uid, s->gid, err, errlen) == -1)
		return -1;
	fd = open_file(s->spec, s->uid, s->gid, chown_ok);
	if (fd == -1)
		set_err(err, errlen, "cannot %s log file %s: %s", verb,
		    s->spec, strerror(errno));
	return fd;
}

static int
spec_type(const char *spec, enum sink_type *type)
{
	if (strcmp(spec, "syslog") == 0)
		*type = SINK_SYSLOG;
	else if (strcmp(spec, "stderr") == 0)
		*type = SINK_STDERR;
	else if (spec[0] == '/')
		*type = SINK_FILE;
	else
		return -1;
	return 0;
}

struct log_sink *
log_sink_open(const char *spec, int facility, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	struct log_sink	*s;
	enum sink_type	 type;
	size_t		 len;
	int		 saved = errno, e;

	if (spec == NULL || spec_type(spec, &type) == -1) {
		errno = EINVAL;
		set_err(err, errlen, "invalid log destination \"%s\": "
		    "not an absolute path, syslog or stderr",
		    spec != NULL ? spec : "");
		return NULL;
	}
	len = strlen(spec) + 1;
	if ((s = calloc(1, sizeof(*s) + len)) == NULL) {
		set_err(err, errlen, "cannot open log %s: %s", spec,
		    strerror(errno));
		return NULL;
	}
	s->spec = memcpy(s + 1, spec, len);
	s->type = type;
	s->fd = type == SINK_STDERR ? STDERR_FILENO : -1;
	s->facility = facility;
	s->uid = uid;
	s->gid = gid;
	if (type == SINK_SYSLOG)
		syslog_connect(s);
	else if (type == SINK_FILE &&
	    (s->fd = sink_open_file(s, "open", err, errlen)) == -1) {
		e = errno;
		free(s);
		errno = e;
		return NULL;
	}
	errno = saved;
	return s;
}

void
log_sink_close(struct log_sink *s)
{
	int	 saved = errno;

	if (s == NULL || s == &log_stderr)
		return;
	/* closing the current sink is a caller bug: do not log into it */
	if (s == log_cur)
		log_cur = &log_stderr;
	if (s->type != SINK_STDERR && s->fd != -1)
		(void)close(s->fd);
	free(s);
	errno = saved;
}

int
log_sink_write(struct log_sink *s, const char *line, size_t len)
{
	int	 saved = errno, rv;

	if (s == NULL)
		return -1;
	if (s->type == SINK_SYSLOG) {
		/* a datagram is the record: the newline is not needed */
		if (len > 0 && line[len - 1] == '\n')
			len--;
		rv = syslog_send(s, LOG_INFO, line, len);
	} else
		rv = file_put(s, line, len);
	errno = saved;
	return rv;
}

const char *
log_sink_spec(const struct log_sink *s)
{
	return s != NULL ? s->spec : "";
}

int
log_sink_reopen(struct log_sink *s, char *err, size_t errlen)
{
	int	 saved = errno, fd;

	if (s == NULL) {
		errno = EINVAL;
		set_err(err, errlen, "no log to reopen");
		return -1;
	}
	switch (s->type) {
	case SINK_FILE:
		/* open the new file first: on failure the old one stays */
		if ((fd = sink_open_file(s, "reopen", err, errlen)) == -1)
			return -1;
		(void)close(s->fd);
		s->fd = fd;
		break;
	case SINK_SYSLOG:
		syslog_disconnect(s);
		syslog_connect(s);
		break;
	case SINK_STDERR:
		break;
	}
	errno = saved;
	return 0;
}

uint64_t
log_sink_dropped(const struct log_sink *s)
{
	return s != NULL ? s->dropped : 0;
}

void
log_init(const char *ident)
{
	int	 saved = errno;

	(void)snprintf(log_ident, sizeof(log_ident), "%s",
	    ident != NULL ? ident : "");
	/* read TZ now; localtime_r(3) need not do it for us */
	tzset();
	log_cur = &log_stderr;
	errno = saved;
}

struct log_sink *
log_swap_sink(struct log_sink *s)
{
	struct log_sink	*old = log_cur;

	log_cur = s != NULL ? s : &log_stderr;
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
	return log_sink_reopen(log_cur, err, errlen);
}

uint64_t
log_dropped(void)
{
	return log_total_dropped;
}

/*
 * Format and send one event to the current sink.  The drop is counted
 * here as well as in the sink, so that the total survives the sink
 * being swapped out and closed on reload.
 */
static void
log_emit(int level, const char *msg)
{
	struct log_sink	*s = log_cur;
	char		 line[LOG_LINE_MAX];
	struct tm	 tm;
	long		 msec;
	size_t		 len;
	int		 rv;

	if (s->type == SINK_SYSLOG)
		rv = syslog_send(s, level, msg, strlen(msg));
	else {
		log_now(&tm, &msec);
		/* getpid(3) each time: the daemon forks after log_init() */
		len = log_format_line(line, sizeof(line), &tm, msec,
		    log_ident, getpid(), level, msg);
		rv = file_put(s, line, len);
	}
	if (rv == -1)
		log_total_dropped++;
}

/* errnum < 0: no strerror suffix. */
static void __attribute__((format(printf, 3, 0)))
log_vmsg_errno(int level, int errnum, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX];
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
	log_emit(level, msg);
}

void
log_vmsg(int level, const char *fmt, va_list ap)
{
	int	 saved = errno;

	log_vmsg_errno(level, -1, fmt, ap);
	errno = saved;
}

void
log_msg(int level, const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(level, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_err(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_errx(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_ERR, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_WARNING, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_notice(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_NOTICE, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_INFO, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg_errno(LOG_DEBUG, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}
