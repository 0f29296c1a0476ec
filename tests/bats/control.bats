#!/usr/bin/env bats
# Control mode: mydaemon -s status|stop|reload|reopen.

load test_helper/common

bats_require_minimum_version 1.5.0

@test "-s status: 0 running with the pid, 3 stopped, 1 dead with pidfile" {
	write_config
	run "$MYDAEMON" -s status -c "$CONF"
	assert_equal "$status" 3
	assert_output "mydaemon is not running"
	start_daemon
	run "$MYDAEMON" -s status -c "$CONF"
	assert_equal "$status" 0
	assert_output "mydaemon is running (pid $DAEMON_PID)"
	kill -KILL "$DAEMON_PID"
	wait_gone "$DAEMON_PID"
	run "$MYDAEMON" -s status -c "$CONF"
	assert_equal "$status" 1
	assert_output --partial "not running but pidfile $PIDFILE exists"
}

@test "-s status: an empty unlocked pidfile means stopped cleanly (3)" {
	: > "$PIDFILE"
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 3
}

@test "-s status: 4 when the pidfile cannot be read" {
	echo 1 > "$PIDFILE"
	chmod 000 "$PIDFILE"
	as_user=()
	# root reads anything: ask as nobody instead.
	[ "$(id -u)" != 0 ] || as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	run "${as_user[@]}" "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 4
	assert_output --partial "Permission denied"
}

@test "-s status: 4 when the pidfile is a symlink" {
	echo 1 > "$T/elsewhere"
	ln -s "$T/elsewhere" "$PIDFILE"
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 4
}

@test "-s stop returns only once the daemon is gone, and removes the pidfile" {
	write_config
	start_daemon
	run "$MYDAEMON" -s stop -c "$CONF"
	assert_success
	assert gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$STATEFILE" ]
}

@test "-s stop when nothing runs is a success and cleans a stale pidfile" {
	write_config
	run "$MYDAEMON" -s stop -c "$CONF"
	assert_success
	echo 999999 > "$PIDFILE"
	run "$MYDAEMON" -s stop -c "$CONF"
	assert_success
	assert [ ! -e "$PIDFILE" ]
}

@test "-s stop by the daemon's own user, who may signal it but not remove the pidfile: exit 0, the empty pidfile left for root" {
	can_be_nobody || skip "needs root and user nobody"
	open_to_nobody
	write_config "user = nobody"
	chmod a+r "$CONF"
	start_daemon
	run --separate-stderr setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups "$MYDAEMON" -s stop -c "$CONF"
	assert_success
	assert_equal "$stderr" "mydaemon: the empty pidfile $PIDFILE is left for root to remove (Permission denied)"
	assert gone "$DAEMON_PID"
	assert [ -f "$PIDFILE" ] && assert [ ! -s "$PIDFILE" ]
	run "$MYDAEMON" -s status -c "$CONF"
	assert_equal "$status" 3
	run "$MYDAEMON" -s stop -c "$CONF"	# root: now it goes
	assert_success
	assert [ ! -e "$PIDFILE" ]
}

@test "-s stop sends SIGKILL after the wait to a daemon that ignores SIGTERM" {
	write_config
	start_daemon
	# Freeze the daemon: a stopped process cannot act on SIGTERM.
	kill -STOP "$DAEMON_PID"
	run "$MYDAEMON" -s stop -w 1 -c "$CONF"
	assert_success
	assert_output --partial "did not stop within 1s, sending SIGKILL"
	assert gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
}

@test "-s reload exits 0 when the daemon applied the new config" {
	write_config
	start_daemon
	write_config "maintenance = yes"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_output "mydaemon: configuration reloaded (generation 2)"
	health_is 503
	stop_daemon
}

@test "-s reload exits 1 with the daemon's reason when it kept the old config" {
	write_config
	start_daemon
	write_config "max_connections = 0"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure 1
	assert_output --partial "reload failed: $CONF:5: max_connections: 0 is out of range"
	health_is 200
	# The daemon is untouched and still answers a good reload.
	write_config
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	stop_daemon
}

@test "-s reload works with listen = none" {
	write_config "listen = none"
	start_daemon
	write_config "listen = none" "log_level = info"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	write_config "listen = none" "log_level = loud"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure 1
	assert_output --partial "log_level"
	stop_daemon
}

@test "-s reload when nothing runs fails" {
	write_config
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure 1
	assert_output --partial "not running"
}

@test "-s reopen makes the daemon reopen its log" {
	write_config
	start_daemon
	mv "$LOG" "$LOG.1"
	run "$MYDAEMON" -s reopen -c "$CONF"
	assert_success
	assert [ -s "$LOG" ]
	stop_daemon
}

@test "an unknown -s action is a usage error" {
	run "$MYDAEMON" -s explode -p "$PIDFILE"
	assert_equal "$status" 2
	assert_output --partial 'unknown action "explode"'
}

@test "-s never signals a PID that does not hold the lock" {
	sleep 60 &
	victim=$!
	remember_pid "$victim"
	echo "$victim" > "$PIDFILE"
	for action in status reload reopen stop; do
		run "$MYDAEMON" -s "$action" -p "$PIDFILE" -w 1
		echo "$victim" > "$PIDFILE"
	done
	assert alive "$victim"
	kill "$victim"
}
