/*
 * pidfile.c - the locked pidfile (see pidfile.h).
 *
 * Like FreeBSD's flopen(): open, lock, then compare the path's inode with
 * the descriptor's, because the file may have been unlinked (by a daemon
 * exiting, or a `stop` cleaning up) between our open and our lock; in
 * that case we locked an orphan and must start over.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/pidfile.h"

#define PIDFILE_TRIES	50
#define SLOT_A		0	/* the two slots of "running" ... */
#define SLOT_B		1
#define GUARD		2	/* ... and the guard byte */

struct pidfile {
	int	 fd;
	char	*path;
	dev_t	 dev;
	ino_t	 ino;
};

/* Lock (or test, or unlock) len bytes from start. */
static int
lock_range(int fd, short type, int cmd, off_t start, off_t len,
    pid_t *holder)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	if (fcntl(fd, cmd, &fl) == -1)
		return -1;
	if (holder != NULL)
		*holder = fl.l_type == F_UNLCK ? 0 : fl.l_pid;
	return 0;
}

/* Who holds either slot (0: nobody). */
static int
holder(int fd, pid_t *pid)
{
	return lock_range(fd, F_WRLCK, F_GETLK, SLOT_A, 2, pid);
}

/* The guard: waited for, since nobody holds it for long. */
static int
guard(int fd, int on)
{
	return lock_range(fd, on ? F_WRLCK : F_UNLCK, F_SETLKW, GUARD, 1,
	    NULL);
}

/*
 * Does `path` still name the file open on fd, a regular file with that
 * one name?  (A second hard link would make our writes land elsewhere.)
 */
static int
same_file(int fd, const char *path, struct stat *st)
{
	struct stat pst;

	if (fstat(fd, st) == -1 || lstat(path, &pst) == -1)
		return 0;
	return st->st_dev == pst.st_dev && st->st_ino == pst.st_ino;
}

/*
 * Take a slot: both when nobody runs (then let go of B, keeping A), or
 * the free one when the holder is `takeover`.  1 = locked, 0 = not (*other
 * the holder, or 0 when it went away meanwhile), -1 = failure.
 */
static int
take_slot(int fd, pid_t takeover, pid_t *other)
{
	pid_t a, b;

	if (lock_range(fd, F_WRLCK, F_SETLK, SLOT_A, 2, NULL) == 0)
		return lock_range(fd, F_UNLCK, F_SETLK, SLOT_B, 1, NULL) == 0 ?
		    1 : -1;
	if (errno != EAGAIN && errno != EACCES)
		return -1;
	if (lock_range(fd, F_WRLCK, F_GETLK, SLOT_A, 1, &a) == -1 ||
	    lock_range(fd, F_WRLCK, F_GETLK, SLOT_B, 1, &b) == -1)
		return -1;
	*other = a != 0 ? a : b;
	if (takeover == 0 || (a != 0 && a != takeover) ||
	    (b != 0 && b != takeover) || (a != 0 && b != 0))
		return 0;
	return lock_range(fd, F_WRLCK, F_SETLK, a == 0 ? SLOT_A : SLOT_B, 1,
	    NULL) == 0 ? 1 : 0;
}

/*
 * One attempt: 1 = locked, 0 = try again (the file or the holder went
 * away under us), -1 = failure (errno set; EEXIST with *other for a live
 * holder).
 */
static int
try_lock(const char *path, pid_t takeover, int *fdp, struct stat *st,
    pid_t *other)
{
	int fd, r, saved;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	    0644);
	if (fd == -1)
		return -1;
	if (guard(fd, 1) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*other = 0;
	r = take_slot(fd, takeover, other);
	saved = errno;
	if (r == 1 && !same_file(fd, path, st))
		r = 0;		/* unlinked meanwhile: locked an orphan */
	guard(fd, 0);
	if (r != 1) {
		close(fd);
		if (r == 0 && *other != 0) {
			errno = EEXIST;
			return -1;
		}
		errno = saved;
		return r;
	}
	*fdp = fd;
	return 1;
}

