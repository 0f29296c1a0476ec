/*
 * check_run.c - one sandboxed run of a check (see check_run.h).
 *
 * A run ends when the daemon reaps its process (SIGCHLD:
 * check_sched_reap), and its pipe is read then, to the end: a check that
 * writes less than a pipe holds (64 KiB on Linux) costs the daemon no
 * wakeup and no epoll_ctl() of its own.  A run still going after WATCH_MS
 * has its pipe read from the loop, the first 4 KiB kept and the rest
 * dropped, so a chatty check waits on a full pipe that long at most.
 * Processes a check left are found through /proc/PID/task/TID/children,
 * which lists what a process forked even after those children left its
 * group.
 */
#include <sys/epoll.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/build.h"
#include "checks/check_run.h"
#include "checks/check_spawn.h"
#include "log/log.h"
#include "base/loop.h"

#define KILL_GRACE_MS	500
#define WATCH_MS	100	/* a run's pipe is in the loop from then on */
#define TREE_MAX	256	/* descendants killed per walk at most */

char		check_run_text[CHECK_TEXT_MAX];
char *const	check_run_env[] = { "PATH=" MYDAEMON_SAFE_PATH, "LANG=C",
    NULL };

static int	own_fd = -1;	/* the daemon's children file, kept open */

/* The pids in a children file's text; returns how many. */
static size_t
parse_pids(const char *buf, pid_t *out, size_t max)
{
	const char *p;
	char *end;
	size_t n = 0;

	for (p = buf; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

/* The children of pid, from every one of its threads; returns how many. */
static size_t
children(pid_t pid, pid_t *out, size_t max)
{
	char path[320], buf[4096];
	struct dirent *de;
	size_t n = 0;
	ssize_t len;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/children",
		    (long)pid, de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[len > 0 ? len : 0] = '\0';
		n += parse_pids(buf, out + n, max - n);
	}
	closedir(d);
	return n;
}

/*
 * The daemon's own children, after every run: one pread() of the file
 * check_run_init() opened (the daemon has one thread, so its one task
 * forks them all; a read from offset 0 makes the text anew).
 */
static size_t
own_children(pid_t *out, size_t max)
{
	char buf[4096];
	ssize_t len;

	if (own_fd == -1)
		return children(getpid(), out, max);
	len = pread(own_fd, buf, sizeof(buf) - 1, 0);
	buf[len > 0 ? len : 0] = '\0';
	return parse_pids(buf, out, max);
}

void
check_run_init(void)
{
	char path[64];

	if (own_fd != -1)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
	    (long)getpid(), (long)getpid());
	own_fd = open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * Signal pid and everything below it.  The children are listed before
 * the parent is signalled: once it is dead, they are ours and no longer
 * its.  *budget bounds the walk against a fork bomb.
 */
static void
signal_tree(pid_t pid, int sig, int *budget)
{
	pid_t kids[64];
	size_t i, n;

	if (pid <= 1 || (*budget)-- <= 0)
		return;
	n = children(pid, kids, sizeof(kids) / sizeof(kids[0]));
	kill(pid, sig);
	for (i = 0; i < n; i++)
		signal_tree(kids[i], sig, budget);
}

/* The run's group, and whatever of it left the group by setsid(). */
static void
signal_run(struct check_run *r, int sig)
{
	int budget = TREE_MAX;

	if (r->pid <= 0)
		return;
	kill(-r->pid, sig);
	signal_tree(r->pid, sig, &budget);
}

static void
close_pipe(struct check_run *r)
{
	if (r->pipe.fd == -1)
		return;
	if (r->watched)
		loop_del(&r->pipe);
	close(r->pipe.fd);
	r->pipe.fd = -1;
}

/* Read what the check wrote: keep the first 4 KiB, drop the rest. */
static void
on_output(struct loop_io *io, uint32_t events)
{
	struct check_run *r = io->arg;
	char drop[4096];
	ssize_t n;

	(void)events;
	for (;;) {
		if (r->outlen < CHECK_OUTPUT_MAX)
			n = read(io->fd, r->out + r->outlen,
			    CHECK_OUTPUT_MAX - r->outlen);
		else
			n = read(io->fd, drop, sizeof(drop));
		if (n > 0 && r->outlen < CHECK_OUTPUT_MAX)
			r->outlen += (size_t)n;
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN)
			close_pipe(r);
		return;
	}
}

/* The run is over: judge it, clean up, tell the scheduler. */
static void
run_over(struct check_run *r, int status)
{
	if (r->pipe.fd != -1)
		on_output(&r->pipe, 0);	/* what is left in the pipe */
	close_pipe(r);
	/*
	 * Stragglers of its group.  Not the tree: the leader is reaped, its
	 * pid free for reuse; what left the group is ours now, for the
	 * scheduler's check_run_sweep().
	 */
	if (r->pid > 0)
		kill(-r->pid, SIGKILL);
	loop_timer_cancel(&r->deadline);
	r->duration = (double)(loop_now() - r->t0_ms) / 1e3;
	r->text = check_run_text;
	r->result = check_run_judge(status, r->timed_out, r->timeout_ms,
	    r->out, r->outlen, &r->exit_code, r->text, CHECK_TEXT_MAX);
	r->pid = 0;
	r->done(r);
	free(r->out);		/* done() took what it keeps */
	r->out = NULL;
}

