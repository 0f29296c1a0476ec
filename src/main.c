/*
 * main.c - command line and the order of things.
 *
 * mydaemon [-f] [-c FILE] [-p PIDFILE]      run (daemonize unless -f)
 * mydaemon -t [-c FILE]                     test the configuration
 * mydaemon -s ACTION [-c FILE] [-p PIDFILE] [-w SECONDS]
 * mydaemon -s result NAME STATUS [TEXT]
 * mydaemon -V | -h
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon/activation.h"
#include "daemon/daemon.h"
#include "base/build.h"
#include "config/config.h"
#include "config/config_load.h"
#include "config/config_values.h"
#include "control/control.h"
#include "daemon/daemonize.h"
#include "log/log.h"
#include "instance/pidfile.h"
#include "control/respawn.h"
#include "control/result.h"
#include "control/restart.h"

#define DEFAULT_WAIT_S	10

struct options {
	struct daemon_opts	 daemon;
	int			 test;
	const char		*action;
	const char		*reason;
	unsigned int		 wait_s;
	const char		*name;		/* drain, undrain NAME */
	unsigned long long	 duration_ms;	/* drain -d */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: mydaemon [-f] [-c FILE] [-p PIDFILE]\n"
"       mydaemon -t [-c FILE]\n"
"       mydaemon -s status|stop|reload|reopen|restart [-c FILE] "
"[-p PIDFILE] [-w SECONDS]\n"
"       mydaemon -s drain [NAME] [-r REASON] [-d DURATION] | "
"-s undrain [NAME]\n"
"       mydaemon -s result NAME STATUS [TEXT]\n"
"       mydaemon -V | -h\n"
"\n"
"  -f, --foreground      do not detach; log to stderr unless log_file is set\n"
"  -c, --config FILE     configuration file (default %s)\n"
"  -p, --pidfile FILE    pidfile, or \"none\" (default: from the config)\n"
"  -t, --test            check the configuration and exit\n"
"  -s, --signal ACTION   control the running instance\n"
"  -r, --reason TEXT     why the host or check is drained (-s drain)\n"
"  -d, --duration TIME   the drain ends by itself after TIME (-s drain)\n"
"  -w, --wait SECONDS    how long -s waits for the daemon (default %d)\n"
"  -V, --version         print the version and exit\n"
"  -h, --help            print this help and exit\n",
	    MYDAEMON_CONFFILE, DEFAULT_WAIT_S);
}

/* The daemon works in "/": remember relative paths as absolute ones. */
static const char *
absolute(const char *path)
{
	char cwd[4096], *p;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	if (asprintf(&p, "%s/%s", cwd, path) == -1) {
		fprintf(stderr, "mydaemon: out of memory\n");
		exit(1);
	}
	return p;
}

static unsigned int
parse_wait(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || v > 3600) {
		fprintf(stderr, "mydaemon: invalid wait \"%s\" (0-3600 "
		    "seconds)\n", s);
		exit(2);
	}
	return (unsigned int)v;
}

