/*
 * result_dir.h - the result directory (SPEC 20): where `mydaemon -s
 * result` leaves pushed results for the daemon, and where the daemon
 * keeps the last one of each check across restarts and reboots.
 *
 *   .NAME.XXXXXX   a pusher's file being written (ignored by the daemon)
 *   NAME.push      a result waiting for the daemon
 *   NAME           the last result the daemon took (renamed from
 *                  NAME.push once applied, so a pusher that sees its
 *                  NAME.push gone knows that it is served)
 *
 * The directory is the daemon's user's and group's, mode 2770: root,
 * that user and the group's members may push, nobody else.  Being
 * group-writable, nothing in it is trusted: a file is read only when it
 * is a regular file with one link and at most RESULT_FILE_MAX bytes,
 * opened without following a symlink or waiting on a FIFO.
 */
#ifndef MYDAEMON_RESULT_DIR_H
#define MYDAEMON_RESULT_DIR_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stddef.h>

#define RESULT_DIR_PENDING	".push"

/*
 * Make the directory when it is missing (missing parents too, mode
 * 0755): mode 2770, owned by uid and gid ((uid_t)-1, (gid_t)-1: the
 * caller's).  An existing one is left as it is.  0, or -1 with errno
 * and the reason in err.
 */
int	result_dir_make(const char *dir, uid_t uid, gid_t gid, char *err,
	    size_t errlen);

/*
 * What a file of the directory is: 1 a pending result (NAME.push), 0 a
 * kept one (NAME), -1 neither (a pusher's temporary file, a name no
 * check can have).  The check name goes to name (CONFIG_NAME_MAX + 1).
 */
int	result_dir_name(const char *file, char *name, size_t size);

/*
 * Read `file` of the directory open as dirfd, trusting nothing: 0 with
 * its bytes in buf (RESULT_FILE_MAX of them at most), their number in
 * *len and the file's identity in *st; or -1 with errno (ENOENT: gone)
 * and *why saying what is wrong with it.
 */
int	result_dir_read(int dirfd, const char *file, char *buf, size_t *len,
	    struct stat *st, const char **why);

/*
 * The pusher's side: write len bytes to a new file of dir under a
 * temporary name (mode 0660, so that the daemon's group reads it),
 * named in tmp (size PATH_MAX), its identity in *st.  Then commit it
 * as NAME.push: without `replace`, not over a result still pending
 * (EEXIST).  0, or -1 with errno.
 */
int	result_dir_stage(const char *dir, const char *name, const char *buf,
	    size_t len, char *tmp, size_t tmpsize, struct stat *st);
int	result_dir_commit(const char *dir, const char *tmp, const char *name,
	    int replace);

#endif /* MYDAEMON_RESULT_DIR_H */
