/*
 * conn_http.h - HTTP on a connection of a listen address: the handlers
 * server.c gives it at accept, and what the agent port borrows (the
 * connection's own input buffer).
 */
#ifndef MYDAEMON_CONN_HTTP_H
#define MYDAEMON_CONN_HTTP_H

#include <stddef.h>

#include "http/http.h"
#include "http/http_scan.h"
#include "server/conn.h"

extern const struct conn_ops	conn_http_ops;

/* Keep len bytes as the start of a head (scan: how far it was seen). */
int	conn_http_keep_head(struct conn *c, const char *data, size_t len,
	    const struct http_scan *scan);
/* A parked connection's requests: answer them now. */
void	conn_http_unpark(struct conn *c);

#endif /* MYDAEMON_CONN_HTTP_H */
