#!/usr/bin/env bats
# Restart without a refused connection: the old process hands its
# listening sockets to the new one, which takes the pidfile over before
# the old one drains.  Under load, with status polled meanwhile; with a
# new process that fails; with a user and a pidfile that change.

load test_helper/common

bats_require_minimum_version 1.5.0

restart() {
	run "$MYDAEMON" -s restart -c "$CONF" "$@"
}

# poll_status: `mydaemon -s status` in a loop until $T/stop exists; every
# exit status but 0 goes to $T/status.bad.
poll_status() {
	: > "$T/status.bad"
	(
		while [ ! -e "$T/stop" ]; do
			"$MYDAEMON" -s status -c "$CONF" > /dev/null 2>&1 ||
				echo "$?" >> "$T/status.bad"
		done
	) &
	POLL_PID=$!
	remember_pid "$POLL_PID"
}

@test "50 restarts under wrk -c50: no refused connection, no error, every answer 200, and status always 0" {
	command -v wrk > /dev/null || skip "wrk is not installed (apt-get install wrk)"
	write_config "agent_listen = 127.0.0.1:$(free_port)" \
		"[check ok]" "command = true" "interval = 1s"
	start_daemon
	wait_for 5 health_is 200 ok
	first=$DAEMON_PID
	poll_status
	wrk -t1 -c50 -d30s "http://127.0.0.1:$PORT/health" > "$T/wrk" 2>&1 &
	WRK_PID=$!
	remember_pid "$WRK_PID"
	sleep 0.3	# wrk's connections open: the restarts happen under load
	for ((i = 0; i < 50; i++)); do
		restart
		[ "$status" = 0 ] || fail "restart $i exited $status: $output"
	done
	kill -INT "$WRK_PID"
	wait_gone "$WRK_PID" 10
	touch "$T/stop"
	wait_gone "$POLL_PID" 5
	cat "$T/wrk"
	run grep -E 'Socket errors|Non-2xx' "$T/wrk"
	assert_output ""
	requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$T/wrk")
	assert [ "$requests" -gt 1000 ]
	run cat "$T/status.bad"
	assert_output ""
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert [ "$DAEMON_PID" != "$first" ]
	wait_gone "$first"
	# The checks went on from run to run: no "no check result yet".
	assert [ "$(check_runs ok)" -ge 1 ]
	assert_health 200 ok
	stop_daemon
}

@test "a request in flight on the old process is answered after the restart returned" {
	write_config
	start_daemon
	old=$DAEMON_PID
	in_flight	# fd 5: a request begun on the old process
	restart
	assert_success
	assert_regex "$output" "^mydaemon: restarted \\(pid [0-9]+ took over from pid $old\\)$"
	assert alive "$old"	# draining: it still has our request
	printf 'Host: x\r\nConnection: close\r\n\r\n' >&5
	read -r -t 5 line <&5
	assert_equal "$line" $'HTTP/1.1 200 OK\r'
	exec 5>&-
	wait_gone "$old" 5
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert [ "$DAEMON_PID" != "$old" ]
	stop_daemon
}

@test "an invalid configuration: restart exits 6 and touches nothing" {
	write_config
	start_daemon
	cp "$PIDFILE" "$T/pid.before"
	cp "$STATEFILE" "$T/state.before"
	write_config "max_connections = 0"
	restart
	assert_failure 6
	assert_output --partial "max_connections: 0 is out of range"
	assert cmp "$PIDFILE" "$T/pid.before"
	assert cmp "$STATEFILE" "$T/state.before"
	assert alive "$DAEMON_PID"
	health_is 200
	stop_daemon
}

@test "a new process that fails (a new address already taken): the old one serves on, its files intact, restart exits 1 with the reason" {
	write_config
	start_daemon
	taken=$(free_port)
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2], "w").close(); time.sleep(60)' "$taken" "$T/taken" &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/taken"
	cp "$PIDFILE" "$T/pid.before"
	cp "$STATEFILE" "$T/state.before"
	write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$taken"
	restart
	assert_failure 1
	assert_output --partial "cannot listen on 127.0.0.1:$taken: Address already in use"
	assert_output --partial "restart failed; pid $DAEMON_PID keeps serving"
	assert cmp "$PIDFILE" "$T/pid.before"
	assert cmp "$STATEFILE" "$T/state.before"
	run "$MYDAEMON" -s status -c "$CONF"
	assert_success
	assert_output "mydaemon is running (pid $DAEMON_PID)"
	health_is 200
	# A new process that exits at once (a usage error) does the same.
	write_config
	restart -- --no-such-option
	assert_failure 1
	assert_output --partial "keeps serving"
	health_is 200
	kill "$holder"
	stop_daemon
}

@test "a restart that changes user and pidfile applies them" {
	can_be_nobody || skip "needs root and user nobody"
	open_to_nobody
	write_config "user = nobody"
	start_daemon
	old=$DAEMON_PID
	assert_equal "$(proc_field "$old" Uid | cut -f1)" "$(id -u nobody)"
	write_config "pidfile = $T/run/other.pid"
	restart
	assert_success
	new=$(cat "$T/run/other.pid")
	remember_pid "$new"
	assert [ "$new" != "$old" ]
	assert_equal "$(proc_field "$new" Uid | cut -f1)" 0
	wait_gone "$old" 5
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$STATEFILE" ]
	health_is 200
	run "$MYDAEMON" -s stop -c "$CONF"
	assert_success
	assert gone "$new"
}

@test "restart with nothing running starts the daemon" {
	write_config
	restart
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	health_is 200
	stop_daemon
}
