/*
 * pidfile.h - the locked pidfile.
 *
 * The final daemon process holds a POSIX write lock (fcntl F_SETLK) on
 * the whole file for its whole life.  The lock, not the number written
 * in the file, says who is running: F_GETLK names the holder, and the
 * kernel drops the lock the moment the holder exits (a zombie holds no
 * lock), so no tool here ever signals a PID that merely appears in a
 * stale file.
 */
#ifndef MYDAEMON_PIDFILE_H
#define MYDAEMON_PIDFILE_H

#include <sys/types.h>
#include <stddef.h>

struct pidfile;

/*
 * Open (creating, mode 0644, never following a symlink) and lock `path`
 * for this process.  When another process holds the lock, returns NULL
 * with errno = EEXIST and *other = its PID.  Other failures: NULL, errno
 * set, reason in err.
 */
struct pidfile	*pidfile_open(const char *path, pid_t *other, char *err,
		    size_t errlen);

/* Write "PID\n" for the calling process.  Returns 0 or -1. */
int		 pidfile_write(struct pidfile *pf);

/*
 * Clean exit: unlink the file if it is still ours, or, lacking the
 * permission, empty it through the open descriptor; then release it.
 */
void		 pidfile_remove(struct pidfile *pf);

/* Release without touching the file (a child process, a failed start). */
void		 pidfile_close(struct pidfile *pf);

/* LSB status of whoever the file at path belongs to. */
enum pidfile_status {
	PIDFILE_RUNNING = 0,	/* locked: *pid is the holder */
	PIDFILE_DEAD = 1,	/* unlocked and not empty */
	PIDFILE_STOPPED = 3,	/* missing, or unlocked and empty */
	PIDFILE_UNKNOWN = 4	/* cannot tell (errno says why) */
};
enum pidfile_status	pidfile_query(const char *path, pid_t *pid);

/*
 * Remove a pidfile nobody holds, and `companion` (a file beside it, or
 * NULL) with it: take the lock first so a daemon that is starting at this
 * moment is not robbed of its files.  Returns 0 (also when there was no
 * pidfile), or -1 with errno (EBUSY: someone holds it).
 */
int		 pidfile_remove_stale(const char *path, const char *companion);

#endif /* MYDAEMON_PIDFILE_H */
