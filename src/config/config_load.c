/*
 * config_load.c - reading the configuration file (see config_load.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/build.h"
#include "config/config.h"
#include "config/config_load.h"
#include "base/privs.h"

#define CONFIG_MAX_SIZE	(1024 * 1024)

/* Non-blocking: a FIFO given as the config must not hang a reload. */
static int
read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1 || fstat(fd, &st) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_SIZE) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    S_ISREG(st.st_mode) ? "file too large" :
		    "not a regular file");
		close(fd);
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL ||
	    (n = read(fd, *buf, (size_t)st.st_size + 1)) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		free(*buf);
		*buf = NULL;
		close(fd);
		return -1;
	}
	close(fd);
	*len = (size_t)n;
	return 0;
}

/* The reader of included files: glob(3), sorted; no match is none. */
static int
include_match(void *arg, const char *pattern, char ***paths, char *err,
    size_t errlen)
{
	glob_t	 g;
	size_t	 i;
	int	 rc;

	(void)arg;
	memset(&g, 0, sizeof(g));
	if ((rc = glob(pattern, 0, NULL, &g)) != 0 && rc != GLOB_NOMATCH) {
		snprintf(err, errlen, "cannot read %s: %s", pattern,
		    rc == GLOB_NOSPACE ? strerror(ENOMEM) :
		    "a directory cannot be read");
		globfree(&g);
		return -1;
	}
	if ((*paths = calloc(g.gl_pathc + 1, sizeof(**paths))) == NULL)
		goto oom;
	for (i = 0; i < g.gl_pathc; i++)
		if (((*paths)[i] = strdup(g.gl_pathv[i])) == NULL)
			goto oom;
	globfree(&g);
	return 0;
oom:
	for (i = 0; *paths != NULL && i < g.gl_pathc; i++)
		free((*paths)[i]);
	free(*paths);
	globfree(&g);
	snprintf(err, errlen, "%s: %s", pattern, strerror(ENOMEM));
	return -1;
}

static int
include_read(void *arg, const char *path, char **text, size_t *len,
    char *err, size_t errlen)
{
	(void)arg;
	return read_file(path, text, len, err, errlen);
}

static const struct config_reader disk = {
	include_match, include_read, NULL
};

/* user/group are checked against the system, with the key's line. */
static int
check_identity(const char *file, struct config *cfg, char *err,
    size_t errlen)
{
	struct privs p;
	char why[256];
	int which = 0;

	if (privs_lookup(cfg->user, cfg->group, &p, &which, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s:%d: %s", file, which == 'g' ?
		    cfg->group_line : cfg->user_line, why);
		return -1;
	}
	privs_free(&p);
	return 0;
}

struct config *
config_load(const char *file, int foreground, int print, char *reason,
    size_t reasonlen)
{
	struct config_paths paths = { MYDAEMON_PIDFILE,
	    foreground ? "stderr" : MYDAEMON_LOGFILE, MYDAEMON_MAINTFILE,
	    MYDAEMON_RESULTDIR, &disk };
	struct config_errors errs = { NULL, 0 };
	struct config *cfg = NULL;
	char *text;
	size_t len, i;

	if (read_file(file, &text, &len, reason, reasonlen) == -1) {
		if (print)
			fprintf(stderr, "mydaemon: %s\n", reason);
		return NULL;
	}
	cfg = config_parse(file, text, len, &paths, &errs);
	free(text);
	if (cfg == NULL && errs.n == 0)
		snprintf(reason, reasonlen, "%s: %s", file, strerror(errno));
	else if (cfg == NULL)
		snprintf(reason, reasonlen, errs.n > 1 ? "%s (and %zu more)" :
		    "%s", errs.msg[0], errs.n - 1);
	else if (check_identity(file, cfg, reason, reasonlen) == -1) {
		config_parse_free(cfg);
		cfg = NULL;
	}
	if (print && cfg == NULL && errs.n == 0)
		fprintf(stderr, "%s\n", reason);
	for (i = 0; print && i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	config_parse_errors_free(&errs);
	return cfg;
}

/*
 * Where the check runner would find argv0: a path as it is, a bare name
 * in the daemon's PATH.  0 and the path in buf, or -1 with errno.
 */
static int
find_command(const char *argv0, char *buf, size_t size)
{
	const char *dir = MYDAEMON_SAFE_PATH, *end;
	struct stat st;
	int e = ENOENT;

	if (strchr(argv0, '/') != NULL) {
		snprintf(buf, size, "%s", argv0);
		if (stat(buf, &st) == -1)
			return -1;
		if (S_ISDIR(st.st_mode) || access(buf, X_OK) == -1) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : errno;
			return -1;
		}
		return 0;
	}
	for (; *dir != '\0'; dir = *end ? end + 1 : end) {
		end = dir + strcspn(dir, ":");
		snprintf(buf, size, "%.*s/%s", (int)(end - dir), dir, argv0);
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			e = EACCES;
		}
	}
	errno = e;
	return -1;
}

/* An on_change that cannot be executed: a warning, as for commands. */
static int
hook_warning(const struct config_hook *h, const char *name,
    const char *file, void (*say)(const char *msg))
{
	char path[4096], msg[4400], sec[64];

	if (h->argv == NULL || find_command(h->argv[0], path,
	    sizeof(path)) == 0)
		return 0;
	sec[0] = '\0';
	if (name != NULL)
		snprintf(sec, sizeof(sec), "[check %s] ", name);
	snprintf(msg, sizeof(msg), "%s:%d: warning: %son_change %s: %s",
	    file, h->line, sec, h->argv[0],
	    errno == ENOENT && strchr(h->argv[0], '/') == NULL ?
	    "not found in " MYDAEMON_SAFE_PATH : errno == EACCES ?
	    "not executable" : strerror(errno));
	say(msg);
	return 1;
}

int
config_load_warnings(const struct config *cfg, const char *file,
    void (*say)(const char *msg))
{
	char path[4096], msg[4400], sec[64];
	size_t i;
	int n = 0;

	for (i = 0; i < cfg->nwarnings; i++, n++)
		say(cfg->warnings[i]);	/* the parser's (SPEC 22) */
	n += hook_warning(&cfg->on_change, NULL, file, say);
	for (i = 0; i < cfg->nchecks; i++)
		n += hook_warning(&cfg->checks[i].on_change,
		    cfg->checks[i].name, file, say);

	for (i = 0; i < cfg->nchecks; i++) {
		const struct config_check *c = &cfg->checks[i];

		if (c->argv == NULL)	/* a probe, or pushed results */
			continue;
		if (find_command(c->argv[0], path, sizeof(path)) == 0)
			continue;
		sec[0] = '\0';
		if (c->line > 0)
			snprintf(sec, sizeof(sec), "[check %s] ", c->name);
		snprintf(msg, sizeof(msg), "%s:%d: warning: %scommand %s: %s",
		    c->file != NULL ? c->file : file, c->command_line, sec,
		    c->argv[0],
		    errno == ENOENT && strchr(c->argv[0], '/') == NULL ?
		    "not found in " MYDAEMON_SAFE_PATH : errno == EACCES ?
		    "not executable" : strerror(errno));
		say(msg);
		n++;
	}
	return n;
}

char *
config_load_peek(const char *file, const char *key)
{
	char err[512], *text, *v;
	size_t len;

	if (read_file(file, &text, &len, err, sizeof(err)) == -1)
		return NULL;
	v = config_parse_peek(text, len, key);
	free(text);
	return v;
}
