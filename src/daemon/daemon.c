/*
 * daemon.c - the running daemon (see daemon.h).
 *
 * Start-up follows daemon(7) and ends with the readiness report; after
 * that every piece of work is a callback of the one loop: signals (a
 * reload is reload.c's), the checks' results (what the daemon says of
 * them is verdict.c's), and the shutdown, or the hand-over to a
 * restart's new process.
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
#include "daemon/drains.h"
#include "daemon/reload.h"
#include "base/build.h"
#include "checks/check.h"
#include "checks/probe.h"
#include "config/config.h"
#include "config/config_load.h"
#include "daemon/daemonize.h"
#include "instance/drain.h"
#include "daemon/handoff.h"
#include "instance/instance.h"
#include "server/listener.h"
#include "log/log.h"
#include "log/log_sink.h"
#include "base/loop.h"
#include "daemon/notify.h"
#include "daemon/push_watch.h"
#include "base/privs.h"
#include "server/server.h"
#include "daemon/signals.h"
#include "daemon/verdict.h"
#include "instance/state.h"

#define HOLDER_WAIT_MS	10000
#define SIGNAL_BATCH	64

static struct daemon dm;

static void
daemon_save(void)
{
	instance_save(&dm.st);
}

static void
on_shutdown_timeout(struct loop_timer *t)
{
	(void)t;
	log_warnx("shutdown_timeout reached, closing the remaining "
	    "connections");
	dm.shutdown_over = 1;
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
	if (dm.stopping)
		return;
	dm.stopping = 1;
	dm.st.stopping = 1;	/* a starter must not take us for running */
	daemon_save();
	loop_timer_cancel(&dm.shutdown_drain_timer);
	if (!restart && !dm.shutdown_draining)
		notify_stopping();
	log_notice("%s, shutting down", why);
	verdict_first_done();	/* answer what waits */
	handoff_close();
	check_sched_shutdown();
	push_watch_stop();	/* a restart's new process takes them */
	listener_close_all();
	server_stop_accepting(restart);
	dm.shutdown_timer.cb = on_shutdown_timeout;
	loop_timer_set(&dm.shutdown_timer, dm.cfg->shutdown_timeout_ms);
}

static void
on_shutdown_drain_over(struct loop_timer *t)
{
	(void)t;
	stop("shutdown_drain over", 0);
}

/*
 * SPEC 21: a SIGTERM with shutdown_drain set first tells the load
 * balancers (/health 503 "shutting down", the agent port "drain") while
 * everything still serves, then stops.  A second SIGTERM, and SIGINT
 * (someone at a terminal), stop at once; a restart's hand-over never
 * drains: the new process serves the same sockets.
 */
static void
begin_shutdown(int signo)
{
	char why[64];

	snprintf(why, sizeof(why), "received %s", signals_name(signo));
	if (dm.shutdown_draining && signals_stops() == dm.drain_stops)
		return;		/* the same SIGTERM, read again */
	if (signo != SIGTERM || dm.cfg->shutdown_drain_ms == 0 ||
	    dm.shutdown_draining || dm.stopping) {
		stop(why, 0);
		return;
	}
	dm.shutdown_draining = 1;
	dm.drain_stops = signals_stops();
	dm.st.stopping = 1;	/* a starter must not take us for running */
	daemon_save();
	notify_stopping();
	notify_extend_ms(dm.cfg->shutdown_drain_ms +
	    dm.cfg->shutdown_timeout_ms);
	log_notice("%s, draining for %llums before shutting down", why,
	    (unsigned long long)dm.cfg->shutdown_drain_ms);
	dm.shutdown_drain_timer.cb = on_shutdown_drain_over;
	loop_timer_set(&dm.shutdown_drain_timer, dm.cfg->shutdown_drain_ms);
	verdict_changed();
}

/* A restart's new process is ready and takes over (handoff.h). */
static void
on_go(const char *new_pidfile)
{
	instance_hand_over(new_pidfile);
	stop("handed over to the new process", 1);
}

/*
 * A reload while shutting down is ignored: a flood of SIGHUPs is one
 * line, and one at exit; from the first on the kernel drops them, so
 * that a storm costs the shutdown nothing.
 */
static void
on_reload(int signo)
{
	if (dm.stopping && dm.hups_ignored++ == 0) {
		log_notice("shutting down: %s ignored", signals_name(signo));
		signals_ignore(signo);
	} else if (!dm.stopping) {
		if (reload_config(&dm) == 0)
			verdict_changed();
		reload_finish(&dm);
	}
}

/*
 * At most SIGNAL_BATCH signals a turn: a flood of them must not keep the
 * loop from its timers (the shutdown deadline) and its clients; the rest
 * wait in the pipe for the next turn.  Children are reaped once a turn,
 * however many SIGCHLDs came: one reaping collects them all.
 */
static void
on_signals(struct loop_io *io, uint32_t events)
{
	const struct signal_entry *e;
	int signo, n = 0, reap = 0;

	(void)io;
	(void)events;
	while (n++ < SIGNAL_BATCH && (signo = signals_next()) != 0) {
		if ((e = signals_by_number(signo)) == NULL)
			continue;
		switch (e->work) {
		case SIGNAL_RELOAD:
			on_reload(signo);
			break;
		case SIGNAL_REOPEN:
			reload_logs(&dm);
			break;
		case SIGNAL_MAINTENANCE:
			if (!dm.stopping) {
				reload_maintenance(&dm);
				verdict_changed();
			}
			break;
		case SIGNAL_STOP:
			begin_shutdown(signo);
			break;
		case SIGNAL_CHILD:
			reap = 1;
			break;
		}
	}
	if (reap)
		check_sched_reap();
}

