/*
 * drains.c - the drains in force (see drains.h).
 *
 * The files are written by root and may outlive the drain they record:
 * a drain whose "until" has come is over here, and its file stays until
 * the next -s drain or -s undrain (the daemon, no longer root, may not
 * remove it).  "Expired" is logged once: when the timer ends it, or at
 * the first read after a start (it ended while the daemon was stopped).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/loop.h"
#include "config/config.h"
#include "daemon/daemon_private.h"
#include "daemon/drains.h"
#include "instance/drain.h"
#include "instance/instance.h"
#include "log/log.h"
#include "report/snapshot.h"

struct cdrain {
	char			 name[CONFIG_NAME_MAX + 1];
	struct drain_info	 info;
};

static struct daemon		*dm;
static struct cdrain		*cur;		/* the checks' in force */
static size_t			 ncur;
static struct snapshot_drain	*shown;		/* cur, for a snapshot */
static struct loop_timer	 timer;		/* the next end */
static int			 read_once;
static void			(*changed)(void);

static void	on_end(struct loop_timer *);

void
drains_init(struct daemon *d, void (*on_change)(void))
{
	dm = d;
	changed = on_change;
	timer.cb = on_end;
}

/* What changed between was and now, said once; was becomes now. */
static void
apply(const char *check, const char *path, struct drain_info *was,
    const struct drain_info *now, double t)
{
	const char *r = now->reason, *sep = now->reason[0] ? ": " : "";

	if (drain_over(now, t)) {
		if (was->drained || !read_once)
			log_notice("drain of %s expired", check != NULL ?
			    check : "the host");
		memset(was, 0, sizeof(*was));
		return;
	}
	if (check == NULL && now->drained && !was->drained)
		log_notice("maintenance: drained%s%s (%s)", sep, r, path);
	else if (check == NULL && !now->drained && was->drained)
		log_notice("maintenance: drain ended (%s)", path);
	else if (check == NULL && now->drained && strcmp(r, was->reason))
		log_notice("maintenance: drained, now: %s", r);
	else if (now->drained && !was->drained)
		log_notice("check %s drained%s%s (%s)", check, sep, r, path);
	else if (!now->drained && was->drained)
		log_notice("drain of %s ended", check);
	else if (now->drained && strcmp(r, was->reason) != 0)
		log_notice("check %s drained, now: %s", check, r);
	*was = *now;
}

/* A drain file: not there is no drain, unreadable is one. */
static void
read_one(const char *path, struct drain_info *d)
{
	if (drain_read(path, d) == -1)
		log_warn("maintenance file %s: taken as a drain", path);
}

/* The list a snapshot shows, and the timer for the next end. */
static void
publish(void)
{
	double next = dm->drain.until, left;
	size_t i;

	free(shown);
	shown = ncur > 0 ? calloc(ncur, sizeof(*shown)) : NULL;
	for (i = 0; i < ncur; i++) {
		if (shown != NULL)
			shown[i] = (struct snapshot_drain){ cur[i].name,
			    cur[i].info.since, cur[i].info.until,
			    cur[i].info.reason[0] ? cur[i].info.reason : NULL };
		if (cur[i].info.until > 0 && (next == 0 ||
		    cur[i].info.until < next))
			next = cur[i].info.until;
	}
	if (ncur > 0 && shown == NULL)
		log_warnx("out of memory: /status lists no check drains");
	loop_timer_cancel(&timer);
	if (next > 0) {
		left = ceil((next - loop_wallclock()) * 1000) + 1;
		loop_timer_set(&timer, left > 1 ? (uint64_t)left : 1);
	}
}

/* The checks' drains now, each against what it was. */
static struct cdrain *
read_checks(double t, size_t *n)
{
	const struct config *cfg = dm->cfg;
	struct cdrain *next;
	struct drain_info *was;
	struct drain_info d, none;
	size_t i, j;
	char *path;

	*n = 0;
	if ((next = calloc(cfg->nchecks + 1, sizeof(*next))) == NULL)
		return NULL;
	for (i = 0; i < cfg->nchecks && cfg->maintenance_file != NULL; i++) {
		if ((path = drain_check_path(cfg->maintenance_file,
		    cfg->checks[i].name)) == NULL)
			continue;
		read_one(path, &d);
		memset(&none, 0, sizeof(none));
		for (j = 0, was = &none; j < ncur; j++)
			if (strcmp(cur[j].name, cfg->checks[i].name) == 0)
				was = &cur[j].info;
		apply(cfg->checks[i].name, path, was, &d, t);
		if (was->drained) {
			memcpy(next[*n].name, cfg->checks[i].name,
			    sizeof(next[*n].name));
			next[(*n)++].info = *was;
		}
		free(path);
	}
	return next;
}

void
drains_read(void)
{
	const char *path = dm->cfg->maintenance_file;
	double t = loop_wallclock();
	struct drain_info now;
	struct cdrain *next;
	size_t n;

	memset(&now, 0, sizeof(now));
	if (path != NULL)
		read_one(path, &now);
	apply(NULL, path, &dm->drain, &now, t);
	if ((next = read_checks(t, &n)) == NULL)
		log_warnx("out of memory: the check drains are as they were");
	else {
		free(cur);
		cur = next;
		ncur = n;
	}
	read_once = 1;
	publish();
}

/* An end has come: over, logged, and said everywhere. */
static void
on_end(struct loop_timer *tm)
{
	double t = loop_wallclock();
	struct drain_info none;
	size_t i, n = 0;

	(void)tm;
	memset(&none, 0, sizeof(none));
	if (drain_over(&dm->drain, t))
		apply(NULL, NULL, &dm->drain, &dm->drain, t);
	for (i = 0; i < ncur; i++) {
		if (drain_over(&cur[i].info, t))
			apply(cur[i].name, NULL, &cur[i].info, &cur[i].info, t);
		else
			cur[n++] = cur[i];
	}
	ncur = n;
	dm->st.drained = dm->drain.drained;
	instance_save(&dm->st);
	publish();
	if (changed != NULL)
		changed();
}

void
drains_fill(struct snapshot *snap)
{
	snap->maint_until = dm->drain.drained ? dm->drain.until : 0;
	snap->drains = shown;
	snap->ndrains = shown != NULL ? ncur : 0;
}

void
drains_fini(void)
{
	loop_timer_cancel(&timer);
	free(shown);
	free(cur);
	shown = NULL;
	cur = NULL;
	ncur = 0;
}