static void
on_deadline(struct loop_timer *t)
{
	struct check_run *r = t->arg;

	if (r->pid == -1) {		/* could not execute: over at once */
		run_over(r, 127 << 8);
		return;
	}
	if (r->pid == 0)
		return;
	if (!r->watched) {		/* WATCH_MS: read the pipe from now on */
		uint64_t gone = loop_now() - r->t0_ms;

		r->watched = 1;
		if (r->pipe.fd != -1) {
			loop_add(&r->pipe, EPOLLIN);
			on_output(&r->pipe, 0);
		}
		loop_timer_set(t, gone > r->timeout_ms ? 0 :
		    r->timeout_ms - gone + 1);
		return;
	}
	if (!r->timed_out) {
		r->timed_out = 1;
		log_warnx("%s timed out after %llu ms, killing its process "
		    "group", r->what != NULL ? r->what : "check",
		    (unsigned long long)r->timeout_ms);
		signal_run(r, SIGTERM);
		loop_timer_set(t, KILL_GRACE_MS + 1);
	} else
		signal_run(r, SIGKILL);
}

int
check_run_start(struct check_run *r, char *const argv[], char *const envp[],
    uint64_t timeout_ms)
{
	int p[2] = { -1, -1 }, e;

	if (r->out == NULL && (r->out = malloc(CHECK_OUTPUT_MAX)) == NULL)
		return -1;
	/*
	 * Both ends non-blocking, one system call less: the child makes
	 * its end blocking (check_spawn()), to write as it pleases.
	 */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	r->timeout_ms = timeout_ms;
	r->timed_out = 0;
	r->outlen = 0;
	r->t0_ms = loop_now();
	r->started = loop_wallclock();
	r->deadline.cb = on_deadline;
	r->deadline.arg = r;
	if ((e = check_spawn(&r->pid, argv, envp != NULL ? envp :
	    check_run_env, p[1])) != 0) {
		close(p[0]);
		close(p[1]);
		r->outlen = (size_t)snprintf(r->out, CHECK_OUTPUT_MAX,
		    "cannot execute %s: %s\n", argv[0], strerror(e));
		r->outlen = r->outlen >= CHECK_OUTPUT_MAX ?
		    CHECK_OUTPUT_MAX - 1 : r->outlen;
		r->pid = -1;
		r->pipe.fd = -1;
		loop_timer_set(&r->deadline, 0);
		return 0;
	}
	close(p[1]);
	r->pipe.fd = p[0];
	r->pipe.cb = on_output;
	r->pipe.arg = r;
	r->watched = timeout_ms <= WATCH_MS;
	if (r->watched)
		loop_add(&r->pipe, EPOLLIN);
	/* +1: the loop's clock is in whole ms; never fire early. */
	loop_timer_set(&r->deadline,
	    (r->watched ? timeout_ms : WATCH_MS) + 1);
	return 0;
}

int
check_run_reaped(struct check_run *r, pid_t pid, int status)
{
	if (r->pid <= 0 || pid != r->pid)
		return 0;
	run_over(r, status);
	return 1;
}

void
check_run_abort(struct check_run *r)
{
	signal_run(r, SIGKILL);
	close_pipe(r);
	loop_timer_cancel(&r->deadline);
	r->pid = 0;
	free(r->out);
	r->out = NULL;
}

void
check_run_sweep(int (*running)(pid_t pid))
{
	pid_t kids[256], pg;
	size_t i, n;
	int budget = TREE_MAX;

	n = own_children(kids, sizeof(kids) / sizeof(kids[0]));
	for (i = 0; i < n; i++) {
		if (running(kids[i]))
			continue;
		if ((pg = getpgid(kids[i])) != -1 && running(pg))
			continue;	/* still in a running check's group */
		signal_tree(kids[i], SIGKILL, &budget);
	}
}

/* The first line of the output, without Nagios performance data. */
static void
first_line(char *dst, size_t size, const char *out, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < size && out[n] != '\n' && out[n] != '|' &&
	    out[n] != '\0')
		n++;
	memcpy(dst, out, n);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t' ||
	    dst[n - 1] == '\r'))
		n--;
	dst[n] = '\0';
}

enum health_state
check_run_judge(int status, int timed_out, uint64_t timeout_ms,
    const char *out, size_t outlen, int *exit_code, char *text, size_t size)
{
	char line[CHECK_TEXT_MAX];
	int code;

	first_line(line, sizeof(line) - 64, out, outlen);
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (timed_out) {
		snprintf(text, size, "check timed out after %llu ms",
		    (unsigned long long)timeout_ms);
		return HEALTH_UNKNOWN;
	}
	if (WIFSIGNALED(status)) {
		snprintf(text, size, "check killed by signal %d",
		    WTERMSIG(status));
		return HEALTH_UNKNOWN;
	}
	code = *exit_code;
	if (code >= 0 && code <= 3) {
		snprintf(text, size, "%s", line);
		return (enum health_state)code;
	}
	snprintf(text, size, "check exited with code %d%s%s", code,
	    line[0] ? ": " : "", line);
	return HEALTH_UNKNOWN;
}
