/*
 * config_depends.h - the keys of SPEC 20 that tie checks together:
 * "depends = NAME[, NAME...]" read per section, and what only the whole
 * file can tell (unknown names, cycles).  Internal to the parser.
 */
#ifndef MYDAEMON_CONFIG_DEPENDS_H
#define MYDAEMON_CONFIG_DEPENDS_H

struct parser;
struct confkey;

/* The reader of "depends": names split on commas and blanks. */
void	config_depends_set(struct parser *p, const struct confkey *k,
	    void *base, const char *val);

/*
 * At the end, once the list of checks is final: every name must be a
 * check, and no check may wait for itself, however far round.
 */
void	config_depends_finish(struct parser *p);

#endif /* MYDAEMON_CONFIG_DEPENDS_H */
