/*
 * test_log.c - log_format_line() exactly, then the log and its sinks
 * against real files, FIFOs, pipes and sockets in a private temporary
 * directory.
 */
#include <sys/mount.h>
#include <sys/resource.h>
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"
#include "log/log_sink.h"
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
test_timestamp(void)
{
	char	 buf[64], spaced[sizeof(buf) + 1];
	size_t	 n;

	n = log_timestamp(buf, sizeof(buf));
	snprintf(spaced, sizeof(spaced), "%s ", buf);
	ok(n == 29 && strlen(buf) == 29 && stamp_ok(spaced),
	    "log_timestamp gives the stamp of a log line: %s", buf);
	n = log_timestamp(buf, 10);
	ok(n == 9 && strlen(buf) == 9, "a small buffer gets its start");
}

/* Create path holding text; 0 or -1. */
static int
put_file(const char *path, const char *text)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
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
	/* what log_sink_spec() showed: the sink knows its own path */
	ok(log_sink_reopen(s, err, sizeof(err)) == 0,
	    "the sink reopens at its own path");
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

/* Symlinks and second hard links: refused, their targets untouched. */
static void
test_links(void)
{
	struct log_sink	*s;
	struct stat	 st;
	char		 target[PATH_MAX], path[PATH_MAX], rotated[PATH_MAX];
	char		 other[PATH_MAX], text[256], err[PATH_MAX + 64];

	path_in(target, "target");
	path_in(path, "link.log");
	path_in(rotated, "link.log.1");
	path_in(other, "nothere");
	ok(put_file(target, "precious\n") == 0 && symlink(target, path) == 0,
	    "plant a symlink to a precious file");
	errno = 0;
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s == NULL && errno == ELOOP, "a symlink as log file is refused");
	ok(strncmp(err, "cannot open log file ", 21) == 0,
	    "... and says so: %s", err);
	is_str(slurp(target, text, sizeof(text)), "precious\n",
	    "... its target untouched");

	unlink(path);
	ok(symlink(other, path) == 0, "plant a dangling symlink");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s == NULL && lstat(other, &st) == -1,
	    "a dangling symlink is refused and its target not created");

	unlink(path);
	ok(link(target, path) == 0, "plant a second hard link");
	errno = 0;
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s == NULL && errno == EPERM, "a second hard link is refused");
	is_str(slurp(target, text, sizeof(text)), "precious\n",
	    "... its target untouched");

	/* the same traps planted at a path already open, before a reopen */
	unlink(path);
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s != NULL && log_sink_write(s, "old\n", 4) == 0,
	    "a plain file at that path opens");
	ok(rename(path, rotated) == 0 && symlink(target, path) == 0,
	    "rotate it and plant a symlink in its place");
	errno = 0;
	ok(log_sink_reopen(s, err, sizeof(err)) == -1 && errno == ELOOP,
	    "a reopen does not follow the symlink");
	unlink(path);
	ok(link(target, path) == 0, "plant a hard link in its place");
	errno = 0;
	ok(log_sink_reopen(s, err, sizeof(err)) == -1 && errno == EPERM,
	    "a reopen does not take the hard link");
	ok(log_sink_write(s, "kept\n", 5) == 0, "the old fd still takes lines");
	is_str(slurp(rotated, text, sizeof(text)), "old\nkept\n",
	    "... into the old file");
	is_str(slurp(target, text, sizeof(text)), "precious\n",
	    "the target is untouched");
	log_sink_close(s);
	unlink(path);
}

static void
test_main_log(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256], err[256];

	path_in(path, "main.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	old = log_set_sink(s);
	ok(old == NULL, "the default sink is stderr (NULL)");
	log_set_level(LOG_INFO);

	errno = EBADF;
	log_info("hello %d", 42);
	ok(errno == EBADF, "log_info keeps errno");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "hello 42"),
	    "log_info writes a stamped line");
	log_notice("via %s", "log_notice");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "notice", "via log_notice"),
	    "log_notice writes at notice");
	log_warnx("via %s", "log_warnx");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "warning", "via log_warnx"),
	    "log_warnx writes at warning");
	log_info("two\nlines");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "two\\x0alines"),
	    "a newline in a message stays on one line");
	log_info("esc \x1b[2J del \x7f");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "esc \\x1b[2J del \\x7f"),
	    "control bytes from log_info are escaped as \\xHH");

	ok(log_set_sink(old) == s, "setting the old sink returns the file");
	log_sink_close(s);
}

