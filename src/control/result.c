/*
 * result.c - `mydaemon -s result` (see result.h).
 *
 * The result is written under a temporary name in the result directory
 * and renamed to NAME.push, never over one still pending (that one is
 * waited for: two pushes in a row are both applied, in order); then the
 * daemon takes it and renames it to NAME.  Seeing NAME.push gone, we
 * look at NAME: our file, or a newer result, means it is served.  Who
 * may push is who may write into the directory (mode 2770, the daemon's
 * user and group): the kernel decides, nothing else is trusted.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/privs.h"
#include "config/config.h"
#include "config/config_load.h"
#include "control/result.h"
#include "instance/pidfile.h"
#include "instance/result_dir.h"
#include "instance/result_file.h"

#define POLL_MS		10

struct push {
	const struct result_req	*req;
	const char		*dir, *pidfile;
	char			 tmp[PATH_MAX];
	struct stat		 st;		/* of our file */
	double			 when;
	uint64_t		 deadline;	/* clock_ms() */
};

/* The configuration, and the check in it.  0, or the exit code. */
static int
load(const struct result_req *r, struct config **cfg)
{
	const struct config_check *c;
	char reason[512];

	if (access(r->conffile, R_OK) == -1 && errno == EACCES) {
		fprintf(stderr, "mydaemon: cannot read %s: %s\n", r->conffile,
		    strerror(errno));
		return 4;
	}
	if ((*cfg = config_load(r->conffile, 0, 0, reason, sizeof(reason))) ==
	    NULL) {
		fprintf(stderr, "mydaemon: %s\n", reason);
		return 1;
	}
	if ((c = config_sections_find(*cfg, r->name)) == NULL ||
	    c->ttl_ms == 0) {
		if (c == NULL)
			fprintf(stderr, "mydaemon: no check \"%s\" in %s\n",
			    r->name, r->conffile);
		else
			fprintf(stderr, "mydaemon: check %s takes no pushed "
			    "results (its section sets no ttl)\n", r->name);
		config_parse_free(*cfg);
		return 2;
	}
	return 0;
}

