/*
 * test_log.c - log_format_line() exactly, then the sinks against real
 * files in a private temporary directory.
 */
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

/* short, so that every path built under it fits in PATH_MAX */
static char	 tmpdir[256];

static struct tm
fixed_tm(long gmtoff)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 24;
	tm.tm_hour = 12;
	tm.tm_gmtoff = gmtoff;
	return tm;
}

static void
test_format_offsets(void)
{
	struct tm	 tm;
	char		 buf[256];
	size_t		 n;

	tm = fixed_tm(0);
	n = log_format_line(buf, sizeof(buf), &tm, 123, "mydaemon", 42,
	    LOG_INFO, "hello");
	is_str(buf, "2026-11-24T12:00:00.123+00:00 mydaemon[42]: info: hello\n",
	    "UTC, info, msec 123");
	ok(n == strlen(buf), "returns the length written");

	tm = fixed_tm(3600);
	log_format_line(buf, sizeof(buf), &tm, 0, "mydaemon", 1, LOG_NOTICE,
	    "up");
	is_str(buf, "2026-11-24T12:00:00.000+01:00 mydaemon[1]: notice: up\n",
	    "+01:00, notice, msec 0");

	tm = fixed_tm(-5400);
	log_format_line(buf, sizeof(buf), &tm, 5, "mydaemon", 7, LOG_WARNING,
	    "w");
	is_str(buf, "2026-11-24T12:00:00.005-01:30 mydaemon[7]: warning: w\n",
	    "-01:30, warning, msec 5");

	tm = fixed_tm(19800);
	log_format_line(buf, sizeof(buf), &tm, 999, "mydaemon", 65535,
	    LOG_ERR, "e");
	is_str(buf, "2026-11-24T12:00:00.999+05:30 mydaemon[65535]: error: e\n",
	    "+05:30, error, msec 999");

	tm = fixed_tm(-1800);
	tm.tm_mon = 0;
	tm.tm_mday = 5;
	tm.tm_hour = 3;
	tm.tm_min = 4;
	tm.tm_sec = 5;
	log_format_line(buf, sizeof(buf), &tm, 60, "x", 2, LOG_DEBUG, "d");
	is_str(buf, "2026-01-05T03:04:05.060-00:30 x[2]: debug: d\n",
	    "-00:30, debug, fields zero-padded");
}

static void
test_format_levels(void)
{
	struct tm	 tm = fixed_tm(0);
	char		 buf[256];

	log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_CRIT, "m");
	is_str(buf, "2026-11-24T12:00:00.000+00:00 d[1]: error: m\n",
	    "LOG_CRIT reads as error");
	log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_DEBUG + 1, "m");
	is_str(buf, "2026-11-24T12:00:00.000+00:00 d[1]: debug: m\n",
	    "beyond LOG_DEBUG reads as debug");
	log_format_line(buf, sizeof(buf), &tm, 1000, "d", 1, LOG_INFO, "");
	is_str(buf, "2026-11-24T12:00:00.999+00:00 d[1]: info: \n",
	    "empty message; msec clamped to 999");
	log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_INFO, NULL);
	is_str(buf, "2026-11-24T12:00:00.000+00:00 d[1]: info: \n",
	    "NULL message is empty");
}

static void
test_format_escapes(void)
{
	struct tm	 tm = fixed_tm(0);
	char		 buf[256];

	log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_INFO,
	    "a\nb\tc\r\x1b[1m\x7f\x01");
	is_str(buf, "2026-11-24T12:00:00.000+00:00 d[1]: info: "
	    "a\\x0ab\\x09c\\x0d\\x1b[1m\\x7f\\x01\n",
	    "control bytes and DEL are escaped as \\xHH");
	log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_INFO,
	    "caf\xc3\xa9 \\x41 %s");
	is_str(buf, "2026-11-24T12:00:00.000+00:00 d[1]: info: "
	    "caf\xc3\xa9 \\x41 %s\n",
	    "UTF-8, backslash and percent pass through");
	ok(strchr(buf, '\n') == buf + strlen(buf) - 1,
	    "one line: the only newline is the last byte");
}

