/*
 * config_hook.h - "on_change = COMMAND" (SPEC 21), global or in a
 * [check] section: split like a check's command.  Internal to the
 * parser, but for config_hook_free(), which config_parse_free() and the
 * sections' clean-up share.
 */
#ifndef MYDAEMON_CONFIG_HOOK_H
#define MYDAEMON_CONFIG_HOOK_H

struct parser;
struct confkey;
struct config_hook;

/* The reader of "on_change": base is the config or the check. */
void	config_hook_set(struct parser *p, const struct confkey *k,
	    void *base, const char *val);

/* Free what a hook holds and leave it empty. */
void	config_hook_free(struct config_hook *h);

#endif /* MYDAEMON_CONFIG_HOOK_H */
