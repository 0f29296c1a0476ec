/*
 * restart.c - `mydaemon -s restart` (see restart.h and handoff.h).
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <poll.h>
#include <sched.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "confval.h"
#include "control.h"
#include "handoff.h"
#include "loop.h"
#include "pidfile.h"
#include "restart.h"
#include "state.h"

#define HIGH_FD		100	/* out of the way while moving them to 3.. */
#define CONNECT_WAIT_MS	3000

struct handed {
	int		 fds[HANDOFF_MAX_FDS];
	size_t		 nfds;
	char		*names[HANDOFF_MAX_FDS];	/* "http" or "agent" */
	long		 pid;
	char		 pidfile[4096];
	char		 notify[108];	/* its NOTIFY_SOCKET, or "" */
	char		 watchdog[24];	/* its WATCHDOG_USEC */
};

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
	if (confval_listen(addr, &l, &why) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (confval_same_addr(&v[i], &l))
			return 1;
	return 0;
}

/*
 * Ask the old process for its sockets and keep those the new
 * configuration still has.  0, or -1 after saying why.
 */
static int
receive(int fd, long pid, const struct config *cfg, struct handed *h)
{
	char msg[HANDOFF_MSG_MAX], *line, *p, *sp;
	int fds[HANDOFF_MAX_FDS];
	size_t nfds, i = 0;
	pid_t holder;

	if (handoff_send(fd, "handoff", NULL, 0) == -1 ||
	    handoff_recv(fd, msg, sizeof(msg), fds, &nfds) <= 0) {
		fprintf(stderr, "mydaemon: restart: no answer from pid %ld\n",
		    pid);
		return -1;
	}
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
		else if ((sp = strchr(line, ' ')) != NULL && i < nfds) {
			*sp = '\0';
			if (wanted(cfg, line, sp + 1)) {
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
	    PIDFILE_RUNNING) {
		fprintf(stderr, "mydaemon: restart: pid %ld is not the daemon "
		    "of this configuration\n", pid);
		return -1;
	}
	return 0;
}

/*
 * The old process is a systemd service's main process: the new one
 * joins its cgroup (so that systemctl stop and the unit's limits reach
 * it), its mount namespace (ProtectSystem=, PrivateTmp=, ...) and its
 * no_new_privs, and talks to the same NOTIFY_SOCKET, where it says
 * MAINPID= when ready (notify.h); the unit's NotifyAccess=all lets it.
 * Each step is best effort: without it the new process still serves.
 */
static void
under_systemd(const struct handed *h)
{
	char path[4200], line[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", h->pid);
	if ((f = fopen(path, "re")) != NULL) {
		/* cgroup v2: the one line "0::/system.slice/NAME.service" */
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "0::/", 4) != 0)
				continue;
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s/"
			    "cgroup.procs", line + 3);
			if ((fd = open(path, O_WRONLY | O_CLOEXEC)) != -1) {
				if (write(fd, "0", 1) == -1) {
					/* one we may not join: stay */
				}
				close(fd);
			}
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", h->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (setns(fd, CLONE_NEWNS) == -1) {
			/* not root: stay where we are */
		}
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%ld/status", h->pid);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strcmp(line, "NoNewPrivs:\t1\n") == 0)
				(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fclose(f);
	}
	setenv("NOTIFY_SOCKET", h->notify, 1);
	unsetenv("WATCHDOG_PID");
	if (strcmp(h->watchdog, "0") != 0)
		setenv("WATCHDOG_USEC", h->watchdog, 1);
	else
		unsetenv("WATCHDOG_USEC");
}

/* In the child: the sockets at 3.., the variables, the new binary. */
static void
exec_new(const struct handed *h, const char *pidfile, char *const argv[])
{
	char buf[64], names[HANDOFF_MAX_FDS * 8] = "";
	size_t i;
	int moved[HANDOFF_MAX_FDS];

	for (i = 0; i < h->nfds; i++)
		if ((moved[i] = fcntl(h->fds[i], F_DUPFD_CLOEXEC, HIGH_FD)) ==
		    -1)
			_exit(127);
	for (i = 0; i < h->nfds; i++) {
		if (dup2(moved[i], 3 + (int)i) == -1)	/* no close-on-exec */
			_exit(127);
		strcat(names, i > 0 ? ":" : "");
		strcat(names, h->names[i]);
	}
	snprintf(buf, sizeof(buf), "%zu", h->nfds);
	setenv("LISTEN_FDS", buf, 1);
	snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	setenv("LISTEN_PID", buf, 1);
	setenv("LISTEN_FDNAMES", names, 1);
	if (strcmp(pidfile, h->pidfile) == 0) {
		snprintf(buf, sizeof(buf), "%ld", h->pid);
		setenv("MYDAEMON_TAKEOVER", buf, 1);
	}
	if (h->notify[0] != '\0')
		under_systemd(h);
	restart_exec(argv);
	_exit(127);
}