static void
test_format_truncation(void)
{
	struct tm	 tm = fixed_tm(0);
	char		 big[LOG_LINE_MAX * 2], buf[LOG_LINE_MAX];
	char		 small[64];
	const char	*hdr = "2026-11-24T12:00:00.000+00:00 d[1]: info: ";
	size_t		 n, h = strlen(hdr), i;
	int		 whole;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = log_format_line(buf, sizeof(buf), &tm, 0, "d", 1, LOG_INFO, big);
	ok(n == sizeof(buf) - 1, "long message fills the buffer (%zu)", n);
	ok(buf[n - 1] == '\n' && buf[n] == '\0',
	    "truncated line still ends with newline and NUL");
	ok(strncmp(buf, hdr, h) == 0, "header intact when message is cut");

	n = log_format_line(small, sizeof(small), &tm, 0, "d", 1, LOG_INFO,
	    big);
	ok(n == sizeof(small) - 1 && small[n - 1] == '\n',
	    "64-byte buffer: length 63, ends with newline");

	/* all control bytes: the body must be whole \xHH groups */
	memset(big, '\x01', 100);
	big[100] = '\0';
	n = log_format_line(small, sizeof(small), &tm, 0, "d", 1, LOG_INFO,
	    big);
	whole = n > h && (n - 1 - h) % 4 == 0;
	for (i = h; whole && i + 1 < n; i += 4)
		whole = strncmp(small + i, "\\x01", 4) == 0;
	ok(whole && small[n - 1] == '\n' && n < sizeof(small),
	    "an escape is never cut in half");
}

static void
test_format_tiny(void)
{
	struct tm	 tm = fixed_tm(0);
	char		 small[16];
	size_t		 n;

	n = log_format_line(small, 10, &tm, 0, "d", 1, LOG_INFO, "m");
	is_str(small, "2026-11-\n", "buffer too small for the header");
	ok(n == 9, "... and the length is 9");
	n = log_format_line(small, 2, &tm, 0, "d", 1, LOG_INFO, "m");
	ok(n == 1 && strcmp(small, "\n") == 0, "size 2 gives just newline");
	small[0] = 'z';
	n = log_format_line(small, 1, &tm, 0, "d", 1, LOG_INFO, "m");
	ok(n == 0 && small[0] == '\0', "size 1 gives the empty string");
}

/* Read a whole small file into buf (NUL-terminated); "" if missing. */
static const char *
slurp(const char *path, char *buf, size_t size)
{
	ssize_t	 n = 0;
	int	 fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) == -1)
		return buf;
	n = read(fd, buf, size - 1);
	buf[n < 0 ? 0 : n] = '\0';
	close(fd);
	return buf;
}

static const char *
path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
	return buf;
}

/* The last line of text (without its newline), copied into out. */
static const char *
last_line(const char *text, char *out, size_t size)
{
	const char	*end = text + strlen(text), *p;

	if (end > text && end[-1] == '\n')
		end--;
	for (p = end; p > text && p[-1] != '\n'; p--)
		;
	snprintf(out, size, "%.*s", (int)(end - p), p);
	return out;
}

/* "2026-11-24T12:00:00.123+00:00 " */
static int
stamp_ok(const char *s)
{
	const char	*pat = "dddd-dd-ddTdd:dd:dd.ddd?dd:dd ";
	size_t		 i;

	for (i = 0; pat[i] != '\0'; i++) {
		if (s[i] == '\0')
			return 0;
		if (pat[i] == 'd' && !isdigit((unsigned char)s[i]))
			return 0;
		if (pat[i] == '?' && s[i] != '+' && s[i] != '-')
			return 0;
		if (pat[i] != 'd' && pat[i] != '?' && pat[i] != s[i])
			return 0;
	}
	return 1;
}

