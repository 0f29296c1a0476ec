/*
 * check_depends.c - checks that wait for others (see check_depends.h).
 *
 * A check waits while one of its dependencies is not ok or waits itself
 * (a chain waits from its root).  Waiting is laid over the check's own
 * state: st shows unknown and "waiting for NAME (STATE)", naming the
 * first dependency not ok and its state, or the root of a chain
 * ("waiting for web (waiting for db)"); its own state and text are kept
 * underneath, and rise/fall go on from them when it runs again.  A run
 * going on when the wait begins finishes; its result goes underneath.
 * When every dependency is ok again the check shows its own state and
 * its timer fires at once; a run still going on then makes that turn a
 * skip, as any turn that finds one (so a flapping dependency never
 * starts a second run).
 *
 * Working it out is two passes over the set: first each check's new
 * blocker (depth first, memoised by a pass number; the config has no
 * cycle), then the overlays laid or lifted, so that the first pass
 * reads only states as they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_depends.h"
#include "checks/check_private.h"
#include "checks/health.h"
#include "log/log.h"
#include "base/loop.h"

static unsigned int	pass;
static size_t		with_deps;	/* checks that have dependencies */

/* c's state under any overlay. */
static enum health_state
own_state(const struct check *c)
{
	return health_clamp(c->blocker != NULL ? c->held : c->st.state);
}

/* The dependency c must wait for, or NULL: the first one not ok. */
static struct check *
blocker_of(struct check *c)
{
	struct check *d;
	size_t i;

	if (c->pass == pass)
		return c->next_blocker;
	c->pass = pass;
	c->next_blocker = NULL;
	for (i = 0; i < c->ndeps; i++) {
		d = c->deps[i];
		if (blocker_of(d) != NULL || own_state(d) != HEALTH_OK) {
			c->next_blocker = d;
			break;
		}
	}
	return c->next_blocker;
}

/* "waiting for db (critical)", "waiting for web (waiting for db)". */
static void
describe(struct check *c)
{
	const struct check *b = c->next_blocker, *root = b;

	while (root->next_blocker != NULL)
		root = root->next_blocker;
	if (root != b)
		snprintf(c->wait_text, CHECK_TEXT_MAX,
		    "waiting for %s (waiting for %s)", b->name, root->name);
	else
		snprintf(c->wait_text, CHECK_TEXT_MAX,
		    "waiting for %s (%s)", b->name, b->st.pending &&
		    b->st.ran ? "pending" : health_name(own_state(b)));
}

/* Its own state shown again; after a wait, it runs now. */
static void
show_own(struct check *c)
{
	c->st.state = c->held;
	c->st.since = c->held_since;
	c->st.text = c->text;
	c->st.waiting_for = NULL;
	c->blocker = NULL;
}

static void
apply(struct check *c)
{
	struct check *b = c->next_blocker;
	int was = c->blocker != NULL || c->lifted;

	c->lifted = 0;
	if (b == NULL) {
		if (c->blocker == NULL)
			return;
		show_own(c);
		log_notice("check %s: no longer waiting, runs now", c->name);
		loop_timer_set(&c->tick, 0);
		return;
	}
	if (c->blocker == NULL) {
		c->held = c->st.state;
		c->held_since = c->st.since;
		c->st.state = HEALTH_UNKNOWN;
		c->st.since = loop_wallclock();
		c->st.text = c->wait_text;
	}
	c->blocker = b;
	c->st.waiting_for = b->name;
	describe(c);
	if (!was)
		log_notice("check %s: %s: not run until it is ok", c->name,
		    c->wait_text);
}

/* Both passes; without a dependency in the set, nothing to do. */
void
check_depends_eval(void)
{
	size_t i;

	if (with_deps == 0)
		return;
	pass++;
	for (i = 0; i < ck.n; i++)
		(void)blocker_of(ck.v[i]);
	for (i = 0; i < ck.n; i++)
		apply(ck.v[i]);
}

/* The config names only checks it has (config_depends.c). */
static void
resolve(struct check *c)
{
	char *const *name = c->conf->depends;
	struct check *d;
	size_t n = 0;

	free(c->deps);
	c->deps = NULL;
	c->ndeps = 0;
	while (name != NULL && name[n] != NULL)
		n++;
	if (n == 0)
		return;
	/* only a check with dependencies waits: the others have no text
	   for it (kept until the check goes: it may show it now) */
	if (c->wait_text == NULL)
		c->wait_text = malloc(CHECK_TEXT_MAX);
	if (c->wait_text == NULL ||
	    (c->deps = calloc(n, sizeof(*c->deps))) == NULL) {
		log_warnx("check %s: out of memory, runs without waiting "
		    "for its dependencies", c->name);
		return;
	}
	for (; *name != NULL; name++)
		if ((d = check_list_find(*name)) != NULL)
			c->deps[c->ndeps++] = d;
}

void
check_depends_configure(void)
{
	size_t i;

	with_deps = 0;
	for (i = 0; i < ck.n; i++) {
		resolve(ck.v[i]);
		with_deps += ck.v[i]->ndeps > 0;
	}
	i = with_deps;
	with_deps = 1;		/* once anyway: lift what the old laid */
	check_depends_eval();
	with_deps = i;
}

int
check_depends_blocked(const struct check *c)
{
	return c->blocker != NULL;
}

void
check_depends_lift(struct check *c)
{
	if (c->blocker == NULL)
		return;
	show_own(c);
	c->lifted = 1;
}

void
check_depends_forget(struct check *c)
{
	free(c->deps);
	c->deps = NULL;
	c->ndeps = 0;
	free(c->wait_text);
	c->wait_text = NULL;
}
