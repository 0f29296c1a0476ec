#!/usr/bin/env bats
# The daemon under valgrind: requests of every kind, hostile ones, a
# reload that works and one that fails, a reopen, checks, and SIGTERM.
# Any memory error or leak fails the test.

load test_helper/common

setup() {
	common_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	# A sanitizer build cannot run under valgrind.
	if nm "$MYDAEMON" 2>/dev/null | grep -q __asan_init; then
		skip "this is an ASan build"
	fi
}

@test "a full session under valgrind has no memory error and no leak" {
	write_config "access_log = $T/log/access.log" \
		"check_command = /bin/echo 'all good|x=1'" "check_interval = 200ms"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$T/valgrind.log" \
		"$MYDAEMON" -f -c "$CONF" &
	pid=$!
	remember_pid "$pid"
	wait_for 30 health_is 200
	for path in /health /status /metrics /nope; do
		http_get "$path"
	done
	python3 "$BATS_TEST_DIRNAME/test_helper/rawhttp.py" "$PORT" \
		'garbage\r\n\r\n' > /dev/null
	python3 "$BATS_TEST_DIRNAME/test_helper/rawhttp.py" "$PORT" \
		'GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' > /dev/null
	write_config "access_log = $T/log/access.log" "maintenance = yes"
	run "$MYDAEMON" -s reload -p "$PIDFILE" -w 30
	assert_success
	write_config "log_level = loud"
	run "$MYDAEMON" -s reload -p "$PIDFILE" -w 30
	assert_failure
	run "$MYDAEMON" -s reopen -p "$PIDFILE" -w 30
	assert_success
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	run cat "$T/valgrind.log"
	assert_output ""
	assert_equal "$rc" 0
}
