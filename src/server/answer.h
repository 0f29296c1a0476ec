/*
 * answer.h - what a request is answered: the route (/, /health,
 * /health/NAME, /status, /metrics), the body from the renderers, and the
 * head around it.  The connections (server.c) only carry the bytes.
 *
 * A /health answer is the same until a check, maintenance or the
 * configuration changes: it is rendered once and copied after that, the
 * hot path of a load balancer's probes.
 */
#ifndef MYDAEMON_ANSWER_H
#define MYDAEMON_ANSWER_H

#include <stddef.h>

#include "report/snapshot.h"

struct buf;
struct http_request;

/* Who fills the snapshot (what: ANSWER_PROCESS for the process_* too). */
#define ANSWER_PROCESS	1
typedef void	answer_snapshot_fn(struct snapshot *snap, int what);
void		answer_set_snapshot(answer_snapshot_fn *fn);

/* Something /health shows changed: render it anew next time. */
void	answer_invalidate(void);

/*
 * Append the whole answer to req (status line, fields, and the body
 * unless HEAD) to out; keep: the connection stays open afterwards.
 * Returns the status code; *body_len is the body's size.
 */
int	answer_http(const struct http_request *req, int keep, struct buf *out,
	    size_t *body_len);

/* A request for /health or /health/NAME (GET or HEAD)? */
int	answer_is_health(const struct http_request *req);
/*
 * GET or HEAD / from a browser (Accept prefers text/html): the status
 * page (SPEC 23) rather than the plain index?
 */
int	answer_is_page(const struct http_request *req);

/*
 * A request for what only status_allow may read (SPEC 22): /status and
 * /metrics.  The one place that says which paths are private.
 */
int	answer_is_private(const struct http_request *req);

/* 403 to a peer outside status_allow asking a private path. */
void	answer_forbidden(const struct http_request *req, int keep,
	    struct buf *out, size_t *body_len);

/* The answer with this error status (400, 408, ...), "Connection: close". */
void	answer_error(const struct http_request *req, int code, struct buf *out,
	    size_t *body_len);

/* Free what the answers keep (shutdown). */
void	answer_free(void);

#endif /* MYDAEMON_ANSWER_H */
