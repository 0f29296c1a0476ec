/*
 * reload.c - what the daemon reads again: its configuration (SIGHUP),
 * its logs (SIGUSR1) and its maintenance file (SIGUSR2); see reload.h.
 *
 * A reload builds everything new (config, log sinks, listeners) on the
 * side and swaps only when all of it succeeded, like nginx's cycle: a
 * failure at any step leaves the daemon as it was, and says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon_opts.h"
#include "daemon/daemon_private.h"
#include "daemon/drains.h"
#include "daemon/push_watch.h"
#include "daemon/reload.h"
#include "instance/instance.h"
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
keep_restart_keys(const struct daemon *d, struct config *n)
{
	char **keys[] = { &n->pidfile, &n->user, &n->group };
	char *olds[] = { d->cfg->pidfile, d->cfg->user, d->cfg->group };
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
log_target_changed(const struct daemon *d, const struct config *n)
{
	return strcmp(n->log_file, d->cfg->log_file) != 0 ||
	    (strcmp(n->log_file, "syslog") == 0 &&
	    n->syslog_facility != d->cfg->syslog_facility);
}

/* Everything a new configuration needs that can fail, opened up front. */
struct pending {
	struct config	*cfg;
	struct log_sink	*log;		/* NULL: keep the current one */
	struct log_sink	*access;	/* NULL: keep (or none) */
	int		 access_changed;
};

static int
open_pending(const struct daemon *d, struct pending *p, char *why,
    size_t whylen)
{
	struct config *n = p->cfg;

	if (log_target_changed(d, n) && (p->log = log_sink_open(n->log_file,
	    n->syslog_facility, d->privs.uid, d->privs.gid, why,
	    whylen)) == NULL)
		return -1;
	p->access_changed = !same_str(n->access_log, d->cfg->access_log);
	if (p->access_changed && n->access_log != NULL &&
	    (p->access = log_sink_open(n->access_log, 0, d->privs.uid,
	    d->privs.gid, why, whylen)) == NULL)
		return -1;
	return listener_prepare(n, 0, why, whylen);
}

static void
close_pending(struct pending *p)
{
	log_sink_close(p->log);
	log_sink_close(p->access);
	config_parse_free(p->cfg);
}

static void
commit_reload(struct daemon *d, struct pending *p)
{
	listener_commit();
	server_set_config(p->cfg);
	check_set_configure(p->cfg);
	push_watch_configure(p->cfg);
	if (p->log != NULL)
		log_sink_close(log_set_sink(p->log));
	if (p->access_changed) {
		server_set_access_log(p->access);
		d->access_dropped += log_sink_dropped(d->access);
		log_sink_close(d->access);
		d->access = p->access;
	}
	log_set_level(p->cfg->log_level);
	if (p->cfg->maintenance != d->cfg->maintenance)
		d->config_time = loop_wallclock();
	config_parse_free(d->cfg);
	d->cfg = p->cfg;
	d->st.generation++;
	d->st.reload_ok++;
	snprintf(d->st.last_reload, sizeof(d->st.last_reload), "ok");
	d->st.reason[0] = '\0';
	log_notice("configuration %s reloaded (generation %lu)",
	    d->opts->conffile, d->st.generation);
	/* maintenance_file may be another one */
	reload_maintenance(d);
}

void
reload_host(struct daemon *d)
{
	if (gethostname(d->host, sizeof(d->host) - 1) == -1)
		snprintf(d->host, sizeof(d->host), "localhost");
}

void
reload_log_warning(const char *msg)
{
	log_warnx("%s", msg);
}

int
reload_config(struct daemon *d)
{
	char why[STATE_REASON_MAX];
	struct pending p = { NULL, NULL, NULL, 0 };

	d->st.reload_started++;
	instance_save(&d->st);
	notify_reloading();
	log_info("received SIGHUP, reloading %s", d->opts->conffile);
	reload_host(d);
	p.cfg = config_load(d->opts->conffile, d->opts->log_stderr, 0, why,
	    sizeof(why));
	if (p.cfg != NULL)
		keep_restart_keys(d, p.cfg);
	if (p.cfg != NULL && open_pending(d, &p, why, sizeof(why)) == 0) {
		config_load_warnings(p.cfg, d->opts->conffile,
		    reload_log_warning);
		commit_reload(d, &p);
	} else {
		close_pending(&p);
		d->st.reload_failed++;
		snprintf(d->st.last_reload, sizeof(d->st.last_reload),
		    "failed");
		snprintf(d->st.reason, sizeof(d->st.reason), "%s", why);
		log_errx("reload failed: %s", why);
	}
	return strcmp(d->st.last_reload, "ok") == 0 ? 0 : -1;
}

void
reload_finish(struct daemon *d)
{
	char msg[STATE_REASON_MAX + 32];

	d->st.reload_done++;
	instance_save(&d->st);
	snprintf(msg, sizeof(msg), "reload %s%s%s", d->st.last_reload,
	    d->st.reason[0] ? ": " : "", d->st.reason);
	notify_ready(msg);
}

void
reload_logs(struct daemon *d)
{
	char why[STATE_REASON_MAX];
	int failed = 0;

	d->st.reopen_reason[0] = '\0';
	if (log_reopen(why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(d->st.reopen_reason, sizeof(d->st.reopen_reason),
		    "%s", why);
		log_warnx("log reopen failed, still writing to the old file: "
		    "%s", why);
	}
	if (d->access != NULL &&
	    log_sink_reopen(d->access, why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(d->st.reopen_reason, sizeof(d->st.reopen_reason),
		    "%s", why);
		log_warnx("access log reopen failed, still writing to the old "
		    "file: %s", why);
	}
	if (failed)
		d->st.reopen_failed++;
	else {
		d->st.reopens++;
		log_notice("log reopened");
	}
	instance_save(&d->st);
}

/*
 * What the maintenance file says now (start, SIGUSR2 from -s drain and
 * undrain, reload): a change is logged, and -s hears back through the
 * state file.
 */
void
reload_maintenance(struct daemon *d)
{
	const char *path = d->cfg->maintenance_file;

	drains_read();
	d->st.drain_reads++;
	d->st.drained = d->drain.drained;
	snprintf(d->st.maintenance_file, sizeof(d->st.maintenance_file), "%s",
	    path != NULL ? path : "");
	/* Only a shutdown_drain makes a stop wait longer than it asks. */
	d->st.stop_wait_ms = d->cfg->shutdown_drain_ms == 0 ? 0 :
	    (unsigned long)(d->cfg->shutdown_drain_ms +
	    d->cfg->shutdown_timeout_ms);
	instance_save(&d->st);
}
