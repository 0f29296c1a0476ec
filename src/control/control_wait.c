/*
 * control_wait.c - how `mydaemon -s` waits for the daemon (see control_wait.h).
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

#include "daemon/signals.h"
#include "control/control_wait.h"
#include "base/clock.h"
#include "instance/pidfile.h"
#include "instance/state.h"

#define POLL_MS		10

static uint64_t
deadline_ms(unsigned int s)
{
	return clock_ms() + (uint64_t)s * 1000;
}

static int
past(uint64_t deadline)
{
	return clock_ms() >= deadline;
}

/* Signal the lock holder; 0, or an exit code after a message. */
int
control_wait_signal(const char *pidfile, int sig, pid_t *pid)
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

/*
 * Init actions take turns: while the lock's holder is still starting
 * (its state file has no record yet, or says starting=1), wait for it
 * at most wait_s, so that the start ends as LSB says (started, exit 0)
 * before a stop's SIGTERM reaches it.
 */
void
control_wait_started(const char *pidfile, unsigned int wait_s)
{
	uint64_t deadline = deadline_ms(wait_s);
	struct state_info si;
	char *sp;
	pid_t holder;

	if ((sp = state_path(pidfile)) == NULL)
		return;
	while (pidfile_query(pidfile, &holder) == PIDFILE_RUNNING &&
	    !past(deadline)) {
		if (state_read(sp, &si) == 0 && (si.pid != (long)holder ||
		    !si.starting))
			break;
		clock_sleep_ms(POLL_MS);
	}
	free(sp);
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
int
control_wait_gone(const char *pidfile, pid_t pid, int pidfd,
    unsigned int wait_s)
{
	uint64_t deadline = deadline_ms(wait_s);
	pid_t holder;

	while ((pidfile_query(pidfile, &holder) == PIDFILE_RUNNING &&
	    holder == pid) || (pidfd != -1 && !exited(pidfd))) {
		if (past(deadline))
			return -1;
		clock_sleep_ms(POLL_MS);
	}
	return 0;
}

/* A pidfd of the lock's holder pid, or -1 (it went meanwhile). */
int
control_wait_pidfd(const char *pidfile, pid_t pid)
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
 * Send the action's signal and wait until the state file says the
 * daemon has acted on it: a signal sent after our first read, so its
 * answer is about ours.
 * When the holder changes meanwhile (a restart handed over), the new one
 * is signalled too: it may have read its configuration and maintenance
 * file before we wrote them.  0; 7 when the daemon stopped meanwhile;
 * another exit code after a message.
 */
int
control_wait_acted(const char *pidfile, const char *action,
    unsigned int wait_s, struct state_info *before, struct state_info *after)
{
	const struct signal_entry *e = signals_by_action(action);
	char *sp;
	pid_t pid, signalled = 0;
	uint64_t deadline = deadline_ms(wait_s);
	int r = 1, sig;

	if (e == NULL || e->acted == NULL) {
		fprintf(stderr, "mydaemon: no signal proves \"%s\" done\n",
		    action);
		return 1;
	}
	sig = e->signo;
	if (pidfile_query(pidfile, &pid) != PIDFILE_RUNNING)
		return control_wait_signal(pidfile, sig, &pid);	/* says why */
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
		    after->pid == (long)pid && e->acted(before, after)) {
			r = 0;
			break;
		}
		if (past(deadline)) {
			fprintf(stderr, "mydaemon: no answer from pid %ld "
			    "within %us\n", (long)pid, wait_s);
			break;
		}
		clock_sleep_ms(POLL_MS);
	}
	free(sp);
	return r;
}
