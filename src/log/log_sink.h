/*
 * log_sink.h - where log lines go: a file (O_APPEND, mode 0640), syslog
 * (our own non-blocking datagram socket to /dev/log) or stderr.
 *
 * The daemon's log is one sink (log.h); the access log is another.  A
 * write that fails is dropped and counted, never retried or buffered; a
 * line is whole in a file or not there at all.  Reloads open the new sink
 * first and only then swap it in, so a path that cannot be opened fails
 * the reload and leaves the old log in place.
 */
#ifndef MYDAEMON_LOG_SINK_H
#define MYDAEMON_LOG_SINK_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct log_sink;

/*
 * Open a sink.  spec is an absolute path, "syslog" or "stderr".  For a
 * path, when running as root and uid != (uid_t)-1, a missing parent
 * directory is created (mode 0750, owned by uid:gid) and a newly created
 * file is given to uid:gid.  An existing file must be a regular file with
 * one link (or a device or FIFO); symlinks are not followed.  Returns the
 * sink, or NULL with errno set and a reason in err.
 */
struct log_sink	*log_sink_open(const char *spec, int facility, uid_t uid,
		    gid_t gid, char *err, size_t errlen);
/* Close a sink that log.h does not use (log_set_sink() it away first). */
void		 log_sink_close(struct log_sink *s);

/* The sink that is always there: stderr, never closed. */
struct log_sink	*log_sink_stderr(void);

#define LOG_JOURNAL_MAX	4096	/* a journal record at most */
/*
 * stderr is the journal when stream (JOURNAL_STREAM, "DEV:INODE") names
 * the file of descriptor 2: its lines then go as "<N>level: message", the
 * level for journald and no time stamp of ours.  Returns 1 when it is.
 */
int		 log_sink_stderr_journal(const char *stream);
/* Does s write to stderr? */
int		 log_sink_is_stderr(const struct log_sink *s);
/* That stream's "DEV:INODE" while stderr is the journal, else NULL. */
const char	*log_sink_journal(void);

/*
 * One event of the daemon's log: `line` (len bytes, ending in '\n') is
 * what a file gets; syslog gets level, ident and the message, which
 * starts at line + msgoff.  0, or -1 when the line was dropped.
 */
int	log_sink_event(struct log_sink *s, int level, const char *ident,
	    const char *line, size_t len, size_t msgoff);
/*
 * A ready-made line of printable text (the access log's): one write(2),
 * or one datagram from "mydaemon" to syslog; 0, or -1 when dropped.
 */
int	log_sink_write(struct log_sink *s, const char *line, size_t len);

/* Reopen a file sink at its path, in place; on failure keep the old fd. */
int		log_sink_reopen(struct log_sink *s, char *err, size_t errlen);
/* Lines dropped by this sink since it was opened. */
uint64_t	log_sink_dropped(const struct log_sink *s);

#endif /* MYDAEMON_LOG_SINK_H */