/* log_warn appends strerror(errno); the x forms do not. */
static void
test_warn_err(void)
{
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], got[4096], want[256];

	path_in(path, "main.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	old = log_set_sink(s);
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
	/* log_err is gone: an error with its cause is spelled out */
	log_errx("bind: %s", strerror(errno));
	is_str(last_logged(path, got, sizeof(got)), expect(want, sizeof(want),
	    "error", "bind: Permission denied"),
	    "log_errx with strerror(errno) does what log_err did");
	errno = EINTR;
	log_errx("fatal-ish %s", "thing");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "error", "fatal-ish thing"), "log_errx");
	ok(errno == EINTR, "log_errx keeps errno");
	log_set_sink(old);
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
	old = log_set_sink(s);
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

	ok(log_set_sink(old) == s, "setting the old sink returns the file");
	log_sink_close(s);
	log_set_level(LOG_INFO);
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
	old = log_set_sink(s);
	if ((pid = fork()) == 0) {
		log_info("from the child");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	snprintf(want, sizeof(want), "mydaemon[%ld]: info: from the child",
	    (long)pid);
	is_str(last_logged(path, got, sizeof(got)), want,
	    "a forked child logs its own pid");
	log_sink_close(log_set_sink(old));
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
	old = log_set_sink(s);
	log_set_level(LOG_INFO);
	log_info("a");
	log_warnx("b");
	log_warn("c");
	log_debug("filtered: neither written nor counted");
	ok(errno == EDOM, "errno kept across failing writes");
	ok(log_dropped() == before + 3, "three lines dropped in the total");
	ok(log_sink_dropped(s) == 4, "and four by the sink");

	ok(log_set_sink(old) == s, "swap /dev/full out");
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
	old = log_set_sink(s);
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
	log_sink_close(log_set_sink(old));
}

