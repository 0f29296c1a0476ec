/*
 * check_list.c - the list of checks (ck) that the scheduler, the set and
 * the files of SPEC 20 (check_depends.c, check_grace.c, check_push.c)
 * share, and finding one in it by name (see check_private.h).
 */
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
