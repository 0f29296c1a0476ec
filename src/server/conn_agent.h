/*
 * conn_agent.h - HAProxy's agent-check on a connection of an
 * agent_listen address: the handlers server.c gives it at accept.
 */
#ifndef MYDAEMON_CONN_AGENT_H
#define MYDAEMON_CONN_AGENT_H

#include "server/conn.h"

extern const struct conn_ops	conn_agent_ops;

#endif /* MYDAEMON_CONN_AGENT_H */
