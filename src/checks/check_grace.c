/*
 * check_grace.c - start_grace (see check_grace.h): a slow service does
 * not fail the host while it starts.
 *
 * From the daemon's start, or the reload that adds the check, until its
 * state is first ok or start_grace has passed, the check is pending:
 * /health does not count it and /health/NAME answers "pending" with its
 * last result.  It takes its results and goes through rise/fall as ever;
 * only what they count for is held back.  A timer ends the grace, so the
 * real state applies at its end, not at the next run.
 *
 * A reload never starts a grace again for a check it keeps; a changed
 * start_grace moves the end of one going on.  A restart's hand-over
 * gives no result of a pending check, so the new process starts that
 * check's grace over; a check it has a result of had seen its grace
 * out, and has none again.
 */
#include <stdlib.h>

#include "checks/check_depends.h"
#include "checks/check_grace.h"
#include "checks/check_private.h"
#include "checks/health.h"
#include "log/log.h"
#include "base/loop.h"

/*
 * Over: counted from now on.  A check new since a reload stays pending
 * until its first result all the same (check.h).
 */
static void
over(struct check *c)
{
	c->grace->in_grace = 0;
	loop_timer_cancel(&c->grace->end);
	if (c->st.ran || !c->grace->reload)
		c->st.pending = 0;
}

static void
on_end(struct loop_timer *t)
{
	struct check *c = t->arg;
	int held = c->st.pending && c->st.ran;

	over(c);
	if (held)
		log_warnx("check %s: start_grace over without an ok result: "
		    "%s%s%s", c->name, health_name(c->st.state),
		    c->st.text[0] != '\0' ? ": " : "", c->st.text);
	else
		log_info("check %s: start_grace over", c->name);
	check_depends_eval();
	if (ck.changed != NULL)
		ck.changed();
}

void
check_grace_begin(struct check *c, int reload)
{
	struct check_grace *g = c->grace;

	if (c->conf->start_grace_ms == 0)
		return;
	if (g == NULL && (g = calloc(1, sizeof(*g))) == NULL) {
		log_warnx("check %s: out of memory, no start_grace", c->name);
		return;
	}
	c->grace = g;
	g->end.cb = on_end;
	g->end.arg = c;
	g->in_grace = 1;
	g->reload = reload;
	g->start = loop_now();
	c->st.pending = 1;
	loop_timer_set(&g->end, c->conf->start_grace_ms);
}

void
check_grace_update(struct check *c)
{
	uint64_t now = loop_now(), end;

	if (c->grace == NULL || !c->grace->in_grace)
		return;
	end = c->grace->start + c->conf->start_grace_ms;
	if (end > now) {
		loop_timer_set(&c->grace->end, end - now);
		return;
	}
	over(c);
	log_info("check %s: start_grace over (shortened by the reload)",
	    c->name);
}

void
check_grace_result(struct check *c)
{
	if (c->grace == NULL || !c->grace->in_grace)
		return;
	if (health_clamp(c->st.state) != HEALTH_OK) {
		c->st.pending = 1;
		return;
	}
	over(c);
	log_info("check %s: ok within its start_grace", c->name);
}

void
check_grace_seeded(struct check *c)
{
	if (c->grace != NULL && c->grace->in_grace)
		over(c);
}

void
check_grace_forget(struct check *c)
{
	if (c->grace != NULL)
		loop_timer_cancel(&c->grace->end);
	free(c->grace);
	c->grace = NULL;
}
