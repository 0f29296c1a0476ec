/*
 * probe_http.c - the http probe (SPEC 19): a GET (HTTP/1.1, Host,
 * User-Agent: mydaemon/VERSION, Connection: close) answered within the
 * timeout with a status in expect_status (default 200-399) and, with
 * expect_body, a body whose first HTTP_ANSWER_BODY_MAX bytes hold it.
 * The connection is probe_net.c's, the answer's parsing http_answer.c's;
 * the reason phrase and the body reach the output only escaped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/build.h"
#include "checks/health.h"
#include "checks/probe_net.h"
#include "checks/probe_private.h"
#include "checks/probe_text.h"
#include "http/http_answer.h"

#define REASON_MAX	64	/* bytes of a reason phrase shown */

static int
http_begin(struct probe *p)
{
	if ((p->net->ans = malloc(sizeof(*p->net->ans))) == NULL)
		return -1;
	http_answer_init(p->net->ans);
	return 0;
}

static int
http_sent(struct probe *p)
{
	(void)p;
	return PROBE_NET_NEXT;
}

static int
status_wanted(const struct config_probe *cp, unsigned int status)
{
	size_t	 i;

	if (cp->nstatus == 0)
		return status >= 200 && status <= 399;
	for (i = 0; i < cp->nstatus; i++)
		if (status >= cp->status[i].lo && status <= cp->status[i].hi)
			return 1;
	return 0;
}

/* The answer is complete: its status, then its body. */
static int
http_judge(struct probe *p)
{
	struct probe_net	*n = p->net;
	struct http_answer	*a = n->ans;
	char			 reason[4 * REASON_MAX + 4], what[300];
	char			 want[5 * PROBE_NET_QUOTE];
	char			 got[5 * PROBE_NET_QUOTE];

	n->size = a->body_len;
	probe_text_escape(reason, sizeof(reason), a->reason, a->reason_len,
	    REASON_MAX);
	snprintf(what, sizeof(what), " %u%s%s", a->status,
	    *reason != '\0' ? " " : "", reason);
	if (!status_wanted(&n->limits, a->status)) {
		probe_outcome(p, "HTTP", HEALTH_CRITICAL, 0, NULL,
		    "%s answered%s", n->target, what);
		return PROBE_NET_OVER;
	}
	if (n->want != NULL && memmem(a->body, a->body_len, n->want,
	    n->want_len) == NULL) {
		probe_text_escape(want, sizeof(want), n->want, n->want_len,
		    PROBE_NET_QUOTE);
		probe_text_escape(got, sizeof(got), a->body, a->body_len,
		    PROBE_NET_QUOTE);
		probe_outcome(p, "HTTP", HEALTH_CRITICAL, 0, NULL,
		    "%s%s without \"%s\" in the body: \"%s\"", n->target,
		    what, want, got);
		return PROBE_NET_OVER;
	}
	return probe_net_answered(p, what);
}

/* The answer cannot be judged: say why, and what came if it helps. */
static int
http_bad(struct probe *p, int rc)
{
	struct probe_net	*n = p->net;
	struct http_answer	*a = n->ans;
	char			 got[5 * PROBE_NET_QUOTE];

	if (rc == HTTP_ANSWER_NONE || rc == HTTP_ANSWER_CUT) {
		probe_outcome(p, "HTTP", HEALTH_CRITICAL, 0, NULL, "%s: %s",
		    n->target, http_answer_why(rc));
		return PROBE_NET_OVER;
	}
	probe_text_escape(got, sizeof(got), a->head, a->head_len,
	    PROBE_NET_QUOTE);
	probe_outcome(p, "HTTP", HEALTH_CRITICAL, 0, NULL,
	    "%s: malformed answer (%s): \"%s\"", n->target,
	    http_answer_why(rc), got);
	return PROBE_NET_OVER;
}

/* Bytes that came (0: the end). */
static int
http_got(struct probe *p, const char *buf, size_t len)
{
	struct http_answer	*a = p->net->ans;
	int			 rc;

	rc = len == 0 ? http_answer_eof(a) : http_answer_feed(a, buf, len);
	if (rc == HTTP_ANSWER_MORE)
		return PROBE_NET_WAIT;
	return rc == HTTP_ANSWER_DONE ? http_judge(p) : http_bad(p, rc);
}

static void
http_late(struct probe *p)
{
	struct probe_net	*n = p->net;
	char			 t[32];

	probe_text_ms(t, sizeof(t), n->timeout_ms);
	if (n->ans->status == 0)
		probe_outcome(p, "HTTP", HEALTH_CRITICAL, 1, NULL,
		    "%s: no answer within %s", n->target, t);
	else
		probe_outcome(p, "HTTP", HEALTH_CRITICAL, 1, NULL,
		    "%s: answer %u not complete within %s", n->target,
		    n->ans->status, t);
}

static const struct probe_net_kind http = {
	"HTTP", http_begin, http_sent, http_got, http_late
};

/* Bytes that may go in the request line or a field as they are. */
static int
token_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return n > 0;
}

/* The request; the path and the host from the target unless given. */
static char *
request(const struct config_probe *cp, const char *auth, size_t *len)
{
	const char	*path = cp->path, *host = cp->host_header;
	size_t		 alen = strcspn(auth, "/"), plen, hlen;
	char		*req;
	int		 n;

	if (path == NULL)
		path = auth[alen] == '/' ? auth + alen : "/";
	if (host == NULL)
		host = auth;
	plen = strlen(path);
	hlen = host == auth ? alen : strlen(host);
	if (!token_ok(path, plen) || !token_ok(host, hlen)) {
		errno = EINVAL;
		return NULL;
	}
	n = asprintf(&req, "GET %.*s HTTP/1.1\r\nHost: %.*s\r\n"
	    "User-Agent: mydaemon/%s\r\nConnection: close\r\n\r\n",
	    (int)plen, path, (int)hlen, host, MYDAEMON_VERSION);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return req;
}

int
probe_http(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	const char		*target = cp->target != NULL ? cp->target : "?";
	const char		*want = cp->expect_body;
	char			*req;
	size_t			 len = 0;

	/* shown as "HOST[:PORT]/PATH", as check_http says it */
	if (strncasecmp(target, "http://", 7) == 0)
		target += 7;
	if ((req = request(cp, target, &len)) == NULL)
		return probe_net_local(p, "HTTP", target,
		    "cannot make the request") == PROBE_NET_OVER;
	return probe_net_start(p, &http, target, req, len, want,
	    want != NULL ? strlen(want) : 0);
}
