/*
 * probe_process.c - the process probe (SPEC 19): a daemon by its pidfile
 * (a live process, not a zombie, the lock's holder, the name asked for),
 * watched with a pidfd until it exits, so that its death runs the check
 * at once.  The pure parts (parsing the pid and /proc/PID/stat, words)
 * are probe_local_pure.c's.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"
#include "checks/health.h"
#include "checks/probe_local.h"
#include "checks/probe_private.h"

#define COMM_MAX	15	/* the kernel keeps 15 bytes of a name */

/* --- process: the watch --------------------------------------------- */

void
probe_unwatch(struct probe *p)
{
	if (p->watch.fd == -1)
		return;
	loop_del(&p->watch);
	close(p->watch.fd);
	p->watch.fd = -1;
	p->watched = 0;
}

/* The pidfd is readable: the process has exited. */
static void
watch_fired(struct loop_io *io, uint32_t events)
{
	struct probe *p = io->arg;

	(void)events;
	probe_unwatch(p);
	if (p->exited != NULL)
		p->exited(p);
}

/*
 * Watch pid, unless it is the one watched already.  Without pidfds (a
 * kernel before 5.3: ENOSYS) or any other failure the interval will
 * find the death instead.  A pidfd is close-on-exec by definition.
 */
static void
watch(struct probe *p, pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd;

	if (p->watch.fd != -1 && p->watched == pid)
		return;
	probe_unwatch(p);
	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return;
	p->watch.fd = fd;
	p->watch.cb = watch_fired;
	p->watch.arg = p;
	if (loop_add(&p->watch, EPOLLIN) == -1) {
		close(fd);
		p->watch.fd = -1;
		return;
	}
	p->watched = pid;
#else
	(void)p;
	(void)pid;
#endif
}

/* --- process: the pidfile and /proc ------------------------------------ */

static struct {
	int	 set;
	dev_t	 dev;
	ino_t	 ino;
} own;

void
probe_own_pidfile(const char *path)
{
	struct stat sb;

	own.set = path != NULL && stat(path, &sb) == 0;
	if (own.set) {
		own.dev = sb.st_dev;
		own.ino = sb.st_ino;
	}
}

/* Is path the daemon's own pidfile (by any name: /var/run is /run)? */
static int
is_own(const char *path)
{
	struct stat sb;

	return own.set && stat(path, &sb) == 0 && sb.st_dev == own.dev &&
	    sb.st_ino == own.ino;
}

/*
 * Whoever holds a POSIX (fcntl, lockf) lock on some part of the file, or
 * 0.  An open file description lock has no owner to name (l_pid -1), nor
 * has a lock taken in another pid namespace (0): both pass.  flock(2)
 * locks are not looked at at all: they belong to an open file, which
 * fork() shares, so no pid is theirs to compare.
 */
static pid_t
lock_holder(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;			/* the whole file */
	if (fcntl(fd, F_GETLK, &fl) == -1 || fl.l_type == F_UNLCK ||
	    fl.l_pid <= 0)
		return 0;
	return fl.l_pid;
}

/*
 * Read the pidfile: 0 with the pid and the lock's holder, or -1 with
 * why it failed in why (errno's text, or that it holds no pid).
 * O_NONBLOCK: a FIFO in its place must not stop the loop.
 */
static int
read_pidfile(const char *path, pid_t *pid, pid_t *holder, const char **why)
{
	char buf[64];
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	saved = errno;
	*holder = n >= 0 ? lock_holder(fd) : 0;
	close(fd);
	if (n == -1 && saved != EAGAIN) {
		*why = strerror(saved);
		return -1;
	}
	if (n < 0 || (size_t)n == sizeof(buf) ||
	    probe_local_pid(buf, (size_t)n, pid) == -1) {
		*why = NULL;
		return -1;
	}
	return 0;
}

/* Read /proc/PID/stat; -1 when the process is not there (or unreadable). */
static int
read_stat(pid_t pid, struct probe_local_stat *st)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return -1;
	return probe_local_stat(buf, (size_t)n, st);
}

/* Seconds the process has run: its start (ticks after boot) to now. */
static uint64_t
uptime_of(const struct probe_local_stat *st)
{
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t now_ms, start_ms;

	if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		return 0;
	now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	start_ms = st->starttime / (uint64_t)hz * 1000 +
	    st->starttime % (uint64_t)hz * 1000 / (uint64_t)hz;
	return now_ms > start_ms ? (now_ms - start_ms) / 1000 : 0;
}

/* The name asked for is the process's, as far as the kernel keeps it. */
static int
same_name(const char *comm, const char *want)
{
	return strlen(want) > COMM_MAX ? strncmp(comm, want, COMM_MAX) == 0 &&
	    strlen(comm) == COMM_MAX : strcmp(comm, want) == 0;
}

int
probe_process(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	const char *path = cp->target, *want = cp->process_name, *why;
	struct probe_local_stat st;
	char up[32], perf[48];
	pid_t pid, holder;
	uint64_t secs;

	if (is_own(path)) {
		probe_unwatch(p);
		probe_outcome(p, "PROCESS", HEALTH_UNKNOWN, 0, NULL,
		    "%s is mydaemon's own pidfile: not read (that would drop "
		    "the daemon's lock on it)", path);
		return 1;
	}
	if (read_pidfile(path, &pid, &holder, &why) == -1) {
		probe_unwatch(p);
		if (why != NULL)
			probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
			    "%s: %s", path, why);
		else
			probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
			    "%s does not hold a pid", path);
		return 1;
	}
	/* watched before the look: a death after it still wakes us */
	watch(p, pid);
	if (read_stat(pid, &st) == -1) {
		probe_unwatch(p);
		probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
		    "%s: no such process %ld", path, (long)pid);
		return 1;
	}
	if (st.state == 'Z' || st.state == 'X') {
		probe_unwatch(p);
		probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
		    "%s: pid %ld is %s", path, (long)pid,
		    st.state == 'Z' ? "a zombie" : "dead");
	} else if (holder != 0 && holder != pid)
		probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
		    "%s: locked by pid %ld but names pid %ld", path,
		    (long)holder, (long)pid);
	else if (want != NULL && !same_name(st.comm, want))
		probe_outcome(p, "PROCESS", HEALTH_CRITICAL, 0, NULL,
		    "%s: pid %ld is \"%s\", not \"%s\"", path, (long)pid,
		    st.comm, want);
	else {
		secs = uptime_of(&st);
		snprintf(perf, sizeof(perf), "uptime=%" PRIu64 "s", secs);
		probe_outcome(p, "PROCESS", HEALTH_OK, 0, perf,
		    "%s (pid %ld) up %s", st.comm, (long)pid,
		    probe_local_duration(up, sizeof(up), secs));
	}
	return 1;
}
