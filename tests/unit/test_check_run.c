/*
 * test_check_run.c - how one run of a check is judged (check_run.h:
 * check_run_judge()): a wait status, whether the run timed out, and
 * its output, as a Nagios result with the text /health shows and the
 * exit code /status shows.
 *
 * The sandbox itself (spawn, timeouts, reaping) needs processes and is
 * tested end to end in tests/bats/checks_sandbox.bats.  Every output
 * here is copied into a heap buffer of exactly its length, so that
 * under ASan or valgrind a read past outlen is caught.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_run.h"
#include "checks/health.h"
#include "tap.h"

/* Wait statuses as waitpid() gives them on Linux. */
static int
exited(int code)
{
	return (code & 0xff) << 8;
}

static int
killed(int sig)
{
	return sig & 0x7f;
}

struct judged {
	enum health_state	 state;
	int			 exit_code;
	char			 text[CHECK_TEXT_MAX];
};

/* Judge out (outlen bytes, any of them) into j. */
static void
judge_n(int status, int timed_out, uint64_t timeout_ms, const char *out,
    size_t outlen, struct judged *j)
{
	char	*held;

	if ((held = malloc(outlen > 0 ? outlen : 1)) == NULL)
		abort();
	memcpy(held, out, outlen);
	memset(j, 0x5a, sizeof(*j));
	j->state = check_run_judge(status, timed_out, timeout_ms, held, outlen,
	    &j->exit_code, j->text, sizeof(j->text));
	free(held);
}

static void
judge(int status, const char *out, struct judged *j)
{
	judge_n(status, 0, 10000, out, strlen(out), j);
}

/* ---- exit codes 0-3: the Nagios states ---- */

static void
test_nagios_codes(void)
{
	static const char	*names[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	struct judged		 j;
	char			 out[64], want[64];
	int			 code;

	ok(WIFEXITED(exited(2)) && WEXITSTATUS(exited(2)) == 2 &&
	    WIFSIGNALED(killed(SIGKILL)) && WTERMSIG(killed(SIGKILL)) ==
	    SIGKILL, "the test's wait statuses read back with <sys/wait.h>");
	for (code = 0; code <= 3; code++) {
		snprintf(out, sizeof(out), "DISK %s - / 42%%\n", names[code]);
		snprintf(want, sizeof(want), "DISK %s - / 42%%", names[code]);
		judge(exited(code), out, &j);
		ok(j.state == (enum health_state)code,
		    "exit %d is %s (got %s)", code, health_name(
		    (enum health_state)code), health_name(j.state));
		ok(j.exit_code == code, "exit %d: the exit code is kept (%d)",
		    code, j.exit_code);
		is_str(j.text, want, "exit %d: the text is the first line",
		    code);
	}
}

/* ---- the text: the first line, without performance data ---- */

static const struct {
	const char	*out;
	size_t		 len;		/* 0: strlen */
	const char	*want;
	const char	*what;
} texts[] = {
	{ "DISK OK - free 50%|/=50%;80;90;0;100\n", 0, "DISK OK - free 50%",
	    "performance data after '|' is cut" },
	{ "LOAD OK - 0.1 | load1=0.1\n", 0, "LOAD OK - 0.1",
	    "the blank before '|' goes with it" },
	{ "first\nsecond\nthird\n", 0, "first",
	    "only the first line" },
	{ "first\r\nsecond\r\n", 0, "first", "a CRLF line ends at the CR" },
	{ "trailing \t \t\n", 0, "trailing",
	    "blanks and tabs at the end are dropped" },
	{ "no newline at all", 0, "no newline at all",
	    "output without a newline is the line" },
	{ "  indented", 0, "  indented", "blanks in front are kept" },
	{ "before\0after", 12, "before", "a NUL ends the line" },
	{ "before \0after", 13, "before", "blanks before a NUL go too" },
	{ "\0after", 6, "", "a NUL first: an empty line" },
	{ "", 0, "", "no output: an empty text" },
	{ "\n", 0, "", "an empty first line: an empty text" },
	{ "|perf=1", 0, "", "performance data alone: an empty text" },
	{ "   \r\n", 0, "", "a line of blanks: an empty text" },
	{ "caf\xc3\xa9 \xe2\x9c\x93", 0, "caf\xc3\xa9 \xe2\x9c\x93",
	    "UTF-8 passes as it is" },
	{ "okay", 2, "ok", "not a byte past outlen is read" },
};

static void
test_texts(void)
{
	struct judged	 j;
	size_t		 i, len;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		len = texts[i].len != 0 ? texts[i].len : strlen(texts[i].out);
		judge_n(exited(1), 0, 10000, texts[i].out, len, &j);
		ok(j.state == HEALTH_WARNING && j.exit_code == 1,
		    "%s: still warning, exit 1", texts[i].what);
		is_str(j.text, texts[i].want, "%s", texts[i].what);
	}
}

/* ---- what went wrong: a timeout, a signal, another exit code ---- */

