/*
 * test_pidfile.c - the locked pidfile, exercised with real processes:
 * a POSIX lock never conflicts with its own process, so every "someone
 * else" below is a forked child.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/pidfile.h"
#include "tap.h"

static char dir[] = "/tmp/test_pidfile.XXXXXX";
static char path[256];

/*
 * Read a file from a child: closing any descriptor of the pidfile in this
 * process would drop this process's lock (the POSIX-lock trap that the
 * daemon itself must avoid too).
 */
static void
slurp(const char *p, char *buf, size_t size)
{
	int pp[2], fd, st;
	ssize_t n;
	char tmp[64];

	if (pipe(pp) == -1)
		return;
	if (fork() == 0) {
		fd = open(p, O_RDONLY);
		n = fd == -1 ? 0 : read(fd, tmp, sizeof(tmp));
		if (n > 0 && write(pp[1], tmp, (size_t)n) != n)
			_exit(1);
		_exit(0);
	}
	close(pp[1]);
	n = read(pp[0], buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(pp[0]);
	wait(&st);
}

static void
spit(const char *p, const char *text)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd == -1 || write(fd, text, strlen(text)) < 0)
		perror(p);
	close(fd);
}

/* Run fn in a child; its exit status is the answer. */
static int
in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
child_query(void)
{
	pid_t pid;

	return pidfile_query(path, &pid) == PIDFILE_RUNNING &&
	    pid == getppid() ? 0 : 1;
}

static int
child_second_open(void)
{
	char err[128], want[64];
	pid_t other;
	struct pidfile *pf = pidfile_open(path, 0, &other, err, sizeof(err));

	snprintf(want, sizeof(want), "already running (pid %ld)",
	    (long)getppid());
	return pf == NULL && errno == EEXIST && other == getppid() &&
	    strcmp(err, want) == 0 ? 0 : 1;
}

static int
child_remove_stale(void)
{
	return pidfile_remove_stale(path, NULL) == -1 && errno == EBUSY ? 0 : 1;
}

int
main(void)
{
	struct pidfile *pf;
	struct stat st;
	char buf[64], want[64], err[256], link[300];
	pid_t pid, other;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/test.pid", dir);
	umask(077);

	ok(pidfile_query(path, &pid) == PIDFILE_STOPPED,
	    "a missing pidfile means stopped");
	pf = pidfile_open(path, 0, &other, err, sizeof(err));
	ok(pf != NULL, "pidfile_open creates and locks a new file");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "mode is 0644 even under umask 077");
	ok(pidfile_write(pf) == 0, "pidfile_write succeeds");
	slurp(path, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	is_str(buf, want, "the file holds \"PID\\n\"");
	ok(pidfile_write(pf) == 0, "writing twice does not append");
	slurp(path, buf, sizeof(buf));
	is_str(buf, want, "still exactly one line");
	ok(in_child(child_query) == 0,
	    "another process sees it running, with our pid from the lock");
	ok(in_child(child_second_open) == 0,
	    "a second instance gets EEXIST and \"already running (pid N)\"");
	slurp(path, buf, sizeof(buf));
	is_str(buf, want, "the failed second instance left the file alone");
	ok(in_child(child_remove_stale) == 0,
	    "remove_stale refuses a locked file with EBUSY");
	ok(access(path, F_OK) == 0, "and the file is still there");
	pidfile_remove(pf);
	ok(access(path, F_OK) == -1 && errno == ENOENT,
	    "pidfile_remove unlinks the file");

	spit(path, "999999\n");
	ok(pidfile_query(path, &pid) == PIDFILE_DEAD && pid == 0,
	    "an unlocked non-empty file means dead (status 1)");
	spit(path, "");
	ok(pidfile_query(path, &pid) == PIDFILE_STOPPED,
	    "an unlocked empty file means stopped cleanly (status 3)");
	spit(path, "1\n");
	pf = pidfile_open(path, 0, &other, err, sizeof(err));
	ok(pf != NULL && pidfile_write(pf) == 0,
	    "a stale file naming a live process (init) is taken over");
	slurp(path, buf, sizeof(buf));
	is_str(buf, want, "and now holds our pid");
	pidfile_close(pf);
	ok(access(path, F_OK) == 0, "pidfile_close leaves the file");
	ok(pidfile_remove_stale(path, NULL) == 0 && access(path, F_OK) == -1,
	    "remove_stale removes an unlocked file");
	ok(pidfile_remove_stale(path, NULL) == 0,
	    "remove_stale of a missing file is not an error");

	snprintf(link, sizeof(link), "%s/link.pid", dir);
	spit(path, "");
	ok(symlink(path, link) == 0, "made a symlink");
	pf = pidfile_open(link, 0, &other, err, sizeof(err));
	ok(pf == NULL && errno == ELOOP, "a symlinked pidfile is refused");
	ok(strstr(err, "cannot lock pidfile") != NULL, "with a reason: %s",
	    err);
	ok(pidfile_query(link, &pid) == PIDFILE_UNKNOWN,
	    "query through a symlink is unknown (status 4)");
	unlink(link);
	unlink(path);
	snprintf(link, sizeof(link), "%s/no/such/dir.pid", dir);
	ok(pidfile_open(link, 0, &other, err, sizeof(err)) == NULL &&
	    errno == ENOENT, "a missing directory fails: %s", err);
	rmdir(dir);
	return done_testing();
}
