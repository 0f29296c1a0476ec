/*
 * check_sched.c - scheduling the checks and keeping their state (see check.h).
 *
 * Each check has a timer for its next start, one interval after the
 * previous start.  When it fires and a slot is free, the check starts;
 * when all max_parallel_checks slots are taken it waits in a queue, and
 * a check whose turn comes again while it is still running or waiting
 * skips that turn (counted).  A finished run frees its slot for the
 * first one waiting.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/check_depends.h"
#include "checks/check_grace.h"
#include "checks/check_private.h"
#include "checks/check_run.h"
#include "config/config.h"
#include "checks/health.h"
#include "checks/hook.h"
#include "log/log.h"
#include "base/loop.h"

#define MAX(a, b)	((a) > (b) ? (a) : (b))

void
check_sched_init(void (*changed)(void))
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("cannot become the reaper of check processes");
	ck.changed = changed;
	check_run_init();
}

/* What a probe check needs, made at its first run (a command's never). */
static struct probe *
new_probe(struct check *c)
{
	struct probe *p;

	if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	probe_init(p, &c->run);
	p->exited = check_sched_exited;
	p->arg = c;
	return p;
}

/* A probe's run: no process, no slot; over at once or in the loop. */
static void
start_probe(struct check *c)
{
	if (c->probe == NULL && (c->probe = new_probe(c)) == NULL) {
		log_warn("check %s: cannot start", c->name);
		return;
	}
	free(c->run_command);
	c->run_command = strdup(c->conf->command);
	c->pushes_at_start = c->pushes;
	c->skips = 0;
	c->probing = 1;
	if (probe_start(c->probe, c->conf))
		check_sched_done(&c->run);
}

static void
start(struct check *c)
{
	if (check_depends_blocked(c))	/* it began to wait in the queue */
		return;
	if (c->conf->kind != CONFIG_COMMAND) {
		start_probe(c);
		return;
	}
	if (check_run_start(&c->run, c->conf->argv, NULL,
	    c->conf->timeout_ms) == -1) {
		log_warn("check %s: cannot start", c->name);
		return;
	}
	free(c->run_command);
	c->run_command = strdup(c->conf->command);
	c->pushes_at_start = c->pushes;
	c->skips = 0;
	ck.running++;
	log_debug("check %s started (pid %ld): %s", c->name,
	    (long)c->run.pid, c->conf->command);
}

static void
enqueue(struct check *c)
{
	c->waiting = 1;
	c->next_waiting = NULL;
	if (ck.wait_tail != NULL)
		ck.wait_tail->next_waiting = c;
	else
		ck.wait_head = c;
	ck.wait_tail = c;
}

static void
dequeue(struct check *c)
{
	struct check **pp, *prev = NULL;

	for (pp = &ck.wait_head; *pp != NULL; prev = *pp,
	    pp = &(*pp)->next_waiting) {
		if (*pp != c)
			continue;
		*pp = c->next_waiting;
		if (ck.wait_tail == c)
			ck.wait_tail = prev;
		break;
	}
	c->waiting = 0;
}

/* Free slots go to the checks waiting, first come first served. */
void
check_sched_start_waiting(void)
{
	struct check *c;

	while (ck.running < ck.max_running && (c = ck.wait_head) != NULL) {
		dequeue(c);
		start(c);
	}
}

void
check_sched_tick(struct loop_timer *t)
{
	struct check *c = t->arg;

	if (c->conf->pushed)
		return;		/* nothing to run: results are pushed */
	loop_timer_set(t, c->conf->interval_ms);
	if (check_depends_blocked(c))
		return;
	if (c->run.pid != 0 || c->waiting ||
	    (c->probe != NULL && c->probe->busy)) {
		c->st.skipped++;
		if (c->skips++ == 0)
			log_warnx("check %s: still %s after its interval: this "
			    "run is skipped", c->name, c->waiting ?
			    "waiting for a slot (max_parallel_checks)" :
			    "running");
		else
			log_debug("check %s: run skipped (%u in a row)",
			    c->name, c->skips);
		return;
	}
	if (c->conf->kind != CONFIG_COMMAND || ck.running < ck.max_running)
		start(c);
	else
		enqueue(c);
}

