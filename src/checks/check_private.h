/*
 * check_private.h - what the scheduler (check_sched.c) and the set of checks
 * (check_set.c) share: one check's state and the list of them.  Internal
 * to those two files; the rest of the daemon sees check.h.
 */
#ifndef MYDAEMON_CHECK_PRIVATE_H
#define MYDAEMON_CHECK_PRIVATE_H

#include <stdint.h>

#include "checks/check.h"
#include "checks/check_run.h"
#include "config/config.h"
#include "base/loop.h"
#include "checks/perfdata.h"
#include "checks/probe.h"

/* A start_grace going on or over: made for the checks that have one. */
struct check_grace {
	struct loop_timer	 end;		/* the end of it */
	uint64_t		 start;		/* loop_now() */
	int			 in_grace;
	int			 reload;	/* new since a reload */
};

struct check {
	struct check_status	 st;		/* what the endpoints show */
	const char		*name;		/* conf's */
	const struct config_check *conf;	/* in the current config */
	struct check_run		 run;
	struct probe			*probe;	/* a probe's runs; NULL
						   till its first */
	char			*run_command;	/* of the run going on */
	struct loop_timer	 tick;		/* the next start */
	struct check		*next_waiting;
	int			 waiting;
	int			 probing;	/* the run is a probe's */
	unsigned int		 streak;	/* for rise/fall */
	unsigned int		 skips;		/* turns skipped in a row */
	/* what st points to */
	char			*command, *output;
	char			*text;		/* check_text()'s */
	size_t			 text_size;
	struct perf_item	*perf;
	char			*arena;
	/* SPEC 20: what it waits for (check_depends.c) */
	struct check		**deps;		/* its dependencies */
	size_t			 ndeps;
	struct check		*blocker;	/* one not ok: waiting */
	struct check		*next_blocker;	/* being worked out */
	unsigned int		 pass;		/* of that working out */
	int			 lifted;	/* waiting, a result coming */
	enum health_state	 held;		/* its own state, meanwhile */
	double			 held_since;	/* and since when */
	char			*wait_text;	/* CHECK_TEXT_MAX, if deps */
	/* SPEC 20: its start_grace (check_grace.c); NULL: never had one */
	struct check_grace	*grace;
	/* pushed results: check_push.c's */
	struct loop_timer	*ttl;		/* ttl passes with no result:
						   made when first armed */
	double			 born;		/* Unix time: made */
	double			 pushed_at;	/* of the last push, 0: none */
	uint64_t		 push_dev, push_ino; /* the file it came in */
	uint64_t		 pushes;	/* applied */
	uint64_t		 pushes_at_start; /* of the run going on */
	int			 expired;	/* ttl passed, no push since */
};

extern struct check_set {
	struct check			**v;
	const struct check_status	**view;	/* &v[i]->st, for snapshots */
	size_t				  n;
	struct check			 *wait_head, *wait_tail;
	unsigned int			  running, max_running;
	void				(*changed)(void);
	int				  configured;
	int				  said_none;	/* "no check" logged */
} ck;

/* check_sched.c: the scheduler's side */
void	check_sched_tick(struct loop_timer *);
void	check_sched_done(struct check_run *);
void	check_sched_halt(struct check *c);
void	check_sched_start_waiting(void);
void	check_sched_exited(struct probe *p);
void	check_sched_settled(struct check *c);

/*
 * check_set.c: c's text becomes s, cut at CHECK_TEXT_MAX - 1 bytes, in a
 * buffer grown to fit (never for each run: only a longer text grows it;
 * out of memory, the text is cut to the buffer).  st.text follows unless
 * it shows a wait.  -1: no buffer at all.
 */
int	check_text(struct check *c, const char *s);

/* check_list.c: the check called name, or NULL. */
struct check *check_list_find(const char *name);
/* An outcome becomes the check's result (a run's, a push's, a ttl's). */
#define CHECK_RESULT_FORCE	0x1	/* the state as it is: no rise/fall */
#define CHECK_RESULT_NO_RUN	0x2	/* not a run: runs, started kept */
void	check_sched_result(struct check *c, const struct check_run *r,
	    char *command, int flags);

/* check_push.c: the ttl's side of check_set.c */
void	check_push_init(struct check *c);
void	check_push_arm(struct check *c);

#endif /* MYDAEMON_CHECK_PRIVATE_H */