/* Wait until pid holds no slot of pidfile (it let go at "go"). */
static void
wait_released(const char *pidfile, long pid, unsigned int wait_s)
{
	uint64_t deadline = loop_now_fresh() + (uint64_t)wait_s * 1000;
	struct timespec pause = { 0, 10 * 1000000L };
	pid_t holder;

	while (loop_now_fresh() < deadline) {
		int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
		    .l_start = 0, .l_len = 1 };

		if (fd == -1)
			return;
		/* each slot on its own: the new one holds the other */
		holder = 0;
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			holder = fl.l_pid;
		fl.l_type = F_WRLCK;
		fl.l_start = 1;
		if (holder != pid && fcntl(fd, F_GETLK, &fl) == 0 &&
		    fl.l_type != F_UNLCK)
			holder = fl.l_pid;
		close(fd);
		if (holder != pid)
			return;
		nanosleep(&pause, NULL);
	}
}

/* The PID the new process wrote, or 0. */
static long
new_pid(const char *pidfile)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return atol(buf);
}

/*
 * The control socket of the daemon of this configuration.  Right after
 * a restart the new process binds it only once the old one let go of
 * it: while a daemon holds the pidfile, try again for a while.
 */
static int
connect_daemon(const struct restart_req *r, long *pid)
{
	uint64_t deadline = loop_now_fresh() + CONNECT_WAIT_MS;
	struct timespec pause = { 0, 10 * 1000000L };
	pid_t holder;
	int fd;

	while ((fd = handoff_connect(r->conffile, pid)) == -1 &&
	    pidfile_query(r->pidfile, &holder) == PIDFILE_RUNNING &&
	    loop_now_fresh() < deadline)
		nanosleep(&pause, NULL);
	return fd;
}

void
restart_exec(char *const argv[])
{
	execv(argv[0], argv);
	fprintf(stderr, "mydaemon: cannot execute %s: %s\n", argv[0],
	    strerror(errno));
}

int
restart_self(char *buf, size_t size)
{
	ssize_t n;

	/* By its name, not /proc/self/exe: ps shows what was exec'd. */
	if ((n = readlink("/proc/self/exe", buf, size - 1)) <= 0) {
		fprintf(stderr, "mydaemon: which binary is this: %s\n",
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	return 0;
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

int
restart_run(const struct restart_req *r)
{
	struct handed h;
	char msg[4200];
	long pid, pid2;
	pid_t child;
	int fd, st, pidfd;

	memset(&h, 0, sizeof(h));
	if ((fd = connect_daemon(r, &pid)) == -1)
		return -1;	/* nobody to hand over: start anew */
	/* Its exit is watched from now on: no reused pid can fool us. */
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (receive(fd, pid, r->cfg, &h) == -1) {
		close(fd);
		/*
		 * It is stopping under us (a stop at the same time): once it
		 * is gone, start instead.
		 */
		st = exited_within(pidfd, r->wait_s) ? -1 : 1;
		if (pidfd != -1)
			close(pidfd);
		return st;
	}
	fflush(NULL);
	if ((child = fork()) == -1) {
		fprintf(stderr, "mydaemon: restart: fork: %s\n",
		    strerror(errno));
		close(fd);
		return 1;
	}
	if (child == 0) {
		close(fd);
		exec_new(&h, r->pidfile, r->argv);
	}
	for (size_t i = 0; i < h.nfds; i++)
		close(h.fds[i]);
	while (waitpid(child, &st, 0) == -1 && errno == EINTR)
		;
	/* The starter's verdict: 0 once the new process is ready. */
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		close(fd);	/* no "go": the old process serves on */
		if (pidfd != -1)
			close(pidfd);
		fprintf(stderr, "mydaemon: restart failed; pid %ld keeps "
		    "serving\n", pid);
		return 1;
	}
	snprintf(msg, sizeof(msg), "go %s", r->pidfile);
	if (handoff_send(fd, msg, NULL, 0) == -1 ||
	    handoff_recv(fd, msg, sizeof(msg), NULL, NULL) <= 0 ||
	    strcmp(msg, "ok") != 0)
		fprintf(stderr, "mydaemon: restart: pid %ld did not answer "
		    "\"go\"; both may run until it exits\n", pid);
	close(fd);
	/*
	 * It let go of the pidfile: the new one is the daemon now.  The old
	 * one drains what it has in flight (at most shutdown_timeout) and
	 * exits on its own.
	 */
	wait_released(h.pidfile, pid, r->wait_s);
	if (pidfd != -1)
		close(pidfd);
	/* A pidfile of its own: the old one emptied it, we remove it. */
	if (strcmp(h.pidfile, r->pidfile) != 0)
		remove_old(h.pidfile);
	/* Ready for the next restart once the new one has its socket. */
	if ((fd = connect_daemon(r, &pid2)) != -1)
		close(fd);
	printf("mydaemon: restarted (pid %ld took over from pid %ld)\n",
	    new_pid(r->pidfile), pid);
	return 0;
}
