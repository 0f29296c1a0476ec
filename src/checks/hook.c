/*
 * hook.c - running the on_change hooks (see hook.h); the jobs and their
 * queue are hook_queue.c's.
 *
 * One check_run is the hooks' single slot.  The next job starts from a
 * timer of 0 ms, not from the end of the last one: check_run calls
 * done() before it lets go of the run.  What a hook forked is killed
 * with its group when it exits, and what left the group is swept by
 * check_sched_reap() as the leftovers of a check are.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/loop.h"
#include "checks/check_run.h"
#include "checks/hook.h"
#include "checks/hook_queue.h"
#include "log/log.h"

static struct {
	struct hook_queue	 q;
	struct check_run	 run;		/* the single slot */
	struct hook_job		*cur;		/* of the run, NULL: none */
	struct loop_timer	 next;		/* start the next job */
	const struct config_hook *global;	/* in the current config */
	uint64_t		 timeout_ms;
	char			 host[256];
	struct hook_counters	 count;
	uint64_t		 burst;		/* dropped since the queue
						   was last empty */
	int			 stopped;
} hk;

static void	start_next(struct loop_timer *t);
static void	run_done(struct check_run *r);

/* For messages: "check NAME" or "the host". */
static const char *
label(const struct hook_job *j, char *buf, size_t size)
{
	if (j->check[0] == '\0')
		return "the host";
	snprintf(buf, size, "check %s", j->check);
	return buf;
}

void
hook_configure(const struct config *cfg)
{
	hk.global = cfg->on_change.argv != NULL ? &cfg->on_change : NULL;
	hk.timeout_ms = cfg->hook_timeout_ms;
	if (gethostname(hk.host, sizeof(hk.host) - 1) == -1)
		snprintf(hk.host, sizeof(hk.host), "localhost");
	hk.run.done = run_done;
	hk.run.what = "on_change hook";
	if (hk.cur == NULL)
		hk.run.pipe.fd = -1;
	hk.next.cb = start_next;
}

void
hook_changed(const struct config_hook *own, const char *check,
    const char *state, const char *previous, const char *text, size_t len)
{
	const struct config_hook *h = own != NULL && own->argv != NULL ?
	    own : hk.global;
	struct hook_change ch;
	struct hook_job *j;

	if (h == NULL || hk.stopped)
		return;
	ch.check = check;
	ch.state = state;
	ch.previous = previous;
	ch.output = text;
	ch.outlen = len;
	ch.host = hk.host;
	ch.since = (long long)loop_wallclock();
	if ((j = hook_job_new(h->argv, &ch)) == NULL) {
		log_warnx("on_change hook for %s%s: out of memory, not run",
		    check[0] ? "check " : "the host", check);
		return;
	}
	if (hook_queue_push(&hk.q, j) && hk.burst++ == 0)
		log_warnx("on_change hooks: %d waiting already, the oldest "
		    "are dropped", HOOK_QUEUE_MAX);
	if (hk.cur == NULL && !loop_timer_armed(&hk.next))
		loop_timer_set(&hk.next, 0);
}

static void
start_next(struct loop_timer *t)
{
	struct hook_job *j;
	char buf[64];

	(void)t;
	while (hk.cur == NULL && (j = hook_queue_pop(&hk.q)) != NULL) {
		if (hk.q.n == 0 && hk.burst > 0) {
			log_warnx("on_change hooks: %llu dropped while the "
			    "queue was full", (unsigned long long)hk.burst);
			hk.burst = 0;
		}
		if (check_run_start(&hk.run, j->argv, j->env,
		    hk.timeout_ms) == -1) {
			log_warn("on_change hook for %s: cannot start",
			    label(j, buf, sizeof(buf)));
			hk.count.failed++;
			hook_job_free(j);
			continue;
		}
		hk.cur = j;
		log_debug("on_change hook for %s started (pid %ld)",
		    label(j, buf, sizeof(buf)), (long)hk.run.pid);
	}
}

static void
run_done(struct check_run *r)
{
	char buf[64];

	if (r->timed_out)
		hk.count.timeout++;	/* check_run said so */
	else if (r->exit_code == 0) {
		hk.count.ok++;
		log_debug("on_change hook for %s done in %.3f s",
		    label(hk.cur, buf, sizeof(buf)), r->duration);
	} else {
		hk.count.failed++;
		if (r->exit_code > 0)
			log_warnx("on_change hook for %s exited with code %d",
			    label(hk.cur, buf, sizeof(buf)), r->exit_code);
		else
			log_warnx("on_change hook for %s: %s",
			    label(hk.cur, buf, sizeof(buf)), r->text);
	}
	hook_job_free(hk.cur);
	hk.cur = NULL;
	if (hk.q.n > 0 && !hk.stopped)
		loop_timer_set(&hk.next, 0);
}

int
hook_owns(pid_t pid)
{
	return hk.cur != NULL && hk.run.pid > 0 && hk.run.pid == pid;
}

int
hook_reaped(pid_t pid, int status)
{
	return hk.cur != NULL && check_run_reaped(&hk.run, pid, status);
}

void
hook_shutdown(void)
{
	size_t n;
	char buf[64];

	hk.stopped = 1;
	loop_timer_cancel(&hk.next);
	if (hk.cur != NULL) {
		log_notice("killing the running on_change hook for %s "
		    "(pid %ld)", label(hk.cur, buf, sizeof(buf)),
		    (long)hk.run.pid);
		check_run_abort(&hk.run);
		hook_job_free(hk.cur);
		hk.cur = NULL;
	}
	if ((n = hook_queue_clear(&hk.q)) > 0)
		log_notice("shutting down: %zu on_change hooks waiting are "
		    "dropped", n);
}

void
hook_counters(struct hook_counters *hc)
{
	*hc = hk.count;
	hc->dropped = hk.q.dropped;
}
