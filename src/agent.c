/*
 * agent.c - the running daemon (see agent.h).
 *
 * Start-up follows daemon(7) and ends with the readiness report; after
 * that every piece of work is a callback of the one loop.  A reload
 * builds everything new (config, log sink, listeners) on the side and
 * swaps only when all of it succeeded, like nginx's cycle.
 */
#include <sys/stat.h>
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "check.h"
#include "config.h"
#include "daemonize.h"
#include "log.h"
#include "loop.h"
#include "pidfile.h"
#include "privs.h"
#include "server.h"
#include "signals.h"
#include "state.h"
#include "status.h"

#define CONFIG_MAX_SIZE	(1024 * 1024)
#define HOLDER_POLL_MS	10
#define HOLDER_WAIT_MS	10000

static struct {
	const struct agent_opts	*opts;
	struct config		*cfg;
	struct privs		 privs;
	struct pidfile		*pf;
	char			*pidpath;
	char			*statepath;
	int			 statefd;
	struct state_info	 st;
	struct loop_io		 sigio;
	struct loop_timer	 drain;
	int			 stopping, drained;
	double			 start_time;	/* Unix time */
	struct log_sink		*access;	/* the access log, or NULL */
	uint64_t		 access_dropped; /* by access logs closed */
} ag = { .statefd = -1 };

static int
read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_SIZE) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    S_ISREG(st.st_mode) ? "file too large" :
		    "not a regular file");
		close(fd);
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL ||
	    (n = read(fd, *buf, (size_t)st.st_size + 1)) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		free(*buf);
		close(fd);
		return -1;
	}
	close(fd);
	*len = (size_t)n;
	return 0;
}

/* user/group are checked against the system, with the key's line. */
static int
check_identity(const char *file, struct config *cfg, char *err,
    size_t errlen)
{
	struct privs p;
	char why[256];
	int which = 0;

	if (privs_lookup(cfg->user, cfg->group, &p, &which, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s:%d: %s", file, which == 'g' ?
		    cfg->group_line : cfg->user_line, why);
		return -1;
	}
	privs_free(&p);
	return 0;
}

struct config *
agent_load_config(const char *file, int foreground, int print, char *reason,
    size_t reasonlen)
{
	struct config_errors errs = { NULL, 0 };
	struct config *cfg = NULL;
	char *text;
	size_t len, i;

	if (read_file(file, &text, &len, reason, reasonlen) == -1) {
		if (print)
			fprintf(stderr, "mydaemon: %s\n", reason);
		return NULL;
	}
	cfg = config_parse(file, text, len, MYDAEMON_PIDFILE,
	    foreground ? "stderr" : MYDAEMON_LOGFILE, &errs);
	free(text);
	if (cfg == NULL && errs.n == 0)
		snprintf(reason, reasonlen, "%s: %s", file, strerror(errno));
	else if (cfg == NULL)
		snprintf(reason, reasonlen, errs.n > 1 ? "%s (and %zu more)" :
		    "%s", errs.msg[0], errs.n - 1);
	else if (check_identity(file, cfg, reason, reasonlen) == -1) {
		config_free(cfg);
		cfg = NULL;
	}
	if (print && cfg == NULL && errs.n == 0)
		fprintf(stderr, "%s\n", reason);
	for (i = 0; print && i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	config_errors_free(&errs);
	return cfg;
}

char *
agent_find_pidfile(const char *file, int *none)
{
	char err[512], *text, *v = NULL;
	size_t len;

	*none = 0;
	if (read_file(file, &text, &len, err, sizeof(err)) == 0) {
		v = config_peek(text, len, "pidfile");
		free(text);
	}
	if (v != NULL && strcasecmp(v, "none") == 0) {
		*none = 1;
		free(v);
		return NULL;
	}
	return v != NULL ? v : strdup(MYDAEMON_PIDFILE);
}

static void
save_state(void)
{
	if (ag.statefd != -1 && state_write(ag.statefd, &ag.st) == -1)
		log_warn("cannot write state file %s", ag.statepath);
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

	if (log_target_changed(n) && (p->log = log_sink_open(n->log_file,
	    n->syslog_facility, ag.privs.uid, ag.privs.gid, why,
	    whylen)) == NULL)
		return -1;
	p->access_changed = !same_str(n->access_log, ag.cfg->access_log);
	if (p->access_changed && n->access_log != NULL &&
	    (p->access = log_sink_open(n->access_log, 0, ag.privs.uid,
	    ag.privs.gid, why, whylen)) == NULL)
		return -1;
	return server_prepare(n, why, whylen);
}

static void
close_pending(struct pending *p)
{
	if (p->log != NULL)
		log_sink_close(p->log);
	if (p->access != NULL)
		log_sink_close(p->access);
	config_free(p->cfg);
}

static void
commit_reload(struct pending *p)
{
	server_commit();
	server_set_config(p->cfg);
	check_configure(p->cfg);
	if (p->log != NULL)
		log_sink_close(log_swap_sink(p->log));
	if (p->access_changed) {
		server_set_access_log(p->access);
		if (ag.access != NULL)
			ag.access_dropped += log_sink_dropped(ag.access);
		log_sink_close(ag.access);
		ag.access = p->access;
	}
	log_set_level(p->cfg->log_level);
	config_free(ag.cfg);
	ag.cfg = p->cfg;
	ag.st.generation++;
	ag.st.reload_ok++;
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "ok");
	ag.st.reason[0] = '\0';
	log_notice("configuration %s reloaded (generation %lu)",
	    ag.opts->conffile, ag.st.generation);
}

