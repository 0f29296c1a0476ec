/*
 * restart.c - `mydaemon -s restart` (see restart.h and handoff.h).
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_values.h"
#include "control/control.h"
#include "instance/handoff_wire.h"
#include "base/clock.h"
#include "instance/pidfile.h"
#include "control/respawn.h"
#include "control/restart.h"
#include "instance/state.h"

#define CONNECT_WAIT_MS	3000
#define POLL_MS		10

/* Is "KIND ADDR" one of cfg's addresses of that kind? */
static int
wanted(const struct config *cfg, const char *kind, const char *addr)
{
	const struct config_listen *v = cfg->listen;
	struct config_listen l;
	const char *why;
	size_t i, n = cfg->nlisten;

	if (strcmp(kind, "agent") == 0) {
		v = cfg->agent_listen;
		n = cfg->nagent_listen;
	}
	if (config_values_listen(addr, &l, &why) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (config_values_same_addr(&v[i], &l))
			return 1;
	return 0;
}

/*
 * Ask the old process for its sockets and keep those the new
 * configuration still has.  0; -1 when it does not answer, -2 when it
 * is not (or no longer) the daemon of this configuration, -3 when
 * another restart is handing it over.
 */
static int
receive(int fd, long pid, const struct config *cfg, struct handed *h)
{
	char msg[HANDOFF_MSG_MAX], *line, *p, *sp;
	int fds[HANDOFF_MAX_FDS];
	size_t nfds, i = 0;
	pid_t holder;

	if (handoff_wire_send(fd, "handoff", NULL, 0) == -1 ||
	    handoff_wire_recv(fd, msg, sizeof(msg), fds, &nfds) <= 0)
		return -1;
	if (strcmp(msg, "busy") == 0)
		return -3;
	h->nfds = 0;
	for (p = msg; (line = strsep(&p, "\n")) != NULL && *line != '\0'; ) {
		if (strncmp(line, "pid=", 4) == 0)
			h->pid = atol(line + 4);
		else if (strncmp(line, "pidfile=", 8) == 0)
			snprintf(h->pidfile, sizeof(h->pidfile), "%s",
			    line + 8);
		else if (strncmp(line, "notify=", 7) == 0)
			snprintf(h->notify, sizeof(h->notify), "%s", line + 7);
		else if (strncmp(line, "watchdog=", 9) == 0)
			snprintf(h->watchdog, sizeof(h->watchdog), "%s",
			    line + 9);
		else if (strncmp(line, "journal=", 8) == 0)
			snprintf(h->journal, sizeof(h->journal), "%s",
			    line + 8);
		else if ((sp = strchr(line, ' ')) != NULL && i < nfds) {
			*sp = '\0';
			if (strcmp(line, "stderr") == 0 && h->stderr_fd == -1)
				h->stderr_fd = fds[i];	/* its log stream */
			else if (wanted(cfg, line, sp + 1)) {
				h->names[h->nfds] = strcmp(line, "agent") == 0 ?
				    "agent" : "http";
				h->fds[h->nfds++] = fds[i];
			} else
				close(fds[i]);	/* gone from the config */
			i++;
		}
	}
	for (; i < nfds; i++)
		close(fds[i]);
	/* Only the process that holds the pidfile it names is the daemon. */
	if (h->pid != pid || pidfile_query(h->pidfile, &holder) !=
	    PIDFILE_RUNNING)
		return -2;
	return 0;
}

/* Wait until pid holds no slot of pidfile (it let go at "go"). */
static void
wait_released(const char *pidfile, long pid, unsigned int wait_s)
{
	uint64_t deadline = clock_ms() + (uint64_t)wait_s * 1000;

	while (clock_ms() < deadline && pidfile_holds(pidfile, (pid_t)pid))
		clock_sleep_ms(POLL_MS);
}

/* The daemon now: the lock's holder (the number in the file may be
   half written by the next restart). */
static long
new_pid(const char *pidfile)
{
	pid_t pid;

	return pidfile_query(pidfile, &pid) == PIDFILE_RUNNING ?
	    (long)pid : 0;
}

/*
 * The control socket of the daemon of this configuration.  Right after
 * a restart the new process binds it only once the old one let go of
 * it: while a daemon holds the pidfile, try again for a while.
 */
static int
connect_daemon(const struct restart_req *r, long *pid)
{
	uint64_t deadline = clock_ms() + CONNECT_WAIT_MS;
	pid_t holder;
	int fd;

	while ((fd = handoff_wire_connect(r->conffile, pid)) == -1 &&
	    pidfile_query(r->pidfile, &holder) == PIDFILE_RUNNING &&
	    clock_ms() < deadline)
		clock_sleep_ms(POLL_MS);
	return fd;
}

/* Has the process exited within wait_s (its pidfd says so)? */
static int
exited_within(int pidfd, unsigned int wait_s)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return pidfd != -1 && poll(&p, 1, (int)wait_s * 1000) == 1;
}

