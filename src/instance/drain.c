/*
 * drain.c - the maintenance file (see drain.h).
 *
 * The daemon reads what root wrote, so it trusts nothing in it: the
 * file must be a regular one with one link, not a symlink, at most
 * DRAIN_FILE_MAX bytes, and its reason is cut to one line of text.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/drain.h"

/*
 * The latest since read: written with milliseconds (%.3f), anything from
 * here up to 1e11 would round up to 100000000000.000, a time past the
 * range, and the file would not read back as it was written.
 */
#define SINCE_MAX	99999999999.9995
/*
 * An until that %.3f writes as 0.000 would not be written back at all
 * (0: no end): below this it is no end when read either (fuzz_drain).
 */
#define UNTIL_MIN	0.0005

/* The reason on one line, without control bytes, cut to the maximum. */
static void
clean_reason(char *dst, const char *src, size_t n)
{
	size_t	 i;

	if (n > DRAIN_REASON_MAX)
		n = DRAIN_REASON_MAX;
	for (i = 0; i < n && src[i] != '\0'; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ?
		    ' ' : src[i];
	dst[i] = '\0';
}

size_t
drain_format(char *buf, size_t size, const struct drain_info *d)
{
	char	 reason[DRAIN_REASON_MAX + 1];
	int	 n;

	clean_reason(reason, d->reason, strlen(d->reason));
	if (d->until >= UNTIL_MIN)
		n = snprintf(buf, size, "drained=%d\nsince=%.3f\nreason=%s\n"
		    "until=%.3f\n", d->drained != 0, d->since, reason,
		    d->until);
	else
		n = snprintf(buf, size, "drained=%d\nsince=%.3f\nreason=%s\n",
		    d->drained != 0, d->since, reason);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

/* A time of n bytes at s into *t: 0, or -1 (and *t 0) when it is none. */
static int
parse_time(const char *s, size_t n, double *t)
{
	char	 num[32], *e;

	*t = 0;
	if (n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	*t = strtod(num, &e);
	if (*e != '\0' || !(*t >= 0 && *t < SINCE_MAX)) {
		*t = 0;
		return -1;
	}
	return 0;
}

int
drain_parse(const char *buf, size_t len, struct drain_info *d)
{
	const char	*p = buf, *end = buf + len, *nl, *eq;
	size_t		 n;
	int		 bad = 0;

	memset(d, 0, sizeof(*d));
	d->drained = 1;		/* the file is there: that is the drain */
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((eq = memchr(p, '=', (size_t)(nl - p))) == NULL) {
			bad = 1;
			continue;
		}
		n = (size_t)(nl - eq - 1);
		if (eq - p == 6 && memcmp(p, "reason", 6) == 0)
			clean_reason(d->reason, eq + 1, n);
		else if (eq - p == 5 && memcmp(p, "since", 5) == 0)
			bad |= parse_time(eq + 1, n, &d->since) == -1;
		else if (eq - p == 5 && memcmp(p, "until", 5) == 0) {
			bad |= parse_time(eq + 1, n, &d->until) == -1;
			if (d->until < UNTIL_MIN)
				d->until = 0;
		} else if (eq - p == 7 && memcmp(p, "drained", 7) == 0)
			d->drained = n != 1 || eq[1] != '0';
		else
			bad = 1;	/* unknown, but keep what we have */
	}
	return bad ? -1 : 0;
}

int
drain_over(const struct drain_info *d, double now)
{
	return d->drained && d->until >= UNTIL_MIN && now >= d->until;
}

char *
drain_check_path(const char *maintenance_file, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s.check.%s", maintenance_file, name) == -1)
		return NULL;
	return p;
}

int
drain_read(const char *path, struct drain_info *d)
{
	char		 buf[DRAIN_FILE_MAX];
	struct stat	 st;
	ssize_t		 n = -1;
	int		 fd, e = 0;

	memset(d, 0, sizeof(*d));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1 && errno == ENOENT)
		return 0;
	d->drained = 1;		/* it is there: whatever else, a drain */
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_size > DRAIN_FILE_MAX)
		e = EINVAL;	/* not the plain file -s drain writes */
	else if ((n = read(fd, buf, sizeof(buf))) == -1)
		e = errno;
	close(fd);
	if (e == 0 && drain_parse(buf, (size_t)n, d) == -1)
		e = EINVAL;
	errno = e;
	return e == 0 ? 0 : -1;
}

int
drain_write(const char *path, const char *reason, double now, double until,
    char *err, size_t errlen)
{
	struct drain_info d;
	char buf[DRAIN_FILE_MAX], tmp[4096];
	size_t n;
	int fd, e;

	memset(&d, 0, sizeof(d));
	d.drained = 1;
	d.since = now;
	d.until = until >= UNTIL_MIN ? until : 0;
	if (reason != NULL)
		clean_reason(d.reason, reason, strlen(reason));
	n = drain_format(buf, sizeof(buf), &d);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: file name too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_EXCL | O_NOFOLLOW: nothing planted there is written through. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		goto fail;
	if (fchmod(fd, 0644) == -1 || write(fd, buf, n) != (ssize_t)n ||
	    fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot record the drain in %s: %s", path,
	    strerror(errno));
	return -1;
}

int
drain_remove(const char *path, char *err, size_t errlen)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
	return -1;
}
