/* probe_local.c - STUB until the helper's work lands: process, file, disk. */
#include "checks/probe_private.h"
#include "checks/health.h"

int
probe_process(struct probe *p)
{
	probe_outcome(p, "PROCESS", HEALTH_UNKNOWN, 0, NULL, "not yet");
	return 1;
}

int
probe_file(struct probe *p)
{
	probe_outcome(p, "FILE", HEALTH_UNKNOWN, 0, NULL, "not yet");
	return 1;
}

int
probe_disk(struct probe *p)
{
	probe_outcome(p, "DISK", HEALTH_UNKNOWN, 0, NULL, "not yet");
	return 1;
}

void
probe_unwatch(struct probe *p)
{
	(void)p;
}
