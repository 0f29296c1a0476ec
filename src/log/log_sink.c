/*
 * log_sink.c - log destinations (see log_sink.h).
 *
 * Nothing in here may stop or block the daemon.  A line that cannot be
 * written (disk full, file gone, syslogd restarting) is dropped and
 * counted, never retried and never buffered: the main loop matters more
 * than a log line.  Every entry point keeps errno as the caller left it;
 * only open and reopen set it, and only when they fail.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log/log_file.h"
#include "log/log_sink.h"

#define SYSLOG_PATH	"/dev/log"
#define SYSLOG_MAX	2048
enum sink_type { SINK_FILE, SINK_SYSLOG, SINK_STDERR };

struct log_sink {
	enum sink_type	 type;
	int		 fd;		/* syslog: -1 while not connected */
	int		 regular;	/* a regular file: a torn line can go */
	int		 facility;	/* syslog only */
	uid_t		 uid;		/* owner of what we create, or -1 */
	gid_t		 gid;
	uint64_t	 dropped;
	const char	*spec;		/* stored right after the struct */
};

/* stderr is the journal's stream (JOURNAL_STREAM "DEV:INODE" names it). */
static char	journal[64];

static struct log_sink	 sink_stderr = {
	.type = SINK_STDERR,
	.fd = STDERR_FILENO,
	.facility = LOG_DAEMON,
	.uid = (uid_t)-1,
	.gid = (gid_t)-1,
	.spec = "stderr"
};

struct log_sink *
log_sink_stderr(void)
{
	return &sink_stderr;
}

