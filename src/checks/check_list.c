/*
 * check_list.c - the list of checks (ck) that the scheduler, the set and
 * the files of SPEC 20 (check_depends.c, check_grace.c, check_push.c)
 * share, finding one in it by name, and a check's text (see
 * check_private.h).
 */
#include <stdlib.h>
#include <string.h>

#include "checks/check_private.h"

struct check_set ck;

/* The check called name, or NULL (ck.v may have holes while configuring). */
struct check *
check_list_find(const char *name)
{
	size_t i;

	for (i = 0; i < ck.n; i++)
		if (ck.v[i] != NULL && strcmp(ck.v[i]->name, name) == 0)
			return ck.v[i];
	return NULL;
}

/* c->text becomes s, cut at CHECK_TEXT_MAX; -1: no memory for any. */
int
check_text(struct check *c, const char *s)
{
	size_t n = strnlen(s, CHECK_TEXT_MAX - 1);
	int shown = c->st.text == c->text;
	char *t;

	if (n >= c->text_size) {
		if ((t = realloc(c->text, n + 1)) != NULL) {
			if (shown)
				c->st.text = t;
			c->text = t;
			c->text_size = n + 1;
		} else if (c->text_size == 0)
			return -1;
		else
			n = c->text_size - 1;
	}
	memcpy(c->text, s, n);
	c->text[n] = '\0';
	return 0;
}
