/*
 * proc.h - this process as /proc shows it, for the process_* metrics.
 */
#ifndef MYDAEMON_PROC_H
#define MYDAEMON_PROC_H

#include "report/snapshot.h"

/* CPU time, memory and descriptors now; fields it cannot read are 0. */
void	proc_read(struct process_info *p);

#endif /* MYDAEMON_PROC_H */