int
log_sink_stderr_journal(const char *stream)
{
	struct stat st;
	char mine[64];

	journal[0] = '\0';
	if (stream == NULL || fstat(STDERR_FILENO, &st) == -1)
		return 0;
	snprintf(mine, sizeof(mine), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	if (strcmp(mine, stream) == 0)
		snprintf(journal, sizeof(journal), "%s", mine);
	return journal[0] != '\0';
}

int
log_sink_is_stderr(const struct log_sink *s)
{
	return s != NULL && s->type == SINK_STDERR;
}

const char *
log_sink_journal(void)
{
	return journal[0] != '\0' ? journal : NULL;
}

static int	file_put(struct log_sink *s, const char *line, size_t len);

/*
 * The journal takes the level from sd-daemon(3)'s "<N>" prefix and
 * stamps the line itself: "<3>error: reload failed: ..." (the level's
 * word and the message, from after the "ident[pid]: " of the line).
 */
static int
journal_put(struct log_sink *s, int level, const char *line, size_t len,
    size_t msgoff)
{
	char rec[LOG_JOURNAL_MAX];
	const char *from = line;
	size_t i, n;

	for (i = 0; i + 2 < msgoff; i++)
		if (line[i] == ']' && line[i + 1] == ':' &&
		    line[i + 2] == ' ') {
			from = line + i + 3;
			break;
		}
	n = (size_t)snprintf(rec, sizeof(rec), "<%d>", level & 7);
	if (len - (size_t)(from - line) > sizeof(rec) - n)
		len = (size_t)(from - line) + sizeof(rec) - n;
	memcpy(rec + n, from, len - (size_t)(from - line));
	n += len - (size_t)(from - line);
	if (rec[n - 1] != '\n')
		rec[n - 1] = '\n';
	return file_put(s, rec, n);
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

/*
 * One write(2).  A failed write loses the line, by design.  A short one
 * (the disk filled up in the middle) would leave a fragment that the
 * next line, after a reopen, is glued to: cut it off again, so that a
 * line is whole in the file or not there.  O_APPEND left the offset at
 * the end of what was written, and the daemon is the file's one writer.
 */
static int
file_put(struct log_sink *s, const char *line, size_t len)
{
	struct pollfd	 pfd = { s->fd, POLLOUT, 0 };
	struct stat	 st;
	ssize_t		 n;
	off_t		 end;

	/*
	 * stderr may be a pipe to a supervisor that stopped reading, and is
	 * not ours to make non-blocking: write only when a line fits now.
	 */
	if (s->type == SINK_STDERR && (poll(&pfd, 1, 0) != 1 ||
	    (pfd.revents & POLLOUT) == 0)) {
		s->dropped++;
		return -1;
	}
	/*
	 * A file removed (or its directory) is no log any more: its lines
	 * are dropped and counted until a reopen finds the path again.
	 */
	if (s->regular && fstat(s->fd, &st) == 0 && st.st_nlink == 0) {
		s->dropped++;
		return -1;
	}
	n = write(s->fd, line, len);
	if (n >= 0 && (size_t)n == len)
		return 0;
	if (n > 0 && s->regular && (end = lseek(s->fd, 0, SEEK_CUR)) >= n)
		(void)ftruncate(s->fd, end - n);
	s->dropped++;
	return -1;
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
syslog_send(struct log_sink *s, int level, const char *ident,
    const char *msg, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char		 buf[SYSLOG_MAX];
	struct tm	 tm;
	time_t		 t = time(NULL);
	size_t		 n;
	ssize_t		 sent;
	int		 pri;

	if (s->fd == -1)
		syslog_connect(s);
	if (s->fd == -1)
		goto drop;
	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	pri = (s->facility & LOG_FACMASK) |
	    (level < 0 ? 0 : level > LOG_DEBUG ? LOG_DEBUG : level);
	n = (size_t)snprintf(buf, sizeof(buf),
	    "<%d>%s %2d %02d:%02d:%02d %.64s[%ld]: ", pri,
	    mon[(unsigned)tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ident, (long)getpid());
	if (len > sizeof(buf) - n)
		len = sizeof(buf) - n;
	memcpy(buf + n, msg, len);
	sent = send(s->fd, buf, n + len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent == (ssize_t)(n + len))
		return 0;
	if (sent == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != ENOBUFS && errno != EINTR && errno != EMSGSIZE)
		syslog_disconnect(s);
drop:
	s->dropped++;
	return -1;
}

int
log_sink_event(struct log_sink *s, int level, const char *ident,
    const char *line, size_t len, size_t msgoff)
{
	int	 saved = errno, rv;

	if (s == NULL)
		return -1;
	if (s->type == SINK_SYSLOG)	/* the datagram is the record */
		rv = syslog_send(s, level, ident, line + msgoff,
		    len - msgoff - (len > msgoff && line[len - 1] == '\n'));
	else if (s->type == SINK_STDERR && journal[0] != '\0' && len > 0)
		rv = journal_put(s, level, line, len, msgoff);
	else
		rv = file_put(s, line, len);
	errno = saved;
	return rv;
}

int
log_sink_write(struct log_sink *s, const char *line, size_t len)
{
	return log_sink_event(s, LOG_INFO, "mydaemon", line, len, 0);
}

static int
open_path(struct log_sink *s, const char *verb, int *regular, char *err,
    size_t errlen)
{
	int	 chown_ok, fd;

	chown_ok = geteuid() == 0 && s->uid != (uid_t)-1;
	if (chown_ok &&
	    log_file_make_parent(s->spec, s->uid, s->gid, err, errlen) == -1)
		return -1;
	fd = log_file_open(s->spec, s->uid, s->gid, chown_ok, regular);
	if (fd == -1)
		set_err(err, errlen, "cannot %s log file %s: %s", verb,
		    s->spec, strerror(errno));
	return fd;
}

struct log_sink *
log_sink_open(const char *spec, int facility, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	struct log_sink	*s;
	enum sink_type	 type;
	size_t		 len;
	int		 saved = errno, e;

	if (spec != NULL && strcmp(spec, "syslog") == 0)
		type = SINK_SYSLOG;
	else if (spec != NULL && strcmp(spec, "stderr") == 0)
		type = SINK_STDERR;
	else if (spec != NULL && spec[0] == '/')
		type = SINK_FILE;
	else {
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
	    (s->fd = open_path(s, "open", &s->regular, err, errlen)) == -1) {
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

	if (s == NULL || s == &sink_stderr)
		return;
	if (s->type != SINK_STDERR && s->fd != -1)
		(void)close(s->fd);
	free(s);
	errno = saved;
}

int
log_sink_reopen(struct log_sink *s, char *err, size_t errlen)
{
	int	 saved = errno, fd, regular = 0;

	if (s == NULL) {
		errno = EINVAL;
		set_err(err, errlen, "no log to reopen");
		return -1;
	}
	switch (s->type) {
	case SINK_FILE:
		/* open the new file first: on failure the old one stays */
		if ((fd = open_path(s, "reopen", &regular, err, errlen)) == -1)
			return -1;
		(void)close(s->fd);
		s->fd = fd;
		s->regular = regular;
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
