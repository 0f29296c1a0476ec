/*
 * reload.h - what the running daemon reads again, each given the
 * daemon's state (daemon_private.h) and saving what -s reads in its state
 * file; the caller says the verdict afterwards (a reload and the
 * maintenance file may change it).
 */
#ifndef MYDAEMON_RELOAD_H
#define MYDAEMON_RELOAD_H

struct daemon;

/*
 * SIGHUP: the configuration, atomically (all of it, or nothing); 0 when
 * applied, -1 when the old one stays (the reason logged and in the state
 * file).  Then, once the caller has said the verdict, reload_finish():
 * the reload counted done in the state file (what -s reload waits for)
 * and told to systemd.
 */
int	reload_config(struct daemon *d);
void	reload_finish(struct daemon *d);
/* SIGUSR1: the log and the access log at their paths. */
void	reload_logs(struct daemon *d);
/* SIGUSR2, start-up and reload: what the maintenance file says now. */
void	reload_maintenance(struct daemon *d);
/* The host name, for the answers. */
void	reload_host(struct daemon *d);
/* A warning of the configuration, to the log. */
void	reload_log_warning(const char *msg);

#endif /* MYDAEMON_RELOAD_H */
