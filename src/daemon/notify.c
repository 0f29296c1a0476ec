/*
 * notify.c - sd_notify(3) by hand (see notify.h).
 *
 * One datagram a message, sent without blocking: a systemd that does
 * not read costs us the message, never the loop.  WATCHDOG=1 goes out
 * at half of WATCHDOG_USEC from a loop timer, so a stuck loop stops it
 * and systemd sees the daemon hang.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "daemon/activation.h"
#include "log/log.h"
#include "base/loop.h"
#include "daemon/notify.h"

static int			 fd = -1;
static struct sockaddr_un	 addr;
static socklen_t		 addrlen;
static struct loop_timer	 watchdog;

static void
send_msg(const char *msg)
{
	if (fd == -1)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&addr, addrlen) == -1)
		log_debug("notify: %s", strerror(errno));
}

static void
on_watchdog(struct loop_timer *t)
{
	send_msg("WATCHDOG=1");
	loop_timer_set(t, activation()->watchdog_usec / 2000);
}

void
notify_init(void)
{
	const char *ns = activation()->notify;
	size_t n = strlen(ns);

	if (n == 0 || n >= sizeof(addr.sun_path))
		return;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, ns, n);
	if (ns[0] == '@')
		addr.sun_path[0] = '\0';	/* the abstract namespace */
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (ns[0] == '@' ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		log_warn("notify: socket");
}

/* first, then STATUS= with status on one line (it may come from a check). */
static void
send_status(const char *first, const char *status)
{
	char msg[1024], line[512];
	size_t i;

	for (i = 0; status != NULL && status[i] != '\0' &&
	    i < sizeof(line) - 1; i++)
		line[i] = (unsigned char)status[i] < 0x20 ? ' ' : status[i];
	line[i] = '\0';
	snprintf(msg, sizeof(msg), "%s%s%s%s", first, first[0] != '\0' &&
	    status != NULL ? "\n" : "", status != NULL ? "STATUS=" : "",
	    status != NULL ? line : "");
	send_msg(msg);
}

void
notify_ready(const char *status)
{
	char first[64];

	/*
	 * Detached, we are the grandchild of what systemd started; after a
	 * restart, the new process of the one it started.
	 */
	if ((long)getpid() != activation()->started_pid ||
	    activation()->takeover != 0)
		snprintf(first, sizeof(first), "READY=1\nMAINPID=%ld",
		    (long)getpid());
	else
		snprintf(first, sizeof(first), "READY=1");
	send_status(first, status);
	if (fd != -1 && activation()->watchdog_usec > 0 &&
	    !loop_timer_armed(&watchdog)) {
		watchdog.cb = on_watchdog;
		on_watchdog(&watchdog);
	}
}

void
notify_reloading(void)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)clock_us());
	send_msg(msg);
}

void
notify_stopping(void)
{
	send_msg("STOPPING=1");
	loop_timer_cancel(&watchdog);
}

/*
 * EXTEND_TIMEOUT_USEC= (systemd 236): a stop that drains first may take
 * longer than the unit's TimeoutStopSec allows.
 */
void
notify_extend_ms(uint64_t ms)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "EXTEND_TIMEOUT_USEC=%llu",
	    (unsigned long long)(ms + 5000) * 1000);
	send_msg(msg);
}

void
notify_status(const char *status)
{
	send_status("", status);
}

void
notify_fini(void)
{
	loop_timer_cancel(&watchdog);
	if (fd != -1)
		close(fd);
	fd = -1;
}
