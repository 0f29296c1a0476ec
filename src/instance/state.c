/*
 * state.c - the state file (see state.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "instance/state.h"

#define STATE_BUF	4096
#define STATE_TRIES	20

char *
state_path(const char *pidfile)
{
	size_t n = strlen(pidfile);
	char *p;

	if (n > 4 && strcmp(pidfile + n - 4, ".pid") == 0)
		n -= 4;
	if ((p = malloc(n + sizeof(".state"))) == NULL)
		return NULL;
	memcpy(p, pidfile, n);
	memcpy(p + n, ".state", sizeof(".state"));
	return p;
}

/* Keep the reason on one line: it comes from config errors and errno. */
static void
copy_line(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (src[i] == '\n' || src[i] == '\r') ? ' ' : src[i];
	dst[i] = '\0';
}

size_t
state_format(char *buf, size_t size, const struct state_info *si)
{
	char reason[STATE_REASON_MAX], rreason[STATE_REASON_MAX];
	char mfile[STATE_REASON_MAX];
	int n;

	copy_line(reason, sizeof(reason), si->reason);
	copy_line(rreason, sizeof(rreason), si->reopen_reason);
	copy_line(mfile, sizeof(mfile), si->maintenance_file);
	n = snprintf(buf, size,
	    "seq=%lu\npid=%ld\nstopping=%d\nstarting=%d\ngeneration=%lu\n"
	    "reload_started=%lu\n"
	    "reload_done=%lu\nreload_ok=%lu\nreload_failed=%lu\n"
	    "last_reload=%s\nreason=%s\nreopens=%lu\nreopen_failed=%lu\n"
	    "reopen_reason=%s\ndrain_reads=%lu\ndrained=%d\n"
	    "maintenance_file=%s\nstop_wait_ms=%lu\nend=%lu\n",
	    si->seq, si->pid, si->stopping, si->starting != 0, si->generation,
	    si->reload_started,
	    si->reload_done, si->reload_ok, si->reload_failed,
	    si->last_reload, reason, si->reopens, si->reopen_failed, rreason,
	    si->drain_reads, si->drained != 0, mfile, si->stop_wait_ms,
	    si->seq);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

static int
parse_ulong(const char *v, unsigned long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtoul(v, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

static int
state_field_set(struct state_info *si, const char *k, const char *v,
    unsigned long *end)
{
	static const struct { const char *k; size_t off; } num[] = {
		{ "seq", offsetof(struct state_info, seq) },
		{ "generation", offsetof(struct state_info, generation) },
		{ "reload_started",
		    offsetof(struct state_info, reload_started) },
		{ "reload_done", offsetof(struct state_info, reload_done) },
		{ "reload_ok", offsetof(struct state_info, reload_ok) },
		{ "reload_failed", offsetof(struct state_info, reload_failed) },
		{ "reopens", offsetof(struct state_info, reopens) },
		{ "reopen_failed", offsetof(struct state_info, reopen_failed) },
		{ "drain_reads", offsetof(struct state_info, drain_reads) },
		{ "stop_wait_ms", offsetof(struct state_info, stop_wait_ms) },
	};
#define STR(f) { #f, offsetof(struct state_info, f), \
	sizeof(((struct state_info *)0)->f) }
	static const struct { const char *k; size_t off, size; } str[] = {
		STR(reason), STR(reopen_reason), STR(last_reload),
		STR(maintenance_file),
	};
#undef STR
	unsigned long u;
	size_t i;

	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (strcmp(k, str[i].k) == 0) {
			copy_line((char *)si + str[i].off, str[i].size, v);
			return 0;
		}
	if (parse_ulong(v, &u) == -1)
		return -1;
	if (strcmp(k, "pid") == 0)
		si->pid = (long)u;
	else if (strcmp(k, "stopping") == 0)
		si->stopping = u != 0;
	else if (strcmp(k, "starting") == 0)
		si->starting = u != 0;
	else if (strcmp(k, "drained") == 0)
		si->drained = u != 0;
	else if (strcmp(k, "end") == 0)
		*end = u;
	for (i = 0; i < sizeof(num) / sizeof(num[0]); i++)
		if (strcmp(k, num[i].k) == 0)
			*(unsigned long *)((char *)si + num[i].off) = u;
	return 0;
}

int
state_parse(const char *buf, size_t len, struct state_info *si)
{
	char line[STATE_REASON_MAX + 32], *eq;
	unsigned long end = (unsigned long)-1;
	size_t i = 0, n;
	const char *nl;

	memset(si, 0, sizeof(*si));
	while (i < len) {
		if ((nl = memchr(buf + i, '\n', len - i)) == NULL)
			return -1;		/* torn: no final newline */
		n = (size_t)(nl - (buf + i));
		if (n >= sizeof(line))
			return -1;
		memcpy(line, buf + i, n);
		line[n] = '\0';
		i += n + 1;
		if ((eq = strchr(line, '=')) == NULL)
			return -1;
		*eq = '\0';
		if (state_field_set(si, line, eq + 1, &end) == -1)
			return -1;
	}
	return (end == si->seq && si->pid > 0) ? 0 : -1;
}

int
state_open(const char *path, int empty)
{
	struct stat st;
	int fd, e = 0;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	    0644);
	if (fd == -1)
		return -1;
	/*
	 * A file with a second name would have our writes land in another
	 * file (a hard link planted in a shared directory): refuse it, as
	 * the pidfile and the logs do.  A previous instance's record must
	 * not pass for ours.
	 */
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		e = EINVAL;
	else if (fchmod(fd, 0644) == -1 || (empty && ftruncate(fd, 0) == -1))
		e = errno;
	if (e != 0) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
state_write(int fd, struct state_info *si)
{
	char buf[STATE_BUF];
	size_t n;

	si->seq++;
	n = state_format(buf, sizeof(buf), si);
	if (pwrite(fd, buf, n, 0) != (ssize_t)n)
		return -1;
	return ftruncate(fd, (off_t)n);
}

int
state_read(const char *path, struct state_info *si)
{
	char buf[STATE_BUF];
	ssize_t n;
	int fd, i;

	for (i = 0; i < STATE_TRIES; i++) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd == -1)
			return -1;
		n = pread(fd, buf, sizeof(buf), 0);
		close(fd);
		if (n > 0 && state_parse(buf, (size_t)n, si) == 0)
			return 0;
		clock_sleep_ms(2);	/* a torn read: the writer is at it */
	}
	errno = EIO;
	return -1;
}
