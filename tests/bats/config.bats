#!/usr/bin/env bats
# Configuration file: `mydaemon -t` and start-up with a bad file.
#
# Most tests write the file by hand, without write_config, so that the
# line numbers in the expected messages can be read off the test.

load test_helper/common

bats_require_minimum_version 1.5.0

# conf LINE...: the config file is exactly these lines.
conf() {
	printf '%s\n' "$@" > "$CONF"
}

# check_config: run `mydaemon -t -c $CONF`, stdout and stderr apart.
check_config() {
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
}

# rejected_with LINE REGEX: -t failed with one message, for LINE.
rejected_with() {
	assert_failure 1
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^$CONF:$1: $2\$"
}

@test "-t accepts a valid file, says so on stdout and starts nothing" {
	write_config "maintenance = no" "check_command = /bin/true"
	check_config
	assert_success
	assert_equal "$output" "mydaemon: configuration $CONF is valid"
	assert_equal "$stderr" ""
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$LOG" ]
}

@test "an unknown key is reported with file, line and key" {
	conf "# a comment" "" "colour = blue"
	check_config
	rejected_with 3 'unknown key "colour"'
}

@test "a duplicate key names the line it was first set on" {
	conf "log_level = info" "maintenance = no" "log_level = debug"
	check_config
	rejected_with 3 'duplicate key "log_level" \(first set on line 1\)'
}

@test "a bad value is reported with the key and the value" {
	conf "maintenance = maybe"
	check_config
	rejected_with 1 'maintenance: invalid value "maybe" .*'
}

@test "an out-of-range number is reported with the key and the range" {
	conf "check_rise = 1" "check_fall = 500"
	check_config
	rejected_with 2 'check_fall: 500 is out of range \(1-100\)'
}

@test "a duration out of range is reported with the key and the range" {
	conf "check_interval = 25h"
	check_config
	rejected_with 1 'check_interval: 25h is out of range \(10ms-24h\)'
}

@test "a bad duration is reported with the key and the value" {
	conf "idle_timeout = 5d"
	check_config
	rejected_with 1 'idle_timeout: invalid duration "5d" .*'
}

@test "a line without '=' is reported with file and line" {
	conf "maintenance = no" "log_level debug"
	check_config
	rejected_with 2 'expected "key = value"'
}

@test "a bad listen address or port is reported with the key" {
	conf "listen = localhost:80" "listen = 127.0.0.1:65536"
	check_config
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" \
		"^$CONF:1: listen: invalid address \"localhost:80\""
	assert_regex "${stderr_lines[1]}" \
		"^$CONF:2: listen: invalid port in \"127.0.0.1:65536\""
}

@test "listen = none together with an address is an error" {
	conf "listen = 127.0.0.1:$PORT" "listen = none"
	check_config
	rejected_with 2 'listen: "none" cannot be combined with other addresses'
}

@test "a relative pidfile is an error" {
	conf "pidfile = run/mydaemon.pid"
	check_config
	rejected_with 1 'pidfile: must be an absolute path or "none"'
}

@test "an unterminated quote in check_command is an error" {
	conf "check_command = /bin/echo 'it is fine"
	check_config
	rejected_with 1 'check_command: unterminated single quote'
}

@test "an unknown user is an error on the line of the user key" {
	conf "maintenance = no" "user = mydaemon-no-such-user"
	check_config
	rejected_with 2 'user "mydaemon-no-such-user" does not exist'
}

@test "an unknown group is an error on the line of the group key" {
	conf "group = mydaemon-no-such-group" "maintenance = no"
	check_config
	rejected_with 1 'group "mydaemon-no-such-group" does not exist'
}

@test "every error in a file is printed, in line order" {
	conf "colour = blue" \
		"log_level = loud" \
		"# fine" \
		"check_rise = 0" \
		"check_timeout = soon" \
		"pidfile = x.pid"
	check_config
	assert_failure 1
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 5
	assert_regex "${stderr_lines[0]}" "^$CONF:1: unknown key \"colour\""
	assert_regex "${stderr_lines[1]}" "^$CONF:2: log_level: "
	assert_regex "${stderr_lines[2]}" "^$CONF:4: check_rise: "
	assert_regex "${stderr_lines[3]}" "^$CONF:5: check_timeout: "
	assert_regex "${stderr_lines[4]}" "^$CONF:6: pidfile: "
}

@test "durations with ms, s, m and h suffixes and bare seconds are accepted" {
	conf "check_interval = 250ms" \
		"check_timeout = 2s" \
		"idle_timeout = 1m" \
		"shutdown_timeout = 1h" \
		"listen = 127.0.0.1:$PORT"
	check_config
	assert_success
	assert_equal "$stderr" ""
	conf "check_interval = 30"
	check_config
	assert_success
}

@test "a missing config file is an error naming the file" {
	run --separate-stderr "$MYDAEMON" -t -c "$T/no-such.conf"
	assert_failure 1
	assert_equal "$output" ""
	assert_regex "$stderr" "^mydaemon: .*$T/no-such.conf.*No such file"
}

@test "starting with a bad config fails with the reason and leaves nothing" {
	write_config "colour = blue"
	run --separate-stderr "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_regex "$stderr" "$CONF:5: unknown key \"colour\""
	assert [ ! -e "$PIDFILE" ]
	run pgrep -f -- "$CONF"
	assert_failure 1
	http_get /health
	assert_equal "$status_code" 000
}
