/*
 * agent.c - the running daemon (see agent.h).
 *
 * Start-up follows daemon(7) and ends with the readiness report; after
 * that every piece of work is a callback of the one loop.  A reload
 * builds everything new (config, log sinks, listeners) on the side and
 * swaps only when all of it succeeded, like nginx's cycle.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activation.h"
#include "agent.h"
#include "buf.h"
#include "build.h"
#include "check.h"
#include "config.h"
#include "confload.h"
#include "daemonize.h"
#include "drain.h"
#include "handoff.h"
#include "health.h"
#include "instance.h"
#include "listener.h"
#include "log.h"
#include "logsink.h"
#include "loop.h"
#include "notify.h"
#include "privs.h"
#include "proc.h"
#include "server.h"
#include "signals.h"
#include "state.h"

#define HOLDER_WAIT_MS	10000
#define SIGNAL_BATCH	64

static struct {
	const struct agent_opts	*opts;
	struct config		*cfg;
	struct privs		 privs;
	struct state_info	 st;
	struct loop_io		 sigio;
	struct loop_timer	 shutdown_timer;
	int			 stopping, drained;
	unsigned long		 hups_ignored;	/* during the shutdown */
	double			 start_time;	/* Unix time */
	double			 config_time;	/* when cfg was applied */
	char			 host[256];
	struct log_sink		*access;	/* the access log, or NULL */
	uint64_t		 access_dropped; /* by access logs closed */
	const char		*verdict;	/* last logged: "ok", ... */
	struct drain_info	 drain;		/* the maintenance file's word */
	const char		*pidpath;	/* NULL: none */
	struct check_seed	*seeds;		/* a restart's, until applied */
	size_t			 nseeds;
} ag;

static void
save_state(void)
{
	instance_save(&ag.st);
}

static void
read_host(void)
{
	if (gethostname(ag.host, sizeof(ag.host) - 1) == -1)
		snprintf(ag.host, sizeof(ag.host), "localhost");
}