/* The process a process probe watches has exited: look again now. */
void
check_sched_exited(struct probe *p)
{
	struct check *c = p->arg;

	if (c->conf->kind != CONFIG_PROCESS || p->busy ||
	    check_depends_blocked(c))
		return;
	log_debug("check %s: the process it watches exited", c->name);
	start_probe(c);
}

/* Keep this run's output, text and performance data in the check. */
static void
keep_result(struct check *c, const struct check_run *r)
{
	static char arena[3 * CHECK_OUTPUT_MAX + 1];
	struct perf_item items[PERFDATA_MAX];
	size_t n, i, used = 0;

	free(c->output);
	free(c->perf);
	free(c->arena);
	c->perf = NULL;
	c->arena = NULL;
	if ((c->output = r->outlen > 0 ? malloc(r->outlen + 1) : NULL) != NULL)
		memcpy(c->output, r->out, r->outlen);
	n = perfdata_parse(r->out, r->outlen, items, PERFDATA_MAX, arena,
	    sizeof(arena));
	/* The strings went to one scratch arena: keep only what is used. */
	for (i = 0; i < n; i++) {
		used = MAX(used, (size_t)(items[i].label - arena) +
		    strlen(items[i].label) + 1);
		if (items[i].unit >= arena && items[i].unit < arena +
		    sizeof(arena))
			used = MAX(used, (size_t)(items[i].unit - arena) +
			    strlen(items[i].unit) + 1);
	}
	if (n > 0 && ((c->perf = malloc(n * sizeof(*c->perf))) == NULL ||
	    (c->arena = malloc(used)) == NULL)) {
		free(c->perf);
		c->perf = NULL;
		n = 0;
	}
	if (n > 0)
		memcpy(c->arena, arena, used);
	for (i = 0; i < n; i++) {
		c->perf[i] = items[i];
		c->perf[i].label = c->arena + (items[i].label - arena);
		if (items[i].unit >= arena && items[i].unit < arena +
		    sizeof(arena))
			c->perf[i].unit = c->arena + (items[i].unit - arena);
	}
	c->st.output = r->outlen == 0 ? "" : c->output;
	c->st.output_len = c->output != NULL ? r->outlen : 0;
	c->st.perf = c->perf;
	c->st.nperf = n;
}

/* One more result in its history: a run's time, or a push's now. */
static void
keep_history(struct check *c, const struct check_run *r, int flags)
{
	struct check_history_result h;

	h.time = flags & CHECK_RESULT_NO_RUN ? loop_wallclock() : r->started;
	h.state = (int)r->result;
	h.duration = flags & CHECK_RESULT_NO_RUN ? 0 : r->duration;
	h.exit_code = r->exit_code;
	if (check_history_add(&c->st.history, c->conf->history, &h) == -1)
		log_warnx("check %s: out of memory for its history", c->name);
}

static void
log_change(const struct check *c, enum health_state was, int first)
{
	void (*say)(const char *, ...) __attribute__((format(printf, 1, 2))) =
	    health_rank(c->st.state) > health_rank(was) ? log_warnx :
	    log_notice;
	const char *sep = c->text[0] != '\0' ? ": " : "";

	say("check %s: %s%s%s%s%s", c->name, first ? "" : health_name(was),
	    first ? "" : " -> ", health_name(c->st.state), sep, c->text);
}

/* Is pid a check's process that is running (for check_run_sweep)? */
static int
is_running(pid_t pid)
{
	size_t i;

	for (i = 0; i < ck.n; i++)
		if (ck.v[i]->run.pid == pid)
			return 1;
	return hook_owns(pid);
}

