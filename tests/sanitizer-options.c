/*
 * sanitizer-options.c - linked into the daemon only in a sanitizer build
 * (configure --enable-sanitizers=DIR).  The daemon's stderr is /dev/null
 * and it cleans its environment, so ASAN_OPTIONS cannot reach it: these
 * compiled-in defaults send every report to a file under DIR, which CI
 * checks is empty.
 */
#include "base/build.h"

const char	*__asan_default_options(void);
const char	*__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "log_path=" MYDAEMON_SAN_LOGDIR "/asan:detect_leaks=1";
}

const char *
__ubsan_default_options(void)
{
	return "log_path=" MYDAEMON_SAN_LOGDIR "/ubsan:print_stacktrace=1";
}