/* The last line of path, without its time stamp ("mydaemon[..]: .."). */
static const char *
last_logged(const char *path, char *out, size_t size)
{
	char	 text[8192], line[4096];

	last_line(slurp(path, text, sizeof(text)), line, sizeof(line));
	if (!stamp_ok(line)) {
		snprintf(out, size, "bad stamp: %.60s", line);
		return out;
	}
	snprintf(out, size, "%s", line + 30);
	return out;
}

static const char *
expect(char *buf, size_t size, const char *level, const char *msg)
{
	snprintf(buf, size, "mydaemon[%ld]: %s: %s", (long)getpid(), level,
	    msg);
	return buf;
}

static void
test_file_create(void)
{
	struct log_sink	*s;
	struct stat	 st;
	char		 path[PATH_MAX], text[256], err[256];

	path_in(path, "create.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s != NULL, "file sink opens a new file");
	if (stat(path, &st) == -1)
		st.st_mode = 0;
	ok((st.st_mode & 07777) == 0640,
	    "new file has mode 0640 despite umask 022 (%o)",
	    (unsigned)(st.st_mode & 07777));
	is_str(log_sink_spec(s), path, "the sink remembers its spec");
	ok(log_sink_write(s, "one\n", 4) == 0, "write a line");
	ok(log_sink_write(s, "two\n", 4) == 0, "write another");
	is_str(slurp(path, text, sizeof(text)), "one\ntwo\n",
	    "lines are in the file, in order");

	/* O_APPEND: after a truncation the next line lands at offset 0 */
	ok(truncate(path, 0) == 0, "truncate the file under the sink");
	log_sink_write(s, "three\n", 6);
	is_str(slurp(path, text, sizeof(text)), "three\n",
	    "O_APPEND: no hole after copytruncate");
	ok(log_sink_dropped(s) == 0, "nothing dropped");
	log_sink_close(s);

	/* an existing file keeps its contents and its mode */
	ok(chmod(path, 0600) == 0, "make the file 0600");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	log_sink_write(s, "four\n", 5);
	is_str(slurp(path, text, sizeof(text)), "three\nfour\n",
	    "reopening an existing file appends");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "an existing file's mode is left alone");
	log_sink_close(s);
}

static void
test_open_errors(void)
{
	struct log_sink	*s;
	struct stat	 st;
	char		 path[PATH_MAX], dir[PATH_MAX], want[PATH_MAX + 64];
	char		 err[PATH_MAX + 64];

	path_in(path, "missing/x.log");
	errno = 0;
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s == NULL && errno == ENOENT,
	    "a path in a missing directory fails with ENOENT");
	snprintf(want, sizeof(want),
	    "cannot open log file %s: No such file or directory", path);
	is_str(err, want, "... and says why");
	ok(stat(path_in(dir, "missing"), &st) == -1,
	    "... and creates no directory without a user");

	path_in(path, "create.log/x.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	snprintf(want, sizeof(want), "cannot open log file %s: Not a directory",
	    path);
	ok(s == NULL && errno == ENOTDIR, "a path under a file fails");
	is_str(err, want, "... with ENOTDIR's text");

	s = log_sink_open("relative.log", LOG_DAEMON, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err));
	ok(s == NULL && errno == EINVAL, "a relative path is refused");
	ok(strstr(err, "\"relative.log\"") != NULL, "... naming it: %s", err);
	s = log_sink_open("", LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	ok(s == NULL, "an empty spec is refused, with no err buffer");
}

static void __attribute__((format(printf, 2, 3)))
via_vmsg(int level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static void
test_main_log(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256], err[256];

	path_in(path, "main.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	old = log_swap_sink(s);
	ok(old != NULL && strcmp(log_sink_spec(old), "stderr") == 0,
	    "the default sink is stderr");
	log_set_level(LOG_INFO);

	errno = EBADF;
	log_info("hello %d", 42);
	ok(errno == EBADF, "log_info keeps errno");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "hello 42"),
	    "log_info writes a stamped line");
	log_msg(LOG_NOTICE, "via %s", "log_msg");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "notice", "via log_msg"), "log_msg");
	via_vmsg(LOG_WARNING, "via %s", "log_vmsg");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "warning", "via log_vmsg"), "log_vmsg");
	log_info("two\nlines");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "two\\x0alines"),
	    "a newline in a message stays on one line");

	ok(log_swap_sink(old) == s, "swap returns the file sink");
	log_sink_close(s);
}

