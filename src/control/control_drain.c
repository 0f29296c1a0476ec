/*
 * control_drain.c - `mydaemon -s drain [NAME]` and `-s undrain [NAME]`
 * (see control.h): the host's drain (SPEC 15) or one check's (SPEC 21),
 * recorded in its file, then read by the daemon on SIGUSR2.
 *
 * A check's name is checked against the configuration on disk (exit 2
 * for a name it does not have), so that a typo drains nothing silently;
 * the host's drain needs no valid configuration.  Undraining what is
 * not drained is no error (exit 0), as for the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "config/config.h"
#include "config/config_load.h"
#include "control/control.h"
#include "control/control_wait.h"
#include "instance/drain.h"
#include "instance/pidfile.h"
#include "instance/state.h"

#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789_-"

/*
 * The maintenance file: the running daemon's own (its state file says
 * which), else the configuration's, else the default.
 */
static const char *
maintenance_file(const struct control_req *r, struct state_info *si)
{
	char *sp = state_path(r->pidfile);
	pid_t pid;
	int have;

	have = sp != NULL && pidfile_query(r->pidfile, &pid) ==
	    PIDFILE_RUNNING && state_read(sp, si) == 0 &&
	    si->pid == (long)pid && si->maintenance_file[0] == '/';
	free(sp);
	return have ? si->maintenance_file : r->maintenance_file;
}

/* Is name a check of the configuration?  0, or an exit code. */
static int
known_check(const struct control_req *r)
{
	struct config *cfg;
	char reason[512];
	int found;

	if ((cfg = config_load(r->conffile, 0, 0, reason, sizeof(reason))) ==
	    NULL) {
		fprintf(stderr, "mydaemon: cannot tell whether check %s "
		    "exists: %s\n", r->name, reason);
		return 1;
	}
	found = config_sections_find(cfg, r->name) != NULL;
	config_parse_free(cfg);
	if (found)
		return 0;
	fprintf(stderr, "mydaemon: no check \"%s\" in %s\n", r->name,
	    r->conffile);
	return 2;
}

/* Undrain of a check that has no drain in force: 0 after saying so. */
static int
not_drained(const struct control_req *r, const char *path, int *done)
{
	struct drain_info d;
	char err[4200];
	int rc;

	*done = 0;
	if (drain_read(path, &d) == -1 && errno == ENOENT)
		d.drained = 0;
	if (d.drained && !drain_over(&d, clock_wall()))
		return 0;
	if (!d.drained && (rc = known_check(r)) != 0) {
		*done = 1;
		return rc;
	}
	*done = 1;
	if (drain_remove(path, err, sizeof(err)) == -1)
		fprintf(stderr, "mydaemon: warning: %s\n", err);
	printf("mydaemon: check %s is not drained%s\n", r->name,
	    d.drained ? " (its drain has expired)" : "");
	return 0;
}

/* The file to write: the host's, or check r->name's beside it. */
static int
target(const struct control_req *r, int on, const char *host, char **path)
{
	int rc, done;

	*path = NULL;
	if (r->name == NULL)
		return (*path = strdup(host)) != NULL ? 0 : 1;
	if (strlen(r->name) > CONFIG_NAME_MAX ||
	    strspn(r->name, NAME_CHARS) != strlen(r->name) ||
	    r->name[0] == '\0') {
		fprintf(stderr, "mydaemon: invalid check name \"%s\"\n",
		    r->name);
		return 2;
	}
	if ((*path = drain_check_path(host, r->name)) == NULL)
		return 1;
	if (on)
		return known_check(r);
	rc = not_drained(r, *path, &done);
	return done ? (rc == 0 ? -1 : rc) : 0;
}

/* What the daemon now serves, in a line. */
static void
say_done(const struct control_req *r, int on)
{
	const char *code = r->maint_status != NULL &&
	    strcmp(r->maint_status, "404") == 0 ? "404" : "503";
	char until[64] = "";

	if (on && r->duration_ms > 0)
		snprintf(until, sizeof(until), ", for %llus",
		    (unsigned long long)(r->duration_ms + 999) / 1000);
	if (r->name != NULL && on)
		printf("mydaemon: check %s drained%s%s%s (/health/%s answers "
		    "%s maintenance)\n", r->name, r->reason != NULL ? ": " :
		    "", r->reason != NULL ? r->reason : "", until, r->name,
		    code);
	else if (r->name != NULL)
		printf("mydaemon: drain of check %s ended\n", r->name);
	else if (on)
		printf("mydaemon: drained%s%s%s (/health answers %s "
		    "maintenance)\n", r->reason != NULL ? ": " : "",
		    r->reason != NULL ? r->reason : "", until, code);
	else
		printf("mydaemon: drain ended\n");
}

/* Record it; 0, or an exit code after a message. */
static int
record(const struct control_req *r, int on, const char *path)
{
	char err[4200];
	double now = clock_wall();

	if ((on ? drain_write(path, r->reason, now, r->duration_ms > 0 ?
	    now + (double)r->duration_ms / 1000 : 0, err, sizeof(err)) :
	    drain_remove(path, err, sizeof(err))) == 0)
		return 0;
	fprintf(stderr, "mydaemon: %s\n", err);
	return errno == EACCES || errno == EPERM || errno == EROFS ? 4 : 1;
}

/*
 * Record it in its file (that is what survives a restart or a reboot),
 * then have the daemon read it and wait until it serves the new state.
 * 7 when no daemon runs: the record stands for the next start.
 */
int
control_drain(const struct control_req *r, int on)
{
	struct state_info si, before, after;
	const char *host = maintenance_file(r, &si);
	char *path;
	pid_t pid;
	int rc;

	if (host == NULL) {
		fprintf(stderr, "mydaemon: no maintenance_file is set\n");
		return 1;
	}
	if ((rc = target(r, on, host, &path)) != 0 ||
	    (rc = record(r, on, path)) != 0)
		goto out;
	if (pidfile_query(r->pidfile, &pid) != PIDFILE_RUNNING) {
		printf("mydaemon: not running; %s is recorded in %s\n",
		    on ? "the drain" : "the end of the drain", path);
		rc = 7;
		goto out;
	}
	rc = control_wait_acted(r->pidfile, "drain", r->wait_s, &before,
	    &after);
	if (rc == 7)
		printf("mydaemon: no longer running; %s is recorded in %s\n",
		    on ? "the drain" : "the end of the drain", path);
	if (rc != 0)
		goto out;
	if (r->name == NULL && after.drained != on) {
		fprintf(stderr, "mydaemon: the daemon reads %s as %s\n", path,
		    after.drained ? "drained" : "not drained");
		rc = 1;
		goto out;
	}
	say_done(r, on);
out:
	free(path);
	return rc == -1 ? 0 : rc;
}
