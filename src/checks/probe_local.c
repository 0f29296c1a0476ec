/*
 * probe_local.c - the probes that are one system call (SPEC 19): a file's
 * age and size (stat), a file system's free space and inodes (statvfs).
 * Each run is over at once; the process probe is probe_process.c's, the
 * pure parts (df's arithmetic, words) are probe_local_pure.c's.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "checks/health.h"
#include "checks/probe_local.h"
#include "checks/probe_private.h"

/* --- file ---------------------------------------------------------------- */

/* A threshold's value in unit, or 0 when it is of another or unset. */
static uint64_t
limit(const struct config_threshold *t, enum config_unit unit)
{
	return t->unit == unit ? t->value : 0;
}

/*
 * "age=Ns;W;C size=NB", thresholds in seconds, no trailing empties.
 * max_age is a critical threshold of its own: so it shows on graphs.
 */
static void
file_perf(char *buf, size_t size, const struct config_probe *cp,
    uint64_t ms, uint64_t bytes)
{
	char w[32] = "", c[32] = "";
	uint64_t wms, cms;

	wms = limit(&cp->warning, CONFIG_UNIT_MS);
	cms = limit(&cp->critical, CONFIG_UNIT_MS);
	if (cp->max_age_ms != 0 && (cms == 0 || cp->max_age_ms < cms))
		cms = cp->max_age_ms;
	if (wms != 0)
		probe_local_secs(w, sizeof(w), wms);
	if (cms != 0)
		probe_local_secs(c, sizeof(c), cms);
	snprintf(buf, size, "age=%" PRIu64 "s%s%s%s%s size=%" PRIu64 "B",
	    ms / 1000, wms || cms ? ";" : "", w, cms ? ";" : "", c, bytes);
}

/* The file's age in ms: a file from the future is new. */
static uint64_t
age_of(const struct stat *sb)
{
	struct timespec now;
	int64_t ms;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 0;
	ms = ((int64_t)now.tv_sec - (int64_t)sb->st_mtim.tv_sec) * 1000 +
	    ((int64_t)now.tv_nsec - (int64_t)sb->st_mtim.tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

int
probe_file(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	const char *path = cp->target;
	enum health_state st;
	struct stat sb;
	char age[32], lim[32], perf[128];
	uint64_t ms, size;

	if (stat(path, &sb) == -1) {
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, NULL, "%s: %s",
		    path, strerror(errno));
		return 1;
	}
	ms = age_of(&sb);
	size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	file_perf(perf, sizeof(perf), cp, ms, size);
	probe_local_duration(age, sizeof(age), ms / 1000);
	st = probe_threshold(cp, CONFIG_UNIT_MS, ms, 1);
	if (cp->max_age_ms != 0 && ms > cp->max_age_ms)
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, perf,
		    "%s is %s old (max_age %s)", path, age,
		    probe_local_duration(lim, sizeof(lim),
		    cp->max_age_ms / 1000));
	else if (size < cp->min_size)
		probe_outcome(p, "FILE", HEALTH_CRITICAL, 0, perf,
		    "%s is %" PRIu64 " B (min_size %" PRIu64 " B)", path,
		    size, cp->min_size);
	else if (st != HEALTH_OK)
		probe_outcome(p, "FILE", st, 0, perf,
		    "%s is %s old (%s %s), %" PRIu64 " B", path, age,
		    health_name(st), probe_local_duration(lim, sizeof(lim),
		    (st == HEALTH_CRITICAL ? cp->critical.value :
		    cp->warning.value) / 1000), size);
	else
		probe_outcome(p, "FILE", HEALTH_OK, 0, perf,
		    "%s is %s old, %" PRIu64 " B", path, age, size);
	return 1;
}

/* --- disk ---------------------------------------------------------------- */

/* What df says of a file system; percentages in hundredths. */
struct df {
	uint64_t	 size, avail;	/* bytes */
	uint64_t	 total;		/* used + available, bytes */
	uint64_t	 pct, ipct;	/* free space, free inodes */
	int		 inodes;	/* it counts inodes (not btrfs) */
};

static void
df_of(const struct statvfs *v, struct df *d)
{
	uint64_t bs = v->f_frsize != 0 ? v->f_frsize : v->f_bsize;

	d->size = (uint64_t)v->f_blocks * bs;
	d->avail = (uint64_t)v->f_bavail * bs;
	d->total = (v->f_blocks > v->f_bfree ? (uint64_t)(v->f_blocks -
	    v->f_bfree) * bs : 0) + d->avail;
	d->pct = probe_local_percent(v->f_blocks, v->f_bfree, v->f_bavail);
	d->inodes = v->f_files != 0;
	d->ipct = probe_local_ratio(v->f_favail, v->f_files);
}

/*
 * A threshold in bytes free, a percentage taken of what df's percentages
 * are of (used plus available: not the blocks kept for root), so that
 * the graph's line is where the state changes.  "" when none.
 */
static void
disk_limit(char *buf, size_t size, const struct config_threshold *t,
    const struct df *d)
{
	if (t->unit == CONFIG_UNIT_BYTES)
		snprintf(buf, size, "%" PRIu64, t->value);
	else if (t->unit == CONFIG_UNIT_PERCENT)
		snprintf(buf, size, "%" PRIu64,
		    probe_local_share(d->total, t->value));
	else
		buf[0] = '\0';
}

static enum health_state
worse(enum health_state a, enum health_state b)
{
	return health_rank(a) > health_rank(b) ? a : b;
}

int
probe_disk(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	enum health_state st, ist = HEALTH_OK;
	struct statvfs vfs;
	struct df d;
	char fr[24], sz[24], inodes[48] = "", perf[160], w[24], c[24];

	if (statvfs(cp->target, &vfs) == -1) {
		probe_outcome(p, "DISK", HEALTH_CRITICAL, 0, NULL, "%s: %s",
		    cp->target, strerror(errno));
		return 1;
	}
	df_of(&vfs, &d);
	st = worse(probe_threshold(cp, CONFIG_UNIT_PERCENT, d.pct, 0),
	    probe_threshold(cp, CONFIG_UNIT_BYTES, d.avail, 0));
	if (d.inodes)
		ist = probe_threshold(cp, CONFIG_UNIT_PERCENT, d.ipct, 0);
	if (ist != HEALTH_OK)
		snprintf(inodes, sizeof(inodes), ", inodes %" PRIu64 ".%"
		    PRIu64 "%% free", d.ipct / 100, d.ipct % 100 / 10);
	disk_limit(w, sizeof(w), &cp->warning, &d);
	disk_limit(c, sizeof(c), &cp->critical, &d);
	snprintf(perf, sizeof(perf), "free=%" PRIu64 "B;%s;%s;0;%" PRIu64,
	    d.avail, w, c, d.size);
	if (d.inodes)
		snprintf(perf + strlen(perf), sizeof(perf) - strlen(perf),
		    " free_inodes=%" PRIu64 ".%02" PRIu64 "%%", d.ipct / 100,
		    d.ipct % 100);
	probe_outcome(p, "DISK", worse(st, ist), 0, perf,
	    "%s %" PRIu64 ".%" PRIu64 "%% free (%s of %s)%s", cp->target,
	    d.pct / 100, d.pct % 100 / 10, probe_local_bytes(fr, sizeof(fr),
	    d.avail), probe_local_bytes(sz, sizeof(sz), d.size), inodes);
	return 1;
}