/* log_warn and log_err append strerror(errno); the x forms do not. */
static void
test_warn_err(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256];

	path_in(path, "main.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	old = log_swap_sink(s);
	errno = ENOENT;
	log_warn("open %s", "x");
	is_str(last_logged(path, got, sizeof(got)), expect(want, sizeof(want),
	    "warning", "open x: No such file or directory"),
	    "log_warn appends strerror(errno)");
	ok(errno == ENOENT, "log_warn keeps errno");
	errno = EACCES;
	log_warnx("plain");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "warning", "plain"),
	    "log_warnx does not");
	ok(errno == EACCES, "log_warnx keeps errno");
	log_err("bind");
	is_str(last_logged(path, got, sizeof(got)), expect(want, sizeof(want),
	    "error", "bind: Permission denied"), "log_err appends strerror");
	errno = EINTR;
	log_errx("fatal-ish %s", "thing");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "error", "fatal-ish thing"), "log_errx");
	ok(errno == EINTR, "log_errx keeps errno");
	log_swap_sink(old);
	log_sink_close(s);
}

static void
test_level_filter(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256];
	char		 text[8192];

	path_in(path, "main.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	old = log_swap_sink(s);
	log_set_level(LOG_NOTICE);
	slurp(path, text, sizeof(text));
	log_info("hidden info");
	log_debug("hidden debug");
	is_str(slurp(path, got, sizeof(got)), text,
	    "above the level: nothing written");
	log_notice("shown");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "notice", "shown"),
	    "at the level: written");
	log_set_level(LOG_DEBUG);
	log_debug("dbg");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "debug", "dbg"), "log_debug at debug");

	ok(log_swap_sink(old) == s, "swap returns the file sink");
	log_sink_close(s);
}

static void
test_fork_pid(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256];
	pid_t		 pid;
	int		 status;

	path_in(path, "fork.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	old = log_swap_sink(s);
	if ((pid = fork()) == 0) {
		log_info("from the child");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	snprintf(want, sizeof(want), "mydaemon[%ld]: info: from the child",
	    (long)pid);
	is_str(last_logged(path, got, sizeof(got)), want,
	    "a forked child logs its own pid");
	log_sink_close(log_swap_sink(old));
}

static void
test_dev_full(void)
{
	struct log_sink	*s, *old;
	uint64_t	 before;
	char		 err[256];

	s = log_sink_open("/dev/full", LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s != NULL, "/dev/full opens");
	errno = EDOM;
	ok(log_sink_write(s, "x\n", 2) == -1, "writing to it fails");
	ok(errno == EDOM, "log_sink_write keeps errno");
	ok(log_sink_dropped(s) == 1, "the drop is counted by the sink");

	before = log_dropped();
	old = log_swap_sink(s);
	log_set_level(LOG_INFO);
	log_info("a");
	log_warnx("b");
	log_err("c");
	log_debug("filtered: neither written nor counted");
	ok(errno == EDOM, "errno kept across failing writes");
	ok(log_dropped() == before + 3, "three lines dropped in the total");
	ok(log_sink_dropped(s) == 4, "and four by the sink");

	ok(log_swap_sink(old) == s, "swap /dev/full out");
	log_sink_close(s);
	ok(log_dropped() == before + 3, "the total survives the swap");
}

static void
test_reopen_rotate(void)
{
	struct log_sink	*s, *old;
	struct stat	 st;
	char		 path[PATH_MAX], rotated[PATH_MAX], err[256];
	char		 text[8192], got[4096], want[256];

	path_in(path, "rotate.log");
	path_in(rotated, "rotate.log.1");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	old = log_swap_sink(s);
	log_info("before rotation");
	ok(rename(path, rotated) == 0, "logrotate renames the file");
	log_info("after rename, before reopen");
	errno = ESRCH;
	ok(log_reopen(err, sizeof(err)) == 0, "log_reopen succeeds");
	ok(errno == ESRCH, "log_reopen keeps errno on success");
	log_info("after reopen");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "after reopen"),
	    "new lines go to a new file at the path");
	ok(strstr(slurp(path, text, sizeof(text)), "rotation") == NULL,
	    "the new file has only new lines");
	is_str(last_logged(rotated, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "after rename, before reopen"),
	    "until the reopen, lines went to the renamed file");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
	    "the new file is 0640 too");
	log_sink_close(log_swap_sink(old));
}

