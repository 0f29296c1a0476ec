#!/usr/bin/env bats
# The pidfile: content, mode, lock, second instances, stale files.

load test_helper/common

# lock_holder FILE: the PID holding a POSIX lock on FILE, from /proc/locks.
lock_holder() {
	local ino
	ino=$(stat -c %i "$1")
	awk -v ino="$ino" '$2 == "POSIX" && $4 == "WRITE" {
		n = split($6, a, ":"); if (a[n] == ino) print $5 }' /proc/locks
}

@test "the pidfile holds the daemon's PID and a newline, mode 0644" {
	write_config
	start_daemon
	run od -c "$PIDFILE"
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
	assert_equal "$(tail -c 1 "$PIDFILE" | od -An -c | tr -d ' ')" '\n'
	assert_equal "$(stat -c %a "$PIDFILE")" 644
	assert [ -d "/proc/$DAEMON_PID" ]
	stop_daemon
}

@test "the daemon process itself holds the pidfile lock" {
	write_config
	start_daemon
	assert_equal "$(lock_holder "$PIDFILE")" "$DAEMON_PID"
	stop_daemon
}

@test "a second instance says already running and leaves the pidfile alone" {
	write_config
	start_daemon
	before=$(stat -c '%i %Y %s' "$PIDFILE")
	run "$MYDAEMON" -c "$CONF"
	assert_output "mydaemon: already running (pid $DAEMON_PID)"
	assert_success
	assert_equal "$(stat -c '%i %Y %s' "$PIDFILE")" "$before"
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
	assert_equal "$(pgrep -fc "mydaemon -c $CONF")" 1
	stop_daemon
}

@test "a stale pidfile naming an unrelated live process is taken over, and that process is never signalled" {
	sleep 60 &
	victim=$!
	remember_pid "$victim"
	echo "$victim" > "$PIDFILE"
	write_config
	start_daemon
	assert [ "$DAEMON_PID" != "$victim" ]
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	assert alive "$victim"
	echo "$victim" > "$PIDFILE"
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_failure
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	assert alive "$victim"
	assert [ ! -e "$PIDFILE" ]
	kill "$victim"
}

@test "a symlink as pidfile is refused and its target untouched" {
	echo precious > "$T/target"
	ln -s "$T/target" "$PIDFILE"
	write_config
	run "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_output --partial "cannot lock pidfile $PIDFILE"
	assert_equal "$(cat "$T/target")" precious
	run pgrep -f "mydaemon -c $CONF"
	assert_failure
}

@test "20 parallel starts leave exactly one daemon and all exit 0" {
	write_config
	for i in $(seq 20); do
		( "$MYDAEMON" -c "$CONF" 2> "$T/start.$i.err"; echo $? > "$T/start.$i.rc" ) &
	done
	wait
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert_equal "$(cat "$T"/start.*.rc | sort -u)" 0
	assert_equal "$(pgrep -fc "mydaemon -c $CONF")" 1
	# Every loser names the winner.
	assert_equal "$(grep -l "already running (pid $DAEMON_PID)" "$T"/start.*.err | wc -l)" 19
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "the pidfile is removed on a clean exit" {
	write_config
	start_daemon
	stop_daemon
	assert [ ! -e "$PIDFILE" ]
}

@test "a start right after a stop never trips over the old pidfile" {
	write_config
	for i in 1 2 3 4 5; do
		start_daemon
		run "$MYDAEMON" -s stop -p "$PIDFILE"
		assert_success
		assert gone "$DAEMON_PID"
	done
	assert [ ! -e "$PIDFILE" ]
}

@test "a start while the old instance drains waits for it and then starts" {
	write_config "shutdown_timeout = 2s"
	start_daemon
	old=$DAEMON_PID
	in_flight	# a request in flight keeps the daemon draining
	kill -TERM "$old"
	wait_for 5 log_has 'received SIGTERM, shutting down'
	run "$MYDAEMON" -c "$CONF"
	exec 5>&-
	assert_success
	refute_output --partial "already running"
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert [ "$DAEMON_PID" != "$old" ]
	assert gone "$old"
	health_is 200
	stop_daemon
}