/* The snapshot /health, /status and /metrics are rendered from. */
static void
fill_status(struct status_info *si, int what)
{
	si->version = MYDAEMON_VERSION;
	si->host = ag.host;
	si->pid = ag.st.pid;
	si->start_time = ag.start_time;
	si->now = loop_wallclock();
	si->config_file = ag.opts->conffile;
	si->generation = ag.st.generation;
	si->maint_config = ag.cfg->maintenance;
	si->maint_drain = ag.drain.drained;
	/* A drain says since when and why; the config only since when. */
	si->maint_since = ag.drain.drained ? ag.drain.since :
	    ag.cfg->maintenance ? ag.config_time : 0;
	si->maint_reason = ag.drain.drained && ag.drain.reason[0] != '\0' ?
	    ag.drain.reason : NULL;
	check_list(&si->checks, &si->nchecks, &si->checks_running);
	si->names_in_text = !(si->nchecks == 1 &&
	    strcmp(si->checks[0]->name, "main") == 0);
	si->reloads_ok = ag.st.reload_ok;
	si->reloads_failed = ag.st.reload_failed;
	si->log_reopens = ag.st.reopens;
	si->log_reopen_failed = ag.st.reopen_failed;
	/* Lines lost by the main log and by every access log so far. */
	si->log_dropped = log_dropped() + ag.access_dropped +
	    logsink_dropped(ag.access);
	server_counters(&si->connections, &si->requests,
	    si->requests_by_code);
	if (what & ANSWER_PROCESS)
		proc_read(&si->proc);
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

/* The host's verdict changed (a check, maintenance): say so once. */
static void
log_verdict(void)
{
	struct status_info si;
	struct buf text = { 0 };
	const char *state, *was = ag.verdict;
	int code;

	answer_invalidate();	/* /health may say something else now */
	memset(&si, 0, sizeof(si));
	fill_status(&si, 0);
	code = health_effective(&si, NULL, &state);
	if (was != NULL && strcmp(was, state) == 0)
		return;
	ag.verdict = state;
	if (was == NULL)
		return;		/* the first verdict is no change */
	health_text(&si, NULL, &text);
	notify_status_health(state, &text);
	if (code == 200 && strcmp(state, "warning") != 0)
		log_notice("health: %s -> %s%s%s", was, state,
		    text.len ? ": " : "", text.len ? text.data : "");
	else
		log_warnx("health: %s -> %s%s%s", was, state,
		    text.len ? ": " : "", text.len ? text.data : "");
	buf_free(&text);
}

/*
 * What the maintenance file says now (start, SIGUSR2 from -s drain and
 * undrain, reload): a change is logged, and -s hears back through the
 * state file.
 */
static void
read_drain(void)
{
	struct drain_info d;
	const char *path = ag.cfg->maintenance_file;

	if (path == NULL)
		memset(&d, 0, sizeof(d));
	else if (drain_read(path, &d) == -1)
		log_warn("maintenance file %s: taken as a drain", path);
	if (d.drained && !ag.drain.drained)
		log_notice("maintenance: drained%s%s (%s)", d.reason[0] ?
		    ": " : "", d.reason, path);
	else if (!d.drained && ag.drain.drained)
		log_notice("maintenance: drain ended (%s)", path);
	else if (d.drained && strcmp(d.reason, ag.drain.reason) != 0)
		log_notice("maintenance: drained, now: %s", d.reason);
	ag.drain = d;
	ag.st.drain_reads++;
	ag.st.drained = d.drained;
	snprintf(ag.st.maintenance_file, sizeof(ag.st.maintenance_file), "%s",
	    path != NULL ? path : "");
	save_state();
	log_verdict();
}

/* pidfile, user and group are only read at start: keep the old ones. */
static void
keep_restart_keys(struct config *n)
{
	char **keys[] = { &n->pidfile, &n->user, &n->group };
	char *olds[] = { ag.cfg->pidfile, ag.cfg->user, ag.cfg->group };
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
	return strcmp(n->log_file, ag.cfg->log_file) != 0 ||
	    (strcmp(n->log_file, "syslog") == 0 &&
	    n->syslog_facility != ag.cfg->syslog_facility);
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

	if (log_target_changed(n) && (p->log = logsink_open(n->log_file,
	    n->syslog_facility, ag.privs.uid, ag.privs.gid, why,
	    whylen)) == NULL)
		return -1;
	p->access_changed = !same_str(n->access_log, ag.cfg->access_log);
	if (p->access_changed && n->access_log != NULL &&
	    (p->access = logsink_open(n->access_log, 0, ag.privs.uid,
	    ag.privs.gid, why, whylen)) == NULL)
		return -1;
	return listener_prepare(n, 0, why, whylen);
}

static void
close_pending(struct pending *p)
{
	logsink_close(p->log);
	logsink_close(p->access);
	config_free(p->cfg);
}

static void
commit_reload(struct pending *p)
{
	listener_commit();
	server_set_config(p->cfg);
	check_configure(p->cfg);
	if (p->log != NULL)
		logsink_close(log_set_sink(p->log));
	if (p->access_changed) {
		server_set_access_log(p->access);
		ag.access_dropped += logsink_dropped(ag.access);
		logsink_close(ag.access);
		ag.access = p->access;
	}
	log_set_level(p->cfg->log_level);
	if (p->cfg->maintenance != ag.cfg->maintenance)
		ag.config_time = loop_wallclock();
	config_free(ag.cfg);
	ag.cfg = p->cfg;
	ag.st.generation++;
	ag.st.reload_ok++;
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "ok");
	ag.st.reason[0] = '\0';
	log_notice("configuration %s reloaded (generation %lu)",
	    ag.opts->conffile, ag.st.generation);
	read_drain();		/* maintenance_file may be another one */
}

static void
log_warning(const char *msg)
{
	log_warnx("%s", msg);
}

static void
reload(void)
{
	char why[STATE_REASON_MAX];
	struct pending p = { NULL, NULL, NULL, 0 };

	ag.st.reload_started++;
	save_state();
	notify_reloading();
	log_info("received SIGHUP, reloading %s", ag.opts->conffile);
	read_host();
	p.cfg = confload(ag.opts->conffile, ag.opts->foreground, 0, why,
	    sizeof(why));
	if (p.cfg != NULL)
		keep_restart_keys(p.cfg);
	if (p.cfg != NULL && open_pending(&p, why, sizeof(why)) == 0) {
		confload_warnings(p.cfg, ag.opts->conffile, log_warning);
		commit_reload(&p);
	} else {
		close_pending(&p);
		ag.st.reload_failed++;
		snprintf(ag.st.last_reload, sizeof(ag.st.last_reload),
		    "failed");
		snprintf(ag.st.reason, sizeof(ag.st.reason), "%s", why);
		log_errx("reload failed: %s", why);
	}
	ag.st.reload_done++;
	save_state();
	snprintf(why, sizeof(why), "reload %s%s%s", ag.st.last_reload,
	    ag.st.reason[0] ? ": " : "", ag.st.reason);
	notify_ready(why);
}

