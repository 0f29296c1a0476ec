/*
 * respawn.c - the new process of a restart, in the child of
 * `mydaemon -s restart`: the sockets it was handed at 3.. with
 * LISTEN_FDS as systemd passes them, the old process to take over from,
 * systemd's variables when the old one was a service, and the binary.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/respawn.h"

#define HIGH_FD		100	/* out of the way while moving them to 3.. */

/*
 * The mount point of the cgroup hierarchy of one /proc/PID/cgroup line's
 * "ID:CONTROLLERS" (ID 0: the unified one, cgroup2; else the v1 mount
 * whose options name every controller), and its root: from a mountinfo
 * line "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPER".
 * 1 when line is that hierarchy's mount.
 */
static int
hierarchy_mount(char *line, const char *id, const char *ctl, char **root,
    char **point)
{
	char *f[5], *dash, *type, *super, *c, *sp, opts[512], want[512];
	int i;

	if ((dash = strstr(line, " - ")) == NULL)
		return 0;
	*dash = '\0';
	for (i = 0, sp = line; i < 5; i++)
		if ((f[i] = strsep(&sp, " ")) == NULL)
			return 0;
	type = strtok_r(dash + 3, " ", &sp);
	(void)strtok_r(NULL, " ", &sp);		/* the source */
	if (type == NULL || (super = strtok_r(NULL, " \n", &sp)) == NULL ||
	    strchr(f[4], '\\') != NULL)
		return 0;
	*root = f[3];
	*point = f[4];
	if (strcmp(id, "0") == 0)
		return strcmp(type, "cgroup2") == 0;
	if (strcmp(type, "cgroup") != 0 || *ctl == '\0')
		return 0;
	snprintf(opts, sizeof(opts), ",%s,", super);
	snprintf(want, sizeof(want), "%s", ctl);
	for (c = strtok_r(want, ",", &sp); c != NULL;
	    c = strtok_r(NULL, ",", &sp)) {
		char item[300];

		snprintf(item, sizeof(item), ",%s,", c);
		if (strstr(opts, item) == NULL)
			return 0;
	}
	return 1;
}

/*
 * Join the cgroup PATH of the hierarchy "ID:CONTROLLERS" in every
 * layout systemd uses: unified (one "0::" line, /sys/fs/cgroup), hybrid
 * (v1 controllers and name=systemd, plus "0::" at /sys/fs/cgroup/unified)
 * and legacy.  The mount points come from mountinfo, not from a guess.
 */
static void
join_hierarchy(const char *id, const char *ctl, const char *path)
{
	char line[4096], file[8192], *root, *point;
	size_t rl;
	FILE *f;
	int fd;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (!hierarchy_mount(line, id, ctl, &root, &point))
			continue;
		/* A mount of a sub-tree: the path must lie under it. */
		rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
		if (rl > 0 && (strncmp(path, root, rl) != 0 ||
		    (path[rl] != '/' && path[rl] != '\0')))
			continue;
		snprintf(file, sizeof(file), "%s%s/cgroup.procs", point,
		    path + rl);
		if ((fd = open(file, O_WRONLY | O_CLOEXEC)) != -1) {
			if (write(fd, "0", 1) == -1) {
				/* one we may not join: stay */
			}
			close(fd);
		}
	}
	fclose(f);
}

/* Every hierarchy of pid's, from /proc/PID/cgroup "ID:CONTROLLERS:PATH". */
static void
join_cgroups(long pid)
{
	char path[64], line[4096], *ctl, *cg;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((ctl = strchr(line, ':')) == NULL ||
		    (cg = strchr(ctl + 1, ':')) == NULL || cg[1] != '/')
			continue;
		*ctl++ = '\0';
		*cg++ = '\0';
		join_hierarchy(line, ctl, cg);
	}
	fclose(f);
}

/* The same namespace (or file) as pid's: by device and inode. */
static int
same_as(long pid, const char *what)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%ld/%s", pid, what);
	if (stat(path, &a) == -1)
		return 1;	/* cannot tell: stay where we are */
	snprintf(path, sizeof(path), "/proc/self/%s", what);
	return stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
}

/*
 * Join pid's mount namespace (ProtectSystem=, PrivateTmp=, ...) only when
 * it is another one: setns() moves a process to the namespace's root, so
 * joining our own would take us out of a chroot.  In another namespace,
 * the root is the old process's own (its RootDirectory=, or a chroot).
 */
static void
join_mounts(long pid)
{
	char path[64];
	int fd, root;

	if (same_as(pid, "ns/mnt"))
		return;
	snprintf(path, sizeof(path), "/proc/%ld/root", pid);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (setns(fd, CLONE_NEWNS) == 0 && root != -1 &&
		    fchdir(root) == 0 && chroot(".") == 0 && chdir("/") == 0) {
			/* in its namespace, under its root */
		}
		close(fd);
	}
	if (root != -1)
		close(root);
}

/*
 * The old process is a systemd service's main process: the new one
 * joins its cgroups (so that systemctl stop and the unit's limits reach
 * it, and systemd takes its MAINPID=), its mount namespace and its
 * no_new_privs, and talks to the same NOTIFY_SOCKET, where it says
 * MAINPID= when ready (notify.h); the unit's NotifyAccess=all lets it.
 * Each step is best effort: without it the new process still serves.
 */
static void
under_systemd(const struct handed *h)
{
	char path[64], line[256];
	FILE *f;

	join_cgroups(h->pid);
	join_mounts(h->pid);
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

/*
 * The old process logged to its stderr (the journal, a supervisor's
 * pipe): the new one gets that stream at the descriptor after the
 * sockets, named by MYDAEMON_STDERR, and makes it its stdout and stderr
 * once detached; until then its starter speaks to ours.
 */
static int
keep_log_stream(int fd, const char *journal, int at)
{
	char buf[16];

	if (fd == -1) {
		unsetenv("MYDAEMON_STDERR");
		return 0;
	}
	if (dup2(fd, at) == -1)	/* no close-on-exec */
		return -1;
	snprintf(buf, sizeof(buf), "%d", at);
	setenv("MYDAEMON_STDERR", buf, 1);
	if (journal[0] != '\0')
		setenv("JOURNAL_STREAM", journal, 1);
	else
		unsetenv("JOURNAL_STREAM");
	return 0;
}

int
respawn_exec(const struct handed *h, const char *pidfile, char *const argv[])
{
	char buf[64], names[HANDOFF_MAX_FDS * 8] = "";
	size_t i;
	int moved[HANDOFF_MAX_FDS], log = -1;

	for (i = 0; i < h->nfds; i++)
		if ((moved[i] = fcntl(h->fds[i], F_DUPFD_CLOEXEC, HIGH_FD)) ==
		    -1)
			return -1;
	if (h->stderr_fd != -1 && (log = fcntl(h->stderr_fd,
	    F_DUPFD_CLOEXEC, HIGH_FD)) == -1)
		return -1;
	for (i = 0; i < h->nfds; i++) {
		if (dup2(moved[i], 3 + (int)i) == -1)	/* no close-on-exec */
			return -1;
		strcat(names, i > 0 ? ":" : "");
		strcat(names, h->names[i]);
	}
	if (keep_log_stream(log, h->journal, 3 + (int)h->nfds) == -1)
		return -1;
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
	respawn_execv(argv);
	return -1;
}

void
respawn_execv(char *const argv[])
{
	execv(argv[0], argv);
	fprintf(stderr, "mydaemon: cannot execute %s: %s\n", argv[0],
	    strerror(errno));
}

int
respawn_self(char *buf, size_t size)
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
