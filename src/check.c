/*
 * check.c - the check runner (see check.h).
 *
 * A run is: fork; in the child a new process group, default signals,
 * stdin /dev/null, stdout and stderr into a non-blocking pipe, no other
 * descriptor, an environment of PATH and LANG=C, exec without a shell.
 * The parent reads the pipe from the loop (keeping the first 4 KiB and
 * dropping the rest, so a chatty check never blocks on a full pipe), and
 * learns of the exit from SIGCHLD.  A timeout sends TERM to the whole
 * group and KILL shortly after, so grandchildren that ignore TERM die
 * too; as child subreaper the daemon reaps them as well.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "daemonize.h"
#include "log.h"
#include "loop.h"
#include "signals.h"

#define KILL_GRACE_MS	500
#define TEXT_MAX	512	/* /health shows at most 200 bytes of it */

static struct {
	const struct config	*cfg;
	struct loop_timer	 next;		/* the next start */
	struct loop_timer	 deadline;	/* timeout, then KILL grace */
	struct loop_io		 pipe;
	pid_t			 pid;		/* running check, 0 if none */
	int			 timed_out;
	struct timespec		 t0;		/* monotonic start */
	double			 started;	/* Unix time of the start */
	char			 out[CHECK_OUTPUT_MAX];
	size_t			 outlen;

	/* the last finished run */
	int			 ran;
	int			 exit_code;
	enum health_state	 result;
	char			 last_out[CHECK_OUTPUT_MAX];
	size_t			 last_outlen;
	double			 last_started, last_duration;
	char			*last_command;
	uint64_t		 runs, timeouts, skipped;

	/* the health state, after rise/fall */
	enum health_state	 health;
	char			 text[TEXT_MAX];
	unsigned int		 streak;
} ck = { .pipe = { .fd = -1 } };

static void	start_run(struct loop_timer *);

static int
healthy(enum health_state h)
{
	return h == HEALTH_OK || h == HEALTH_WARNING;
}

enum health_state
check_next_state(enum health_state cur, enum health_state result,
    unsigned int *streak, unsigned int rise, unsigned int fall, int first)
{
	if (first || healthy(result) == healthy(cur)) {
		*streak = 0;
		return result;
	}
	if (++*streak < (healthy(result) ? rise : fall))
		return cur;
	*streak = 0;
	return result;
}

void
check_init(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("cannot become the reaper of check processes");
	ck.next.cb = start_run;
	ck.health = HEALTH_UNKNOWN;
	snprintf(ck.text, sizeof(ck.text), "no check result yet");
}

static void
close_pipe(void)
{
	if (ck.pipe.fd == -1)
		return;
	loop_del(&ck.pipe);
	close(ck.pipe.fd);
	ck.pipe.fd = -1;
}

/* Read what the check wrote: keep the first 4 KiB, drop the rest. */
static void
on_output(struct loop_io *io, uint32_t events)
{
	char drop[4096];
	ssize_t n;

	(void)events;
	for (;;) {
		if (ck.outlen < sizeof(ck.out))
			n = read(io->fd, ck.out + ck.outlen,
			    sizeof(ck.out) - ck.outlen);
		else
			n = read(io->fd, drop, sizeof(drop));
		if (n > 0 && ck.outlen < sizeof(ck.out))
			ck.outlen += (size_t)n;
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN)
			close_pipe();
		return;
	}
}

static void
child(const struct config *cfg, int out)
{
	char *env[] = { DAEMONIZE_PATH, "LANG=C", NULL };
	int null;

	setpgid(0, 0);
	signals_reset();
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(127);
	closefrom(3);
	execvpe(cfg->check_argv[0], cfg->check_argv, env);
	dprintf(1, "cannot execute %s: %s\n", cfg->check_argv[0],
	    strerror(errno));
	_exit(127);
}

static void
on_deadline(struct loop_timer *t)
{
	if (ck.pid == 0)
		return;
	if (!ck.timed_out) {
		ck.timed_out = 1;
		log_warnx("check timed out after %llu ms, killing its process "
		    "group", (unsigned long long)ck.cfg->check_timeout_ms);
		kill(-ck.pid, SIGTERM);
		loop_timer_set(t, KILL_GRACE_MS + 1);
	} else
		kill(-ck.pid, SIGKILL);
}

static void
start_run(struct loop_timer *t)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (ck.cfg == NULL || ck.cfg->check_argv == NULL)
		return;
	loop_timer_set(t, ck.cfg->check_interval_ms);
	if (ck.pid != 0) {
		ck.skipped++;
		log_warnx("check still running after check_interval: "
		    "skipping this run");
		return;
	}
	/* Only our end is non-blocking: the check writes as it pleases. */
	if (pipe2(p, O_CLOEXEC) == -1 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		log_warn("check: pipe");
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		return;
	}
	if ((pid = fork()) == -1) {
		log_warn("check: fork");
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0)
		child(ck.cfg, p[1]);
	setpgid(pid, pid);	/* both sides: no race with kill(-pid) */
	close(p[1]);
	ck.pid = pid;
	ck.timed_out = 0;
	ck.outlen = 0;
	ck.started = loop_wallclock();
	clock_gettime(CLOCK_MONOTONIC, &ck.t0);
	ck.pipe.fd = p[0];
	ck.pipe.cb = on_output;
	loop_add(&ck.pipe, EPOLLIN);
	ck.deadline.cb = on_deadline;
	/* +1: the loop's clock is in whole ms; never fire early. */
	loop_now_fresh();
	loop_timer_set(&ck.deadline, ck.cfg->check_timeout_ms + 1);
	free(ck.last_command);
	ck.last_command = strdup(ck.cfg->check_command);
	log_debug("check started (pid %ld): %s", (long)pid,
	    ck.cfg->check_command);
}

