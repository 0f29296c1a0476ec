/*
 * push_watch.c - taking pushed results from the result directory (see
 * push_watch.h and, for the files, result_dir.h).
 *
 * inotify says when a file is moved in or written and closed, so the
 * loop sleeps until a result comes.  A NAME.push is read (never
 * trusted: result_dir_read()), applied to check NAME, then renamed to
 * NAME, the kept result: that rename is what tells the pusher that the
 * daemon serves it.  A NAME that appears is read too: during a
 * restart's hand-over the other process may have taken a result, and
 * check_push_apply() ignores what the check has already (the same file)
 * or what is older.
 *
 * What is wrong is refused with a log line and removed (a symlink, a
 * FIFO, a hard link, a huge or malformed file); a result for a check
 * that is not in the configuration, or has no ttl, is left for a
 * reload that adds it (the pusher read the file on disk, the daemon may
 * not have yet).  A file being created is looked at when it is closed,
 * unless it cannot be a pusher's (not a plain file, or a link).
 */
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/loop.h"
#include "base/privs.h"
#include "checks/check.h"
#include "config/config.h"
#include "daemon/push_watch.h"
#include "instance/result_dir.h"
#include "instance/result_file.h"
#include "log/log.h"

#define EVENTS		(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | \
			    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define READS_PER_TURN	16	/* a flood waits for the next turn */
#define SCAN_MAX	4096	/* files looked at per scan */

static struct {
	char		*dir;		/* watched, or NULL */
	int		 dirfd;
	struct loop_io	 io;		/* the inotify descriptor */
	int		 added;		/* io is on the loop */
} pw = { NULL, -1, { -1, NULL, NULL }, 0 };

static int
wanted(const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nchecks; i++)
		if (cfg->checks[i].ttl_ms > 0)
			return 1;
	return 0;
}

void
push_watch_prepare(const struct config *cfg, const struct privs *p)
{
	char err[512];

	if (wanted(cfg) && result_dir_make(cfg->result_dir, geteuid() == 0 ?
	    p->uid : (uid_t)-1, geteuid() == 0 ? p->gid : (gid_t)-1, err,
	    sizeof(err)) == -1)
		log_warnx("result_dir: %s", err);
}

/* A file name for the log: printable ASCII, and not too long. */
static const char *
shown(const char *file, char *buf, size_t size)
{
	size_t i;

	for (i = 0; file[i] != '\0' && i + 1 < size; i++)
		buf[i] = file[i] > 0x20 && file[i] < 0x7f ? file[i] : '?';
	buf[i] = '\0';
	return buf;
}

static void
refuse(const char *file, const char *why)
{
	char sv[80];

	log_warnx("result_dir %s: refusing %s: %s", pw.dir,
	    shown(file, sv, sizeof(sv)), why);
	if (unlinkat(pw.dirfd, file, 0) == -1 && errno != ENOENT)
		log_warn("result_dir %s: cannot remove %s", pw.dir,
		    shown(file, sv, sizeof(sv)));
}

/*
 * Read file and apply it to check name.  1 when the check has it now
 * (applied now or before), 0 when it is gone, -1 refused or dropped.
 */
static int
apply(const char *file, const char *name)
{
	static char buf[RESULT_FILE_MAX + 1];
	struct result_file rf;
	struct check_push p;
	struct stat st;
	const char *why;
	size_t len;

	if (result_dir_read(pw.dirfd, file, buf, &len, &st, &why) == -1) {
		if (errno == ENOENT)
			return 0;	/* the other process took it */
		refuse(file, why);
		return -1;
	}
	if (result_file_parse(buf, len, &rf, &why) == -1) {
		refuse(file, why);
		return -1;
	}
	p = (struct check_push){ rf.state, rf.when, rf.text, rf.len,
	    (uint64_t)st.st_dev, (uint64_t)st.st_ino };
	if (check_push_apply(name, &p) != -1)
		return 1;
	if (errno != ESTALE) {
		log_warn("result_dir %s: %s", pw.dir, file);
		return -1;
	}
	/* Its NAME holds a newer one, which must not be replaced. */
	log_info("result_dir %s: %s is older than the result check %s has, "
	    "dropped", pw.dir, file, name);
	if (file[strlen(name)] != '\0')
		(void)unlinkat(pw.dirfd, file, 0);
	return -1;
}

