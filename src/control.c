/*
 * control.c - `mydaemon -s` (see control.h).
 *
 * Every wait is a bounded poll of a condition (lock released, counter
 * moved), so `-s stop` returns as soon as the daemon is gone: a zombie
 * that init has not reaped yet holds no lock and counts as gone.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "drain.h"
#include "loop.h"
#include "pidfile.h"
#include "state.h"

#define POLL_MS		10
#define KILL_WAIT_S	5

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint64_t
deadline_ms(unsigned int s)
{
	return loop_now_fresh() + (uint64_t)s * 1000;
}

static int
past(uint64_t deadline)
{
	return loop_now_fresh() >= deadline;
}

/* Signal the lock holder; 0, or an exit code after a message. */
static int
signal_holder(const char *pidfile, int sig, pid_t *pid)
{
	enum pidfile_status s = pidfile_query(pidfile, pid);

	if (s == PIDFILE_UNKNOWN) {
		fprintf(stderr, "mydaemon: cannot read pidfile %s: %s\n",
		    pidfile, strerror(errno));
		return errno == EACCES || errno == EPERM ? 4 : 1;
	}
	if (s != PIDFILE_RUNNING) {
		fprintf(stderr, "mydaemon: not running\n");
		return 1;
	}
	if (kill(*pid, sig) == -1) {
		fprintf(stderr, "mydaemon: cannot signal pid %ld: %s\n",
		    (long)*pid, strerror(errno));
		return errno == EPERM ? 4 : 1;
	}
	return 0;
}

/* Has the process of pidfd exited (a zombie counts)?  -1: no pidfd. */
static int
exited(int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return pidfd != -1 && poll(&p, 1, 0) == 1;
}

/*
 * Wait until `pid` no longer holds the lock (or, a start raced us, a new
 * instance holds it now, which is not ours to stop), and until it has
 * exited: the daemon lets go of the lock a moment before its last
 * steps, and a stop returns only once it is gone.
 */
static int
wait_gone(const char *pidfile, pid_t pid, int pidfd, uint64_t deadline)
{
	pid_t holder;

	while ((pidfile_query(pidfile, &holder) == PIDFILE_RUNNING &&
	    holder == pid) || (pidfd != -1 && !exited(pidfd))) {
		if (past(deadline))
			return -1;
		pause_ms(POLL_MS);
	}
	return 0;
}

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

/* A pidfd of the lock's holder pid, or -1 (it went meanwhile). */
static int
holder_pidfd(const char *pidfile, pid_t pid)
{
	pid_t holder;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd != -1 && (pidfile_query(pidfile, &holder) != PIDFILE_RUNNING ||
	    holder != pid)) {
		close(fd);	/* that pid may be another process by now */
		fd = -1;
	}
	return fd;
}