/* The log and the access log, made for the user we will become. */
static void
open_logs(void)
{
	struct log_sink *sink;
	char err[512];

	sink = log_sink_open(dm.cfg->log_file, dm.cfg->syslog_facility,
	    dm.privs.uid, dm.privs.gid, err, sizeof(err));
	if (sink == NULL)
		daemonize_fatalx("%s", err);
	log_sink_close(log_set_sink(sink));
	log_set_level(dm.cfg->log_level);
	if (strcmp(dm.cfg->log_file, "stderr") != 0)
		daemonize_log_opened();
	if (dm.cfg->access_log != NULL && (dm.access = log_sink_open(
	    dm.cfg->access_log, 0, dm.privs.uid, dm.privs.gid, err,
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
	if (activation()->takeover == 0 || dm.cfg->nchecks == 0 ||
	    (dm.seeds = calloc(dm.cfg->nchecks, sizeof(*dm.seeds))) == NULL)
		return;
	dm.nseeds = handoff_wire_fetch_checks(dm.opts->conffile,
	    activation()->takeover, dm.seeds, dm.cfg->nchecks);
}

/* Who we are, in the state file, from the first moment we serve. */
static void
first_state(void)
{
	reload_host(&dm);
	dm.st.pid = (long)getpid();
	dm.start_time = dm.config_time = loop_wallclock();
	dm.st.generation = 1;
	dm.st.starting = 1;	/* a stop waits for the start to end */
	snprintf(dm.st.last_reload, sizeof(dm.st.last_reload), "none");
	daemon_save();
}

static void
start_up(void)
{
	char err[512];
	int which, sfd;
	pid_t other;

	if (privs_lookup(dm.cfg->user, dm.cfg->group, &dm.privs, &which, err,
	    sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	if ((sfd = signals_init()) == -1 || loop_init() == -1)
		daemonize_fatalx("cannot set up the event loop: %s",
		    strerror(errno));
	dm.sigio.fd = sfd;
	dm.sigio.cb = on_signals;
	loop_add(&dm.sigio, EPOLLIN);
	notify_init();
	adopt_sockets();
	/* A holder that is draining may need its whole shutdown_timeout. */
	dm.pidpath = dm.opts->no_pidfile ? NULL : dm.opts->pidfile ?
	    dm.opts->pidfile : dm.cfg->pidfile;
	switch (instance_claim(dm.pidpath, (pid_t)activation()->takeover,
	    HOLDER_WAIT_MS + dm.cfg->shutdown_drain_ms +
	    dm.cfg->shutdown_timeout_ms, &other, err,
	    sizeof(err))) {
	case 1:
		daemonize_exit_ok("already running (pid %ld)", (long)other);
	case -1:
		daemonize_fatalx("%s", err);
	}
	probe_own_pidfile(dm.pidpath);
	open_logs();
	server_init();
	server_set_access_log(dm.access);
	server_set_config(dm.cfg);
	server_set_snapshot(verdict_fill);
	if (listener_prepare(dm.cfg, 1, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	listener_commit();
	fetch_seeds();		/* as root: the old one may be another user */
	push_watch_prepare(dm.cfg, &dm.privs);
	if (privs_drop(&dm.privs, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	first_state();
	config_load_warnings(dm.cfg, dm.opts->conffile, reload_log_warning);
	check_sched_init(verdict_changed);
	check_set_configure(dm.cfg);
	push_watch_configure(dm.cfg);	/* kept results before seeds */
	check_set_seed(dm.seeds, dm.nseeds);
	free(dm.seeds);
	dm.seeds = NULL;
	reload_maintenance(&dm);
	verdict_changed();
}

static void
shut_down(void)
{
	if (dm.hups_ignored > 1)
		log_notice("%lu more SIGHUPs ignored while shutting down",
		    dm.hups_ignored - 1);
	server_close_all();
	listener_close_all();
	server_set_access_log(NULL);
	log_sink_close(dm.access);
	handoff_close();
	drains_fini();
	notify_fini();
	instance_release();
	log_notice("exiting");
	config_parse_free(dm.cfg);
	privs_free(&dm.privs);
	loop_fini();
	signals_fini();
	log_sink_close(log_set_sink(NULL));
}

int
daemon_run(const struct daemon_opts *opts, struct config *cfg)
{
	char err[512];

	dm.opts = opts;
	verdict_init(&dm);
	drains_init(&dm, verdict_changed);
	dm.cfg = cfg;
	if (opts->foreground)
		daemonize_foreground();
	else
		daemonize_detach(activation()->log_fd);
	(void)log_sink_stderr_journal(activation()->journal);
	start_up();
	log_notice("mydaemon %s started (pid %ld, config %s)",
	    MYDAEMON_VERSION, (long)getpid(), opts->conffile);
	/*
	 * A SIGTERM during start-up: the starter must not report a daemon
	 * that is already on its way out as started.  (In the foreground
	 * there is no starter: it is a clean shutdown like any other.)
	 */
	on_signals(&dm.sigio, 0);
	if (dm.stopping && !opts->foreground)
		daemonize_fatalx("stopped by a signal during start-up");
	/* A takeover's files are ours from now on. */
	if (instance_commit(err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	dm.st.starting = 0;	/* past the last failure: a stop may come */
	daemon_save();
	handoff_listen(opts->conffile, dm.pidpath, on_go);
	verdict_wait_first();
	notify_ready(NULL);
	verdict_announce();	/* the first one, as every change after it */
	daemonize_ready();
	while (!dm.stopping || (server_busy() && !dm.shutdown_over))
		if (loop_run_once() == -1)
			log_warn("epoll_wait");
	shut_down();
	return 0;
}
