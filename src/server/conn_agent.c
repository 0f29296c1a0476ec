/*
 * conn_agent.c - HAProxy's agent-check on a connection (see
 * conn_agent.h): what the peer sends up to its first newline (the
 * agent-send string, waited for AGENT_WAIT_MS at most), one line back,
 * and the close.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "report/agent_line.h"
#include "server/conn.h"
#include "server/conn_agent.h"
#include "server/conn_http.h"

/* The agent-check line for what the peer sent (n bytes), then close. */
static void
reply(struct conn *c, const char *sent, size_t n)
{
	struct snapshot snap;

	memset(&snap, 0, sizeof(snap));
	srv.fill(&snap, 0);
	agent_line(&snap, sent, n, srv.conf->agent_warning_weight,
	    &srv.outq);
	c->close_after = 1;
	free(c->in);
	c->in = NULL;
	conn_touch(c, L_LINGER);	/* answered: ends then, sent or not */
	conn_emit(c);
}

static void
on_read(struct conn *c)
{
	struct http_scan none = { 0, 0, 0 };
	char *nl;
	ssize_t n;

	if (c->in == NULL && conn_http_keep_head(c, NULL, 0, &none) == -1) {
		conn_free(c);
		return;
	}
	n = read(c->io.fd, c->in->data + c->in->len,
	    AGENT_SENT_MAX + 1 - c->in->len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		conn_free(c);
		return;
	}
	c->in->len += (size_t)n;
	c->peer_done = n == 0;
	if ((nl = memchr(c->in->data, '\n', c->in->len)) != NULL)
		reply(c, c->in->data, (size_t)(nl - c->in->data));
	else if (n == 0 || c->in->len > AGENT_SENT_MAX)
		reply(c, c->in->data, c->in->len);
}

/* A peer that sent no name within AGENT_WAIT_MS: the host's verdict. */
static void
on_expire(struct conn *c)
{
	reply(c, c->in != NULL ? c->in->data : "", c->in != NULL ?
	    c->in->len : 0);
}

/* Its one answer is out: nothing waits. */
static int
on_resume(struct conn *c)
{
	(void)c;
	return 0;
}

const struct conn_ops conn_agent_ops = { on_read, on_expire, on_resume };
