#!/usr/bin/env bats
# Dropping privileges: started as root with `user = nobody`.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	id nobody > /dev/null 2>&1 || skip "no user nobody"
	common_setup
	NOBODY_UID=$(id -u nobody)
	NOBODY_GID=$(id -g nobody)
	open_to_nobody
}

# owner_mode PATH: "mode uid gid" of PATH.
owner_mode() {
	stat -c '%a %u %g' "$1"
}

@test "the daemon runs with nobody's uid and gid and no other group" {
	write_config "user = nobody"
	start_daemon
	read -r -a uids <<< "$(proc_field "$DAEMON_PID" Uid)"
	read -r -a gids <<< "$(proc_field "$DAEMON_PID" Gid)"
	read -r -a groups <<< "$(proc_field "$DAEMON_PID" Groups)"
	assert_equal "${uids[*]}" "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
	assert_equal "${gids[*]}" "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID"
	# Not even root's groups, nor nogroup again as a supplementary one.
	assert_equal "${#groups[@]}" 0
	stop_daemon
}

@test "a missing log directory is created 0750 and owned by nobody" {
	LOG=$T/newlog/mydaemon.log
	write_config "user = nobody"
	start_daemon
	assert_equal "$(owner_mode "$T/newlog")" "750 $NOBODY_UID $NOBODY_GID"
	stop_daemon
}

@test "the log file is created 0640 and owned by nobody" {
	write_config "user = nobody"
	start_daemon
	assert_equal "$(owner_mode "$LOG")" "640 $NOBODY_UID $NOBODY_GID"
	wait_for 5 log_has " started \\(pid $DAEMON_PID, "
	stop_daemon
}

@test "SIGUSR1 after the log was moved creates a new file owned by nobody" {
	LOG=$T/newlog/mydaemon.log
	write_config "user = nobody"
	start_daemon
	mv "$LOG" "$T/newlog/mydaemon.log.1"
	kill -USR1 "$DAEMON_PID"
	wait_for 5 test -f "$LOG"
	wait_for 5 log_has 'notice: log reopened$'
	assert_equal "$(owner_mode "$LOG")" "640 $NOBODY_UID $NOBODY_GID"
	stop_daemon
}

@test "a reopen nobody may not do keeps writing to the old log file" {
	write_config "user = nobody"	# $T/log is root's, 0755
	start_daemon
	mv "$LOG" "$T/log/mydaemon.log.1"
	kill -USR1 "$DAEMON_PID"
	wait_for 5 grep -q 'log reopen failed, still writing to the old file' \
		"$T/log/mydaemon.log.1"
	assert [ ! -e "$LOG" ]
	assert alive "$DAEMON_PID"
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
	grep -q 'exiting$' "$T/log/mydaemon.log.1"
}

@test "a pidfile in a root-owned directory is emptied on exit, -s stop removes it" {
	write_config "user = nobody"	# $T/run is root's, 0755
	start_daemon
	assert_equal "$(stat -c %U "$PIDFILE")" root
	stop_daemon
	assert [ -f "$PIDFILE" ]
	assert [ ! -s "$PIDFILE" ]
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_failure 3
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	assert [ ! -e "$PIDFILE" ]
}

@test "user = nosuchuser fails at start with the reason" {
	write_config "user = mydaemon-no-such-user"
	run --separate-stderr "$MYDAEMON" -c "$CONF"
	assert_failure 1
	assert_regex "$stderr" \
		"$CONF:5: user \"mydaemon-no-such-user\" does not exist"
	assert [ ! -e "$PIDFILE" ]
	run pgrep -f -- "$CONF"
	assert_failure 1
}
