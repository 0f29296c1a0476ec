#!/usr/bin/env bats
# Logging: line format, file mode, levels, a failing log, reopen.

load test_helper/common

bats_require_minimum_version 1.5.0

# line_re PID: a whole log line of process PID, as the spec writes it.
line_re() {
	local date='[0-9]{4}-[0-9]{2}-[0-9]{2}'
	local time='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}'

	echo "^${date}T$time mydaemon\\[$1\\]: (error|warning|notice|info|debug): [^[:cntrl:]]+\$"
}

# all_lines_match FILE PID: FILE is not empty and every line is a log line.
all_lines_match() {
	local re line n=0

	re=$(line_re "$2")
	while IFS= read -r line; do
		n=$((n + 1))
		assert_regex "$line" "$re"
	done < "$1"
	assert [ "$n" -gt 0 ]
}

# state_is KEY VALUE: the daemon's state file says KEY=VALUE.
state_is() {
	[ "$(state_field "$1")" = "$2" ]
}

# activity: things a daemon may log about: requests, reload, reopen.
activity() {
	http_get /health
	assert_equal "$status_code" 200
	http_get /nowhere
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	run "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_success
}

@test "log lines carry an ISO 8601 time, the daemon's pid and a level" {
	write_config
	start_daemon
	wait_for 5 log_has "started \\(pid $DAEMON_PID, config $CONF\\)"
	log_has "info: listening on 127\\.0\\.0\\.1:$PORT\$"
	all_lines_match "$LOG" "$DAEMON_PID"
	stop_daemon
	log_has "notice: received SIGTERM, shutting down\$"
	log_has "exiting\$"
	all_lines_match "$LOG" "$DAEMON_PID"
}

@test "the log file is created with mode 0640" {
	write_config
	umask 000
	start_daemon
	assert_equal "$(stat -c %a "$LOG")" 640
	stop_daemon
}

@test "log_level = info hides debug lines" {
	write_config "log_level = info"
	start_daemon
	activity
	log_has 'info: listening on '
	log_has 'notice: log reopened$'
	run grep -c ': debug: ' "$LOG"
	assert_output 0
	stop_daemon
}

@test "log_level = notice hides info lines but keeps notices" {
	write_config "log_level = notice"
	start_daemon
	activity
	log_has 'notice: .* started \(pid '
	log_has 'notice: configuration .* reloaded '
	run grep -Ec ': (info|debug): ' "$LOG"
	assert_output 0
	stop_daemon
}

@test "log_level = debug shows debug lines" {
	write_config	# log_level = debug
	start_daemon
	activity
	log_has 'info: listening on '
	log_has ': debug: '
	stop_daemon
}

@test "a log that cannot be written (/dev/full) does not stop the daemon" {
	write_config "log_file = /dev/full"
	mode=$(stat -c '%a %u %g' /dev/full)
	start_daemon
	http_get /health
	assert_equal "$status_code" 200
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	run "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_success
	assert alive "$DAEMON_PID"
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
	# an existing file is taken as it is: no chmod, no chown
	assert_equal "$(stat -c '%a %u %g' /dev/full)" "$mode"
}

@test "SIGUSR1 after the log was moved writes to a new file at the path" {
	write_config
	start_daemon
	wait_for 5 log_has ' started \(pid '
	mv "$LOG" "$T/log/mydaemon.log.1"
	old_size=$(stat -c %s "$T/log/mydaemon.log.1")
	kill -USR1 "$DAEMON_PID"
	wait_for 5 test -f "$LOG"
	wait_for 5 log_has 'notice: log reopened$'
	assert_equal "$(stat -c %a "$LOG")" 640
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	log_has 'received SIGHUP, reloading '
	all_lines_match "$LOG" "$DAEMON_PID"
	assert_equal "$(stat -c %s "$T/log/mydaemon.log.1")" "$old_size"
	stop_daemon
}

@test "a reopen into a removed directory fails, the daemon keeps serving" {
	write_config
	start_daemon
	wait_for 5 log_has ' started \(pid '
	rm -rf "$T/log"
	kill -USR1 "$DAEMON_PID"
	wait_for 5 state_is reopen_failed 1
	assert_equal "$(state_field reopens)" 0
	assert alive "$DAEMON_PID"
	http_get /health
	assert_equal "$status_code" 200
	# it keeps its old (now unlinked) file rather than no log at all
	run ls -l "/proc/$DAEMON_PID/fd"
	assert_output --partial "$LOG (deleted)"
	# and writing resumes at the next reopen
	mkdir "$T/log"
	kill -USR1 "$DAEMON_PID"
	wait_for 5 log_has 'notice: log reopened$'
	stop_daemon
}

@test "mydaemon -s reopen fails when the daemon could not reopen its log" {
	write_config
	start_daemon
	rm -rf "$T/log"
	run --separate-stderr "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_failure 1
	assert_regex "$stderr" "$LOG"
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "with -f and log_file = stderr, log lines go to stderr" {
	write_config "log_file = stderr"
	"$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" 3>&- &
	pid=$!
	remember_pid "$pid"
	wait_for 5 health_is 200
	wait_for 5 grep -q " started (pid $pid, config $CONF)" "$T/stderr"
	grep -q "info: listening on 127.0.0.1:$PORT\$" "$T/stderr"
	stop_daemon "$pid"
	wait "$pid"		# our child: its exit status is ours to read
	grep -q 'exiting$' "$T/stderr"
	all_lines_match "$T/stderr" "$pid"
}

@test "a symlink or a second hard link as log file is refused, its target untouched" {
	echo precious > "$T/target"
	ln -s "$T/target" "$LOG"
	write_config
	run "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_output --partial "cannot open log file $LOG"
	assert_equal "$(cat "$T/target")" precious
	rm "$LOG"
	ln "$T/target" "$LOG"
	run "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_equal "$(cat "$T/target")" precious
}
