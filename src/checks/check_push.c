/*
 * check_push.c - pushed results (SPEC 20, see check.h): a result handed
 * in by a local job becomes a check's result as a run's does (the same
 * check_sched_result()), and a check that takes only pushed results
 * turns CRITICAL when its ttl passes without one.
 *
 * The ttl is one loop timer per such check, armed from the time the
 * last result was pushed (the pusher's clock, recorded in its file: a
 * result kept from before a reboot may be stale at once), or from when
 * the check was made when none came yet: nothing polls.  The expiry
 * sets CRITICAL at once, whatever `fall` says (the ttl is the grace);
 * the results pushed after it go through rise and fall as runs do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/loop.h"
#include "checks/check.h"
#include "checks/check_private.h"
#include "checks/check_run.h"
#include "log/log.h"

#define SEC	((uint64_t)1000)

static void	expired(struct loop_timer *t);

void
check_push_init(struct check *c)
{
	c->born = loop_wallclock();
	if (c->conf->pushed)
		(void)check_text(c, "no result yet");
}

/* A duration as the configuration would say it: 26h, 90m, 1500ms. */
static void
duration_text(char *buf, size_t size, uint64_t ms)
{
	if (ms % (3600 * SEC) == 0)
		snprintf(buf, size, "%" PRIu64 "h", ms / (3600 * SEC));
	else if (ms % (60 * SEC) == 0)
		snprintf(buf, size, "%" PRIu64 "m", ms / (60 * SEC));
	else if (ms % SEC == 0)
		snprintf(buf, size, "%" PRIu64 "s", ms / SEC);
	else
		snprintf(buf, size, "%" PRIu64 "ms", ms);
}

/* Only pushed results and none for a ttl: CRITICAL, no rise or fall. */
static void
expired(struct loop_timer *t)
{
	struct check *c = t->arg;
	struct check_run r;
	char out[64], ttl[32], text[CHECK_TEXT_MAX];

	duration_text(ttl, sizeof(ttl), c->conf->ttl_ms);
	snprintf(out, sizeof(out), "no result for %s", ttl);
	memset(&r, 0, sizeof(r));
	r.result = HEALTH_CRITICAL;
	r.exit_code = -1;
	r.out = out;
	r.outlen = strlen(out);
	r.text = text;
	snprintf(text, sizeof(text), "%s", out);
	c->expired = 1;
	check_sched_result(c, &r, strdup(c->conf->command),
	    CHECK_RESULT_FORCE | CHECK_RESULT_NO_RUN);
	check_sched_settled(c);
}

/* The ttl timer from the last push (or the check's birth), or none. */
void
check_push_arm(struct check *c)
{
	double base, left;

	c->st.pushed = c->conf->pushed;
	if (!c->conf->pushed || c->conf->ttl_ms == 0 || c->expired) {
		if (c->ttl != NULL)
			loop_timer_cancel(c->ttl);
		return;
	}
	if (c->ttl == NULL) {
		if ((c->ttl = calloc(1, sizeof(*c->ttl))) == NULL) {
			log_warnx("check %s: out of memory, no ttl", c->name);
			return;
		}
		c->ttl->cb = expired;
		c->ttl->arg = c;
	}
	base = c->pushed_at > 0 ? c->pushed_at : c->born;
	left = base + (double)c->conf->ttl_ms / SEC - loop_wallclock();
	loop_timer_set(c->ttl, left <= 0 ? 0 : (uint64_t)(left * SEC) + 1);
}

int
check_push_takes(const char *name)
{
	struct check *c = check_list_find(name);

	return c == NULL ? -1 : c->conf->ttl_ms > 0;
}

int
check_push_apply(const char *name, const struct check_push *p)
{
	struct check *c = check_list_find(name);
	struct check_run r;
	char text[CHECK_TEXT_MAX];
	double now = loop_wallclock();
	/* A clock ahead of ours must not put the ttl off for ever. */
	double when = p->when < now ? p->when : now;

	if (c == NULL || c->conf->ttl_ms == 0) {
		errno = c == NULL ? ENOENT : EINVAL;
		return -1;
	}
	if (p->ino != 0 && p->dev == c->push_dev && p->ino == c->push_ino)
		return 0;
	if (when < c->pushed_at) {
		errno = ESTALE;
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.out = (char *)(uintptr_t)p->text;	/* only read */
	r.outlen = p->len < CHECK_OUTPUT_MAX ? p->len : CHECK_OUTPUT_MAX;
	r.started = when;
	/* As a plugin that exited with the status and printed the text. */
	r.text = text;
	r.result = check_run_judge((int)p->state << 8, 0, 0, r.out, r.outlen,
	    &r.exit_code, text, sizeof(text));
	c->pushes++;
	c->pushed_at = when;
	c->push_dev = p->dev;
	c->push_ino = p->ino;
	c->expired = 0;
	log_debug("check %s: result pushed at %.3f", c->name, when);
	check_sched_result(c, &r, strdup(c->conf->command), 0);
	check_push_arm(c);
	check_sched_settled(c);
	return 1;
}