void
check_sched_result(struct check *c, const struct check_run *r,
    char *command, int flags)
{
	enum health_state was;
	/* The first result of a check, or of its new command, is taken as
	   it is, whatever rise and fall say. */
	int first = !c->st.ran || c->st.previous;

	check_depends_lift(c);		/* the result goes to its own state */
	was = c->st.state;
	keep_result(c, r);
	free(c->command);
	c->command = command;
	c->st.command = c->command;
	c->st.result = r->result;
	c->st.exit_code = r->exit_code;
	if (!(flags & CHECK_RESULT_NO_RUN)) {
		c->st.started = r->started;
		c->st.duration = r->duration;
		c->st.runs++;
	}
	c->st.timeouts += (uint64_t)r->timed_out;
	if (flags & CHECK_RESULT_FORCE)
		c->streak = 0;
	c->st.state = health_next_state(c->st.state, r->result, &c->streak,
	    c->conf->rise, c->conf->fall, first || (flags &
	    CHECK_RESULT_FORCE));
	if (c->st.state == r->result)
		(void)check_text(c, r->text);
	if (first || c->st.state != was || c->st.since == 0)
		c->st.since = loop_wallclock();
	keep_history(c, r, flags);
	c->st.ran = 1;
	c->st.pending = 0;
	c->st.previous = 0;
	log_debug("check %s finished: %s in %.3f s%s%s", c->name,
	    health_name(r->result), r->duration, r->text[0] ? ": " : "",
	    r->text);
	if (first || c->st.state != was)
		log_change(c, was, first);
	/*
	 * The hook runs for a change only: the start-up's "no check result
	 * yet" is unknown, so a first result runs it unless unknown; a
	 * restart's carried-over states are no change (check_set_seed).
	 */
	if (c->st.state != was)
		hook_changed(&c->conf->on_change, c->name,
		    health_name(c->st.state), health_name(was), c->text,
		    strlen(c->text));
}

void
check_sched_done(struct check_run *r)
{
	struct check *c = r->arg;
	int probing = c->probing;

	c->probing = 0;
	if (!probing)
		ck.running--;
	if (c->pushes != c->pushes_at_start) {
		/* A result pushed while it ran is the newer one. */
		log_debug("check %s: run ignored, a result was pushed while "
		    "it ran", c->name);
		free(c->run_command);
	} else
		check_sched_result(c, r, c->run_command, 0);
	c->run_command = NULL;
	if (!probing) {
		check_run_sweep(is_running);
		check_sched_start_waiting();
	}
	check_sched_settled(c);
}

/* After any result (a run's, a push's, a ttl's): grace, dependants. */
void
check_sched_settled(struct check *c)
{
	check_grace_result(c);
	check_depends_eval();
	if (ck.changed != NULL)
		ck.changed();
}

/* Stop whatever the check is doing: its run, its place in the queue. */
void
check_sched_halt(struct check *c)
{
	if (c->run.pid != 0) {
		check_run_abort(&c->run);
		ck.running--;
	}
	if (c->probe != NULL && c->probe->busy)
		probe_abort(c->probe);
	c->probing = 0;
	if (c->waiting)
		dequeue(c);
}

void
check_sched_reap(void)
{
	pid_t pid;
	size_t i;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (hook_reaped(pid, status)) {
			check_run_sweep(is_running);	/* what it left */
			continue;
		}
		for (i = 0; i < ck.n; i++)
			if (check_run_reaped(&ck.v[i]->run, pid, status))
				break;
	}
}

void
check_sched_shutdown(void)
{
	size_t i;

	for (i = 0; i < ck.n; i++) {
		loop_timer_cancel(&ck.v[i]->tick);
		if (ck.v[i]->run.pid != 0)
			log_notice("killing the running check %s (pid %ld)",
			    ck.v[i]->name, (long)ck.v[i]->run.pid);
		check_sched_halt(ck.v[i]);
		/* nor does a watched process's exit start a run now */
		if (ck.v[i]->probe != NULL)
			probe_forget(ck.v[i]->probe);
	}
	hook_shutdown();
	check_run_sweep(is_running);
}

