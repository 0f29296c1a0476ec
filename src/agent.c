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
#include <sys/wait.h>

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
#include "config.h"
#include "daemonize.h"
#include "log.h"
#include "loop.h"
#include "pidfile.h"
#include "privs.h"
#include "server.h"
#include "signals.h"
#include "state.h"

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
log_target_changed(const struct config *n)
{
	return strcmp(n->log_file, ag.cfg->log_file) != 0 ||
	    (strcmp(n->log_file, "syslog") == 0 &&
	    n->syslog_facility != ag.cfg->syslog_facility);
}

static void
commit_reload(struct config *n, struct log_sink *sink)
{
	server_commit();
	server_set_config(n);
	if (sink != NULL)
		log_sink_close(log_swap_sink(sink));
	log_set_level(n->log_level);
	config_free(ag.cfg);
	ag.cfg = n;
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
	struct log_sink *sink = NULL;
	struct config *n;

	ag.st.reload_started++;
	save_state();
	log_info("received SIGHUP, reloading %s", ag.opts->conffile);
	n = agent_load_config(ag.opts->conffile, ag.opts->foreground, 0, why,
	    sizeof(why));
	if (n != NULL) {
		keep_restart_keys(n);
		if (log_target_changed(n) && (sink = log_sink_open(n->log_file,
		    n->syslog_facility, ag.privs.uid, ag.privs.gid, why,
		    sizeof(why))) == NULL) {
			config_free(n);
			n = NULL;
		}
	}
	if (n != NULL && server_prepare(n, why, sizeof(why)) == -1) {
		if (sink != NULL)
			log_sink_close(sink);
		config_free(n);
		n = NULL;
	}
	if (n != NULL)
		commit_reload(n, sink);
	else {
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

	if (log_reopen(why, sizeof(why)) == -1) {
		ag.st.reopen_failed++;
		log_warnx("log reopen failed, still writing to the old file: "
		    "%s", why);
	} else {
		ag.st.reopens++;
		log_notice("log reopened");
	}
	save_state();
}

static void
reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void
on_drain_timeout(struct loop_timer *t)
{
	(void)t;
	log_warnx("shutdown_timeout reached, closing %zu connection(s)",
	    server_connections());
	ag.drained = 1;
}

static void
begin_shutdown(int signo)
{
	if (ag.stopping)
		return;
	ag.stopping = 1;
	log_notice("received %s, shutting down", signals_name(signo));
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
			reap_children();
			break;
		}
	}
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

	return state_read(ag.statepath, &si) == 0 && si.pid == (long)pid;
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
	pid_t other;
	int waited;

	ag.pidpath = ag.opts->no_pidfile ? NULL : ag.opts->pidfile ?
	    strdup(ag.opts->pidfile) : ag.cfg->pidfile ?
	    strdup(ag.cfg->pidfile) : NULL;
	if (ag.pidpath == NULL)
		return;
	if ((ag.statepath = state_path(ag.pidpath)) == NULL)
		daemonize_fatalx("out of memory");
	for (waited = 0; (ag.pf = pidfile_open(ag.pidpath, &other, err,
	    sizeof(err))) == NULL; waited += HOLDER_POLL_MS) {
		if (errno != EEXIST)
			daemonize_fatalx("%s", err);
		if (holder_ready(other))
			daemonize_exit_ok("already running (pid %ld)",
			    (long)other);
		if (waited >= HOLDER_WAIT_MS)
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
	server_set_config(ag.cfg);
	if (server_prepare(ag.cfg, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	server_commit();
	if (privs_drop(&ag.privs, err, sizeof(err)) == -1)
		daemonize_fatalx("%s", err);
	ag.st.pid = (long)getpid();
	ag.st.generation = 1;
	snprintf(ag.st.last_reload, sizeof(ag.st.last_reload), "none");
	save_state();
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
	daemonize_ready();
	while (!ag.stopping || (server_busy() && !ag.drained))
		if (loop_run_once() == -1)
			log_warn("epoll_wait");
	server_close_all();
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
