/*
 * agent_line.h - HAProxy's agent-check protocol: what the agent port
 * answers, one line, from the snapshot.  Pure.
 *
 *   maintenance            drain
 *   ok                     up ready 100%
 *   warning                up ready W        (agent_warning_weight)
 *   critical, unknown      down #critical: disk: DISK CRITICAL ...
 *   no such check          down #no such check: NAME
 */
#ifndef MYDAEMON_AGENT_LINE_H
#define MYDAEMON_AGENT_LINE_H

#include <stddef.h>

#include "report/snapshot.h"

struct buf;

/*
 * The line (ending in "\n", printable ASCII only) for what the peer sent
 * before its first newline (`sent`, n bytes: a check's name, or nothing
 * for the host's verdict).
 */
void	agent_line(const struct snapshot *snap, const char *sent,
	    size_t n, unsigned int warning_weight, struct buf *b);

#endif /* MYDAEMON_AGENT_LINE_H */
