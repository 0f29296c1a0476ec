/*
 * proc.c - the process_* metrics from /proc/self (see proc.h), the way
 * a Linux Prometheus exporter reads them: utime and stime from stat,
 * resident pages, one entry per descriptor in fd/.
 */
#include <sys/resource.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/proc.h"

static void
read_stat(struct process_info *p)
{
	char buf[1024], *s;
	unsigned long utime, stime, vsize;
	long rss;
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* The command name may hold anything: the fields start after ')'. */
	if ((s = strrchr(buf, ')')) == NULL)
		return;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	   cmajflt utime stime cutime cstime priority nice threads
	   itrealvalue starttime vsize rss */
	if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu "
	    "%lu %*d %*d %*d %*d %*d %*d %*u %lu %ld", &utime, &stime, &vsize,
	    &rss) != 4)
		return;
	p->cpu_seconds = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	p->virtual_bytes = vsize;
	p->resident_bytes = (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void
count_fds(struct process_info *p)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			p->open_fds++;
	closedir(d);
	if (p->open_fds > 0)
		p->open_fds--;		/* the directory's own descriptor */
}

void
proc_read(struct process_info *p)
{
	struct rlimit rl;

	memset(p, 0, sizeof(*p));
	read_stat(p);
	count_fds(p);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		p->max_fds = rl.rlim_cur == RLIM_INFINITY ? 0 : rl.rlim_cur;
}
