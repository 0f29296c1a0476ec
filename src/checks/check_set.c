/*
 * check_set.c - the set of checks: made from the config at start-up,
 * matched by name on reload (a kept check keeps its state, a new one
 * starts at once, a removed one is stopped), seeded from the state file
 * of the daemon this one replaces, and listed for the endpoints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/check_depends.h"
#include "checks/check_grace.h"
#include "checks/check_private.h"
#include "checks/health.h"
#include "checks/hook.h"
#include "log/log.h"
#include "base/loop.h"

#define SPREAD_MS	5	/* between first starts ... */
#define SPREAD_MAX_MS	1000	/* ... all of them within a second */

static void
destroy(struct check *c)
{
	check_sched_halt(c);
	if (c->probe != NULL)
		probe_forget(c->probe);
	free(c->probe);
	loop_timer_cancel(&c->tick);
	check_depends_forget(c);
	check_grace_forget(c);
	if (c->ttl != NULL)
		loop_timer_cancel(c->ttl);
	free(c->ttl);
	free(c->run_command);
	free(c->command);
	free(c->output);
	free(c->perf);
	free(c->arena);
	check_history_free(&c->st.history);
	free(c->text);
	free(c);
}

static struct check *
create(const struct config_check *conf, int pending)
{
	struct check *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (check_text(c, "no check result yet") == -1) {
		free(c);
		return NULL;
	}
	c->name = conf->name;
	c->conf = conf;
	c->st.name = c->name;
	c->st.command = conf->command;
	c->st.state = HEALTH_UNKNOWN;
	c->st.text = c->text;
	c->st.exit_code = -1;
	c->st.since = loop_wallclock();
	c->st.pending = pending;
	c->st.affects_health = conf->affects_health;
	c->tick.cb = check_sched_tick;
	c->tick.arg = c;
	c->run.done = check_sched_done;
	c->run.arg = c;
	c->run.pipe.fd = -1;
	check_push_init(c);
	return c;
}

/* A check kept across a reload takes its new settings. */
static void
update(struct check *c, const struct config_check *conf)
{
	int cmd = !config_check_same(c->conf, conf);

	if (cmd || c->conf->interval_ms != conf->interval_ms ||
	    c->conf->timeout_ms != conf->timeout_ms) {
		/* an old command's run tells nothing now */
		check_sched_halt(c);
		if (cmd && c->probe != NULL) {
			probe_forget(c->probe);
			free(c->probe);
			c->probe = NULL;
		}
		if (cmd && c->st.ran)
			c->st.previous = 1;
		if (!c->st.ran)
			c->st.command = conf->command;
		loop_timer_set(&c->tick, 0);
	}
	if (cmd)	/* another command's results are not its own */
		check_history_free(&c->st.history);
	else if (check_history_resize(&c->st.history, conf->history) == -1)
		log_warnx("check %s: out of memory, its history is kept at "
		    "%u results", c->name, (unsigned int)c->st.history.cap);
	c->conf = conf;
	c->name = c->st.name = conf->name;	/* the old config goes */
	c->st.affects_health = conf->affects_health;
	check_grace_update(c);
	if (!c->st.ran && !c->st.previous)
		c->st.command = conf->command;
}

/*
 * The check for conf, the i-th of the new config: the one of that name,
 * kept (and taken off the old list), or a new one whose first run is due
 * at once after a reload and a few ms after the one before at start-up.
 */
static struct check *
keep_or_create(const struct config_check *conf, size_t i, int initial,
    uint64_t step)
{
	struct check *c;
	uint64_t due;
	size_t j;

	if ((c = check_list_find(conf->name)) != NULL) {
		for (j = 0; j < ck.n; j++)
			if (ck.v[j] == c)
				ck.v[j] = NULL;
		update(c, conf);
	} else if ((c = create(conf, !initial)) != NULL) {
		due = initial ? i * step : 0;
		loop_timer_set(&c->tick, due < conf->interval_ms ? due :
		    conf->interval_ms);
		check_grace_begin(c, !initial);
	} else
		log_warnx("check %s: out of memory", conf->name);
	return c;
}

void
check_set_configure(const struct config *cfg)
{
	const struct check_status **view = NULL;
	struct check **v = NULL, *c;
	int initial = !ck.configured;
	uint64_t step;
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
		if ((c = keep_or_create(&cfg->checks[i], i, initial,
		    step)) == NULL)
			continue;
		v[k] = c;
		view[k++] = &c->st;
	}
	for (j = 0; j < ck.n; j++) {	/* what is left was removed */
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
	hook_configure(cfg);
	check_depends_configure();
	for (i = 0; i < k; i++)
		check_push_arm(v[i]);
	check_sched_start_waiting();
	if (k == 0 && !ck.said_none)
		log_notice("no check is configured: nothing is checked, "
		    "/health answers ok unless in maintenance");
	ck.said_none = k == 0;
	if (!initial && ck.changed != NULL)
		ck.changed();
}

void
check_set_seed(const struct check_seed *seeds, size_t n)
{
	struct check *c;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct check_seed *s = &seeds[i];

		if ((c = check_list_find(s->name)) == NULL || c->st.ran ||
		    strcmp(c->conf->command, s->command) != 0 ||
		    (c->command = strdup(s->command)) == NULL)
			continue;
		check_depends_lift(c);
		c->st.command = c->command;
		c->st.state = health_clamp(s->state);
		c->st.result = health_clamp(s->result);
		c->st.exit_code = s->exit_code;
		c->st.runs = s->runs;
		c->st.timeouts = s->timeouts;
		c->st.skipped = s->skipped;
		c->st.started = s->started;
		c->st.duration = s->duration;
		c->st.since = s->since > 0 ? s->since : c->st.since;
		for (j = 0; j < s->nhistory; j++)
			(void)check_history_add_entry(&c->st.history,
			    c->conf->history, &s->history[j]);
		(void)check_text(c, s->text);
		c->st.ran = 1;
		check_grace_seeded(c);
	}
	check_depends_eval();
}

void
check_set_list(const struct check_status *const **checks, size_t *n,
    unsigned int *running)
{
	*checks = ck.view;
	*n = ck.n;
	*running = ck.running;
}
