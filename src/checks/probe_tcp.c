/*
 * probe_tcp.c - the tcp probe (SPEC 19): a service is up when it takes
 * a connection within the timeout and, with `expect`, its first bytes
 * (after `send`, if any) hold those bytes.  The connection itself is
 * probe_net.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/health.h"
#include "checks/probe_net.h"
#include "checks/probe_private.h"
#include "checks/probe_text.h"

/* Without expect, connected (and sent) is all it takes. */
static int
tcp_sent(struct probe *p)
{
	if (p->net->want == NULL)
		return probe_net_answered(p, "");
	return PROBE_NET_NEXT;
}

/* What came is all there will be: it lacks what was expected. */
static int
tcp_missing(struct probe *p, int timed_out)
{
	struct probe_net	*n = p->net;
	char			 want[5 * PROBE_NET_QUOTE];
	char			 got[5 * PROBE_NET_QUOTE], t[32];

	probe_text_escape(want, sizeof(want), n->want, n->want_len,
	    PROBE_NET_QUOTE);
	probe_text_escape(got, sizeof(got), n->got, n->got_len,
	    PROBE_NET_QUOTE);
	probe_text_ms(t, sizeof(t), n->timeout_ms);
	if (timed_out && n->got_len == 0)
		probe_outcome(p, "TCP", HEALTH_CRITICAL, 1, NULL,
		    "%s: no answer within %s", n->target, t);
	else if (timed_out)
		probe_outcome(p, "TCP", HEALTH_CRITICAL, 1, NULL,
		    "%s: no \"%s\" within %s, got \"%s\"", n->target, want, t,
		    got);
	else if (n->got_len == 0)
		probe_outcome(p, "TCP", HEALTH_CRITICAL, 0, NULL,
		    "%s: closed without an answer, expected \"%s\"",
		    n->target, want);
	else
		probe_outcome(p, "TCP", HEALTH_CRITICAL, 0, NULL,
		    "%s: expected \"%s\", got \"%s\"", n->target, want, got);
	return PROBE_NET_OVER;
}

/* Bytes that came (0: the end): are the expected ones among them? */
static int
tcp_got(struct probe *p, const char *buf, size_t len)
{
	struct probe_net	*n = p->net;

	if (len == 0)
		return tcp_missing(p, 0);
	if (len > PROBE_NET_KEEP - n->got_len)
		len = PROBE_NET_KEEP - n->got_len;
	memcpy(n->got + n->got_len, buf, len);
	n->got_len += len;
	if (memmem(n->got, n->got_len, n->want, n->want_len) != NULL)
		return probe_net_answered(p, "");
	return n->got_len == PROBE_NET_KEEP ? tcp_missing(p, 0) :
	    PROBE_NET_WAIT;
}

static void
tcp_late(struct probe *p)
{
	tcp_missing(p, 1);
}

static const struct probe_net_kind tcp = {
	"TCP", NULL, tcp_sent, tcp_got, tcp_late
};

int
probe_tcp(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	const char		*target = cp->target != NULL ? cp->target : "?";
	char			*req = NULL;

	if (cp->send != NULL && cp->send_len > 0) {
		if ((req = malloc(cp->send_len)) == NULL)
			return probe_net_local(p, "TCP", target,
			    "cannot start") == PROBE_NET_OVER;
		memcpy(req, cp->send, cp->send_len);
	}
	return probe_net_start(p, &tcp, target, req, cp->send_len,
	    cp->expect, cp->expect_len);
}
