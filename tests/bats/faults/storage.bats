#!/usr/bin/env bats
# Faults of the file system under the daemon (SPEC §18, §8, §9): a full
# disk under the log, the log directory removed, a stale pidfile on a
# read-only file system, pidfiles and state files that are hard links.
#
# The tmpfs cases need root (mount); each unmounts what it mounted.

load ../test_helper/faults_common

bats_require_minimum_version 1.5.0

# A check every 20 ms: two debug lines each run, so the log always has
# something to write.
CHATTY=("check_command = true" "check_interval = 20ms")

dropped() {
	metric mydaemon_log_dropped_lines_total
}

dropped_above() {
	local n
	n=$(dropped)
	[ "$n" != none ] && [ "$n" -gt "$1" ]
}

# runs_after N: wait until N more check runs have finished.
runs_after() {
	wait_check_runs $(( $(check_runs) + $1 ))
}

@test "a full disk under the log: serving goes on, lines are dropped and counted, none is torn; freed and reopened, whole lines again" {
	mount_tmpfs "$T/log" 128k
	write_config "${CHATTY[@]}"
	start_daemon
	wait_for 5 log_has 'check main finished'
	assert_equal "$(dropped)" 0
	run fill_up "$T/log"
	assert_success
	# The checks go on logging into a full disk: short writes, then none.
	runs_after 20
	wait_for 5 dropped_above 10
	for i in 1 2 3 4 5; do
		assert_health 200 ok
	done
	# A reload works on a full disk.  It also quiets the log (errors
	# only), so that the file holds still while it is looked at.
	write_config "${CHATTY[@]}" "log_level = error"
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	runs_after 3
	assert alive "$DAEMON_PID"
	run whole_lines "$LOG"
	assert_success
	# Room again, a reopen, the chatty log back: logging resumes.
	rm -f "$T"/log/fill.*
	run "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_success
	size=$(stat -c %s "$LOG")
	write_config "${CHATTY[@]}"
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	runs_after 5
	assert [ "$(stat -c %s "$LOG")" -gt "$size" ]
	assert log_has 'notice: configuration .* reloaded \(generation 3\)$'
	d1=$(dropped)
	runs_after 5
	assert_equal "$(dropped)" "$d1"		# nothing dropped any more
	stop_daemon
	run whole_lines "$LOG"
	assert_success
	assert log_has 'exiting$'
}

@test "the log directory removed: serving goes on, lines are dropped and counted, a reopen says why it failed and keeps the old file" {
	write_config "${CHATTY[@]}"
	start_daemon
	wait_for 5 log_has 'check main finished'
	d0=$(dropped)
	rm -rf "$T/log"
	runs_after 10
	assert_health 200 ok
	run --separate-stderr "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_failure 1
	assert_regex "$stderr" "cannot reopen log file $LOG: No such file or directory"
	assert alive "$DAEMON_PID"
	assert_health 200 ok
	# The old file is kept, open, rather than no log at all.
	run ls -l "/proc/$DAEMON_PID/fd"
	assert_output --partial "$LOG (deleted)"
	assert_equal "$(metric mydaemon_log_reopen_failures_total)" 1
	# Dropped and counted (SPEC §9).  (A finding of this suite, fixed in
	# 7451767: the lines went into the unlinked old file, uncounted.)
	run dropped
	assert [ "$output" -gt "$d0" ]
	# A directory again, a reopen: a new file of whole lines.
	mkdir "$T/log"
	run "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_success
	runs_after 3
	assert log_has 'notice: log reopened$'
	stop_daemon
	run whole_lines "$LOG"
	assert_success
}

@test "-s stop with a stale pidfile on a read-only file system and nothing running: exit 0 and a warning that it stays" {
	mount_tmpfs "$T/ro" 64k
	sleep 0 &
	dead=$!
	wait "$dead"
	echo "$dead" > "$T/ro/mydaemon.pid"
	printf 'pid=%s\n' "$dead" > "$T/ro/mydaemon.state"
	mount -o remount,ro "$T/ro"
	run --separate-stderr "$MYDAEMON" -s stop -p "$T/ro/mydaemon.pid"
	assert_success
	assert_regex "$stderr" "warning: .*$T/ro/mydaemon.pid.* cannot be removed: Read-only file system"
	assert [ -e "$T/ro/mydaemon.pid" ]
	run "$MYDAEMON" -s status -p "$T/ro/mydaemon.pid"
	assert_equal "$status" 1
	assert_output --partial "not running but pidfile $T/ro/mydaemon.pid exists"
}

# precious FILE: a file nobody may write through a link; its content,
# mode and inode go to $T/precious.was.
precious() {
	printf 'precious\n' > "$1"
	chmod 0600 "$1"
	stat -c '%a %s %i' "$1" > "$T/precious.was"
	sha256sum < "$1" >> "$T/precious.was"
}

untouched() {
	[ "$(stat -c '%a %s %i' "$1"; sha256sum < "$1")" = "$(cat "$T/precious.was")" ]
}

@test "a pidfile that is a hard link to another file: start refuses it, and that file is never written" {
	precious "$T/other"
	ln "$T/other" "$PIDFILE"
	write_config
	run "$MYDAEMON" -c "$CONF"
	if [ "$status" = 0 ]; then
		# Replaced, not written through: a file of its own now.
		DAEMON_PID=$(cat "$PIDFILE")
		remember_pid "$DAEMON_PID"
		assert_equal "$(stat -c %h "$PIDFILE")" 1
		assert_not_equal "$(stat -c %i "$PIDFILE")" "$(stat -c %i "$T/other")"
	else
		assert_failure 1
		assert_output --partial "cannot lock pidfile $PIDFILE: not a regular file with one name"
		assert_equal "$(daemons_on "$CONF")" ""
	fi
	assert untouched "$T/other"
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	assert untouched "$T/other"
	assert_equal "$(daemons_on "$CONF")" ""
	# With the link gone, a start works.
	rm -f "$PIDFILE"
	start_daemon
	assert untouched "$T/other"
	stop_daemon
}

@test "a state file that is a hard link to another file: start refuses it, and that file is never written" {
	precious "$T/other"
	ln "$T/other" "$STATEFILE"
	write_config
	run "$MYDAEMON" -c "$CONF"
	if [ "$status" = 0 ]; then
		DAEMON_PID=$(cat "$PIDFILE")
		remember_pid "$DAEMON_PID"
		assert_equal "$(stat -c %h "$STATEFILE")" 1
		run "$MYDAEMON" -s reload -p "$PIDFILE"
		assert_success
	else
		assert_failure 1
		assert_output --partial "cannot open state file $STATEFILE: not a regular file with one name"
		assert_equal "$(daemons_on "$CONF")" ""
		# status tells the truth: nothing runs
		run "$MYDAEMON" -s status -p "$PIDFILE"
		assert_equal "$status" 3
	fi
	assert untouched "$T/other"
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	assert untouched "$T/other"
	rm -f "$STATEFILE"
	start_daemon
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	assert untouched "$T/other"
	stop_daemon
}