static void
reload(void)
{
	char why[STATE_REASON_MAX];
	struct pending p = { NULL, NULL, NULL, 0 };

	ag.st.reload_started++;
	save_state();
	log_info("received SIGHUP, reloading %s", ag.opts->conffile);
	p.cfg = agent_load_config(ag.opts->conffile, ag.opts->foreground, 0,
	    why, sizeof(why));
	if (p.cfg != NULL)
		keep_restart_keys(p.cfg);
	if (p.cfg != NULL && open_pending(&p, why, sizeof(why)) == 0)
		commit_reload(&p);
	else {
		close_pending(&p);
		ag.st.reload_failed++;
		snprintf(ag.st.last_reload, sizeof(ag.st.last_reload),
		    "failed");
		snprintf(ag.st.reason, sizeof(ag.st.reason), "%s", why);
		log_errx("reload failed: %s", why);
	}
	ag.st.reload_done++;
	save_state();
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
	    log_sink_reopen(ag.access, why, sizeof(why)) == -1) {
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

static void
begin_shutdown(int signo)
{
	if (ag.stopping)
		return;
	ag.stopping = 1;
	ag.st.stopping = 1;	/* a starter must not take us for running */
	save_state();
	log_notice("received %s, shutting down", signals_name(signo));
	check_shutdown();
	server_stop_accepting();
	ag.drain.cb = on_drain_timeout;
	loop_timer_set(&ag.drain, ag.cfg->shutdown_timeout_ms);
}

static void
on_signal(struct loop_io *io, uint32_t events)
{
	int signo;

	(void)io;
	(void)events;
	while ((signo = signals_next()) != 0) {
		switch (signo) {
		case SIGHUP:
			if (ag.stopping)
				log_notice("shutting down: SIGHUP ignored");
			else
				reload();
			break;
		case SIGUSR1:
			reopen();
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

/* The snapshot /health, /status and /metrics are rendered from. */
static void
fill_status(struct status_info *si)
{
	si->version = PACKAGE_VERSION;
	si->pid = ag.st.pid;
	si->start_time = ag.start_time;
	si->now = loop_wallclock();
	si->config_file = ag.opts->conffile;
	si->generation = ag.st.generation;
	si->maintenance = ag.cfg->maintenance;
	check_fill(si);
	si->reloads_ok = ag.st.reload_ok;
	si->reloads_failed = ag.st.reload_failed;
	si->log_reopens = ag.st.reopens;
	si->log_reopen_failed = ag.st.reopen_failed;
	/* Lines lost by the main log and by every access log so far. */
	si->log_dropped = log_dropped() + ag.access_dropped +
	    (ag.access != NULL ? log_sink_dropped(ag.access) : 0);
	server_counters(&si->connections, &si->requests,
	    si->requests_by_code);
}

/* Leave nothing behind: called on clean exit and from atexit(). */
static void
cleanup_files(void)
{
	if (ag.statefd != -1) {
		if (unlink(ag.statepath) == -1 && ftruncate(ag.statefd, 0) == -1)
			log_warn("cannot remove state file %s", ag.statepath);
		close(ag.statefd);
		ag.statefd = -1;
	}
	pidfile_remove(ag.pf);
	ag.pf = NULL;
}

/* The instance holding the lock has finished its start-up. */
static int
holder_ready(pid_t pid)
{
	struct state_info si;

	return state_read(ag.statepath, &si) == 0 && si.pid == (long)pid &&
	    !si.stopping;
}

/*
 * Lock the pidfile.  When another instance holds it, starting again is
 * not an error (LSB: start on a running service succeeds) once that
 * instance is ready; if it dies before that, try to take over.
 */
static void
take_pidfile(void)
{
	char err[512];
	uint64_t deadline;
	pid_t other;

	ag.pidpath = ag.opts->no_pidfile ? NULL : ag.opts->pidfile ?
	    strdup(ag.opts->pidfile) : ag.cfg->pidfile ?
	    strdup(ag.cfg->pidfile) : NULL;
	if (ag.pidpath == NULL)
		return;
	if ((ag.statepath = state_path(ag.pidpath)) == NULL)
		daemonize_fatalx("out of memory");
	/* A holder that is draining may need its whole shutdown_timeout. */
	deadline = loop_now_fresh() + HOLDER_WAIT_MS +
	    ag.cfg->shutdown_timeout_ms;
	while ((ag.pf = pidfile_open(ag.pidpath, &other, err,
	    sizeof(err))) == NULL) {
		if (errno != EEXIST)
			daemonize_fatalx("%s", err);
		if (holder_ready(other))
			daemonize_exit_ok("already running (pid %ld)",
			    (long)other);
		if (loop_now_fresh() >= deadline)
			daemonize_fatalx("%s, but it is not ready", err);
		nanosleep(&(struct timespec){ 0, HOLDER_POLL_MS * 1000000L },
		    NULL);
	}
	atexit(cleanup_files);
	if (pidfile_write(ag.pf) == -1)
		daemonize_fatalx("cannot write pidfile %s: %s", ag.pidpath,
		    strerror(errno));
	if ((ag.statefd = state_open(ag.statepath)) == -1)
		daemonize_fatalx("cannot open state file %s: %s",
		    ag.statepath, strerror(errno));
}

static void
open_log(void)
{
	struct log_sink *sink;
	char err[512];

	sink = log_sink_open(ag.cfg->log_file, ag.cfg->syslog_facility,
	    ag.privs.uid, ag.privs.gid, err, sizeof(err));
	if (sink == NULL)
		daemonize_fatalx("%s", err);
	log_sink_close(log_swap_sink(sink));
	log_set_level(ag.cfg->log_level);
	if (strcmp(ag.cfg->log_file, "stderr") != 0)
		daemonize_log_opened();
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
	ag.sigio.cb = on_signal;
	loop_add(&ag.sigio, EPOLLIN);
	take_pidfile();
	open_log();
	if (ag.cfg->access_log != NULL) {
		if ((ag.access = log_sink_open(ag.cfg->access_log, 0,
		    ag.privs.uid, ag.privs.gid, err, sizeof(err))) == NULL)
			daemonize_fatalx("%s", err);
		server_set_access_log(ag.access);
	}
	server_set_config(ag.cfg);
	server_set_status(fill_status);
	if (server_prepare(ag.cfg, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	server_commit();
	if (privs_drop(&ag.privs, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	ag.st.pid = (long)getpid();
	ag.start_time = loop_wallclock();
	ag.st.generation = 1;
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "none");
	save_state();
	check_init();
	check_configure(ag.cfg);
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
	log_notice("mydaemon %s started (pid %ld, config %s)", PACKAGE_VERSION,
	    (long)getpid(), opts->conffile);
	/*
	 * A SIGTERM during start-up: the starter must not report a daemon
	 * that is already on its way out as started.  (In the foreground
	 * there is no starter: it is a clean shutdown like any other.)
	 */
	on_signal(&ag.sigio, 0);
	if (ag.stopping && !opts->foreground)
		daemonize_fatalx("stopped by a signal during start-up");
	daemonize_ready();
	while (!ag.stopping || (server_busy() && !ag.drained))
		if (loop_run_once() == -1)
			log_warn("epoll_wait");
	server_close_all();
	server_set_access_log(NULL);
	log_sink_close(ag.access);
	cleanup_files();
	log_notice("exiting");
	config_free(ag.cfg);
	privs_free(&ag.privs);
	free(ag.pidpath);
	free(ag.statepath);
	loop_fini();
	signals_fini();
	log_sink_close(log_swap_sink(NULL));
	return 0;
}
