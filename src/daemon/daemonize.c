/*
 * daemonize.c - becoming a daemon, the SysV way (see daemonize.h).
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/build.h"
#include "daemon/daemonize.h"
#include "log/log.h"
#include "daemon/signals.h"

extern char	**environ;

static char	safe_path[] = "PATH=" MYDAEMON_SAFE_PATH;
static int	ready_fd = -1;		/* write end, in the daemon */
static int	log_opened;

static void
open_std_fds(void)
{
	int fd;

	/* A closed 0-2 would be reused by the next open(): fill them. */
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

/* Every descriptor from `first` up. */
static void
close_inherited(int first)
{
	DIR *d;
	struct dirent *de;
	int fd, dfd;

#ifdef HAVE_CLOSE_RANGE
	if (close_range((unsigned int)first, ~0U, 0) == 0)
		return;
#endif
	if ((d = opendir("/proc/self/fd")) == NULL) {
		for (fd = first; fd < sysconf(_SC_OPEN_MAX) && fd < 65536;
		    fd++)
			close(fd);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (fd >= first && fd != dfd)
			close(fd);
	}
	closedir(d);
}

/*
 * The kernel shows /proc/PID/environ from the original block on the
 * stack, which clearenv() does not touch: wipe the strings themselves,
 * then start an environment of our own.  (Re-executing with a clean
 * environment would work too, but loops under tools that add variables
 * to every exec, such as valgrind's LD_PRELOAD.)
 */
static void
clean_environment(void)
{
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		explicit_bzero(*e, strlen(*e));
	clearenv();
	putenv(safe_path);
}

void
daemonize_sanitize(int keep)
{
	open_std_fds();
	close_inherited(3 + keep);
	signals_reset();
	clean_environment();
}

/* The starter: wait for the daemon's word, then leave. */
static noreturn void
await_ready(int fd, pid_t child)
{
	char msg[1024];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(msg) - 1 &&
	    ((n = read(fd, msg + len, sizeof(msg) - 1 - len)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	waitpid(child, NULL, 0);
	if (len == 1 && msg[0] == '\0')
		_exit(0);
	if (len >= 1 && msg[0] == '\1') {
		msg[len] = '\0';
		fprintf(stderr, "mydaemon: %s\n", msg + 1);
		_exit(0);
	}
	if (len == 0) {
		fprintf(stderr, "mydaemon: the daemon exited during start-up"
		    " (see its log)\n");
		_exit(1);
	}
	msg[len] = '\0';
	fprintf(stderr, "mydaemon: %s\n", msg);
	_exit(1);
}

static void
stdio_to_null(void)
{
	int fd;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		daemonize_fatalx("cannot open /dev/null: %s", strerror(errno));
	if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
		daemonize_fatalx("cannot redirect stdio: %s", strerror(errno));
	if (fd > 2)
		close(fd);
}

void
daemonize_detach(int log_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1) {
		fprintf(stderr, "mydaemon: pipe: %s\n", strerror(errno));
		exit(1);
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "mydaemon: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		await_ready(p[0], pid);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() == -1)
		daemonize_fatalx("setsid: %s", strerror(errno));
	/* The session leader leaves: the daemon can never get a tty. */
	if ((pid = fork()) == -1)
		daemonize_fatalx("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	stdio_to_null();
	/* A restart's new process logs where the old one did. */
	if (log_fd != -1 && (dup2(log_fd, STDOUT_FILENO) == -1 ||
	    dup2(log_fd, STDERR_FILENO) == -1 || close(log_fd) == -1))
		daemonize_fatalx("cannot keep the log stream: %s",
		    strerror(errno));
	daemonize_foreground();
}

void
daemonize_foreground(void)
{
	umask(027);
	if (chdir("/") == -1)
		daemonize_fatalx("chdir /: %s", strerror(errno));
}

void
daemonize_ready(void)
{
	char ok = '\0';

	if (ready_fd == -1)
		return;
	if (write(ready_fd, &ok, 1) != 1)
		log_warn("cannot report readiness");
	close(ready_fd);
	ready_fd = -1;
}

void
daemonize_log_opened(void)
{
	log_opened = 1;
}

/* Hand a message to the starter, which prints it and exits with code. */
static noreturn void
tell_starter(int code, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t len;

	msg[0] = '\1';
	vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap);
	if (code != 0 && log_opened)
		log_errx("%s", msg + 1);
	if (ready_fd != -1) {
		/* The leading \1 tells the starter "exit 0 after printing". */
		len = strlen(msg + (code != 0));
		if (write(ready_fd, msg + (code != 0), len) != (ssize_t)len)
			log_warn("cannot report to the starting process");
		/*
		 * Not closed here: the kernel closes it when this process is
		 * gone (after the atexit clean-up), and only then does the
		 * starter see EOF and exit, so nothing of ours is left.
		 */
	} else
		fprintf(stderr, "mydaemon: %s\n", msg + 1);
	exit(code);
}

noreturn void
daemonize_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tell_starter(1, fmt, ap);
}

noreturn void
daemonize_exit_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tell_starter(0, fmt, ap);
}