static void
take_pending(const char *file, const char *name)
{
	int takes = check_push_takes(name);

	if (takes != 1) {
		log_warnx("result_dir %s: %s left for a reload: %s", pw.dir,
		    file, takes == -1 ? "no such check" : "the check has no "
		    "ttl");
		return;
	}
	if (apply(file, name) == 1 && renameat(pw.dirfd, file, pw.dirfd,
	    name) == -1 && errno != ENOENT)
		log_warn("result_dir %s: cannot keep %s as %s", pw.dir, file,
		    name);
}

/* A file of the directory, from a scan or an event (mask; 0: scan). */
static void
consider(const char *file, uint32_t mask)
{
	char name[CONFIG_NAME_MAX + 1];
	struct stat st;
	size_t n = strlen(file), sl = strlen(RESULT_DIR_PENDING);
	int kind;

	if (file[0] == '.')
		return;		/* a pusher's file, not written yet */
	/* Being created: wait for its close, unless it is no plain file. */
	if ((mask & IN_CREATE) && fstatat(pw.dirfd, file, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    st.st_nlink == 1)
		return;
	if ((kind = result_dir_name(file, name, sizeof(name))) == 1)
		take_pending(file, name);
	else if (kind == 0 && check_push_takes(name) == 1)
		(void)apply(file, name);
	else if (kind == -1 && n > sl &&
	    strcmp(file + n - sl, RESULT_DIR_PENDING) == 0)
		refuse(file, "no check has that name");
}

/* Everything in the directory: at start-up, on reload, on overflow. */
static void
scan(void)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0;

	if ((fd = dup(pw.dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		log_warn("result_dir %s: cannot read it", pw.dir);
		if (fd != -1)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL && n++ < SCAN_MAX)
		consider(de->d_name, 0);
	if (de != NULL)
		log_warnx("result_dir %s: more than %d files, the rest are "
		    "not looked at", pw.dir, SCAN_MAX);
	closedir(d);
}

static void
on_events(struct loop_io *io, uint32_t events)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	int i, again = 0, gone = 0;
	char *p;

	(void)events;
	for (i = 0; i < READS_PER_TURN && (n = read(io->fd, buf,
	    sizeof(buf))) > 0; i++)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				again = 1;
			else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF |
			    IN_IGNORED))
				gone = 1;
			else if (ev->len > 0 && pw.dir != NULL)
				consider(ev->name, ev->mask);
		}
	if (gone) {
		log_warnx("result_dir %s was removed or moved: no pushed "
		    "result is taken until a reload", pw.dir);
		push_watch_stop();
	} else if (again)
		scan();
}

static int
open_dir(const char *dir)
{
	char err[512];

	/* A reload may bring the first check with a ttl: try to make it. */
	if (result_dir_make(dir, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) == -1) {
		log_warnx("result_dir: %s", err);
		return -1;
	}
	if ((pw.dir = strdup(dir)) == NULL ||
	    (pw.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (pw.io.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) ==
	    -1 || inotify_add_watch(pw.io.fd, dir, EVENTS) == -1) {
		log_warn("result_dir %s: cannot watch it", dir);
		push_watch_stop();
		return -1;
	}
	pw.io.cb = on_events;
	if ((pw.added = loop_add(&pw.io, EPOLLIN) == 0) == 0) {
		log_warn("result_dir %s: cannot watch it", dir);
		push_watch_stop();
		return -1;
	}
	log_debug("result_dir %s: watching for pushed results", dir);
	return 0;
}

void
push_watch_configure(const struct config *cfg)
{
	if (!wanted(cfg)) {
		push_watch_stop();
		return;
	}
	if (pw.dir != NULL && strcmp(pw.dir, cfg->result_dir) != 0)
		push_watch_stop();
	if (pw.dir == NULL && open_dir(cfg->result_dir) == -1)
		return;
	scan();
}

void
push_watch_stop(void)
{
	if (pw.added)
		loop_del(&pw.io);
	pw.added = 0;
	if (pw.io.fd != -1) {
		close(pw.io.fd);
		pw.io.fd = -1;
	}
	if (pw.dirfd != -1)
		close(pw.dirfd);
	pw.dirfd = -1;
	free(pw.dir);
	pw.dir = NULL;
}
