/*
 * probe_local.c - the probes that are a few system calls (SPEC 19): a
 * daemon by its pidfile (watched with a pidfd until it exits), a file's
 * age and size, a file system's free space.  Each run is over at once;
 * the pure parts (parsing, df's arithmetic, words) are probe_local_pure.c.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
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
	const struct config_probe *cp = &p->conf->probe;
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

/* --- file ---------------------------------------------------------------- */

/* A threshold's value in unit, or 0 when it is of another or unset. */
static uint64_t
limit(const struct config_threshold *t, enum config_unit unit)
{
	return t->unit == unit ? t->value : 0;
}

/*
 * "age=Ns;W;C size=NB", thresholds in seconds, no trailing empties.
 * max_age is a critical threshold of its own: so it shows on graphs.
 */
static void
file_perf(char *buf, size_t size, const struct config_probe *cp,
    uint64_t ms, uint64_t bytes)
{
	char w[32] = "", c[32] = "";
	uint64_t wms, cms;

	wms = limit(&cp->warning, CONFIG_UNIT_MS);
	cms = limit(&cp->critical, CONFIG_UNIT_MS);
	if (cp->max_age_ms != 0 && (cms == 0 || cp->max_age_ms < cms))
		cms = cp->max_age_ms;
	if (wms != 0)
		probe_local_secs(w, sizeof(w), wms);
	if (cms != 0)
		probe_local_secs(c, sizeof(c), cms);
	snprintf(buf, size, "age=%" PRIu64 "s%s%s%s%s size=%" PRIu64 "B",
	    ms / 1000, wms || cms ? ";" : "", w, cms ? ";" : "", c, bytes);
}

/* The file's age in ms: a file from the future is new. */
static uint64_t
age_of(const struct stat *sb)
{
	struct timespec now;
	int64_t ms;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 0;
	ms = ((int64_t)now.tv_sec - (int64_t)sb->st_mtim.tv_sec) * 1000 +
	    ((int64_t)now.tv_nsec - (int64_t)sb->st_mtim.tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

int
probe_file(struct probe *p)
{
	const struct config_probe *cp = &p->conf->probe;
	const char *path = cp->target;
	enum health_state st;
	struct stat sb;
	char age[32], lim[32], perf[128];
	uint64_t ms, size;

	if (stat(path, &sb) == -1) {
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, NULL, "%s: %s",
		    path, strerror(errno));
		return 1;
	}
	ms = age_of(&sb);
	size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	file_perf(perf, sizeof(perf), cp, ms, size);
	probe_local_duration(age, sizeof(age), ms / 1000);
	st = probe_threshold(cp, CONFIG_UNIT_MS, ms, 1);
	if (cp->max_age_ms != 0 && ms > cp->max_age_ms)
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, perf,
		    "%s is %s old (max_age %s)", path, age,
		    probe_local_duration(lim, sizeof(lim),
		    cp->max_age_ms / 1000));
	else if (size < cp->min_size)
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, perf,
		    "%s is %" PRIu64 " B (min_size %" PRIu64 " B)", path,
		    size, cp->min_size);
	else if (st != HEALTH_OK)
		probe_outcome(p, "FILE", st, 0, perf,
		    "%s is %s old (%s %s), %" PRIu64 " B", path, age,
		    health_name(st), probe_local_duration(lim, sizeof(lim),
		    (st == HEALTH_CRITICAL ? cp->critical.value :
		    cp->warning.value) / 1000), size);
	else
		probe_outcome(p, "FILE", HEALTH_OK, 0, perf,
		    "%s is %s old, %" PRIu64 " B", path, age, size);
	return 1;
}

/* --- disk ---------------------------------------------------------------- */

/* What df says of a file system; percentages in hundredths. */
struct df {
	uint64_t	 size, avail;	/* bytes */
	uint64_t	 total;		/* used + available, bytes */
	uint64_t	 pct, ipct;	/* free space, free inodes */
	int		 inodes;	/* it counts inodes (not btrfs) */
};

static void
df_of(const struct statvfs *v, struct df *d)
{
	uint64_t bs = v->f_frsize != 0 ? v->f_frsize : v->f_bsize;

	d->size = (uint64_t)v->f_blocks * bs;
	d->avail = (uint64_t)v->f_bavail * bs;
	d->total = (v->f_blocks > v->f_bfree ? (uint64_t)(v->f_blocks -
	    v->f_bfree) * bs : 0) + d->avail;
	d->pct = probe_local_percent(v->f_blocks, v->f_bfree, v->f_bavail);
	d->inodes = v->f_files != 0;
	d->ipct = probe_local_ratio(v->f_favail, v->f_files);
}

/*
 * A threshold in bytes free, a percentage taken of what df's percentages
 * are of (used plus available: not the blocks kept for root), so that
 * the graph's line is where the state changes.  "" when none.
 */
static void
disk_limit(char *buf, size_t size, const struct config_threshold *t,
    const struct df *d)
{
	if (t->unit == CONFIG_UNIT_BYTES)
		snprintf(buf, size, "%" PRIu64, t->value);
	else if (t->unit == CONFIG_UNIT_PERCENT)
		snprintf(buf, size, "%" PRIu64,
		    probe_local_share(d->total, t->value));
	else
		buf[0] = '\0';
}

static enum health_state
worse(enum health_state a, enum health_state b)
{
	return health_rank(a) > health_rank(b) ? a : b;
}

int
probe_disk(struct probe *p)
{
	const struct config_probe *cp = &p->conf->probe;
	enum health_state st, ist = HEALTH_OK;
	struct statvfs vfs;
	struct df d;
	char fr[24], sz[24], inodes[48] = "", perf[160], w[24], c[24];

	if (statvfs(cp->target, &vfs) == -1) {
		probe_outcome(p, "DISK", HEALTH_CRITICAL, 0, NULL, "%s: %s",
		    cp->target, strerror(errno));
		return 1;
	}
	df_of(&vfs, &d);
	st = worse(probe_threshold(cp, CONFIG_UNIT_PERCENT, d.pct, 0),
	    probe_threshold(cp, CONFIG_UNIT_BYTES, d.avail, 0));
	if (d.inodes)
		ist = probe_threshold(cp, CONFIG_UNIT_PERCENT, d.ipct, 0);
	if (ist != HEALTH_OK)
		snprintf(inodes, sizeof(inodes), ", inodes %" PRIu64 ".%"
		    PRIu64 "%% free", d.ipct / 100, d.ipct % 100 / 10);
	disk_limit(w, sizeof(w), &cp->warning, &d);
	disk_limit(c, sizeof(c), &cp->critical, &d);
	snprintf(perf, sizeof(perf), "free=%" PRIu64 "B;%s;%s;0;%" PRIu64,
	    d.avail, w, c, d.size);
	if (d.inodes)
		snprintf(perf + strlen(perf), sizeof(perf) - strlen(perf),
		    " free_inodes=%" PRIu64 ".%02" PRIu64 "%%", d.ipct / 100,
		    d.ipct % 100);
	probe_outcome(p, "DISK", worse(st, ist), 0, perf,
	    "%s %" PRIu64 ".%" PRIu64 "%% free (%s of %s)%s", cp->target,
	    d.pct / 100, d.pct % 100 / 10, probe_local_bytes(fr, sizeof(fr),
	    d.avail), probe_local_bytes(sz, sizeof(sz), d.size), inodes);
	return 1;
}