void
check_configure(const struct config *cfg)
{
	int had = ck.cfg != NULL && ck.cfg->check_argv != NULL;

	ck.cfg = cfg;
	if (cfg->check_argv == NULL) {
		loop_timer_cancel(&ck.next);
		return;
	}
	if (!had)			/* first start, or newly configured */
		loop_timer_set(&ck.next, 0);
	else if (loop_timer_armed(&ck.next) &&
	    ck.next.due_ms > loop_now() + cfg->check_interval_ms)
		loop_timer_set(&ck.next, cfg->check_interval_ms);
}

/* The first line of the output, without Nagios performance data. */
static void
first_line(char *dst, size_t size, const char *out, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < size && out[n] != '\n' && out[n] != '|')
		n++;
	memcpy(dst, out, n);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t' ||
	    dst[n - 1] == '\r'))
		n--;
	dst[n] = '\0';
}

/* Turn a wait status into a Nagios result and the text /health shows. */
static enum health_state
judge(int status, char *text, size_t size)
{
	char line[TEXT_MAX / 2];
	int code;

	first_line(line, sizeof(line), ck.out, ck.outlen);
	ck.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (ck.timed_out) {
		snprintf(text, size, "check timed out after %llu ms",
		    (unsigned long long)ck.cfg->check_timeout_ms);
		return HEALTH_UNKNOWN;
	}
	if (WIFSIGNALED(status)) {
		snprintf(text, size, "check killed by signal %d",
		    WTERMSIG(status));
		return HEALTH_UNKNOWN;
	}
	code = ck.exit_code;
	if (code >= 0 && code <= 3) {
		snprintf(text, size, "%s", line);
		return (enum health_state)code;
	}
	snprintf(text, size, "check exited with code %d%s%s", code,
	    line[0] ? ": " : "", line);
	return HEALTH_UNKNOWN;
}

static void
finish(int status)
{
	char text[TEXT_MAX];
	struct timespec t1;
	enum health_state r;

	on_output(&ck.pipe, 0);		/* what is left in the pipe */
	close_pipe();
	kill(-ck.pid, SIGKILL);		/* stragglers of its group */
	loop_timer_cancel(&ck.deadline);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r = judge(status, text, sizeof(text));
	ck.last_duration = (double)(t1.tv_sec - ck.t0.tv_sec) +
	    (double)(t1.tv_nsec - ck.t0.tv_nsec) / 1e9;
	ck.last_started = ck.started;
	memcpy(ck.last_out, ck.out, ck.outlen);
	ck.last_outlen = ck.outlen;
	ck.result = r;
	ck.runs++;
	ck.timeouts += ck.timed_out;
	ck.health = check_next_state(ck.health, r, &ck.streak,
	    ck.cfg->check_rise, ck.cfg->check_fall, !ck.ran);
	if (ck.health == r)
		snprintf(ck.text, sizeof(ck.text), "%s", text);
	ck.ran = 1;
	ck.pid = 0;
	log_info("check finished: %s in %.3f s%s%s", status_health_name(r),
	    ck.last_duration, text[0] ? ": " : "", text);
}

void
check_reap(void)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == ck.pid)
			finish(status);
}

void
check_shutdown(void)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int i, status;
	pid_t pid;

	loop_timer_cancel(&ck.next);
	if (ck.pid == 0)
		return;
	log_notice("killing the running check (pid %ld)", (long)ck.pid);
	kill(-ck.pid, SIGKILL);
	/* Bounded: reap the group's members, which are ours as subreaper. */
	for (i = 0; i < 100; i++) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == ck.pid)
				ck.pid = 0;
		if (ck.pid == 0 && pid == -1 && errno == ECHILD)
			break;
		nanosleep(&pause, NULL);
	}
	close_pipe();
	loop_timer_cancel(&ck.deadline);
}

void
check_fill(struct status_info *si)
{
	si->has_check = ck.cfg != NULL && ck.cfg->check_argv != NULL;
	if (!si->has_check) {
		si->health = HEALTH_OK;
		si->health_text = NULL;
		return;
	}
	si->health = ck.health;
	si->health_text = ck.text;
	si->check_ran = ck.ran;
	si->check_command = ck.ran ? ck.last_command : ck.cfg->check_command;
	si->check_exit_code = ck.ran ? ck.exit_code : -1;
	si->check_result = ck.result;
	si->check_output = ck.last_out;
	si->check_output_len = ck.last_outlen;
	si->check_started = ck.last_started;
	si->check_duration = ck.last_duration;
	si->check_runs = ck.runs;
	si->check_timeouts = ck.timeouts;
	si->check_skipped = ck.skipped;
}
