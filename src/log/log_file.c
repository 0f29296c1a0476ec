/*
 * log_file.c - open a log file the way a daemon that starts as root and
 * runs as its own user must: the parent directory made for that user,
 * a new file given our mode and owner, and an existing one taken only
 * if it is no symlink and has no second name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log/log_file.h"

#define FILE_MODE	0640
#define DIR_MODE	0750
/*
 * O_NONBLOCK costs nothing on a regular file and keeps a FIFO or a tty
 * given as log_file from blocking the open or the writes.  O_NOFOLLOW:
 * the log directory belongs to the daemon's user, and root must not
 * follow a symlink planted there (see also safe_file()).
 */
#define OPEN_FLAGS	\
	(O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)

/*
 * Create the log file's missing parent directory for the user we will
 * become, so that a reopen after logrotate works without root.  Only
 * the immediate parent: building whole trees is the installer's job.
 */
int
log_file_make_parent(const char *path, uid_t uid, gid_t gid, char *err,
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
	if (mkdir(dir, DIR_MODE) == -1) {
		if (errno == EEXIST)
			return 0;
		goto fail;
	}
	/* mkdir(2) honoured the umask: set the mode we mean explicitly */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		goto fail;
	if (fchown(fd, uid, gid) == -1 || fchmod(fd, DIR_MODE) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		goto fail;
	}
	(void)close(fd);
	return 0;
fail:
	saved = errno;
	if (err != NULL)
		(void)snprintf(err, errlen, "cannot create log directory "
		    "%s: %s", dir, strerror(saved));
	errno = saved;
	return -1;
}

/* Give a file we have just created our mode and, as root, its owner. */
static int
own_new_file(int fd, const char *path, uid_t uid, gid_t gid, int chown_ok)
{
	int	 saved;

	/* open(2) honoured the umask, which is not ours to rely on */
	if (fchmod(fd, FILE_MODE) == 0 &&
	    (!chown_ok || fchown(fd, uid, gid) == 0))
		return fd;
	saved = errno;
	(void)close(fd);
	(void)unlink(path);	/* ours, thanks to O_EXCL: leave no stray */
	errno = saved;
	return -1;
}

/*
 * An existing log must be a regular file with one name (a hard link
 * planted by the daemon's user would aim root's writes elsewhere), or a
 * device such as /dev/null or /dev/full.
 */
static int
safe_file(int fd, int *regular)
{
	struct stat	 st;

	if (fstat(fd, &st) == 0 && ((S_ISREG(st.st_mode) &&
	    st.st_nlink == 1) || S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		*regular = S_ISREG(st.st_mode);
		return fd;
	}
	close(fd);
	errno = EPERM;
	return -1;
}

/*
 * Open the log file, creating it if needed.  An existing file is taken
 * as it is: its mode and owner are the administrator's choice.  O_EXCL
 * tells us when the file is ours to set up; losing a race to another
 * creator only means opening theirs.
 */
int
log_file_open(const char *path, uid_t uid, gid_t gid, int chown_ok,
    int *regular)
{
	int	 fd, tries;

	for (tries = 0; tries < 3; tries++) {
		if ((fd = open(path, OPEN_FLAGS)) != -1)
			return safe_file(fd, regular);
		if (errno != ENOENT)
			return -1;
		fd = open(path, OPEN_FLAGS | O_CREAT | O_EXCL, FILE_MODE);
		if (fd != -1) {
			*regular = 1;
			return own_new_file(fd, path, uid, gid, chown_ok);
		}
		if (errno != EEXIST)
			return -1;
	}
	/* still ENOENT then EEXIST: a dangling symlink, in practice */
	errno = ENOENT;
	return -1;
}