/* -d: a duration as the configuration writes them (1s, 90m, 2h). */
static unsigned long long
parse_duration(const char *s)
{
	uint64_t ms;

	if (config_values_duration(s, &ms) != CONFVAL_OK || ms == 0 ||
	    ms > 8784ULL * 3600 * 1000) {
		fprintf(stderr, "mydaemon: invalid duration \"%s\" (1ms-8784h, "
		    "e.g. 30s, 90m or 2h)\n", s);
		exit(2);
	}
	return ms;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "test", no_argument, NULL, 't' },
		{ "signal", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ "reason", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	o->daemon.conffile = MYDAEMON_CONFFILE;
	o->wait_s = DEFAULT_WAIT_S;
	while ((ch = getopt_long(argc, argv, "fc:p:ts:w:r:d:Vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f': o->daemon.foreground = 1; break;
		case 'c': o->daemon.conffile = absolute(optarg); break;
		case 'p':
			o->daemon.no_pidfile = strcmp(optarg, "none") == 0;
			o->daemon.pidfile = o->daemon.no_pidfile ? NULL :
			    absolute(optarg);
			break;
		case 't': o->test = 1; break;
		case 's': o->action = optarg; break;
		case 'w': o->wait_s = parse_wait(optarg); break;
		case 'r': o->reason = optarg; break;
		case 'd': o->duration_ms = parse_duration(optarg); break;
		case 'V': printf("mydaemon %s\n", MYDAEMON_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	/* -s result takes NAME STATUS [TEXT]. */
	if (o->action != NULL && strcmp(o->action, "result") == 0) {
		if (argc - optind < 2 || argc - optind > 3 || o->reason) {
			usage(stderr);
			exit(2);
		}
		return;
	}
	/* drain and undrain take a check's NAME. */
	if (o->action != NULL && (strcmp(o->action, "drain") == 0 ||
	    strcmp(o->action, "undrain") == 0) && argc - optind == 1)
		o->name = argv[optind++];
	/* Only a restart takes start options, after "--". */
	if ((optind < argc && (o->action == NULL ||
	    strcmp(o->action, "restart") != 0 ||
	    strcmp(argv[optind - 1], "--") != 0)) ||
	    (o->test && o->action != NULL) ||
	    ((o->reason != NULL || o->duration_ms != 0) &&
	    (o->action == NULL || strcmp(o->action, "drain") != 0))) {
		usage(stderr);
		exit(2);
	}
}

/*
 * -s needs the pidfile: -p, else the config's, else the default; drain
 * also the maintenance file (for when no daemon runs to say which).  The
 * config is only peeked at: -s stop must work with a broken one.
 */
static int
control_mode(struct options *o)
{
	struct control_req req = { o->action, o->daemon.pidfile, o->wait_s,
	    o->reason, NULL, o->name, o->duration_ms, o->daemon.conffile,
	    NULL };
	char *pidfile = NULL, *maint, *mstatus;
	int r;

	if (o->daemon.no_pidfile) {
		fprintf(stderr, "mydaemon: -s needs a pidfile\n");
		return 2;
	}
	if (req.pidfile == NULL &&
	    (pidfile = config_load_peek(o->daemon.conffile, "pidfile")) !=
	    NULL &&
	    strcasecmp(pidfile, "none") == 0) {
		fprintf(stderr, "mydaemon: the configuration sets no pidfile; "
		    "use -p\n");
		free(pidfile);
		return 2;
	}
	maint = config_load_peek(o->daemon.conffile, "maintenance_file");
	req.maintenance_file = maint != NULL ? maint : MYDAEMON_MAINTFILE;
	mstatus = config_load_peek(o->daemon.conffile, "maintenance_status");
	req.maint_status = mstatus;
	if (req.pidfile == NULL)
		req.pidfile = pidfile != NULL ? pidfile : MYDAEMON_PIDFILE;
	r = control_run(&req);
	free(pidfile);
	free(maint);
	free(mstatus);
	return r;
}

/*
 * -s restart: the configuration first (6 and nothing touched when it is
 * invalid), then a hand-over to a new process (restart.h).  With nobody
 * to hand over, an old daemon is stopped and a new one started.
 */
static int
restart_with(struct options *o, const struct config *cfg, char **args)
{
	struct restart_req req;
	const char *pidfile;
	int r;
	pid_t pid;

	if ((pidfile = o->daemon.pidfile) == NULL && (pidfile = cfg->pidfile) ==
	    NULL) {
		fprintf(stderr, "mydaemon: a restart needs a pidfile\n");
		return 2;
	}
	req = (struct restart_req){ o->daemon.conffile, cfg, pidfile, args,
	    o->wait_s };
	if ((r = restart_run(&req)) != -1)
		return r;
	if (pidfile_query(pidfile, &pid) == PIDFILE_RUNNING) {
		struct control_req stop = { "stop", pidfile, o->wait_s, NULL,
		    NULL, NULL, 0, o->daemon.conffile, NULL };

		fprintf(stderr, "mydaemon: pid %ld cannot hand over its "
		    "sockets: stopping it, then starting\n", (long)pid);
		if (control_run(&stop) != 0)
			return 1;
	}
	fflush(NULL);
	respawn_execv(args);
	return 1;
}

static int
restart(struct options *o, int argc, char **argv)
{
	struct config *cfg;
	char reason[512], self[4096], **args;
	int n = 0, r;

	if ((cfg = config_load(o->daemon.conffile, 0, 1, reason,
	    sizeof(reason))) == NULL)
		return 6;
	if (respawn_self(self, sizeof(self)) == -1 ||
	    (args = calloc((size_t)(argc - optind) + 6, sizeof(*args))) ==
	    NULL) {
		config_parse_free(cfg);
		return 1;
	}
	args[n++] = self;
	args[n++] = "-c";
	args[n++] = (char *)o->daemon.conffile;
	if (o->daemon.pidfile != NULL) {
		args[n++] = "-p";
		args[n++] = (char *)o->daemon.pidfile;
	}
	while (optind < argc)
		args[n++] = argv[optind++];
	r = restart_with(o, cfg, args);
	free(args);
	config_parse_free(cfg);
	return r;
}

/* -s result NAME STATUS [TEXT] (control/result.h). */
static int
push_result(const struct options *o, int argc, char **argv)
{
	struct result_req req = { o->daemon.conffile, o->daemon.pidfile,
	    o->wait_s, argv[optind], argv[optind + 1], optind + 2 < argc ?
	    argv[optind + 2] : NULL };

	if (o->daemon.no_pidfile || o->test) {
		usage(stderr);
		return 2;
	}
	return result_push(&req);
}

static void
print_warning(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

int
main(int argc, char **argv)
{
	static struct options o;	/* static: its paths live until exit */
	struct config *cfg;
	char reason[512];

	activation_capture();	/* before the environment is wiped */
	daemonize_sanitize(activation()->nfds +
	    (activation()->log_fd != -1));
	log_init("mydaemon");
	memset(&o, 0, sizeof(o));
	parse_options(argc, argv, &o);
	if (o.action != NULL && strcmp(o.action, "restart") == 0)
		return restart(&o, argc, argv);
	if (o.action != NULL && strcmp(o.action, "result") == 0)
		return push_result(&o, argc, argv);
	if (o.action != NULL)
		return control_mode(&o);
	o.daemon.log_stderr = o.daemon.foreground || activation()->log_fd != -1;
	cfg = config_load(o.daemon.conffile, o.daemon.log_stderr, 1, reason,
	    sizeof(reason));
	if (cfg == NULL)
		return 1;
	if (o.test) {
		config_load_warnings(cfg, o.daemon.conffile, print_warning);
		printf("mydaemon: configuration %s is valid\n",
		    o.daemon.conffile);
		config_parse_free(cfg);
		return 0;
	}
	return daemon_run(&o.daemon, cfg);
}
