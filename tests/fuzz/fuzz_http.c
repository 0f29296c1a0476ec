/*
 * fuzz_http.c - libFuzzer harness for http_parse().
 *
 * Build and run from the top of the tree:
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *	    tests/fuzz/fuzz_http.c src/http.c -o fuzz_http &&
 *	    ./fuzz_http -max_total_time=60
 *
 * The input is copied into a buffer of exactly its size, so that ASan
 * sees any read past len.  Besides crashes, the harness aborts when an
 * answer breaks what the parser promises its caller.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
known(int rc)
{
	return rc == -1 || rc == 0 || rc == 400 || rc == 413 || rc == 431 ||
	    rc == 505;
}

/* The strings must point into the head, and a head is judged alone. */
static void
check_ok(const char *buf, size_t size, const struct http_request *r)
{
	struct http_request	 again;
	int			 in_head;

	/* An absolute-form target without a path is the static "/". */
	in_head = r->path >= buf && r->path + r->path_len <= buf + r->head_len;
	if (r->head_len == 0 || r->head_len > size ||
	    r->head_len > HTTP_HEAD_MAX || r->method_len == 0 ||
	    r->method_text < buf ||
	    r->method_text + r->method_len > buf + r->head_len ||
	    r->path_len == 0 || (!in_head && r->path_len != 1) ||
	    r->path[0] != '/' || (r->minor != 0 && r->minor != 1))
		abort();
	if (http_parse(buf, r->head_len, &again) != 0 ||
	    again.head_len != r->head_len || again.path != r->path ||
	    again.keep_alive != r->keep_alive)
		abort();
	if (http_parse(buf, r->head_len - 1, &again) != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	 r;
	char			*buf;
	int			 rc;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	rc = http_parse(buf, size, &r);
	if (!known(rc) || (rc == -1 && size >= HTTP_HEAD_MAX))
		abort();
	if (rc == 0)
		check_ok(buf, size, &r);
	if (rc == -1 && size > 0 && http_parse(buf, size / 2, &r) != -1)
		abort();
	free(buf);
	return 0;
}
