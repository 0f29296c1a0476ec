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

#include "pidfile.h"

#define PIDFILE_TRIES	50

struct pidfile {
	int	 fd;
	char	*path;
	dev_t	 dev;
	ino_t	 ino;
};

static int
lock_whole(int fd, short type, int cmd, pid_t *holder)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, cmd, &fl) == -1)
		return -1;
	if (holder != NULL)
		*holder = fl.l_type == F_UNLCK ? 0 : fl.l_pid;
	return 0;
}

/* Does `path` still name the file open on fd? */
static int
same_file(int fd, const char *path, struct stat *st)
{
	struct stat pst;

	if (fstat(fd, st) == -1 || lstat(path, &pst) == -1)
		return 0;
	return st->st_dev == pst.st_dev && st->st_ino == pst.st_ino;
}

/*
 * One attempt: 1 = locked, 0 = try again (lock or file vanished under
 * us), -1 = failure (errno set; EEXIST with *other for a live holder).
 */
static int
try_lock(const char *path, int *fdp, struct stat *st, pid_t *other)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	    0644);
	if (fd == -1)
		return -1;
	if (lock_whole(fd, F_WRLCK, F_SETLK, NULL) == -1) {
		if ((errno != EAGAIN && errno != EACCES) ||
		    lock_whole(fd, F_WRLCK, F_GETLK, other) == -1) {
			close(fd);
			return -1;
		}
		close(fd);
		if (*other == 0)
			return 0;
		errno = EEXIST;
		return -1;
	}
	if (!same_file(fd, path, st)) {
		close(fd);
		return 0;
	}
	*fdp = fd;
	return 1;
}

struct pidfile *
pidfile_open(const char *path, pid_t *other, char *err, size_t errlen)
{
	struct pidfile *pf;
	struct stat st;
	int fd = -1, r = 0, i;

	*other = 0;
	for (i = 0; i < PIDFILE_TRIES && r == 0; i++)
		r = try_lock(path, &fd, &st, other);
	if (r == 0)
		errno = EAGAIN;
	if (r == 1 && !S_ISREG(st.st_mode)) {
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
			    path, errno == EINVAL ? "not a regular file" :
			    strerror(errno));
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

enum pidfile_status
pidfile_query(const char *path, pid_t *pid)
{
	struct stat st;
	int fd, saved;

	*pid = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return errno == ENOENT ? PIDFILE_STOPPED : PIDFILE_UNKNOWN;
	if (lock_whole(fd, F_WRLCK, F_GETLK, pid) == -1 ||
	    fstat(fd, &st) == -1) {
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
	pid_t other;
	int fd, r;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	r = try_lock(path, &fd, &st, &other);
	if (r == -1 && errno == EEXIST)
		errno = EBUSY;
	if (r != 1)
		return r == 0 ? 0 : -1;
	/* Under the lock, so no daemon starting now can be robbed. */
	if (companion != NULL && unlink(companion) == -1 && errno != ENOENT) {
		close(fd);
		return -1;
	}
	r = unlink(path);
	close(fd);
	return r;
}