static void
test_reopen_failure(void)
{
	struct log_sink	*s;
	char		 dir[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 64];
	char		 want[PATH_MAX + 64], text[256];
	int		 rfd;
	ssize_t		 n;

	path_in(dir, "gone");
	path_in(path, "gone/b.log");
	mkdir(dir, 0700);
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s != NULL, "open a log in a directory");
	log_sink_write(s, "first\n", 6);
	rfd = open(path, O_RDONLY);
	ok(rfd != -1 && unlink(path) == 0 && rmdir(dir) == 0,
	    "remove the file and its directory");

	errno = 0;
	ok(log_sink_reopen(s, err, sizeof(err)) == -1 && errno == ENOENT,
	    "reopen fails with ENOENT");
	snprintf(want, sizeof(want),
	    "cannot reopen log file %s: No such file or directory", path);
	is_str(err, want, "... and says why");
	is_str(log_sink_spec(s), path, "the sink keeps its path");
	ok(log_sink_write(s, "second\n", 7) == 0,
	    "the old fd still takes lines");
	n = read(rfd, text, sizeof(text) - 1);
	text[n < 0 ? 0 : n] = '\0';
	is_str(text, "first\nsecond\n", "... into the old file");
	ok(log_sink_dropped(s) == 0, "nothing was dropped");
	close(rfd);
	log_sink_close(s);
}

/* As root, a log for an unprivileged user gets its directory and file. */
static void
test_root_owner(void)
{
	struct log_sink	*s;
	struct stat	 st;
	char		 dir[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 64];
	const uid_t	 uid = 65534;
	const gid_t	 gid = 65533;

	if (geteuid() != 0) {
		ok(1, "# SKIP not root: ownership");
		return;
	}
	path_in(dir, "owned");
	path_in(path, "owned/d.log");
	s = log_sink_open(path, LOG_DAEMON, uid, gid, err, sizeof(err));
	ok(s != NULL, "root: open creates the missing directory (%s)",
	    s == NULL ? err : "ok");
	ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0750 &&
	    st.st_uid == uid && st.st_gid == gid,
	    "the directory is 0750 and owned by the user");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640 &&
	    st.st_uid == uid && st.st_gid == gid,
	    "the file is 0640 and owned by the user");
	log_sink_close(s);

	ok(chown(path, 0, 0) == 0, "give the file back to root");
	s = log_sink_open(path, LOG_DAEMON, uid, gid, err, sizeof(err));
	ok(s != NULL && stat(path, &st) == 0 && st.st_uid == 0,
	    "an existing file is not chowned");
	log_sink_close(s);

	path_in(path, "no/such/e.log");
	s = log_sink_open(path, LOG_DAEMON, uid, gid, err, sizeof(err));
	ok(s == NULL && errno == ENOENT &&
	    strncmp(err, "cannot create log directory ", 28) == 0,
	    "only one missing level is created: %s", err);
}

