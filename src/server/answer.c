/*
 * answer.c - routes, bodies and heads (see answer.h).
 *
 * Bodies are rendered into one scratch buffer reused by every answer;
 * after warm-up an answer allocates nothing.  The /health text answers
 * are kept whole, head and body, for keep-alive and for close, and are
 * copied as they are, to every request that negotiates the text (no
 * Accept, "* / *", any list without a JSON type), until
 * answer_invalidate() says they are stale.
 */
#include <string.h>

#include "server/answer.h"
#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "http/http.h"
#include "report/metrics.h"
#include "report/status.h"
#include "report/status_page.h"

#define TEXT	"text/plain; charset=utf-8"
/*
 * A body this large (/status or the page of hundreds of checks with
 * their history) is not kept for the next answer: its memory goes back
 * rather than stay in the daemon's RssAnon for good.
 */
#define BODY_KEEP	(256 * 1024)
/* The status page's own fields (SPEC 23). */
#define PAGE_FIELDS \
	"Content-Security-Policy: " STATUS_PAGE_CSP "\r\n" \
	"X-Content-Type-Options: nosniff\r\n"

static const char	 page_type[] = STATUS_PAGE_TYPE;

static answer_snapshot_fn	*fill;
static struct buf	 body;		/* scratch for every answer */
static struct {
	int		 valid;
	int		 code;
	struct buf	 whole[2];	/* [keep]: head and body */
	size_t		 head_len[2];
	size_t		 body_len;
} health_cache;

static const char index_text[] =
    "mydaemon: the health agent of this host\n"
    "\n"
    "/health        the host's verdict: 200 ok or warning, 503 otherwise\n"
    "/health/NAME   the verdict of check NAME alone\n"
    "/status        everything, as JSON\n"
    "/metrics       Prometheus metrics\n"
    "\n"
    "/health answers application/health+json when asked for it (Accept).\n";

void
answer_set_snapshot(answer_snapshot_fn *fn)
{
	fill = fn;
}

void
answer_invalidate(void)
{
	health_cache.valid = 0;
}

/* Status line and fields, for a body of n bytes; extra: more fields. */
static void
head_with(struct buf *out, int code, const char *ctype, size_t n, int keep,
    const char *extra)
{
	buf_puts(out, "HTTP/1.1 ");
	buf_u64(out, (uint64_t)code);
	buf_putc(out, ' ');
	buf_puts(out, http_status_reason(code));
	buf_puts(out, "\r\nContent-Type: ");
	buf_puts(out, ctype);
	buf_puts(out, "\r\nContent-Length: ");
	buf_u64(out, n);
	buf_puts(out, "\r\nCache-Control: no-store\r\n");
	if (code == 405)
		buf_puts(out, "Allow: GET, HEAD\r\n");
	if (extra != NULL)
		buf_puts(out, extra);
	buf_puts(out, keep ? "Connection: keep-alive\r\n\r\n" :
	    "Connection: close\r\n\r\n");
}

/* Status line and fields, for a body of n bytes. */
static void
head(struct buf *out, int code, const char *ctype, size_t n, int keep)
{
	head_with(out, code, ctype, n, keep, NULL);
}

static int
path_is(const struct http_request *req, const char *p)
{
	size_t n = strlen(p);

	return req->path_len == n && memcmp(req->path, p, n) == 0;
}

/*
 * Is the plain text what negotiation gives req, rather than health+json
 * or JSON?  No Accept and ab's, curl's and most probes' "* / *" are
 * answered without looking at the list.
 */
static int
wants_text(const struct http_request *req)
{
	if (req->accept == NULL ||
	    (req->accept_len == 3 && memcmp(req->accept, "*/*", 3) == 0))
		return 1;
	return !http_status_accepts(req, "application/health+json") &&
	    !http_status_accepts(req, "application/json");
}

/* /health and /health/NAME into body; the status code. */
static int
render_health(const struct http_request *req, const char **ctype)
{
	const struct check_status *only = NULL;
	struct snapshot snap;

	memset(&snap, 0, sizeof(snap));
	fill(&snap, 0);
	if (req->path_len > 8 && (only = health_render_find(&snap,
	    req->path + 8, req->path_len - 8)) == NULL) {
		buf_puts(&body, "no such check\n");
		return 404;
	}
	if (wants_text(req))
		return health_render_text(&snap, only, &body);
	*ctype = http_status_accepts(req, "application/health+json") ?
	    "application/health+json" : "application/json";
	return health_render_json(&snap, only, &body);
}

