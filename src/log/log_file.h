/*
 * log_file.h - opening a log file safely, for log_sink.c.
 */
#ifndef MYDAEMON_LOG_FILE_H
#define MYDAEMON_LOG_FILE_H

#include <sys/types.h>

#include <stddef.h>

/*
 * Make path's missing parent directory (only that one), owned by
 * uid:gid, mode 0750.  0 when it exists or was made; -1 with errno set
 * and a message in err (when not NULL) otherwise.
 */
int	log_file_make_parent(const char *path, uid_t uid, gid_t gid,
	    char *err, size_t errlen);

/*
 * Open path for appending, non-blocking and close-on-exec, creating it
 * mode 0640 (and, with chown_ok, owned by uid:gid) if it is missing.
 * Refuses a symlink and a regular file with more than one name (EPERM).
 * *regular says whether it is a regular file.  The fd, or -1 and errno.
 */
int	log_file_open(const char *path, uid_t uid, gid_t gid, int chown_ok,
	    int *regular);

#endif /* MYDAEMON_LOG_FILE_H */
