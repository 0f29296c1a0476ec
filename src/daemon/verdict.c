/*
 * verdict.c - what the running daemon says of its state (see
 * verdict.h): the snapshot every answer is rendered from, the verdict it
 * logs and tells systemd when it changes, and the start-up's wait for
 * the checks' first results.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/build.h"
#include "base/loop.h"
#include "checks/check.h"
#include "checks/hook.h"
#include "config/config.h"
#include "daemon/activation.h"
#include "daemon/daemon_opts.h"
#include "daemon/daemon_private.h"
#include "daemon/drains.h"
#include "daemon/notify.h"
#include "daemon/proc.h"
#include "daemon/verdict.h"
#include "log/log.h"
#include "log/log_sink.h"
#include "report/health_render.h"
#include "server/listener.h"
#include "server/server.h"

#define FIRST_WAIT_MAX_MS	5000

static struct daemon	*dm;

void
verdict_init(struct daemon *d)
{
	dm = d;
}

/* The snapshot /health, /status and /metrics are rendered from. */
void
verdict_fill(struct snapshot *snap, int what)
{
	struct hook_counters hc;

	snap->version = MYDAEMON_VERSION;
	snap->host = dm->host;
	snap->pid = dm->st.pid;
	snap->start_time = dm->start_time;
	snap->now = loop_wallclock();
	snap->config_file = dm->opts->conffile;
	snap->generation = dm->st.generation;
	snap->maint_config = dm->cfg->maintenance;
	snap->maint_drain = dm->drain.drained;
	/* A drain says since when and why; the config only since when. */
	snap->maint_since = dm->drain.drained ? dm->drain.since :
	    dm->cfg->maintenance ? dm->config_time : 0;
	snap->maint_reason = dm->drain.drained && dm->drain.reason[0] != '\0' ?
	    dm->drain.reason : NULL;
	snap->maint_status = dm->cfg->maintenance_status;
	snap->shutting_down = dm->shutdown_draining;
	drains_fill(snap);
	check_set_list(&snap->checks, &snap->nchecks, &snap->checks_running);
	snap->names_in_text = !(snap->nchecks == 1 &&
	    strcmp(snap->checks[0]->name, "main") == 0);
	/* SPEC 22 sets it from the config: until then, always shown. */
	snap->health_details = 1;
	snap->reloads_ok = dm->st.reload_ok;
	snap->reloads_failed = dm->st.reload_failed;
	snap->log_reopens = dm->st.reopens;
	snap->log_reopen_failed = dm->st.reopen_failed;
	/* Lines lost by the main log and by every access log so far. */
	snap->log_dropped = log_dropped() + dm->access_dropped +
	    log_sink_dropped(dm->access);
	server_counters(&snap->connections, &snap->requests,
	    snap->requests_by_code);
	hook_counters(&hc);
	snap->hook_ok = hc.ok;
	snap->hook_failed = hc.failed;
	snap->hook_timeout = hc.timeout;
	snap->hook_dropped = hc.dropped;
	if (what & ANSWER_PROCESS)
		proc_read(&snap->proc);
}

/* systemctl status shows the verdict. */
static void
notify_status_health(const char *state, const struct buf *text)
{
	char line[300];

	snprintf(line, sizeof(line), "health: %s%s%.250s", state,
	    text->len > 0 && !text->failed ? ": " : "",
	    text->len > 0 && !text->failed ? text->data : "");
	notify_status(line);
}

/* systemctl status shows the verdict as it is now. */
void
verdict_announce(void)
{
	struct snapshot snap;
	struct buf text = { 0 };
	const char *state;

	memset(&snap, 0, sizeof(snap));
	verdict_fill(&snap, 0);
	(void)health_render_effective(&snap, NULL, &state);
	health_render_summary(&snap, NULL, &text);
	notify_status_health(state, &text);
	buf_free(&text);
}

/*
 * At start-up (not a restart's, which has the old results) the first
 * requests wait for the first results of every check, at most the
 * longest check timeout and FIRST_WAIT_MAX_MS: the probe that woke a
 * socket-activated daemon gets the real verdict, not "no result yet".
 * The connections wait in the backlog, unread.
 */
static void
on_first_timeout(struct loop_timer *t)
{
	(void)t;
	listener_hold(0);
	server_hold_health(0);
}

void
verdict_first_done(void)
{
	loop_timer_cancel(&dm->first_timer);
	on_first_timeout(&dm->first_timer);
}

void
verdict_wait_first(void)
{
	uint64_t ms = 0;
	size_t i;

	if (activation()->takeover != 0 || dm->cfg->nchecks == 0 ||
	    dm->cfg->maintenance || dm->drain.drained)
		return;
	for (i = 0; i < dm->cfg->nchecks; i++)
		if (dm->cfg->checks[i].timeout_ms > ms &&
		    !dm->cfg->checks[i].pushed)	/* no run to wait for */
			ms = dm->cfg->checks[i].timeout_ms;
	if (ms == 0)
		return;
	listener_hold(1);
	server_hold_health(1);
	dm->first_timer.cb = on_first_timeout;
	loop_timer_set(&dm->first_timer, ms < FIRST_WAIT_MAX_MS ? ms :
	    FIRST_WAIT_MAX_MS);
}

/* Has every check a first result, or does it wait for another? */
static int
all_ran(const struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->nchecks; i++)
		if (!snap->checks[i]->ran && !snap->checks[i]->pushed &&
		    snap->checks[i]->waiting_for == NULL)
			return 0;
	return 1;
}

/* The host's verdict changed (a check, maintenance): say so once. */
void
verdict_changed(void)
{
	struct snapshot snap;
	struct buf text = { 0 };
	const char *state, *was = dm->verdict;
	int code;

	answer_invalidate();	/* /health may say something else now */
	memset(&snap, 0, sizeof(snap));
	verdict_fill(&snap, 0);
	if (loop_timer_armed(&dm->first_timer) && all_ran(&snap))
		verdict_first_done();
	code = health_render_effective(&snap, NULL, &state);
	if (was != NULL && strcmp(was, state) == 0)
		return;
	dm->verdict = state;
	if (was == NULL)
		return;		/* the first verdict is no change */
	health_render_summary(&snap, NULL, &text);
	notify_status_health(state, &text);
	hook_changed(NULL, "", state, was, text.len > 0 && !text.failed ?
	    text.data : "", text.failed ? 0 : text.len);
	if (code == 200 && strcmp(state, "warning") != 0)
		log_notice("health: %s -> %s%s%s", was, state,
		    text.len ? ": " : "", text.len ? text.data : "");
	else
		log_warnx("health: %s -> %s%s%s", was, state,
		    text.len ? ": " : "", text.len ? text.data : "");
	buf_free(&text);
}
