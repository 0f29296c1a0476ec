/*
 * check.c - scheduling the checks and keeping their state (see check.h).
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

#include "check.h"
#include "checkrun.h"
#include "config.h"
#include "health.h"
#include "log.h"
#include "loop.h"

#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define SPREAD_MS	5	/* between first starts ... */
#define SPREAD_MAX_MS	1000	/* ... all of them within a second */

struct check {
	struct check_status	 st;		/* what the endpoints show */
	char			 name[CONFIG_NAME_MAX + 1];
	const struct config_check *conf;	/* in the current config */
	struct checkrun		 run;
	char			*run_command;	/* of the run going on */
	struct loop_timer	 tick;		/* the next start */
	struct check		*next_waiting;
	int			 waiting;
	unsigned int		 streak;	/* for rise/fall */
	unsigned int		 skips;		/* turns skipped in a row */
	/* what st points to */
	char			*command, *output;
	char			 text[CHECK_TEXT_MAX];
	struct perf_item	*perf;
	char			*arena;
};

static struct {
	struct check			**v;
	const struct check_status	**view;	/* &v[i]->st, for snapshots */
	size_t				  n;
	struct check			 *wait_head, *wait_tail;
	unsigned int			  running, max_running;
	void				(*changed)(void);
	int				  configured;
	int				  said_none;	/* "no check" logged */
} ck;

static void	on_tick(struct loop_timer *);
static void	on_done(struct checkrun *);

void
check_init(void (*changed)(void))
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("cannot become the reaper of check processes");
	ck.changed = changed;
}

