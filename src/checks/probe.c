/*
 * probe.c - what every kind of probe ends with: the outcome's words
 * ("KIND STATE - text|perfdata"), the end of a run that went on in the
 * loop, and a measurement against its thresholds (see probe.h).  A run's
 * start and abort are probe_run.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "checks/health.h"
#include "checks/probe.h"
#include "checks/probe_private.h"

enum health_state
probe_threshold(const struct config_probe *cp, enum config_unit unit,
    uint64_t value, int high)
{
	const struct config_threshold *t[2] = { &cp->critical, &cp->warning };
	enum health_state st[2] = { HEALTH_CRITICAL, HEALTH_WARNING };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (t[i]->unit != unit)
			continue;
		if (high ? value > t[i]->value : value < t[i]->value)
			return st[i];
	}
	return HEALTH_OK;
}

void
probe_outcome(struct probe *p, const char *kind, enum health_state state,
    int timed_out, const char *perf, const char *fmt, ...)
{
	struct check_run *r = p->run;
	va_list ap;
	int n, m;
	static const char *const word[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };

	n = snprintf(p->out, CHECK_OUTPUT_MAX, "%s %s - ", kind,
	    word[health_clamp(state)]);
	if (n < 0 || (size_t)n >= CHECK_OUTPUT_MAX)
		n = 0;
	va_start(ap, fmt);
	m = vsnprintf(p->out + n, CHECK_OUTPUT_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += m;
	if ((size_t)n >= CHECK_OUTPUT_MAX)
		n = (int)CHECK_OUTPUT_MAX - 1;
	/* the text /health shows: the first line, no performance data */
	snprintf(r->text, CHECK_TEXT_MAX, "%.*s", n, p->out);
	if (perf != NULL && *perf != '\0') {
		m = snprintf(p->out + n, CHECK_OUTPUT_MAX - (size_t)n, "|%s",
		    perf);
		if (m > 0)
			n += m;
		if ((size_t)n >= CHECK_OUTPUT_MAX)
			n = (int)CHECK_OUTPUT_MAX - 1;
	}
	r->outlen = (size_t)n;
	r->result = state;
	r->timed_out = timed_out;
	r->exit_code = -1;
	r->duration = (double)(clock_us() - p->t0_us) / 1e6;
}

void
probe_over(struct probe *p)
{
	p->busy = 0;
	p->run->done(p->run);
}
