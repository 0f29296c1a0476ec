/*
 * reload.c - what the daemon reads again: its configuration (SIGHUP),
 * its logs (SIGUSR1) and its maintenance file (SIGUSR2); see
 * daemon_private.h.
 *
 * A reload builds everything new (config, log sinks, listeners) on the
 * side and swaps only when all of it succeeded, like nginx's cycle: a
 * failure at any step leaves the daemon as it was, and says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "daemon/daemon_private.h"
#include "checks/check.h"
#include "config/config.h"
#include "config/config_load.h"
#include "instance/drain.h"
#include "server/listener.h"
#include "log/log.h"
#include "log/log_sink.h"
#include "base/loop.h"
#include "daemon/notify.h"
#include "server/server.h"

/* pidfile, user and group are only read at start: keep the old ones. */
static void
keep_restart_keys(struct config *n)
{
	char **keys[] = { &n->pidfile, &n->user, &n->group };
	char *olds[] = { dm.cfg->pidfile, dm.cfg->user, dm.cfg->group };
	const char *names[] = { "pidfile", "user", "group" };
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *a = *keys[i] ? *keys[i] : "", *b = olds[i] ?
		    olds[i] : "";
		if (strcmp(a, b) == 0)
			continue;
		log_warnx("%s changed to \"%s\": a restart is needed, still "
		    "using \"%s\"", names[i], a, b);
		free(*keys[i]);
		*keys[i] = olds[i] ? strdup(olds[i]) : NULL;
	}
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
log_target_changed(const struct config *n)
{
	return strcmp(n->log_file, dm.cfg->log_file) != 0 ||
	    (strcmp(n->log_file, "syslog") == 0 &&
	    n->syslog_facility != dm.cfg->syslog_facility);
}

/* Everything a new configuration needs that can fail, opened up front. */
struct pending {
	struct config	*cfg;
	struct log_sink	*log;		/* NULL: keep the current one */
	struct log_sink	*access;	/* NULL: keep (or none) */
	int		 access_changed;
};

static int
open_pending(struct pending *p, char *why, size_t whylen)
{
	struct config *n = p->cfg;

	if (log_target_changed(n) && (p->log = log_sink_open(n->log_file,
	    n->syslog_facility, dm.privs.uid, dm.privs.gid, why,
	    whylen)) == NULL)
		return -1;
	p->access_changed = !same_str(n->access_log, dm.cfg->access_log);
	if (p->access_changed && n->access_log != NULL &&
	    (p->access = log_sink_open(n->access_log, 0, dm.privs.uid,
	    dm.privs.gid, why, whylen)) == NULL)
		return -1;
	return listener_prepare(n, 0, why, whylen);
}

static void
close_pending(struct pending *p)
{
	log_sink_close(p->log);
	log_sink_close(p->access);
	config_free(p->cfg);
}

static void
commit_reload(struct pending *p)
{
	listener_commit();
	server_set_config(p->cfg);
	check_set_configure(p->cfg);
	if (p->log != NULL)
		log_sink_close(log_set_sink(p->log));
	if (p->access_changed) {
		server_set_access_log(p->access);
		dm.access_dropped += log_sink_dropped(dm.access);
		log_sink_close(dm.access);
		dm.access = p->access;
	}
	log_set_level(p->cfg->log_level);
	if (p->cfg->maintenance != dm.cfg->maintenance)
		dm.config_time = loop_wallclock();
	config_free(dm.cfg);
	dm.cfg = p->cfg;
	dm.st.generation++;
	dm.st.reload_ok++;
	snprintf(dm.st.last_reload, sizeof(dm.st.last_reload), "ok");
	dm.st.reason[0] = '\0';
	log_notice("configuration %s reloaded (generation %lu)",
	    dm.opts->conffile, dm.st.generation);
	/* maintenance_file may be another one */
	reload_maintenance();
}

void
reload_log_warning(const char *msg)
{
	log_warnx("%s", msg);
}

void
reload_config(void)
{
	char why[STATE_REASON_MAX];
	struct pending p = { NULL, NULL, NULL, 0 };

	dm.st.reload_started++;
	daemon_save();
	notify_reloading();
	log_info("received SIGHUP, reloading %s", dm.opts->conffile);
	daemon_read_host();
	p.cfg = config_load(dm.opts->conffile, dm.opts->log_stderr, 0, why,
	    sizeof(why));
	if (p.cfg != NULL)
		keep_restart_keys(p.cfg);
	if (p.cfg != NULL && open_pending(&p, why, sizeof(why)) == 0) {
		config_load_warnings(p.cfg, dm.opts->conffile,
		    reload_log_warning);
		commit_reload(&p);
	} else {
		close_pending(&p);
		dm.st.reload_failed++;
		snprintf(dm.st.last_reload, sizeof(dm.st.last_reload),
		    "failed");
		snprintf(dm.st.reason, sizeof(dm.st.reason), "%s", why);
		log_errx("reload failed: %s", why);
	}
	dm.st.reload_done++;
	daemon_save();
	snprintf(why, sizeof(why), "reload %s%s%s", dm.st.last_reload,
	    dm.st.reason[0] ? ": " : "", dm.st.reason);
	notify_ready(why);
}

void
reload_logs(void)
{
	char why[STATE_REASON_MAX];
	int failed = 0;

	dm.st.reopen_reason[0] = '\0';
	if (log_reopen(why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(dm.st.reopen_reason, sizeof(dm.st.reopen_reason),
		    "%s", why);
		log_warnx("log reopen failed, still writing to the old file: "
		    "%s", why);
	}
	if (dm.access != NULL &&
	    log_sink_reopen(dm.access, why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(dm.st.reopen_reason, sizeof(dm.st.reopen_reason),
		    "%s", why);
		log_warnx("access log reopen failed, still writing to the old "
		    "file: %s", why);
	}
	if (failed)
		dm.st.reopen_failed++;
	else {
		dm.st.reopens++;
		log_notice("log reopened");
	}
	daemon_save();
}

/*
 * What the maintenance file says now (start, SIGUSR2 from -s drain and
 * undrain, reload): a change is logged, and -s hears back through the
 * state file.
 */
void
reload_maintenance(void)
{
	struct drain_info d;
	const char *path = dm.cfg->maintenance_file;

	if (path == NULL)
		memset(&d, 0, sizeof(d));
	else if (drain_read(path, &d) == -1)
		log_warn("maintenance file %s: taken as a drain", path);
	if (d.drained && !dm.drain.drained)
		log_notice("maintenance: drained%s%s (%s)", d.reason[0] ?
		    ": " : "", d.reason, path);
	else if (!d.drained && dm.drain.drained)
		log_notice("maintenance: drain ended (%s)", path);
	else if (d.drained && strcmp(d.reason, dm.drain.reason) != 0)
		log_notice("maintenance: drained, now: %s", d.reason);
	dm.drain = d;
	dm.st.drain_reads++;
	dm.st.drained = d.drained;
	snprintf(dm.st.maintenance_file, sizeof(dm.st.maintenance_file), "%s",
	    path != NULL ? path : "");
	daemon_save();
	daemon_verdict();
}