static void
test_stderr(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256], text[256];
	uint64_t	 before = log_dropped();
	int		 saved, fd;

	path_in(path, "stderr.log");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);

	s = log_sink_open("stderr", LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	ok(s != NULL && log_sink_write(s, "raw\n", 4) == 0,
	    "a stderr sink writes");
	ok(log_sink_reopen(s, NULL, 0) == 0, "reopening stderr is a no-op");
	log_sink_close(s);
	ok(fcntl(STDERR_FILENO, F_GETFD) != -1,
	    "closing the stderr sink leaves fd 2 open");

	log_init("mydaemon");
	log_info("default sink");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "default sink"),
	    "after log_init lines go to stderr");
	old = log_swap_sink(NULL);
	ok(strcmp(log_sink_spec(old), "stderr") == 0,
	    "swapping in NULL restores the default");
	log_sink_close(old);
	log_info("still there");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "still there"),
	    "closing the default sink is harmless");
	ok(strncmp(slurp(path, text, sizeof(text)), "raw\n", 4) == 0,
	    "the raw line came first");
	ok(log_dropped() == before, "a good sink adds no drops");

	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* The child's verdicts travel to the parent as "1 text" / "0 text". */
static void __attribute__((format(printf, 3, 4)))
report(int fd, int cond, const char *fmt, ...)
{
	char	 buf[LOG_LINE_MAX + 256];
	va_list	 ap;
	int	 n;

	n = snprintf(buf, sizeof(buf), "%d ", cond != 0);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(buf, "\n");
	if (write(fd, buf, strlen(buf)) == -1)
		_exit(2);
}

/*
 * Give this process its own empty /dev, so that a fake syslogd can own
 * /dev/log.  As root a mount namespace is enough; otherwise try a user
 * namespace in which we are root.
 */
static int
private_dev(void)
{
	char	 map[64];
	uid_t	 uid = geteuid();
	gid_t	 gid = getegid();
	int	 fd;

	if (unshare(CLONE_NEWNS) == -1) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1)
			return -1;
		if ((fd = open("/proc/self/setgroups", O_WRONLY)) != -1) {
			(void)!write(fd, "deny", 4);
			close(fd);
		}
		snprintf(map, sizeof(map), "0 %ld 1", (long)uid);
		if ((fd = open("/proc/self/uid_map", O_WRONLY)) == -1 ||
		    write(fd, map, strlen(map)) == -1)
			return -1;
		close(fd);
		snprintf(map, sizeof(map), "0 %ld 1", (long)gid);
		if ((fd = open("/proc/self/gid_map", O_WRONLY)) == -1 ||
		    write(fd, map, strlen(map)) == -1)
			return -1;
		close(fd);
	}
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	return mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755");
}

static int
syslogd_start(void)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/dev/log");
	unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	return fd;
}

static const char *
syslogd_recv(int fd, char *buf, size_t size)
{
	ssize_t	 n;

	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* "<PRI>Mmm dd hh:mm:ss mydaemon[PID]: msg" */
static int
syslog_ok(const char *got, int pri, const char *msg)
{
	char		 want[LOG_LINE_MAX];
	const char	*p;
	int		 n;

	n = snprintf(want, sizeof(want), "<%d>", pri);
	if (strncmp(got, want, (size_t)n) != 0)
		return 0;
	p = got + n;
	if (strlen(p) < 16 || !isupper((unsigned char)p[0]) ||
	    !islower((unsigned char)p[1]) || !islower((unsigned char)p[2]) ||
	    p[3] != ' ' || (p[4] != ' ' && !isdigit((unsigned char)p[4])) ||
	    !isdigit((unsigned char)p[5]) || p[6] != ' ' || p[9] != ':' ||
	    p[12] != ':' || p[15] != ' ')
		return 0;
	snprintf(want, sizeof(want), "mydaemon[%ld]: %s", (long)getpid(),
	    msg);
	return strcmp(p + 16, want) == 0;
}

/* Fill syslogd's queue: lines must drop, never block. */
static void
syslog_flood(int out, struct log_sink *s, int rfd)
{
	char		 got[LOG_LINE_MAX];
	uint64_t	 before = log_sink_dropped(s), total = log_dropped();
	unsigned long	 sent, received = 0;

	for (sent = 0; sent < 100000; sent++) {
		log_info("flood %lu", sent);
		if (log_sink_dropped(s) > before + 5)
			break;
	}
	sent++;
	while (*syslogd_recv(rfd, got, sizeof(got)) != '\0')
		received++;
	report(out, received > 0 && log_sink_dropped(s) > before &&
	    received + (log_sink_dropped(s) - before) == sent,
	    "a full queue drops lines without blocking "
	    "(%lu sent, %lu received)", sent, received);
	report(out, log_dropped() - total == log_sink_dropped(s) - before,
	    "the drops are in the total too");
	log_info("after flood");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 158,
	    "after flood"), "once drained, lines flow again: %s", got);
}

