/*
 * respawn.c - the new process of a restart, in the child of
 * `mydaemon -s restart`: the sockets it was handed at 3.. with
 * LISTEN_FDS as systemd passes them, the old process to take over from,
 * systemd's variables when the old one was a service, and the binary.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "respawn.h"
#include "restart.h"

#define HIGH_FD		100	/* out of the way while moving them to 3.. */

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

void
respawn_exec(const struct handed *h, const char *pidfile, char *const argv[])
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