static int
denied(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* Root may make the directory the daemon would make. */
static int
make_dir(const struct config *cfg, const char *dir)
{
	struct privs p;
	char err[512];
	int which, r;

	if (geteuid() != 0 || privs_lookup(cfg->user, cfg->group, &p, &which,
	    err, sizeof(err)) == -1)
		return -1;
	r = result_dir_make(dir, p.uid, p.gid, err, sizeof(err));
	privs_free(&p);
	return r;
}

/* Our file in the directory, under its temporary name.  0 or exit code. */
static int
stage(struct push *p, const struct config *cfg, const char *buf,
    size_t len)
{
	const char *name = p->req->name;
	int e;

	if (result_dir_stage(p->dir, name, buf, len, p->tmp, sizeof(p->tmp),
	    &p->st) == 0 || (errno == ENOENT && make_dir(cfg, p->dir) == 0 &&
	    result_dir_stage(p->dir, name, buf, len, p->tmp, sizeof(p->tmp),
	    &p->st) == 0))
		return 0;
	if ((e = errno) == ENOENT)
		fprintf(stderr, "mydaemon: %s does not exist (the daemon makes "
		    "it at start-up)\n", p->dir);
	else
		fprintf(stderr, "mydaemon: cannot write a result into %s: "
		    "%s%s\n", p->dir, strerror(e), denied(e) ?
		    " (root, the daemon's user and its group's members may "
		    "push)" : "");
	return denied(e) ? 4 : 1;
}

static int
running(const struct push *p)
{
	pid_t pid;

	return pidfile_query(p->pidfile, &pid) == PIDFILE_RUNNING;
}

/* NAME.push, from our file; waiting for one still pending.  0 or exit. */
static int
commit(struct push *p, int *up)
{
	int e;

	while (result_dir_commit(p->dir, p->tmp, p->req->name, !*up) == -1) {
		if ((e = errno) != EEXIST || clock_ms() >= p->deadline) {
			if (e == EEXIST)
				fprintf(stderr, "mydaemon: the daemon did not "
				    "take the result pending before this one "
				    "within %us\n", p->req->wait_s);
			else
				fprintf(stderr, "mydaemon: cannot write a "
				    "result into %s: %s\n", p->dir,
				    strerror(e));
			unlink(p->tmp);
			return e != EEXIST && denied(e) ? 4 : 1;
		}
		clock_sleep_ms(POLL_MS);
		*up = running(p);
	}
	return 0;
}

/* NAME.push is gone: is NAME ours, or newer?  0, or 1 refused. */
static int
served(const struct push *p)
{
	static char buf[RESULT_FILE_MAX + 1];
	struct result_file rf;
	struct stat st;
	const char *why;
	size_t len;
	int fd, r;

	if ((fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		r = -1;
	else
		r = result_dir_read(fd, p->req->name, buf, &len, &st, &why);
	if (fd != -1)
		close(fd);
	if (r == 0 && ((st.st_dev == p->st.st_dev && st.st_ino ==
	    p->st.st_ino) || (result_file_parse(buf, len, &rf, &why) == 0 &&
	    rf.when >= p->when - 0.001)))
		return 0;
	fprintf(stderr, "mydaemon: the daemon refused the result for %s "
	    "(its log says why)\n", p->req->name);
	return 1;
}

/* Until the daemon has taken it.  The exit code. */
static int
wait_taken(const struct push *p)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s%s", p->dir, p->req->name,
	    RESULT_DIR_PENDING);
	for (;;) {
		if (lstat(path, &st) == -1 ? errno == ENOENT :
		    st.st_ino != p->st.st_ino || st.st_dev != p->st.st_dev)
			return served(p);
		if (!running(p)) {
			fprintf(stderr, "mydaemon: no longer running; the "
			    "result is kept in %s and applies at the next "
			    "start\n", path);
			return 7;
		}
		if (clock_ms() >= p->deadline) {
			fprintf(stderr, "mydaemon: the daemon did not take the "
			    "result within %us (it is left in %s: is check %s "
			    "in the configuration it runs? mydaemon -s "
			    "reload)\n", p->req->wait_s, path, p->req->name);
			return 1;
		}
		clock_sleep_ms(POLL_MS);
	}
}

static int
deliver(struct push *p, const struct config *cfg, const char *buf,
    size_t len)
{
	int rc, up;

	if ((rc = stage(p, cfg, buf, len)) != 0)
		return rc;
	up = running(p);
	if ((rc = commit(p, &up)) != 0)
		return rc;
	if (!up) {
		fprintf(stderr, "mydaemon: not running; the result is kept in "
		    "%s/%s%s and applies at the next start\n", p->dir,
		    p->req->name, RESULT_DIR_PENDING);
		return 7;
	}
	return wait_taken(p);
}

int
result_push(const struct result_req *r)
{
	static char buf[RESULT_FILE_MAX + 1];
	struct result_file rf;
	struct config *cfg;
	struct push p;
	size_t len;
	int rc;

	memset(&rf, 0, sizeof(rf));
	if (result_file_status(r->status, &rf.state) == -1) {
		fprintf(stderr, "mydaemon: invalid status \"%s\" (expected "
		    "0-3, ok, warning, critical or unknown)\n", r->status);
		return 2;
	}
	if ((rc = load(r, &cfg)) != 0)
		return rc;
	memset(&p, 0, sizeof(p));
	p.req = r;
	p.dir = cfg->result_dir;
	if ((p.pidfile = r->pidfile != NULL ? r->pidfile : cfg->pidfile) ==
	    NULL) {
		fprintf(stderr, "mydaemon: the configuration sets no pidfile; "
		    "use -p\n");
		config_parse_free(cfg);
		return 2;
	}
	rf.when = p.when = clock_wall();
	rf.text = r->text != NULL ? r->text : "";
	rf.len = strlen(rf.text);
	len = result_file_format(buf, sizeof(buf), &rf);
	p.deadline = clock_ms() + (uint64_t)r->wait_s * 1000;
	rc = deliver(&p, cfg, buf, len);
	config_parse_free(cfg);
	return rc;
}