static void
syslog_child(int out)
{
	struct log_sink	*s, *old;
	char		 got[LOG_LINE_MAX];
	int		 rfd;

	s = log_sink_open("syslog", LOG_LOCAL3, (uid_t)-1, (gid_t)-1, NULL, 0);
	report(out, s != NULL, "syslog opens before /dev/log exists");
	old = log_swap_sink(s);
	log_info("nobody listens");
	report(out, log_sink_dropped(s) == 1, "no /dev/log: line dropped");
	report(out, (rfd = syslogd_start()) != -1, "start a fake syslogd");

	log_warnx("hello\tworld");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 156,
	    "hello\\x09world"), "next line connects, local3.warning: %s", got);
	log_sink_write(s, "GET / 200\n", 10);
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 158,
	    "GET / 200"), "log_sink_write sends at info: %s", got);
	log_set_level(LOG_DEBUG);
	log_debug("dbg");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 159,
	    "dbg"), "debug: %s", got);

	close(rfd);
	rfd = syslogd_start();
	log_info("lost in the restart");
	log_info("after restart");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 158,
	    "after restart") && log_sink_dropped(s) == 2,
	    "a syslogd restart costs one line, then it reconnects: %s", got);

	syslog_flood(out, s, rfd);
	report(out, log_reopen(NULL, 0) == 0, "reopen reconnects");
	log_info("after reopen");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 158,
	    "after reopen"), "and lines still arrive");
	close(rfd);
	log_sink_close(log_swap_sink(old));
}

static void
test_syslog(void)
{
	struct log_sink	*s;
	char		 line[LOG_LINE_MAX + 256];
	FILE		*in;
	pid_t		 pid;
	int		 p[2], status;

	s = log_sink_open("syslog", LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	ok(s != NULL && strcmp(log_sink_spec(s), "syslog") == 0,
	    "a syslog sink opens");
	if (access("/dev/log", F_OK) == -1)
		ok(log_sink_write(s, "x\n", 2) == -1 &&
		    log_sink_dropped(s) == 1, "no /dev/log: lines are dropped");
	else
		ok(1, "# SKIP /dev/log exists: not writing to the real one");
	log_sink_close(s);

	if (pipe(p) == -1 || (pid = fork()) == -1) {
		ok(0, "pipe and fork");
		return;
	}
	if (pid == 0) {
		close(p[0]);
		if (private_dev() == -1)
			report(p[1], 1, "# SKIP no private /dev: %s",
			    strerror(errno));
		else
			syslog_child(p[1]);
		_exit(0);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ok(line[0] == '1', "%s", line + 2);
	}
	fclose(in);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the syslog child exits cleanly");
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	umask(022);
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_log.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		return 1;
	}
	log_init("mydaemon");

	test_format_offsets();
	test_format_levels();
	test_format_escapes();
	test_format_truncation();
	test_format_tiny();
	test_file_create();
	test_open_errors();
	test_main_log();
	test_warn_err();
	test_level_filter();
	test_fork_pid();
	test_dev_full();
	test_reopen_rotate();
	test_reopen_failure();
	test_root_owner();
	test_stderr();
	test_syslog();

	if (tap_failed == 0)
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# left %s for inspection\n", tmpdir);
	return done_testing();
}
