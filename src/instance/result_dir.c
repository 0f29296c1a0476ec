/*
 * result_dir.c - the result directory (see result_dir.h): making it,
 * naming its files, reading one without trusting it, and the pusher's
 * atomic write.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "instance/result_dir.h"
#include "instance/result_file.h"

#define DIR_MODE	02770	/* setgid: files take the daemon's group */
#define FILE_MODE	0660

/* mkdir -p of the parents of dir, mode 0755. */
static int
make_parents(char *dir)
{
	char *s;

	for (s = strchr(dir + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

int
result_dir_make(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	char *copy;
	int fd, e;

	if (access(dir, F_OK) == 0)
		return 0;	/* the administrator's: as it is */
	if ((copy = strdup(dir)) == NULL || make_parents(copy) == -1 ||
	    mkdir(dir, 0700) == -1) {
		e = errno;
		free(copy);
		if (e == EEXIST)	/* made by another at this moment */
			return 0;
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	free(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		e = errno;
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	/* Made 0700 and given away only then: never open to all. */
	if (fchown(fd, uid, gid) == -1 || fchmod(fd, DIR_MODE) == -1) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "cannot give %s to the daemon's user: "
		    "%s", dir, strerror(e));
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

int
result_dir_name(const char *file, char *name, size_t size)
{
	size_t n = strlen(file), sl = strlen(RESULT_DIR_PENDING);
	int pending = 0;

	if (n > sl && strcmp(file + n - sl, RESULT_DIR_PENDING) == 0) {
		n -= sl;
		pending = 1;
	}
	if (n == 0 || n > CONFIG_NAME_MAX || n >= size ||
	    strspn(file, "abcdefghijklmnopqrstuvwxyz0123456789_-") < n)
		return -1;
	memcpy(name, file, n);
	name[n] = '\0';
	return pending;
}

int
result_dir_read(int dirfd, const char *file, char *buf, size_t *len,
    struct stat *st, const char **why)
{
	ssize_t n = -1;
	int fd, e = 0;

	*why = "";
	if ((fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY)) == -1) {
		*why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		e = errno;
		*why = strerror(e);
	} else if (!S_ISREG(st->st_mode)) {
		e = EINVAL;
		*why = "not a regular file";
	} else if (st->st_nlink != 1) {
		e = EINVAL;
		*why = "a file with more than one link";
	} else if (st->st_size > RESULT_FILE_MAX) {
		e = EFBIG;
		*why = "too large";
	} else if ((n = read(fd, buf, RESULT_FILE_MAX + 1)) == -1) {
		e = errno;
		*why = strerror(e);
	} else if (n > RESULT_FILE_MAX) {
		e = EFBIG;	/* it grew since fstat() */
		*why = "too large";
	}
	close(fd);
	*len = n > 0 ? (size_t)n : 0;
	errno = e;
	return e == 0 ? 0 : -1;
}

int
result_dir_stage(const char *dir, const char *name, const char *buf,
    size_t len, char *tmp, size_t tmpsize, struct stat *st)
{
	ssize_t n;
	int fd, e;

	if ((size_t)snprintf(tmp, tmpsize, "%s/.%s.XXXXXX", dir, name) >=
	    tmpsize) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	/* Whatever the umask: the daemon reads it through its group. */
	if (fchmod(fd, FILE_MODE) == -1 || (n = write(fd, buf, len)) == -1 ||
	    (size_t)n != len || fstat(fd, st) == -1) {
		e = errno != 0 ? errno : EIO;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int
result_dir_commit(const char *dir, const char *tmp, const char *name,
    int replace)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", dir, name,
	    RESULT_DIR_PENDING) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!replace && renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
	    RENAME_NOREPLACE) == 0)
		return 0;
	/* A file system without RENAME_NOREPLACE: the last one wins. */
	if (!replace && errno != EINVAL && errno != ENOSYS)
		return -1;
	return rename(tmp, path);
}
