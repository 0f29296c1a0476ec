/*
 * config_hook.c - "on_change = COMMAND" (see config_hook.h).
 *
 * The command is split now, as a check's is, so that a quoting mistake
 * is caught by `mydaemon -t`; whether it can be executed is a warning of
 * config_load_warnings(), as for checks.
 */
#include <stdlib.h>

#include "base/words.h"
#include "config/config.h"
#include "config/config_hook.h"
#include "config/config_parser.h"

void
config_hook_set(struct parser *p, const struct confkey *k, void *base,
    const char *val)
{
	struct config_hook	*h = (void *)((char *)base + k->off);
	char			**argv;

	if ((argv = config_parser_argv(p, k->name, val)) == NULL)
		return;
	config_hook_free(h);
	h->argv = argv;
	h->line = p->lineno;
	config_parser_string(p, &h->command, val);
}

void
config_hook_free(struct config_hook *h)
{
	free(h->command);
	words_free(h->argv);
	h->command = NULL;
	h->argv = NULL;
	h->line = 0;
}