static int
do_stop(const char *pidfile, unsigned int wait_s)
{
	pid_t pid = 0, holder;
	int r = 0, pidfd = -1;

	if (pidfile_query(pidfile, &pid) == PIDFILE_RUNNING) {
		/* A handle on it that no reused pid can fool. */
		pidfd = holder_pidfd(pidfile, pid);
		if ((r = signal_holder(pidfile, SIGTERM, &pid)) != 0 &&
		    pidfile_query(pidfile, &holder) == PIDFILE_RUNNING)
			goto out;
		r = 0;
	}
	if (wait_gone(pidfile, pid, pidfd, deadline_ms(wait_s)) == -1) {
		fprintf(stderr, "mydaemon: pid %ld did not stop within %us, "
		    "sending SIGKILL\n", (long)pid, wait_s);
		/* Still the same holder?  Only then is KILL for it. */
		if (pidfile_query(pidfile, &holder) == PIDFILE_RUNNING &&
		    holder == pid && kill(pid, SIGKILL) == 0 &&
		    wait_gone(pidfile, pid, pidfd, deadline_ms(KILL_WAIT_S)) ==
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

/* Has the daemon acted on sig since `before` was read? */
static int
acted(int sig, const struct state_info *before, const struct state_info *now)
{
	switch (sig) {
	case SIGHUP:
		return now->reload_done > before->reload_started;
	case SIGUSR1:
		return now->reopens + now->reopen_failed >
		    before->reopens + before->reopen_failed;
	default:	/* SIGUSR2: it read the maintenance file again */
		return now->drain_reads > before->drain_reads;
	}
}

/*
 * The holder's counters before we signal it; no record of its own yet
 * (it is starting): count from zero.
 */
static void
baseline(const char *sp, pid_t pid, struct state_info *before)
{
	if (state_read(sp, before) == -1 || before->pid != (long)pid)
		memset(before, 0, sizeof(*before));
}

/*
 * Send sig and wait until the state file says the daemon has acted on
 * it: a signal sent after our first read, so its answer is about ours.
 * When the holder changes meanwhile (a restart handed over), the new one
 * is signalled too: it may have read its configuration and maintenance
 * file before we wrote them.  0; 7 when the daemon stopped meanwhile;
 * another exit code after a message.
 */
static int
signal_and_wait(const char *pidfile, int sig, unsigned int wait_s,
    struct state_info *before, struct state_info *after)
{
	char *sp;
	pid_t pid, signalled = 0;
	uint64_t deadline = deadline_ms(wait_s);
	int r = 1;

	if (pidfile_query(pidfile, &pid) != PIDFILE_RUNNING)
		return signal_holder(pidfile, sig, &pid);	/* says why */
	if ((sp = state_path(pidfile)) == NULL)
		return 1;
	for (;;) {
		if (pidfile_query(pidfile, &pid) != PIDFILE_RUNNING) {
			fprintf(stderr, "mydaemon: the daemon exited\n");
			r = 7;
			break;
		}
		if (pid != signalled) {
			baseline(sp, pid, before);
			if (kill(pid, sig) == 0)
				signalled = pid;
			else if (errno != ESRCH) {	/* ESRCH: look again */
				fprintf(stderr, "mydaemon: cannot signal pid "
				    "%ld: %s\n", (long)pid, strerror(errno));
				r = errno == EPERM ? 4 : 1;
				break;
			}
		} else if (state_read(sp, after) == 0 &&
		    after->pid == (long)pid && acted(sig, before, after)) {
			r = 0;
			break;
		}
		if (past(deadline)) {
			fprintf(stderr, "mydaemon: no answer from pid %ld "
			    "within %us\n", (long)pid, wait_s);
			break;
		}
		pause_ms(POLL_MS);
	}
	free(sp);
	return r;
}

static int
do_reload(const char *pidfile, unsigned int wait_s)
{
	struct state_info before, si;
	int r;

	if ((r = signal_and_wait(pidfile, SIGHUP, wait_s, &before, &si)) != 0)
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

	if ((r = signal_and_wait(pidfile, SIGUSR1, wait_s, &before, &si)) !=
	    0)
		return r;
	if (si.reopen_failed > before.reopen_failed) {
		fprintf(stderr, "mydaemon: log reopen failed, the daemon keeps "
		    "writing to the old file: %s\n", si.reopen_reason);
		return 1;
	}
	printf("mydaemon: logs reopened\n");
	return 0;
}

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

/*
 * -s drain and -s undrain: record it in the maintenance file (that is
 * what survives a restart or a reboot), then have the daemon read it and
 * wait until it serves the new state.  7 when no daemon runs: the
 * record stands for the next start.
 */
static int
do_drain(const struct control_req *r, int on)
{
	struct state_info si, before, after;
	const char *path = maintenance_file(r, &si);
	char err[4200];
	pid_t pid;
	int rc;

	if (path == NULL) {
		fprintf(stderr, "mydaemon: no maintenance_file is set\n");
		return 1;
	}
	if ((on ? drain_write(path, r->reason, loop_wallclock(), err,
	    sizeof(err)) : drain_remove(path, err, sizeof(err))) == -1) {
		fprintf(stderr, "mydaemon: %s\n", err);
		return errno == EACCES || errno == EPERM || errno == EROFS ?
		    4 : 1;
	}
	if (pidfile_query(r->pidfile, &pid) != PIDFILE_RUNNING) {
		printf("mydaemon: not running; %s is recorded in %s\n",
		    on ? "the drain" : "the end of the drain", path);
		return 7;
	}
	rc = signal_and_wait(r->pidfile, SIGUSR2, r->wait_s, &before,
	    &after);
	if (rc == 7)
		printf("mydaemon: no longer running; %s is recorded in %s\n",
		    on ? "the drain" : "the end of the drain", path);
	if (rc != 0)
		return rc;
	if (after.drained != on) {
		fprintf(stderr, "mydaemon: the daemon reads %s as %s\n", path,
		    after.drained ? "drained" : "not drained");
		return 1;
	}
	if (on)
		printf("mydaemon: drained%s%s (/health answers 503 "
		    "maintenance)\n", r->reason != NULL ? ": " : "",
		    r->reason != NULL ? r->reason : "");
	else
		printf("mydaemon: drain ended\n");
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
		return do_drain(r, a[0] == 'd');
	fprintf(stderr, "mydaemon: unknown action \"%s\" (use status, stop, "
	    "reload, reopen, drain or undrain)\n", a);
	return 2;
}
