/*
 * probe_net.h - what the network probes' files share: probe_net.c runs
 * one connection on the loop (connect, send, read, the deadline, the
 * end) for a kind, probe_tcp.c and probe_http.c, which say what to send,
 * judge what comes back through a table of callbacks, and word the
 * outcome.  The rest of the daemon sees probe.h.
 */
#ifndef MYDAEMON_PROBE_NET_H
#define MYDAEMON_PROBE_NET_H

#include <stddef.h>
#include <stdint.h>

#include "checks/probe_private.h"

#define PROBE_NET_QUOTE	40	/* bytes of network data shown */
#define PROBE_NET_KEEP	4096	/* bytes of a tcp answer searched */

/* What a kind's callback says of the run. */
enum { PROBE_NET_WAIT, PROBE_NET_NEXT, PROBE_NET_OVER };

struct http_answer;

/* A kind of network probe, for probe_net.c. */
struct probe_net_kind {
	const char	*name;		/* "TCP": the output's first word */
	/* The run is made, nothing is open yet: 0, or -1 with errno. */
	int		(*begin)(struct probe *p);
	/* All is sent: OVER (outcome given) or NEXT (read the answer). */
	int		(*sent)(struct probe *p);
	/* Bytes that came, len 0 for the end: WAIT for more, or OVER. */
	int		(*got)(struct probe *p, const char *buf, size_t len);
	/* The deadline passed while reading: give the outcome. */
	void		(*late)(struct probe *p);
};

/* A run in flight: what it needs of its config is copied here. */
struct probe_net {
	const struct probe_net_kind *kind;
	int			 phase;
	uint32_t		 events;	/* watched; 0: not yet */
	char			*target;	/* as shown */
	char			*want;		/* expect(_body), or NULL */
	size_t			 want_len;
	struct config_probe	 limits;	/* thresholds in us; status */
	uint64_t		 timeout_ms;
	char			*req;		/* what to send */
	size_t			 req_len, sent;
	char			 got[PROBE_NET_KEEP];	/* tcp: what came */
	size_t			 got_len;
	struct http_answer	*ans;		/* http: its parser */
	size_t			 size;		/* http: body bytes, perfdata */
};

/*
 * Start a run of kind k towards p->conf's address, shown as target,
 * that sends req (req_len bytes, malloc'ed, taken over; NULL: none) and
 * looks for want (want_len bytes, copied; NULL: nothing).  Returns 1
 * when the run is over at once (outcome given, nothing left open), 0
 * when it goes on in the loop.
 */
int	probe_net_start(struct probe *p, const struct probe_net_kind *k,
	    const char *target, char *req, size_t req_len, const char *want,
	    size_t want_len);

/*
 * The service answered as it should: OK, or WARNING or CRITICAL when
 * the time crossed a threshold; `what` goes after the target ("" or
 * " 200 OK").  Returns PROBE_NET_OVER.
 */
int	probe_net_answered(struct probe *p, const char *what);

/* Something of ours failed, not the service: UNKNOWN with errno's words. */
int	probe_net_local(struct probe *p, const char *kind, const char *target,
	    const char *what);

#endif /* MYDAEMON_PROBE_NET_H */