static void
start(struct check *c)
{
	if (checkrun_start(&c->run, c->conf->argv, c->conf->timeout_ms) ==
	    -1) {
		log_warn("check %s: cannot start", c->name);
		return;
	}
	free(c->run_command);
	c->run_command = strdup(c->conf->command);
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
static void
start_waiting(void)
{
	struct check *c;

	while (ck.running < ck.max_running && (c = ck.wait_head) != NULL) {
		dequeue(c);
		start(c);
	}
}

static void
on_tick(struct loop_timer *t)
{
	struct check *c = t->arg;

	loop_timer_set(t, c->conf->interval_ms);
	if (c->run.pid != 0 || c->waiting) {
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
	if (ck.running < ck.max_running)
		start(c);
	else
		enqueue(c);
}

/* Keep this run's output, text and performance data in the check. */
static void
keep_result(struct check *c, const struct checkrun *r)
{
	static char arena[3 * CHECK_OUTPUT_MAX + 1];
	struct perf_item items[PERFDATA_MAX];
	size_t n, i, used = 0;

	free(c->output);
	free(c->perf);
	free(c->arena);
	c->perf = NULL;
	c->arena = NULL;
	if ((c->output = malloc(r->outlen + 1)) != NULL)
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
	c->st.output = c->output;
	c->st.output_len = c->output != NULL ? r->outlen : 0;
	c->st.perf = c->perf;
	c->st.nperf = n;
}

static void
log_change(const struct check *c, enum health_state was, int first)
{
	int worse = health_rank(c->st.state) > health_rank(was);
	const char *sep = c->text[0] != '\0' ? ": " : "";

	if (first && worse)
		log_warnx("check %s: %s%s%s", c->name,
		    health_name(c->st.state), sep, c->text);
	else if (first)
		log_notice("check %s: %s%s%s", c->name,
		    health_name(c->st.state), sep, c->text);
	else if (worse)
		log_warnx("check %s: %s -> %s%s%s", c->name, health_name(was),
		    health_name(c->st.state), sep, c->text);
	else
		log_notice("check %s: %s -> %s%s%s", c->name, health_name(was),
		    health_name(c->st.state), sep, c->text);
}

/* Is pid a check's process that is running (for checkrun_sweep)? */
static int
is_running(pid_t pid)
{
	size_t i;

	for (i = 0; i < ck.n; i++)
		if (ck.v[i]->run.pid == pid)
			return 1;
	return 0;
}

static void
on_done(struct checkrun *r)
{
	struct check *c = r->arg;
	enum health_state was = c->st.state;
	/* The first result of a check, or of its new command, is taken as
	   it is, whatever rise and fall say. */
	int first = !c->st.ran || c->st.previous;

	ck.running--;
	keep_result(c, r);
	free(c->command);
	c->command = c->run_command;
	c->run_command = NULL;
	c->st.command = c->command;
	c->st.result = r->result;
	c->st.exit_code = r->exit_code;
	c->st.started = r->started;
	c->st.duration = r->duration;
	c->st.runs++;
	c->st.timeouts += (uint64_t)r->timed_out;
	c->st.state = health_next_state(c->st.state, r->result, &c->streak,
	    c->conf->rise, c->conf->fall, first);
	if (c->st.state == r->result)
		snprintf(c->text, sizeof(c->text), "%s", r->text);
	c->st.ran = 1;
	c->st.pending = 0;
	c->st.previous = 0;
	log_debug("check %s finished: %s in %.3f s%s%s", c->name,
	    health_name(r->result), r->duration, r->text[0] ? ": " : "",
	    r->text);
	if (first || c->st.state != was)
		log_change(c, was, first);
	checkrun_sweep(is_running);
	start_waiting();
	if (ck.changed != NULL)
		ck.changed();
}

/* Stop whatever the check is doing: its run, its place in the queue. */
static void
halt(struct check *c)
{
	if (c->run.pid != 0) {
		checkrun_abort(&c->run);
		ck.running--;
	}
	if (c->waiting)
		dequeue(c);
}

static void
destroy(struct check *c)
{
	halt(c);
	loop_timer_cancel(&c->tick);
	free(c->run_command);
	free(c->command);
	free(c->output);
	free(c->perf);
	free(c->arena);
	free(c);
}

static struct check *
create(const struct config_check *conf, int pending)
{
	struct check *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", conf->name);
	snprintf(c->text, sizeof(c->text), "no check result yet");
	c->conf = conf;
	c->st.name = c->name;
	c->st.command = conf->command;
	c->st.state = HEALTH_UNKNOWN;
	c->st.text = c->text;
	c->st.exit_code = -1;
	c->st.pending = pending;
	c->st.affects_health = conf->affects_health;
	c->tick.cb = on_tick;
	c->tick.arg = c;
	c->run.done = on_done;
	c->run.arg = c;
	c->run.pipe.fd = -1;
	return c;
}

static struct check *
find(const char *name)
{
	size_t i;

	for (i = 0; i < ck.n; i++)
		if (ck.v[i] != NULL && strcmp(ck.v[i]->name, name) == 0)
			return ck.v[i];
	return NULL;
}

/* A check kept across a reload takes its new settings. */
static void
update(struct check *c, const struct config_check *conf)
{
	int cmd = strcmp(c->conf->command, conf->command) != 0;

	if (cmd || c->conf->interval_ms != conf->interval_ms ||
	    c->conf->timeout_ms != conf->timeout_ms) {
		halt(c);	/* an old command's run tells nothing now */
		if (cmd && c->st.ran)
			c->st.previous = 1;
		if (!c->st.ran)
			c->st.command = conf->command;
		loop_timer_set(&c->tick, 0);
	}
	c->conf = conf;
	c->st.affects_health = conf->affects_health;
	if (!c->st.ran && !c->st.previous)
		c->st.command = conf->command;
}

void
check_configure(const struct config *cfg)
{
	const struct check_status **view = NULL;
	struct check **v = NULL, *c;
	int initial = !ck.configured;
	uint64_t step, due;
	size_t i, j, k = 0;

	if (cfg->nchecks > 0 &&
	    ((v = calloc(cfg->nchecks, sizeof(*v))) == NULL ||
	    (view = calloc(cfg->nchecks, sizeof(*view))) == NULL)) {
		log_warnx("checks: out of memory, keeping the old ones");
		free(v);
		return;
	}
	/* At start-up the first runs go a few ms apart, not all at once. */
	step = cfg->nchecks * SPREAD_MS > SPREAD_MAX_MS ?
	    SPREAD_MAX_MS / cfg->nchecks : SPREAD_MS;
	for (i = 0; i < cfg->nchecks; i++) {
		const struct config_check *conf = &cfg->checks[i];

		if ((c = find(conf->name)) != NULL) {
			for (j = 0; j < ck.n; j++)	/* it stays */
				if (ck.v[j] == c)
					ck.v[j] = NULL;
			update(c, conf);
		} else if ((c = create(conf, !initial)) != NULL) {
			due = initial ? i * step : 0;
			loop_timer_set(&c->tick, due < conf->interval_ms ? due :
			    conf->interval_ms);
		} else {
			log_warnx("check %s: out of memory", conf->name);
			continue;
		}
		v[k] = c;
		view[k++] = &c->st;
	}
	for (j = 0; j < ck.n; j++) {
		if (ck.v[j] == NULL)
			continue;
		log_info("check %s removed", ck.v[j]->name);
		destroy(ck.v[j]);
	}
	free(ck.v);
	free(ck.view);
	ck.v = v;
	ck.view = view;
	ck.n = k;
	ck.max_running = cfg->max_parallel_checks;
	ck.configured = 1;
	start_waiting();
	if (k == 0 && !ck.said_none)
		log_notice("no check is configured: nothing is checked, "
		    "/health answers ok unless in maintenance");
	ck.said_none = k == 0;
	if (!initial && ck.changed != NULL)
		ck.changed();
}

void
check_reap(void)
{
	pid_t pid;
	size_t i;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < ck.n; i++)
			if (checkrun_reaped(&ck.v[i]->run, pid, status))
				break;
}

void
check_shutdown(void)
{
	size_t i;

	for (i = 0; i < ck.n; i++) {
		loop_timer_cancel(&ck.v[i]->tick);
		if (ck.v[i]->run.pid != 0)
			log_notice("killing the running check %s (pid %ld)",
			    ck.v[i]->name, (long)ck.v[i]->run.pid);
		halt(ck.v[i]);
	}
	checkrun_sweep(is_running);
}

void
check_seed(const struct check_seed *seeds, size_t n)
{
	struct check *c;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct check_seed *s = &seeds[i];

		if ((c = find(s->name)) == NULL || c->st.ran ||
		    strcmp(c->conf->command, s->command) != 0 ||
		    (c->command = strdup(s->command)) == NULL)
			continue;
		c->st.command = c->command;
		c->st.state = health_clamp(s->state);
		c->st.result = health_clamp(s->result);
		c->st.exit_code = s->exit_code;
		c->st.runs = s->runs;
		c->st.timeouts = s->timeouts;
		c->st.skipped = s->skipped;
		c->st.started = s->started;
		c->st.duration = s->duration;
		snprintf(c->text, sizeof(c->text), "%s", s->text);
		c->st.ran = 1;
	}
}

void
check_list(const struct check_status *const **checks, size_t *n,
    unsigned int *running)
{
	*checks = ck.view;
	*n = ck.n;
	*running = ck.running;
}