static void
remove_old(const char *pidfile)
{
	char *sp = state_path(pidfile);

	if (sp != NULL && pidfile_remove_stale(pidfile, sp) == -1 &&
	    errno != EBUSY)
		fprintf(stderr, "mydaemon: cannot remove the old pidfile %s: "
		    "%s\n", pidfile, strerror(errno));
	free(sp);
}

/*
 * Start the new process with the sockets; its starter exits 0 once it
 * is ready.  0, or 1 (the old one serves on).
 */
static int
start_new(const struct restart_req *r, struct handed *h, int fd)
{
	pid_t child;
	int st;

	fflush(NULL);
	if ((child = fork()) == -1) {
		fprintf(stderr, "mydaemon: restart: fork: %s\n",
		    strerror(errno));
		return 1;
	}
	if (child == 0) {
		close(fd);
		(void)respawn_exec(h, r->pidfile, r->argv);
		_exit(127);	/* the child of a fork: no atexit of ours */
	}
	for (size_t i = 0; i < h->nfds; i++)
		close(h->fds[i]);
	if (h->stderr_fd != -1)
		close(h->stderr_fd);
	while (waitpid(child, &st, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "mydaemon: restart failed; pid %ld keeps "
		    "serving\n", h->pid);
		return 1;
	}
	return 0;
}

/*
 * "go": the old process lets go of the pidfile, and the new one is the
 * daemon.  The old one drains what it has in flight (at most its
 * shutdown_timeout) and exits on its own.
 */
static void
hand_over(const struct restart_req *r, const struct handed *h, int fd)
{
	char msg[4200];
	long pid2;

	snprintf(msg, sizeof(msg), "go %s", r->pidfile);
	if (handoff_wire_send(fd, msg, NULL, 0) == -1 ||
	    handoff_wire_recv(fd, msg, sizeof(msg), NULL, NULL) <= 0 ||
	    strcmp(msg, "ok") != 0)
		fprintf(stderr, "mydaemon: restart: pid %ld did not answer "
		    "\"go\"; both may run until it exits\n", h->pid);
	close(fd);
	wait_released(h->pidfile, h->pid, r->wait_s);
	/* A pidfile of its own: the old one emptied it, we remove it. */
	if (strcmp(h->pidfile, r->pidfile) != 0)
		remove_old(h->pidfile);
	/* Ready for the next restart once the new one has its socket. */
	if ((fd = connect_daemon(r, &pid2)) != -1)
		close(fd);
}

#define GONE	(-2)	/* it went away while we talked: look again */
#define BUSY_WAIT_MS	20	/* another restart is at it */

static int
restart_once(const struct restart_req *r)
{
	struct handed h;
	long pid, now;
	int fd, st, pidfd;

	memset(&h, 0, sizeof(h));
	h.stderr_fd = -1;
	if ((fd = connect_daemon(r, &pid)) == -1)
		return -1;	/* nobody to hand over: start anew */
	/* Its exit is watched from now on: no reused pid can fool us. */
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if ((st = receive(fd, pid, r->cfg, &h)) == -3) {
		close(fd);
		clock_sleep_ms(BUSY_WAIT_MS);
		st = GONE;
	} else if (st != 0) {
		close(fd);
		for (size_t i = 0; i < h.nfds; i++)
			close(h.fds[i]);
		if (h.stderr_fd != -1)
			close(h.stderr_fd);
		/*
		 * It is stopping under us: a stop, or another restart that
		 * handed over first.  Once it is gone, the next look finds
		 * the new one, or nobody.
		 */
		if (exited_within(pidfd, r->wait_s))
			st = GONE;
		else {
			fprintf(stderr, st == -1 ? "mydaemon: restart: no "
			    "answer from pid %ld\n" : "mydaemon: restart: pid "
			    "%ld is not the daemon of this configuration\n",
			    pid);
			st = 1;
		}
	} else if (start_new(r, &h, fd) != 0) {
		close(fd);	/* no "go": the old process serves on */
		st = 1;
	} else {
		hand_over(r, &h, fd);
		if ((now = new_pid(r->pidfile)) != 0)
			printf("mydaemon: restarted (pid %ld took over from "
			    "pid %ld)\n", now, pid);
		else
			printf("mydaemon: restarted (took over from pid "
			    "%ld)\n", pid);
		st = 0;
	}
	if (pidfd != -1)
		close(pidfd);
	return st;
}

/*
 * Restarts at the same time follow each other: one that finds its old
 * process handing over to another looks again and restarts the new one.
 */
int
restart_run(const struct restart_req *r)
{
	uint64_t deadline = clock_ms() + (uint64_t)r->wait_s * 1000;
	int st;

	while ((st = restart_once(r)) == GONE)
		if (clock_ms() >= deadline) {
			fprintf(stderr, "mydaemon: restart: the daemon kept "
			    "changing under us for %u s\n", r->wait_s);
			return 1;
		}
	return st;
}