static void
test_timeout(void)
{
	struct judged	 j;

	judge_n(killed(SIGTERM), 1, 1500, "DISK OK\n", 8, &j);
	ok(j.state == HEALTH_UNKNOWN, "a timed out run is unknown");
	is_str(j.text, "check timed out after 1500 ms",
	    "a timeout says after how long, not what the check printed");
	ok(j.exit_code == -1, "a run killed at its timeout has no exit code");

	judge_n(killed(SIGKILL), 1, 1500, "", 0, &j);
	is_str(j.text, "check timed out after 1500 ms",
	    "a timeout is a timeout whichever signal ended it");

	judge_n(exited(0), 1, 250, "OK\n", 3, &j);
	ok(j.state == HEALTH_UNKNOWN, "a run that exited 0 but only after "
	    "its timeout is still unknown");
	is_str(j.text, "check timed out after 250 ms",
	    "the timeout wins over the exit code");

	judge_n(exited(2), 1, UINT64_MAX, "", 0, &j);
	is_str(j.text, "check timed out after 18446744073709551615 ms",
	    "the largest timeout is written whole");
}

static void
test_signals(void)
{
	struct judged	 j;

	judge(killed(SIGKILL), "half a line", &j);
	ok(j.state == HEALTH_UNKNOWN, "a check killed by a signal is unknown");
	is_str(j.text, "check killed by signal 9", "the text names the signal");
	ok(j.exit_code == -1, "a check killed by a signal has no exit code");

	judge(killed(SIGSEGV) | 0x80, "", &j);
	is_str(j.text, "check killed by signal 11",
	    "a core dump changes nothing");
	ok(j.state == HEALTH_UNKNOWN && j.exit_code == -1,
	    "a core dump is unknown without an exit code");
}

static void
test_other_codes(void)
{
	static const int	 codes[] = { 4, 5, 126, 127, 128, 255 };
	struct judged		 j;
	char			 want[64];
	size_t			 i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		judge(exited(codes[i]), "oops | x=1\nmore\n", &j);
		snprintf(want, sizeof(want), "check exited with code %d: oops",
		    codes[i]);
		ok(j.state == HEALTH_UNKNOWN && j.exit_code == codes[i],
		    "exit %d is unknown with its code (got %s, %d)", codes[i],
		    health_name(j.state), j.exit_code);
		is_str(j.text, want, "exit %d: the code and the first line",
		    codes[i]);
	}
	judge(exited(127), "", &j);
	is_str(j.text, "check exited with code 127",
	    "no output: the code alone, no \": \"");
	judge(exited(4), "| perf=1\n", &j);
	is_str(j.text, "check exited with code 4",
	    "performance data alone: the code alone");
}

/* ---- sizes: a long line, a small text buffer ---- */

static void
test_long_lines(void)
{
	struct judged	 j;
	char		*big;
	size_t		 n = 100000, k;
	int		 prefix;

	if ((big = malloc(n)) == NULL)
		abort();
	memset(big, 'x', n);
	judge_n(exited(2), 0, 10000, big, n, &j);
	k = strlen(j.text);
	ok(j.state == HEALTH_CRITICAL && k > 0 && k < CHECK_TEXT_MAX,
	    "100 KB on one line: critical, a text cut to fit (%zu bytes)", k);
	ok(strspn(j.text, "x") == k, "the cut text is the line's beginning");

	judge_n(exited(200), 0, 10000, big, n, &j);
	prefix = strncmp(j.text, "check exited with code 200: xxx", 31) == 0;
	ok(prefix && strlen(j.text) < CHECK_TEXT_MAX,
	    "a long line after an odd exit code: the code is never cut "
	    "away, the line is (%zu bytes)", strlen(j.text));
	ok(prefix && strspn(j.text + 28, "x") == k && j.text[28 + k] == '\0',
	    "after the code, the same beginning of the line as a state's "
	    "text (%zu bytes)", k);
	free(big);
}

static void
test_small_buffer(void)
{
	char	 text[32];
	int	 code, i, clean = 1;

	memset(text, 'Z', sizeof(text));
	check_run_judge(exited(0), 0, 10000, "DISK OK - fine", 14, &code,
	    text, 8);
	is_str(text, "DISK OK", "a text of 8 bytes holds 7 and the NUL");
	for (i = 8; i < (int)sizeof(text); i++)
		clean &= text[i] == 'Z';
	ok(clean, "nothing is written past the size given");

	memset(text, 'Z', sizeof(text));
	check_run_judge(exited(9), 0, 10000, "", 0, &code, text, 12);
	is_str(text, "check exite", "a message is cut to the size too");
	ok(text[12] == 'Z', "and nothing written past it");

	memset(text, 'Z', sizeof(text));
	check_run_judge(killed(SIGKILL), 0, 10000, "", 0, &code, text, 1);
	ok(text[0] == '\0' && text[1] == 'Z',
	    "a size of 1: an empty text, nothing more written");
}

int
main(void)
{
	test_nagios_codes();
	test_texts();
	test_timeout();
	test_signals();
	test_other_codes();
	test_long_lines();
	test_small_buffer();
	return done_testing();
}