struct pidfile *
pidfile_open(const char *path, pid_t takeover, pid_t *other, char *err,
    size_t errlen)
{
	struct pidfile *pf;
	struct stat st;
	int fd = -1, r = 0, i;

	*other = 0;
	for (i = 0; i < PIDFILE_TRIES && r == 0; i++)
		r = try_lock(path, takeover, &fd, &st, other);
	if (r == 0)
		errno = EAGAIN;
	if (r == 1 && (!S_ISREG(st.st_mode) || st.st_nlink != 1)) {
		close(fd);
		r = -1;
		errno = EINVAL;
	}
	if (r == 1 && fchmod(fd, 0644) == -1) {
		close(fd);
		r = -1;
	}
	if (r != 1) {
		if (errno == EEXIST)
			snprintf(err, errlen, "already running (pid %ld)",
			    (long)*other);
		else
			snprintf(err, errlen, "cannot lock pidfile %s: %s",
			    path, errno == EINVAL ? "not a regular file with "
			    "one name" : strerror(errno));
		return NULL;
	}
	if ((pf = calloc(1, sizeof(*pf))) == NULL ||
	    (pf->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(pf);
		close(fd);
		return NULL;
	}
	pf->fd = fd;
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	return pf;
}

int
pidfile_write(struct pidfile *pf)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pf->fd, 0) == -1 ||
	    pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

void
pidfile_close(struct pidfile *pf)
{
	if (pf == NULL)
		return;
	close(pf->fd);
	free(pf->path);
	free(pf);
}

void
pidfile_remove(struct pidfile *pf)
{
	struct stat st;

	if (pf == NULL)
		return;
	/* Unprivileged in a root-owned /run: empty it, `stop` removes it. */
	if ((!same_file(pf->fd, pf->path, &st) || unlink(pf->path) == -1) &&
	    ftruncate(pf->fd, 0) == -1)
		errno = 0;	/* nothing more we can do */
	pidfile_close(pf);
}

int
pidfile_holds(const char *path, pid_t pid)
{
	pid_t a = 0, b = 0;
	int fd, held;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	/* each slot on its own: during a restart both are held */
	held = lock_range(fd, F_WRLCK, F_GETLK, SLOT_A, 1, &a) == 0 &&
	    lock_range(fd, F_WRLCK, F_GETLK, SLOT_B, 1, &b) == 0 &&
	    (a == pid || b == pid);
	close(fd);
	return held;
}

enum pidfile_status
pidfile_query(const char *path, pid_t *pid)
{
	struct stat st;
	int fd, saved;

	*pid = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return errno == ENOENT ? PIDFILE_STOPPED : PIDFILE_UNKNOWN;
	if (holder(fd, pid) == -1 || fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return PIDFILE_UNKNOWN;
	}
	close(fd);
	if (*pid != 0)
		return PIDFILE_RUNNING;
	return st.st_size == 0 ? PIDFILE_STOPPED : PIDFILE_DEAD;
}

int
pidfile_remove_stale(const char *path, const char *companion)
{
	struct stat st;
	pid_t pid;
	int fd, r = -1, saved;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	/* O_RDWR: a write lock needs it; the file is not followed. */
	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) ==
	    -1)
		return errno == ENOENT ? 0 : -1;
	if (guard(fd, 1) == -1)
		goto out;
	if (holder(fd, &pid) == -1)
		goto unguard;
	if (pid != 0) {
		errno = EBUSY;
		goto unguard;
	}
	/* Under the guard, so no daemon starting now can be robbed. */
	if (!same_file(fd, path, &st))
		r = 0;		/* gone or replaced: not ours to touch */
	else if ((companion == NULL || unlink(companion) == 0 ||
	    errno == ENOENT) && unlink(path) == 0)
		r = 0;
unguard:
	saved = errno;
	guard(fd, 0);
	errno = saved;
out:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}