static void
reopen(void)
{
	char why[STATE_REASON_MAX];
	int failed = 0;

	ag.st.reopen_reason[0] = '\0';
	if (log_reopen(why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(ag.st.reopen_reason, sizeof(ag.st.reopen_reason),
		    "%s", why);
		log_warnx("log reopen failed, still writing to the old file: "
		    "%s", why);
	}
	if (ag.access != NULL &&
	    logsink_reopen(ag.access, why, sizeof(why)) == -1) {
		failed = 1;
		snprintf(ag.st.reopen_reason, sizeof(ag.st.reopen_reason),
		    "%s", why);
		log_warnx("access log reopen failed, still writing to the old "
		    "file: %s", why);
	}
	if (failed)
		ag.st.reopen_failed++;
	else {
		ag.st.reopens++;
		log_notice("log reopened");
	}
	save_state();
}

static void
on_drain_timeout(struct loop_timer *t)
{
	(void)t;
	log_warnx("shutdown_timeout reached, closing the remaining "
	    "connections");
	ag.drained = 1;
}

/*
 * Stop: no more connections (the listeners close: or, for a restart,
 * our copies of them), in-flight requests answered within
 * shutdown_timeout, checks killed.  For a restart the new process has
 * the sockets already; our idle keep-alive clients get their next
 * request answered with "Connection: close" rather than a closed socket
 * under it.
 */
static void
stop(const char *why, int restart)
{
	if (ag.stopping)
		return;
	ag.stopping = 1;
	ag.st.stopping = 1;	/* a starter must not take us for running */
	save_state();
	if (!restart)
		notify_stopping();
	log_notice("%s, shutting down", why);
	handoff_close();
	check_shutdown();
	listener_close_all();
	server_stop_accepting(restart);
	ag.shutdown_timer.cb = on_drain_timeout;
	loop_timer_set(&ag.shutdown_timer, ag.cfg->shutdown_timeout_ms);
}

static void
begin_shutdown(int signo)
{
	char why[64];

	snprintf(why, sizeof(why), "received %s", signals_name(signo));
	stop(why, 0);
}

/* A restart's new process is ready and takes over (handoff.h). */
static void
on_go(const char *new_pidfile)
{
	instance_hand_over(new_pidfile);
	stop("handed over to the new process", 1);
}

/*
 * At most SIGNAL_BATCH signals a turn: a flood of them must not keep the
 * loop from its timers (the shutdown deadline) and its clients; the rest
 * wait in the pipe for the next turn.
 */
static void
on_signals(struct loop_io *io, uint32_t events)
{
	int signo, n = 0;

	(void)io;
	(void)events;
	while (n++ < SIGNAL_BATCH && (signo = signals_next()) != 0) {
		switch (signo) {
		case SIGHUP:
			/* A flood of them is one line, and one at exit. */
			if (ag.stopping && ag.hups_ignored++ == 0)
				log_notice("shutting down: SIGHUP ignored");
			else if (!ag.stopping)
				reload();
			break;
		case SIGUSR1:
			reopen();
			break;
		case SIGUSR2:
			if (!ag.stopping)
				read_drain();
			break;
		case SIGTERM:
		case SIGINT:
			begin_shutdown(signo);
			break;
		case SIGCHLD:
			check_reap();
			break;
		}
	}
}

static void
open_log(void)
{
	struct log_sink *sink;
	char err[512];

	sink = logsink_open(ag.cfg->log_file, ag.cfg->syslog_facility,
	    ag.privs.uid, ag.privs.gid, err, sizeof(err));
	if (sink == NULL)
		daemonize_fatalx("%s", err);
	logsink_close(log_set_sink(sink));
	log_set_level(ag.cfg->log_level);
	if (strcmp(ag.cfg->log_file, "stderr") != 0)
		daemonize_log_opened();
}

/* Sockets systemd or a restart passed (activation.h) serve as they are. */
static void
adopt_sockets(void)
{
	const struct activation *a = activation();
	char err[512];
	int i;

	for (i = 0; i < a->nfds; i++)
		if (listener_adopt(ACTIVATION_FIRST_FD + i, a->names[i], err,
		    sizeof(err)) == -1)
			daemonize_fatalx("%s", err);
}

/* A restart: the old process's last results, so /health goes on. */
static void
fetch_seeds(void)
{
	if (activation()->takeover == 0 || ag.cfg->nchecks == 0 ||
	    (ag.seeds = calloc(ag.cfg->nchecks, sizeof(*ag.seeds))) == NULL)
		return;
	ag.nseeds = handoff_fetch_checks(ag.opts->conffile,
	    activation()->takeover, ag.seeds, ag.cfg->nchecks);
}

static void
start_up(void)
{
	char err[512];
	int which, sfd;

	if (privs_lookup(ag.cfg->user, ag.cfg->group, &ag.privs, &which, err,
	    sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	if ((sfd = signals_init()) == -1 || loop_init() == -1)
		daemonize_fatalx("cannot set up the event loop: %s",
		    strerror(errno));
	ag.sigio.fd = sfd;
	ag.sigio.cb = on_signals;
	loop_add(&ag.sigio, EPOLLIN);
	notify_init();
	adopt_sockets();
	/* A holder that is draining may need its whole shutdown_timeout. */
	ag.pidpath = ag.opts->no_pidfile ? NULL : ag.opts->pidfile ?
	    ag.opts->pidfile : ag.cfg->pidfile;
	instance_claim(ag.pidpath, (pid_t)activation()->takeover,
	    HOLDER_WAIT_MS + ag.cfg->shutdown_timeout_ms);
	open_log();
	if (ag.cfg->access_log != NULL) {
		if ((ag.access = logsink_open(ag.cfg->access_log, 0,
		    ag.privs.uid, ag.privs.gid, err, sizeof(err))) == NULL)
			daemonize_fatalx("%s", err);
		server_set_access_log(ag.access);
	}
	server_init();
	server_set_config(ag.cfg);
	server_set_status(fill_status);
	if (listener_prepare(ag.cfg, 1, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	listener_commit();
	fetch_seeds();		/* as root: the old one may be another user */
	if (privs_drop(&ag.privs, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	read_host();
	ag.st.pid = (long)getpid();
	ag.start_time = ag.config_time = loop_wallclock();
	ag.st.generation = 1;
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "none");
	save_state();
	confload_warnings(ag.cfg, ag.opts->conffile, log_warning);
	check_init(log_verdict);
	check_configure(ag.cfg);
	check_seed(ag.seeds, ag.nseeds);
	free(ag.seeds);
	ag.seeds = NULL;
	read_drain();
}

static void
shut_down(void)
{
	if (ag.hups_ignored > 1)
		log_notice("%lu more SIGHUPs ignored while shutting down",
		    ag.hups_ignored - 1);
	server_close_all();
	listener_close_all();
	server_set_access_log(NULL);
	logsink_close(ag.access);
	handoff_close();
	notify_fini();
	instance_release();
	log_notice("exiting");
	config_free(ag.cfg);
	privs_free(&ag.privs);
	loop_fini();
	signals_fini();
	logsink_close(log_set_sink(NULL));
}

int
agent_run(const struct agent_opts *opts, struct config *cfg)
{
	ag.opts = opts;
	ag.cfg = cfg;
	if (opts->foreground)
		daemonize_foreground();
	else
		daemonize_detach();
	start_up();
	log_notice("mydaemon %s started (pid %ld, config %s)",
	    MYDAEMON_VERSION, (long)getpid(), opts->conffile);
	/*
	 * A SIGTERM during start-up: the starter must not report a daemon
	 * that is already on its way out as started.  (In the foreground
	 * there is no starter: it is a clean shutdown like any other.)
	 */
	on_signals(&ag.sigio, 0);
	if (ag.stopping && !opts->foreground)
		daemonize_fatalx("stopped by a signal during start-up");
	instance_commit();	/* a takeover's files are ours from now on */
	save_state();
	handoff_listen(opts->conffile, ag.pidpath, on_go);
	notify_ready(NULL);
	daemonize_ready();
	while (!ag.stopping || (server_busy() && !ag.drained))
		if (loop_run_once() == -1)
			log_warn("epoll_wait");
	shut_down();
	return 0;
}
