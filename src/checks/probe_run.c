/*
 * probe_run.c - a probe's run from its start to its end: setting up, the
 * kind's run, aborting (see probe.h).  The kinds are probe_local.c's and
 * probe_net.c's (with probe_tcp.c and probe_http.c); the outcome's words
 * are probe.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/loop.h"
#include "checks/health.h"
#include "checks/probe.h"
#include "checks/probe_private.h"

static char	no_out[1];	/* a run's output when memory ran out */

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
	r->text = check_run_text;
	if (p->out == NULL && (p->out = malloc(CHECK_OUTPUT_MAX)) == NULL) {
		r->out = no_out;
		r->outlen = 0;
		r->result = HEALTH_UNKNOWN;
		r->timed_out = 0;
		r->exit_code = -1;
		r->duration = 0;
		snprintf(r->text, CHECK_TEXT_MAX, "out of memory");
		p->busy = 0;
		return 1;
	}
	r->timeout_ms = conf->timeout_ms;
	r->timed_out = 0;
	r->exit_code = -1;
	r->out = p->out;
	r->outlen = 0;
	r->text[0] = '\0';
	/*
	 * Each kind's run reads conf->probe without a test: a check of a
	 * probe's kind always has its settings (config.h), only a command's
	 * may have none, and a command never gets past CONFIG_COMMAND here.
	 */
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
	/* a command's run makes its own */
	if (p->run->out == p->out || p->run->out == no_out)
		p->run->out = NULL;
	free(p->out);
	p->out = NULL;
}
