/*
 * config_probe.h - the keys of the built-in probes (SPEC 19) in a [check]
 * section: what kind of check it is, each kind's own keys, thresholds,
 * and what only the end of a section can tell (a key of another kind, a
 * threshold of the wrong unit).  Internal to the parser; the syntax of
 * the values is config_probe_values.c's.
 */
#ifndef MYDAEMON_CONFIG_PROBE_H
#define MYDAEMON_CONFIG_PROBE_H

struct parser;
struct confkey;
struct config_check;
struct config_probe;

/* Each enum config_kind's key: "command", "process", "tcp"... */
extern const char *const config_probe_kinds[];

/* The setters of config_keys.c's table. */
void	config_probe_set_kind(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_comm(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_text(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_status(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_body(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_host(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_size(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_age(struct parser *, const struct confkey *,
	    void *, const char *);
void	config_probe_set_threshold(struct parser *, const struct confkey *,
	    void *, const char *);

/*
 * The probe settings of check c, made (zeroed) on the first key of a
 * probe that its section has; NULL, with p->oom set, when there is no
 * memory.
 */
struct config_probe *config_probe_of(struct parser *p,
	    struct config_check *c);

/*
 * Whether check c already says what it checks (a command or a probe):
 * then key k, one of those, is reported and must not be applied.
 */
int	config_probe_taken(struct parser *p, const struct confkey *k,
	    struct config_check *c);

/*
 * config_probe_end.c: the section being read (p->cur) ends: report its
 * keys that do not fit its kind, read its thresholds for that kind, give
 * a disk check its default ones, refuse mydaemon's own pidfile.  Call
 * before p->seen is cleared.
 */
void	config_probe_section_end(struct parser *p);

/* Free a probe's settings and what they hold; NULL: none. */
void	config_probe_free(struct config_probe *cp);

#endif /* MYDAEMON_CONFIG_PROBE_H */
