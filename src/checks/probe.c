/*
 * probe.c - a probe's run from start to outcome (see probe.h); the kinds
 * themselves are probe_local.c's and probe_net.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/loop.h"
#include "checks/health.h"
#include "checks/probe.h"
#include "checks/probe_private.h"

void
probe_init(struct probe *p, struct check_run *r)
{
	memset(p, 0, sizeof(*p));
	p->run = r;
	p->io.fd = -1;
	p->io.arg = p;
	p->deadline.arg = p;
	p->watch.fd = -1;
	p->watch.arg = p;
}

int
probe_start(struct probe *p, const struct config_check *conf)
{
	struct check_run *r = p->run;
	int over = 1;

	probe_abort(p);
	p->conf = conf;
	p->busy = 1;
	p->t0_us = clock_us();
	r->t0_ms = loop_now();
	r->started = loop_wallclock();
	r->timeout_ms = conf->timeout_ms;
	r->timed_out = 0;
	r->exit_code = -1;
	r->out = p->out;
	r->outlen = 0;
	r->text[0] = '\0';
	switch (conf->kind) {
	case CONFIG_PROCESS:
		over = probe_process(p);
		break;
	case CONFIG_TCP:
		over = probe_tcp(p);
		break;
	case CONFIG_HTTP:
		over = probe_http(p);
		break;
	case CONFIG_FILE:
		over = probe_file(p);
		break;
	case CONFIG_DISK:
		over = probe_disk(p);
		break;
	case CONFIG_COMMAND:
		probe_outcome(p, "PROBE", HEALTH_UNKNOWN, 0, NULL,
		    "not a probe");
		break;
	}
	if (over)
		p->busy = 0;
	return over;
}

void
probe_abort(struct probe *p)
{
	if (!p->busy)
		return;
	probe_net_abort(p);
	p->busy = 0;
}

void
probe_forget(struct probe *p)
{
	probe_abort(p);
	probe_unwatch(p);
}

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

	n = snprintf(p->out, sizeof(p->out), "%s %s - ", kind,
	    word[health_clamp(state)]);
	if (n < 0 || (size_t)n >= sizeof(p->out))
		n = 0;
	va_start(ap, fmt);
	m = vsnprintf(p->out + n, sizeof(p->out) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += m;
	if ((size_t)n >= sizeof(p->out))
		n = (int)sizeof(p->out) - 1;
	/* the text /health shows: the first line, no performance data */
	snprintf(r->text, sizeof(r->text), "%.*s", n, p->out);
	if (perf != NULL && *perf != '\0') {
		m = snprintf(p->out + n, sizeof(p->out) - (size_t)n, "|%s",
		    perf);
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(p->out))
			n = (int)sizeof(p->out) - 1;
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
