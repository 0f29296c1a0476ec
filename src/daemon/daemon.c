/*
 * agent.c - the running daemon (see agent.h).
 *
 * Start-up follows daemon(7) and ends with the readiness report; after
 * that every piece of work is a callback of the one loop: signals (a
 * reload is reload.c's), the verdict and what is said of it (the log,
 * systemd), and the shutdown, or the hand-over to a restart's new
 * process.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/activation.h"
#include "daemon/daemon.h"
#include "daemon/daemon_private.h"
#include "base/buf.h"
#include "build.h"
#include "checks/check.h"
#include "config/config.h"
#include "config/config_load.h"
#include "daemon/daemonize.h"
#include "instance/drain.h"
#include "daemon/handoff.h"
#include "checks/health.h"
#include "instance/instance.h"
#include "server/listener.h"
#include "log/log.h"
#include "log/log_sink.h"
#include "base/loop.h"
#include "daemon/notify.h"
#include "daemon/privs.h"
#include "daemon/proc.h"
#include "server/server.h"
#include "daemon/signals.h"
#include "instance/state.h"

#define HOLDER_WAIT_MS	10000
#define SIGNAL_BATCH	64
#define FIRST_WAIT_MAX_MS	5000

struct agent_state ag;

void
agent_save(void)
{
	instance_save(&ag.st);
}

void
agent_read_host(void)
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

/* systemctl status shows the verdict as it is now. */
static void
announce_verdict(void)
{
	struct status_info si;
	struct buf text = { 0 };
	const char *state;

	memset(&si, 0, sizeof(si));
	fill_status(&si, 0);
	(void)health_effective(&si, NULL, &state);
	health_text(&si, NULL, &text);
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
first_results_done(struct loop_timer *t)
{
	(void)t;
	loop_timer_cancel(&ag.first_timer);
	listener_hold(0);
	server_hold_health(0);
}

static void
first_results_wait(void)
{
	uint64_t ms = 0;
	size_t i;

	if (activation()->takeover != 0 || ag.cfg->nchecks == 0 ||
	    ag.cfg->maintenance || ag.drain.drained)
		return;
	for (i = 0; i < ag.cfg->nchecks; i++)
		if (ag.cfg->checks[i].timeout_ms > ms)
			ms = ag.cfg->checks[i].timeout_ms;
	listener_hold(1);
	server_hold_health(1);
	ag.first_timer.cb = first_results_done;
	loop_timer_set(&ag.first_timer, ms < FIRST_WAIT_MAX_MS ? ms :
	    FIRST_WAIT_MAX_MS);
}

/* Has every check a first result (or, after a reload, is pending)? */
static int
all_ran(const struct status_info *si)
{
	size_t i;

	for (i = 0; i < si->nchecks; i++)
		if (!si->checks[i]->ran)
			return 0;
	return 1;
}

/* The host's verdict changed (a check, maintenance): say so once. */
void
agent_verdict(void)
{
	struct status_info si;
	struct buf text = { 0 };
	const char *state, *was = ag.verdict;
	int code;

	answer_invalidate();	/* /health may say something else now */
	memset(&si, 0, sizeof(si));
	fill_status(&si, 0);
	if (loop_timer_armed(&ag.first_timer) && all_ran(&si))
		first_results_done(&ag.first_timer);
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
	agent_save();
	if (!restart)
		notify_stopping();
	log_notice("%s, shutting down", why);
	first_results_done(&ag.first_timer);	/* answer what waits */
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
			/*
			 * A flood of them is one line, and one at exit; from
			 * the first on the kernel drops them, so that a storm
			 * costs the shutdown nothing.
			 */
			if (ag.stopping && ag.hups_ignored++ == 0) {
				log_notice("shutting down: SIGHUP ignored");
				signals_ignore(SIGHUP);
			} else if (!ag.stopping)
				agent_reload();
			break;
		case SIGUSR1:
			agent_reopen();
			break;
		case SIGUSR2:
			if (!ag.stopping)
				agent_read_drain();
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

/* The log and the access log, made for the user we will become. */
static void
open_logs(void)
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
	if (ag.cfg->access_log != NULL && (ag.access = logsink_open(
	    ag.cfg->access_log, 0, ag.privs.uid, ag.privs.gid, err,
	    sizeof(err))) == NULL)
		daemonize_fatalx("%s", err);
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

/* Who we are, in the state file, from the first moment we serve. */
static void
first_state(void)
{
	agent_read_host();
	ag.st.pid = (long)getpid();
	ag.start_time = ag.config_time = loop_wallclock();
	ag.st.generation = 1;
	ag.st.starting = 1;	/* a stop waits for the start to end */
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "none");
	agent_save();
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
	open_logs();
	server_init();
	server_set_access_log(ag.access);
	server_set_config(ag.cfg);
	server_set_status(fill_status);
	if (listener_prepare(ag.cfg, 1, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	listener_commit();
	fetch_seeds();		/* as root: the old one may be another user */
	if (privs_drop(&ag.privs, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	first_state();
	confload_warnings(ag.cfg, ag.opts->conffile, agent_log_warning);
	check_init(agent_verdict);
	check_configure(ag.cfg);
	check_seed(ag.seeds, ag.nseeds);
	free(ag.seeds);
	ag.seeds = NULL;
	agent_read_drain();
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
		daemonize_detach(activation()->log_fd);
	(void)logsink_stderr_journal(activation()->journal);
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
	ag.st.starting = 0;	/* past the last failure: a stop may come */
	agent_save();
	handoff_listen(opts->conffile, ag.pidpath, on_go);
	first_results_wait();
	notify_ready(NULL);
	announce_verdict();	/* the first one, as every change after it */
	daemonize_ready();
	while (!ag.stopping || (server_busy() && !ag.drained))
		if (loop_run_once() == -1)
			log_warn("epoll_wait");
	shut_down();
	return 0;
}
