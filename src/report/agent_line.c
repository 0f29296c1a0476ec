/*
 * agent_line.c - the agent-check line (see agent_line.h).
 *
 * HAProxy reads the words of the line: "up" and "down" set the server's
 * operational state, "ready" and "drain" its administrative one, "N%"
 * its weight, and what follows '#' is a description it shows and logs.
 * The description comes from a check's output: it is cut to one line of
 * printable ASCII.
 */
#include <string.h>

#include "report/agent_line.h"
#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "base/text.h"

#define REASON_MAX	200

/* What the peer sent, without blanks and a CR around it. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

void
agent_line(const struct snapshot *snap, const char *sent, size_t n,
    unsigned int warning_weight, struct buf *b)
{
	const struct check_status *only = NULL;
	struct buf text = { 0 };
	const char *state;

	trim(&sent, &n);
	if (n > 0 && (only = health_render_find(snap, sent, n)) == NULL) {
		buf_puts(b, "down #no such check: ");
		text_ascii(b, sent, n > 32 ? 32 : n);
		buf_putc(b, '\n');
		return;
	}
	if (health_render_effective(snap, only, &state) == 200) {
		buf_puts(b, "up ready ");
		buf_u64(b, strcmp(state, "warning") == 0 ? warning_weight :
		    100);
		buf_puts(b, "%\n");
		return;
	}
	/* A drain, or a shutdown that lets HAProxy move sessions first. */
	if (strcmp(state, "maintenance") == 0 ||
	    strcmp(state, "shutting down") == 0) {
		buf_puts(b, "drain\n");
		return;
	}
	buf_puts(b, "down #");
	buf_puts(b, state);
	health_render_summary(snap, only, &text);
	if (text.len > 0 && !text.failed) {
		buf_puts(b, ": ");
		text_ascii(b, text.data, text.len > REASON_MAX ? REASON_MAX :
		    text.len);
	}
	buf_free(&text);
	buf_putc(b, '\n');
}
