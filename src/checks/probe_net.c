/* probe_net.c - STUB until the helper's work lands: tcp, http. */
#include "checks/probe_private.h"
#include "checks/health.h"

int
probe_tcp(struct probe *p)
{
	probe_outcome(p, "TCP", HEALTH_UNKNOWN, 0, NULL, "not yet");
	return 1;
}

int
probe_http(struct probe *p)
{
	probe_outcome(p, "HTTP", HEALTH_UNKNOWN, 0, NULL, "not yet");
	return 1;
}

void
probe_net_abort(struct probe *p)
{
	(void)p;
}