static void
test_reopen_failure(void)
{
	struct log_sink	*s, *old;
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
	/* SPEC 9: a removed file is no log; its lines drop, counted */
	ok(log_sink_write(s, "second\n", 7) == -1,
	    "a line for the removed file is not written");
	n = read(rfd, text, sizeof(text) - 1);
	text[n < 0 ? 0 : n] = '\0';
	is_str(text, "first\n", "... the removed file got nothing more");
	ok(log_sink_dropped(s) == 1, "... and it was counted as dropped");
	close(rfd);

	/* through log_reopen, and what log_sink_spec() showed: the path */
	old = log_set_sink(s);
	errno = 0;
	ok(log_reopen(err, sizeof(err)) == -1 && errno == ENOENT,
	    "log_reopen fails the same way");
	ok(mkdir(dir, 0700) == 0 && log_reopen(err, sizeof(err)) == 0,
	    "once the directory is back, log_reopen succeeds");
	log_sink_write(s, "third\n", 6);
	is_str(slurp(path, text, sizeof(text)), "third\n",
	    "the sink kept its path: a new file there");
	log_sink_close(log_set_sink(old));
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

/* A FIFO as log file: it must never block the open or the writes. */
static void
test_fifo(void)
{
	static char	 buf[1 << 20];
	struct sigaction	 sa, osa;
	struct log_sink	*s, *old;
	char		 path[PATH_MAX], msg[1001], want[1100], err[256];
	size_t		 len = 0, linelen, k;
	uint64_t	 total, lost;
	ssize_t		 n;
	int		 rfd, i, whole;

	path_in(path, "log.fifo");
	ok(mkfifo(path, 0600) == 0, "make a FIFO");
	errno = 0;
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	ok(s == NULL && errno == ENXIO,
	    "a FIFO nobody reads fails to open instead of blocking");
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	if (!ok(rfd != -1 && s != NULL, "a FIFO with a reader opens")) {
		close(rfd);
		return;
	}
	old = log_set_sink(s);
	log_info("through the fifo");
	n = read(rfd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	expect(want, sizeof(want), "info", "through the fifo");
	ok(stamp_ok(buf) && strncmp(buf + 30, want, strlen(want)) == 0 &&
	    strcmp(buf + 30 + strlen(want), "\n") == 0,
	    "a line goes through the FIFO");

	/* nobody reads: the FIFO fills, and lines drop, whole */
	memset(msg, 'f', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	total = log_dropped();
	for (i = 0; i < 10000 && log_sink_dropped(s) == 0; i++)
		log_info("%s", msg);
	lost = log_sink_dropped(s);
	ok(lost > 0 && log_dropped() == total + lost,
	    "a full FIFO drops lines without blocking (%d sent)", i);
	while (len < sizeof(buf) &&
	    (n = read(rfd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	linelen = 30 + strlen(expect(want, sizeof(want), "info", msg)) + 1;
	whole = len % linelen == 0 && len / linelen == (size_t)i - lost;
	for (k = 0; whole && k < len; k += linelen)
		whole = stamp_ok(buf + k) && buf[k + linelen - 1] == '\n' &&
		    memchr(buf + k, '\n', linelen - 1) == NULL;
	ok(whole, "every line that made it is whole (%zu bytes)", len);

	/* the reader left: EPIPE, and SIGPIPE ignored as the daemon does */
	close(rfd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &osa);
	errno = EDOM;
	log_info("nobody reads");
	ok(errno == EDOM && log_sink_dropped(s) == lost + 1,
	    "a FIFO whose reader left drops the line");
	sigaction(SIGPIPE, &osa, NULL);
	log_sink_close(log_set_sink(old));
}

/*
 * One event is one write(2), whatever its length: a SOCK_SEQPACKET
 * socket as stderr keeps the boundary of every write as a record.
 */
static void
test_one_write(void)
{
	char	 rec[LOG_LINE_MAX * 2], big[LOG_LINE_MAX + 1000], want[256];
	ssize_t	 n;
	int	 sv[2], saved;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		ok(1, "# SKIP no SOCK_SEQPACKET: %s", strerror(errno));
		return;
	}
	saved = dup(STDERR_FILENO);
	dup2(sv[0], STDERR_FILENO);
	log_set_sink(NULL);

	log_info("one record");
	n = recv(sv[1], rec, sizeof(rec) - 1, MSG_DONTWAIT);
	rec[n < 0 ? 0 : n] = '\0';
	expect(want, sizeof(want), "info", "one record");
	ok(n > 30 && stamp_ok(rec) && strncmp(rec + 30, want,
	    strlen(want)) == 0 && strcmp(rec + 30 + strlen(want), "\n") == 0,
	    "a line is one write(2)");

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	errno = ENOENT;
	log_warn("%s", big);
	n = recv(sv[1], rec, sizeof(rec), MSG_DONTWAIT);
	ok(n == LOG_LINE_MAX - 1 && rec[n - 1] == '\n' &&
	    memchr(rec, '\n', (size_t)n - 1) == NULL && rec[n - 2] == 'y',
	    "a long line is one write(2) too, cut to %d bytes, newline kept",
	    LOG_LINE_MAX - 1);
	ok(recv(sv[1], rec, sizeof(rec), MSG_DONTWAIT) == -1 &&
	    errno == EAGAIN, "... and nothing else was written");

	dup2(saved, STDERR_FILENO);
	close(saved);
	close(sv[0]);
	close(sv[1]);
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
	s = log_sink_open("/dev/null", LOG_DAEMON, (uid_t)-1, (gid_t)-1,
	    NULL, 0);
	old = log_set_sink(s);
	ok(old == NULL && log_set_sink(NULL) == s,
	    "setting NULL gives back the sink that was set");
	log_sink_close(s);
	log_info("back on stderr");
	is_str(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "back on stderr"),
	    "... and NULL restores the default");
	log_sink_close(log_sink_stderr());
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

/* Run fn in a child, turning its reports into test lines. */
static void
in_child(void (*fn)(int), const char *what)
{
	char	 line[LOG_LINE_MAX + 256];
	FILE	*in;
	pid_t	 pid;
	int	 p[2], status;

	if (pipe(p) == -1 || (pid = fork()) == -1) {
		ok(0, "pipe and fork for the %s child", what);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	if ((in = fdopen(p[0], "r")) != NULL) {
		while (fgets(line, sizeof(line), in) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			ok(line[0] == '1', "%s", line + 2);
		}
		fclose(in);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the %s child exits cleanly", what);
}

/*
 * stderr may be a pipe to a supervisor that stopped reading; it is not
 * ours to make non-blocking.  Fill a blocking pipe: a line must drop,
 * not hang the daemon (the alarm turns a hang into a failure).
 */
static void
stderr_child(int out)
{
	char		 buf[4096], want[256];
	uint64_t	 before = log_sink_dropped(log_sink_stderr());
	uint64_t	 total = log_dropped();
	ssize_t		 n;
	int		 p[2], fl;

	memset(buf, 'p', sizeof(buf));
	if (pipe(p) == -1 || (fl = fcntl(p[1], F_GETFL)) == -1 ||
	    fcntl(p[1], F_SETFL, fl | O_NONBLOCK) == -1) {
		report(out, 0, "make a pipe: %s", strerror(errno));
		return;
	}
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	while (write(p[1], buf, 1) > 0)
		;
	report(out, errno == EAGAIN && fcntl(p[1], F_SETFL, fl) == 0,
	    "fill a blocking pipe and make it stderr");
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	log_set_sink(NULL);
	alarm(10);

	errno = EDOM;
	log_info("nobody reads stderr");
	report(out, errno == EDOM &&
	    log_sink_dropped(log_sink_stderr()) == before + 1 &&
	    log_dropped() == total + 1,
	    "a full stderr pipe drops the line instead of blocking");
	report(out, log_sink_write(log_sink_stderr(), "x\n", 2) == -1,
	    "... and so does log_sink_write");

	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	log_info("drained");
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	expect(want, sizeof(want), "info", "drained");
	report(out, stamp_ok(buf) && strncmp(buf + 30, want,
	    strlen(want)) == 0, "once drained, lines flow again");

	close(p[0]);
	signal(SIGPIPE, SIG_IGN);	/* as the daemon does */
	log_info("the reader is gone");
	report(out, log_sink_dropped(log_sink_stderr()) == before + 3,
	    "a stderr pipe without a reader drops the line");
	alarm(0);
}

static void
test_stderr_blocking(void)
{
	in_child(stderr_child, "stderr");
}

/*
 * A write that the disk cuts short must not leave a fragment that the
 * next line is glued to.  An RLIMIT_FSIZE just past the end of the file
 * makes write(2) short as a full disk does (SIGXFSZ ignored: it comes
 * only for a write that starts at the limit).
 */
static void
torn_child(int out)
{
	struct log_sink	*s;
	struct rlimit	 rl;
	struct stat	 st;
	char		 path[PATH_MAX], before[4096], text[4096], err[256];
	char		 got[4096], want[256], lines[sizeof(before) + 16];
	uint64_t	 total;
	size_t		 size;

	signal(SIGXFSZ, SIG_IGN);
	path_in(path, "torn.log");
	s = log_sink_open(path, LOG_DAEMON, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err));
	if (s == NULL) {
		report(out, 0, "%s", err);
		return;
	}
	log_set_sink(s);
	log_info("a whole line");
	size = strlen(slurp(path, before, sizeof(before)));
	total = log_dropped();
	if (getrlimit(RLIMIT_FSIZE, &rl) == -1 || rl.rlim_max < size + 16) {
		report(out, 1, "# SKIP RLIMIT_FSIZE: hard limit too low");
		return;
	}
	rl.rlim_cur = size + 10;
	report(out, setrlimit(RLIMIT_FSIZE, &rl) == 0,
	    "limit the file to 10 bytes more (%zu)", size + 10);

	errno = EDOM;
	log_info("a line longer than ten bytes");
	report(out, errno == EDOM, "a short write keeps errno");
	report(out, log_sink_dropped(s) == 1 && log_dropped() == total + 1,
	    "the line cut short is dropped and counted");
	if (stat(path, &st) == -1)
		st.st_size = -1;
	report(out, (size_t)st.st_size == size &&
	    strcmp(slurp(path, text, sizeof(text)), before) == 0,
	    "its fragment is cut away (%lld bytes)", (long long)st.st_size);
	report(out, log_sink_write(s, "fits\n", 5) == 0,
	    "a line that fits is still written");
	report(out, log_sink_write(s, "0123456789\n", 11) == -1 &&
	    log_sink_write(s, "1234\n", 5) == 0,
	    "log_sink_write cuts too; a line up to the limit fits");
	log_info("beyond the limit");
	report(out, log_sink_dropped(s) == 3 && log_dropped() == total + 2,
	    "a write at the limit fails and is dropped");
	snprintf(lines, sizeof(lines), "%sfits\n1234\n", before);
	report(out, strcmp(slurp(path, text, sizeof(text)), lines) == 0,
	    "the file holds whole lines only");

	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_FSIZE, &rl);
	log_info("room again");
	report(out, strcmp(last_logged(path, got, sizeof(got)),
	    expect(want, sizeof(want), "info", "room again")) == 0,
	    "with room again, the next line is whole: %s", got);
	report(out, strncmp(slurp(path, text, sizeof(text)), before,
	    size) == 0 && strncmp(text + size, "fits\n1234\n", 10) == 0 &&
	    stamp_ok(text + size + 10) && text[strlen(text) - 1] == '\n',
	    "and follows the last whole line");
	log_sink_close(log_set_sink(NULL));
}

static void
test_torn_line(void)
{
	in_child(torn_child, "torn-line");
}

/*
 * Give this process its own empty /dev, so that a fake syslogd can own
 * /dev/log.  As root a mount namespace is enough; otherwise try a user
 * namespace in which we are root.  On failure *step says what failed.
 */
static int
private_dev(const char **step)
{
	char	 map[64];
	uid_t	 uid = geteuid();
	gid_t	 gid = getegid();
	int	 fd;

	if (unshare(CLONE_NEWNS) == -1) {
		*step = "a user and mount namespace";
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
	/* EINVAL in a chroot, whose "/" is no mount point */
	*step = "making / private";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	*step = "a tmpfs on /dev";
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

/* "<PRI>Mmm dd hh:mm:ss mydaemon[PID]: msg"; msg NULL: any. */
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
	n = snprintf(want, sizeof(want), "mydaemon[%ld]: %s", (long)getpid(),
	    msg != NULL ? msg : "");
	if (msg == NULL)
		return strncmp(p + 16, want, (size_t)n) == 0;
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

/* A message longer than a line: one datagram, cut, with no newline. */
static void
syslog_long(int out, int rfd)
{
	char	 big[LOG_LINE_MAX + 1000], got[LOG_LINE_MAX * 2];
	size_t	 n;

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	n = strlen(syslogd_recv(rfd, got, sizeof(got)));
	report(out, syslog_ok(got, 158, NULL) && n <= LOG_LINE_MAX &&
	    n > LOG_LINE_MAX - 100 && got[n - 1] == 'z' &&
	    strchr(got, '\n') == NULL,
	    "a long message is one datagram, cut, no newline (%zu bytes)", n);
	report(out, *syslogd_recv(rfd, got, sizeof(got)) == '\0',
	    "... and only one");
}

static void
syslog_child(int out)
{
	struct log_sink	*s, *old;
	char		 got[LOG_LINE_MAX];
	int		 rfd, e;

	s = log_sink_open("syslog", LOG_LOCAL3, (uid_t)-1, (gid_t)-1, NULL, 0);
	report(out, s != NULL, "syslog opens before /dev/log exists");
	old = log_set_sink(s);
	log_info("nobody listens");
	report(out, log_sink_dropped(s) == 1, "no /dev/log: line dropped");
	report(out, (rfd = syslogd_start()) != -1, "start a fake syslogd");

	errno = EDOM;
	log_warnx("hello\tworld");
	e = errno;
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 156,
	    "hello\\x09world"), "next line connects, local3.warning: %s", got);
	report(out, e == EDOM, "sending to syslog keeps errno");
	log_sink_write(s, "GET / 200\n", 10);
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 158,
	    "GET / 200"), "log_sink_write sends at info: %s", got);
	log_errx("bad");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 155,
	    "bad"), "error: %s", got);
	log_set_level(LOG_DEBUG);
	log_debug("dbg");
	report(out, syslog_ok(syslogd_recv(rfd, got, sizeof(got)), 159,
	    "dbg"), "debug: %s", got);
	log_set_level(LOG_INFO);
	syslog_long(out, rfd);

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
	log_sink_close(log_set_sink(old));
}

static void
syslog_main(int out)
{
	const char	*step;

	if (private_dev(&step) == -1)
		report(out, 1, "# SKIP no private /dev: %s: %s", step,
		    strerror(errno));
	else
		syslog_child(out);
}

static void
test_syslog(void)
{
	struct log_sink	*s;

	s = log_sink_open("syslog", LOG_DAEMON, (uid_t)-1, (gid_t)-1, NULL, 0);
	ok(s != NULL, "a syslog sink opens");
	if (access("/dev/log", F_OK) == -1)
		ok(log_sink_write(s, "x\n", 2) == -1 &&
		    log_sink_dropped(s) == 1, "no /dev/log: lines are dropped");
	else
		ok(1, "# SKIP /dev/log exists: not writing to the real one");
	ok(log_sink_reopen(s, NULL, 0) == 0, "reopening syslog succeeds");
	log_sink_close(s);
	in_child(syslog_main, "syslog");
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
	test_timestamp();
	test_file_create();
	test_open_errors();
	test_links();
	test_main_log();
	test_warn_err();
	test_level_filter();
	test_fork_pid();
	test_dev_full();
	test_reopen_rotate();
	test_reopen_failure();
	test_root_owner();
	test_fifo();
	test_one_write();
	test_stderr();
	test_stderr_blocking();
	test_torn_line();
	test_syslog();

	if (tap_failed == 0)
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# left %s for inspection\n", tmpdir);
	return done_testing();
}
