/*
 * control.c - `mydaemon -s` (see control.h): what each action asks of
 * the daemon and what it tells the administrator; how it waits for the
 * answer is control_wait.c's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/signals.h"
#include "control/control.h"
#include "control/control_wait.h"
#include "base/clock.h"
#include "instance/pidfile.h"
#include "instance/state.h"

#define KILL_WAIT_S	5
#define STOP_MARGIN_S	5

/*
 * Nothing runs: remove the pidfile and the state file, unless a new
 * instance holds them by now.  Failing to remove them does not make the
 * stop a failure (nothing runs, which is what was asked), so it is only
 * a warning: a daemon that could not unlink its own pidfile emptied it,
 * which reads as "stopped" too.
 */
static void
remove_files(const char *pidfile)
{
	char *sp = state_path(pidfile);
	pid_t pid;
	int e;

	if (sp == NULL || pidfile_remove_stale(pidfile, sp) == 0 ||
	    errno == EBUSY) {
		free(sp);
		return;
	}
	e = errno;
	if (pidfile_query(pidfile, &pid) == PIDFILE_STOPPED)
		fprintf(stderr, "mydaemon: the empty pidfile %s is left for "
		    "root to remove (%s)\n", pidfile, strerror(e));
	else
		fprintf(stderr, "mydaemon: warning: nothing runs, but pidfile "
		    "%s cannot be removed: %s\n", pidfile, strerror(e));
	free(sp);
}

/*
 * A SIGTERM may take the daemon's shutdown_drain and shutdown_timeout
 * (its state file says, SPEC 21): the wait covers them, and a margin.
 */
static unsigned int
stop_wait(const char *pidfile, unsigned int wait_s)
{
	struct state_info si;
	char *sp = state_path(pidfile);
	unsigned long s;
	pid_t pid;

	if (sp != NULL && pidfile_query(pidfile, &pid) == PIDFILE_RUNNING &&
	    state_read(sp, &si) == 0 && si.pid == (long)pid &&
	    si.stop_wait_ms > 0 &&
	    (s = (si.stop_wait_ms + 999) / 1000 + STOP_MARGIN_S) > wait_s)
		wait_s = s > 7200 ? 7200 : (unsigned int)s;
	free(sp);
	return wait_s;
}

static int
do_stop(const char *pidfile, unsigned int wait_s)
{
	pid_t pid = 0, holder;
	int r = 0, pidfd = -1;

	control_wait_started(pidfile, wait_s);	/* a start ends first */
	wait_s = stop_wait(pidfile, wait_s);
	if (pidfile_query(pidfile, &pid) == PIDFILE_RUNNING) {
		/* A handle on it that no reused pid can fool. */
		pidfd = control_wait_pidfd(pidfile, pid);
		if ((r = control_wait_signal(pidfile,
		    signals_by_action("stop")->signo, &pid)) != 0 &&
		    pidfile_query(pidfile, &holder) == PIDFILE_RUNNING)
			goto out;
		r = 0;
	}
	if (control_wait_gone(pidfile, pid, pidfd, wait_s) == -1) {
		fprintf(stderr, "mydaemon: pid %ld did not stop within %us, "
		    "sending SIGKILL\n", (long)pid, wait_s);
		/* Still the same holder?  Only then is KILL for it. */
		if (pidfile_query(pidfile, &holder) == PIDFILE_RUNNING &&
		    holder == pid && kill(pid, SIGKILL) == 0 &&
		    control_wait_gone(pidfile, pid, pidfd, KILL_WAIT_S) ==
		    -1) {
			fprintf(stderr, "mydaemon: pid %ld is still running\n",
			    (long)pid);
			r = 1;
			goto out;
		}
	}
	remove_files(pidfile);
out:
	if (pidfd != -1)
		close(pidfd);
	return r;
}

static int
do_reload(const char *pidfile, unsigned int wait_s)
{
	struct state_info before, si;
	int r;

	if ((r = control_wait_acted(pidfile, "reload", wait_s, &before,
	    &si)) != 0)
		return r;
	if (strcmp(si.last_reload, "ok") != 0) {
		fprintf(stderr, "mydaemon: reload failed: %s\n", si.reason);
		return 1;
	}
	printf("mydaemon: configuration reloaded (generation %lu)\n",
	    si.generation);
	return 0;
}

static int
do_reopen(const char *pidfile, unsigned int wait_s)
{
	struct state_info before, si;
	int r;

	if ((r = control_wait_acted(pidfile, "reopen", wait_s, &before,
	    &si)) != 0)
		return r;
	if (si.reopen_failed > before.reopen_failed) {
		fprintf(stderr, "mydaemon: log reopen failed, the daemon keeps "
		    "writing to the old file: %s\n", si.reopen_reason);
		return 1;
	}
	printf("mydaemon: logs reopened\n");
	return 0;
}

static int
do_status(const char *pidfile)
{
	pid_t pid;

	switch (pidfile_query(pidfile, &pid)) {
	case PIDFILE_RUNNING:
		printf("mydaemon is running (pid %ld)\n", (long)pid);
		return 0;
	case PIDFILE_DEAD:
		printf("mydaemon is not running but pidfile %s exists\n",
		    pidfile);
		return 1;
	case PIDFILE_STOPPED:
		printf("mydaemon is not running\n");
		return 3;
	default:
		printf("mydaemon status is unknown: cannot read %s: %s\n",
		    pidfile, strerror(errno));
		return 4;
	}
}

int
control_run(const struct control_req *r)
{
	const char *a = r->action;

	if (strcmp(a, "status") == 0)
		return do_status(r->pidfile);
	if (strcmp(a, "stop") == 0)
		return do_stop(r->pidfile, r->wait_s);
	if (strcmp(a, "reload") == 0)
		return do_reload(r->pidfile, r->wait_s);
	if (strcmp(a, "reopen") == 0)
		return do_reopen(r->pidfile, r->wait_s);
	if (strcmp(a, "drain") == 0 || strcmp(a, "undrain") == 0)
		return control_drain(r, a[0] == 'd');
	fprintf(stderr, "mydaemon: unknown action \"%s\" (use status, stop, "
	    "reload, reopen, drain or undrain)\n", a);
	return 2;
}
