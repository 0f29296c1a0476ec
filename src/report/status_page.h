/*
 * status_page.h - the status page for people (SPEC 23): GET / from a
 * browser.  A pure function of the snapshot (snapshot.h), like /status.
 */
#ifndef MYDAEMON_STATUS_PAGE_H
#define MYDAEMON_STATUS_PAGE_H

#include "report/snapshot.h"

struct buf;

#define STATUS_PAGE_TYPE	"text/html; charset=utf-8"
/* What the page may load: nothing but its own inline style. */
#define STATUS_PAGE_CSP	\
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#define STATUS_PAGE_REFRESH	10	/* seconds */
#define STATUS_PAGE_OUTPUT_MAX	200	/* characters of output shown */

/*
 * One HTML5 document, UTF-8, no script: the host and its verdict as
 * /health gives it (maintenance and its reason, shutting down), then a
 * table of the checks, one row each: name, state in words (and colour,
 * by class), how long in it, the first line of output, the last run and
 * its duration, the perfdata and the recent results (history), oldest
 * first, one letter a result.  With snap->health_details 0 neither
 * output nor perfdata is shown.  It refreshes itself.
 */
void	status_page_render(const struct snapshot *snap, struct buf *b);

#endif /* MYDAEMON_STATUS_PAGE_H */
