/*
 * pidfile.h - the locked pidfile.
 *
 * The daemon holds a POSIX write lock (fcntl F_SETLK) on the file for its
 * whole life.  The lock, not the number written in the file, says who is
 * running: F_GETLK names the holder, and the kernel drops the lock the
 * moment the holder exits (a zombie holds no lock), so no tool here ever
 * signals a PID that merely appears in a stale file.
 *
 * The lock has two slots (bytes 0 and 1) so that a restart can hand over
 * without a moment when nobody holds it: the new process takes the slot
 * the old one does not hold, then the old one lets go.  "Running" means
 * someone holds either slot.  A third byte guards the short moments when
 * a starter takes its slot and when a tool removes a stale file, so that
 * neither robs the other; nobody holds it for long, and it never reads
 * as a running daemon.
 */
#ifndef MYDAEMON_PIDFILE_H
#define MYDAEMON_PIDFILE_H

#include <sys/types.h>
#include <stddef.h>

struct pidfile;

/*
 * Open (creating, mode 0644, never following a symlink, refusing a file
 * with another name too) and lock `path` for this process.  When another
 * process holds it, returns NULL with errno = EEXIST and *other = its
 * PID, unless that is `takeover` (a restart's old process, or 0): then
 * the other slot is taken, and the two share the file until the old one
 * goes.  Other failures: NULL, errno set, reason in err.
 */
struct pidfile	*pidfile_open(const char *path, pid_t takeover, pid_t *other,
		    char *err, size_t errlen);

/* Write "PID\n" for the calling process.  Returns 0 or -1. */
int		 pidfile_write(struct pidfile *pf);

/*
 * Clean exit: unlink the file if it is still ours, or, lacking the
 * permission, empty it through the open descriptor; then release it.
 */
void		 pidfile_remove(struct pidfile *pf);

/* Release without touching the file (a failed start, a handed-over one). */
void		 pidfile_close(struct pidfile *pf);

/* LSB status of whoever the file at path belongs to. */
enum pidfile_status {
	PIDFILE_RUNNING = 0,	/* locked: *pid is a holder */
	PIDFILE_DEAD = 1,	/* unlocked and not empty */
	PIDFILE_STOPPED = 3,	/* missing, or unlocked and empty */
	PIDFILE_UNKNOWN = 4	/* cannot tell (errno says why) */
};
enum pidfile_status	pidfile_query(const char *path, pid_t *pid);

/* Does pid hold a lock slot of the file at path (a restart: either)? */
int		 pidfile_holds(const char *path, pid_t pid);

/*
 * Remove a pidfile nobody holds, and `companion` (a file beside it, or
 * NULL) with it, under the guard byte so that a daemon starting at this
 * moment is not robbed of its files.  Returns 0 (also when there was no
 * pidfile), or -1 with errno (EBUSY: someone holds it).
 */
int		 pidfile_remove_stale(const char *path, const char *companion);

#endif /* MYDAEMON_PIDFILE_H */