/* The plain /health answer, from the cache (rendered when stale). */
static int
cached_health(const struct http_request *req, int keep, struct buf *out,
    size_t *body_len)
{
	const char *ctype = TEXT;
	int k;

	if (!health_cache.valid) {
		buf_reset(&body);
		health_cache.code = render_health(req, &ctype);
		for (k = 0; k < 2; k++) {
			buf_reset(&health_cache.whole[k]);
			head(&health_cache.whole[k], health_cache.code, TEXT,
			    body.len, k);
			health_cache.head_len[k] = health_cache.whole[k].len;
			buf_append(&health_cache.whole[k], body.data,
			    body.len);
		}
		health_cache.body_len = body.len;
		health_cache.valid = !body.failed &&
		    !health_cache.whole[0].failed &&
		    !health_cache.whole[1].failed;
		if (!health_cache.valid)
			return -1;
	}
	k = keep != 0;
	buf_append(out, health_cache.whole[k].data, req->method == HTTP_HEAD ?
	    health_cache.head_len[k] : health_cache.whole[k].len);
	*body_len = health_cache.body_len;
	return health_cache.code;
}

int
answer_is_health(const struct http_request *req)
{
	return req->method != HTTP_OTHER && (path_is(req, "/health") ||
	    (req->path_len > 8 && memcmp(req->path, "/health/", 8) == 0));
}

/* GET / from a browser: the status page rather than the index. */
int
answer_is_page(const struct http_request *req)
{
	return req->method != HTTP_OTHER && path_is(req, "/") &&
	    http_status_prefers(req, "text/html");
}

/* What only status_allow may read: /status, /metrics, the page. */
int
answer_is_private(const struct http_request *req)
{
	return path_is(req, "/status") || path_is(req, "/metrics") ||
	    answer_is_page(req);
}

/* Render the body of req; the status code. */
static int
render(const struct http_request *req, const char **ctype)
{
	struct snapshot snap;

	if (req->method == HTTP_OTHER) {
		buf_puts(&body, http_status_reason(405));
		buf_putc(&body, '\n');
		return 405;
	}
	if (answer_is_health(req))
		return render_health(req, ctype);
	if (path_is(req, "/status") || path_is(req, "/metrics")) {
		memset(&snap, 0, sizeof(snap));
		fill(&snap, req->path[1] == 'm' ? ANSWER_PROCESS : 0);
		snap.health_details = 1;	/* status_allow's readers */
		if (req->path[1] == 'm') {
			metrics_render(&snap, &body);
			*ctype = "text/plain; version=0.0.4; charset=utf-8";
		} else {
			status_json(&snap, &body);
			*ctype = "application/json";
		}
		return 200;
	}
	if (answer_is_page(req)) {
		memset(&snap, 0, sizeof(snap));
		fill(&snap, 0);
		status_page_render(&snap, &body);
		*ctype = page_type;
		return 200;
	}
	if (path_is(req, "/")) {
		buf_append(&body, index_text, sizeof(index_text) - 1);
		return 200;
	}
	buf_puts(&body, http_status_reason(404));
	buf_putc(&body, '\n');
	return 404;
}

int
answer_http(const struct http_request *req, int keep, struct buf *out,
    size_t *body_len)
{
	const char *ctype = TEXT;
	int code;

	if (req->method != HTTP_OTHER && path_is(req, "/health") &&
	    wants_text(req) &&
	    (code = cached_health(req, keep, out, body_len)) != -1)
		return code;
	buf_reset(&body);
	code = render(req, &ctype);
	if (body.failed) {
		buf_reset(&body);
		code = 500;
		ctype = TEXT;
	}
	head_with(out, code, ctype, body.len, keep, ctype == page_type ?
	    PAGE_FIELDS : NULL);
	if (req->method != HTTP_HEAD)
		buf_append(out, body.data, body.len);
	*body_len = body.len;
	if (body.cap > BODY_KEEP)
		buf_free(&body);
	return code;
}

void
answer_error(const struct http_request *req, int code, struct buf *out,
    size_t *body_len)
{
	buf_reset(&body);
	buf_puts(&body, http_status_reason(code));
	buf_putc(&body, '\n');
	head(out, code, TEXT, body.len, 0);
	if (req == NULL || req->method != HTTP_HEAD)
		buf_append(out, body.data, body.len);
	*body_len = body.len;
}

void
answer_forbidden(const struct http_request *req, int keep, struct buf *out,
    size_t *body_len)
{
	static const char text[] = "Forbidden\n";

	head(out, 403, TEXT, sizeof(text) - 1, keep);
	if (req->method != HTTP_HEAD)
		buf_append(out, text, sizeof(text) - 1);
	*body_len = sizeof(text) - 1;
}

void
answer_free(void)
{
	buf_free(&body);
	buf_free(&health_cache.whole[0]);
	buf_free(&health_cache.whole[1]);
	health_cache.valid = 0;
}
