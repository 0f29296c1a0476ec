/*
 * notify.h - systemd's readiness protocol, written here from sd_notify(3)
 * without libsystemd: datagrams of "KEY=VALUE" lines to NOTIFY_SOCKET (a
 * path, or "@" for an abstract name).  Without NOTIFY_SOCKET every call
 * does nothing.
 */
#ifndef MYDAEMON_NOTIFY_H
#define MYDAEMON_NOTIFY_H

#include <stdint.h>

/* Open the socket of activation()'s NOTIFY_SOCKET (before privileges
   are dropped: the path may be root's).  Arms the watchdog if asked. */
void	notify_init(void);

/* READY=1, with MAINPID= when we are not the process that was started. */
void	notify_ready(const char *status);
/* RELOADING=1 and MONOTONIC_USEC= in one datagram. */
void	notify_reloading(void);
void	notify_stopping(void);
/* EXTEND_TIMEOUT_USEC=: the stop may take ms (and a margin) from now. */
void	notify_extend_ms(uint64_t ms);
/* STATUS=...: one line for `systemctl status`. */
void	notify_status(const char *status);
void	notify_fini(void);

#endif /* MYDAEMON_NOTIFY_H */
