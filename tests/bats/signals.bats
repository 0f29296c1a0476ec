#!/usr/bin/env bats
# Signals: atomic SIGHUP reload, SIGUSR1 reopen, SIGTERM, and none lost.

load test_helper/common

# reloads_done_is N: the daemon has finished N reloads in all.
reloads_done_is() {
	[ "$(state_field reload_done)" = "$1" ]
}

reloads_started_is() {
	[ "$(state_field reload_started)" = "$1" ]
}

# Every reload that was started has finished.
reloads_settled() {
	[ -n "$(state_field reload_done)" ] &&
		[ "$(state_field reload_done)" = "$(state_field reload_started)" ]
}

traced() {
	[ "$(proc_field "$1" TracerPid)" != 0 ]
}

@test "SIGHUP applies a changed configuration" {
	write_config
	start_daemon
	health_is 200
	write_config "maintenance = yes"
	kill -HUP "$DAEMON_PID"
	wait_for 5 health_is 503
	assert_equal "$body" maintenance
	log_has 'reloaded \(generation 2\)'
	write_config "maintenance = no"
	kill -HUP "$DAEMON_PID"
	wait_for 5 health_is 200
	stop_daemon
}

@test "SIGHUP with a broken config keeps serving the old one" {
	write_config "maintenance = yes"
	start_daemon
	write_config "maintenance = maybe"
	kill -HUP "$DAEMON_PID"
	wait_for 5 reloads_done_is 1
	log_has "error: reload failed: $CONF:5: maintenance: invalid value"
	assert alive "$DAEMON_PID"
	health_is 503
	assert_equal "$(state_field reload_failed)" 1
	assert_equal "$(state_field generation)" 1
	stop_daemon
}

@test "a reload whose new port is busy keeps every old listener" {
	write_config
	start_daemon
	busy=$(free_port)
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").close(); time.sleep(30)' "$busy" "$T/bound" &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/bound"
	write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$busy" \
		"maintenance = yes"
	kill -HUP "$DAEMON_PID"
	wait_for 5 reloads_done_is 1
	log_has "reload failed: cannot listen on 127.0.0.1:$busy: Address already in use"
	# Nothing of the new config was applied: not even maintenance.
	health_is 200
	kill "$holder"
	wait_gone "$holder"
	stop_daemon
}

@test "a reload moves the listener to a new port and closes the old one" {
	write_config
	start_daemon
	old=$PORT
	PORT=$(free_port)
	write_config
	kill -HUP "$DAEMON_PID"
	wait_for 5 reloads_done_is 1
	health_is 200
	http_get /health "$old"
	assert_equal "$status_code" 000
	stop_daemon
}

@test "a reload whose new log file cannot be opened fails and keeps the old log" {
	write_config
	start_daemon
	write_config "log_file = $T/missing/dir/new.log"
	kill -HUP "$DAEMON_PID"
	wait_for 5 reloads_done_is 1
	log_has "reload failed: cannot open log file $T/missing/dir/new.log"
	assert_equal "$(state_field last_reload)" failed
	stop_daemon
}

@test "300 SIGHUPs in a row: alive, and every one counted" {
	write_config
	start_daemon
	for i in $(seq 300); do
		kill -HUP "$DAEMON_PID"
		wait_for 5 reloads_done_is "$i"
	done
	assert_equal "$(state_field reload_ok)" 300
	assert_equal "$(grep -c 'reloaded (generation' "$LOG")" 300
	health_is 200
	stop_daemon
}

@test "a burst of SIGHUPs is absorbed: alive, serving, the count adds up" {
	write_config
	start_daemon
	for i in $(seq 100); do kill -HUP "$DAEMON_PID"; done
	wait_for 5 reloads_settled
	n=$(state_field reload_done)
	assert [ "$n" -ge 1 ]
	assert_equal "$(state_field reload_ok)" "$n"
	assert_equal "$(grep -c 'received SIGHUP' "$LOG")" "$n"
	health_is 200
	stop_daemon
}

@test "a SIGHUP that arrives during a reload causes one more reload" {
	command -v strace >/dev/null || skip "strace is not installed"
	write_config
	start_daemon
	# Slow every openat() of the daemon down by 0.3 s, so that the
	# second SIGHUP lands while the first reload is reading its config.
	strace -qq -p "$DAEMON_PID" -o /dev/null -e trace=openat \
		-e inject=openat:delay_enter=300000 &
	tracer=$!
	remember_pid "$tracer"
	wait_for 5 traced "$DAEMON_PID"
	kill -HUP "$DAEMON_PID"
	wait_for 5 reloads_started_is 1
	kill -HUP "$DAEMON_PID"
	assert_equal "$(state_field reload_done)" 0	# still in the first
	wait_for 5 reloads_done_is 2
	assert_equal "$(state_field reload_ok)" 2
	kill "$tracer"
	wait_gone "$tracer"
	stop_daemon
}

@test "SIGUSR1 after mv of the log writes a new file at the path" {
	write_config
	start_daemon
	mv "$LOG" "$LOG.1"
	kill -USR1 "$DAEMON_PID"
	wait_for 5 test -s "$LOG"
	log_has 'notice: log reopened'
	lines=$(wc -l < "$LOG.1")
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded'
	assert_equal "$(wc -l < "$LOG.1")" "$lines"
	assert_equal "$(state_field reopens)" 1
	stop_daemon
}

@test "SIGTERM exits 0 after cleanup, pidfile and state file gone" {
	write_config
	"$MYDAEMON" -f -c "$CONF" &
	pid=$!
	remember_pid "$pid"
	wait_for 5 test -s "$PIDFILE"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$STATEFILE" ]
	log_has 'received SIGTERM, shutting down'
}

@test "SIGCHLD is handled without leaving zombies or stopping the daemon" {
	write_config
	start_daemon
	kill -CHLD "$DAEMON_PID"
	health_is 200
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "a SIGHUP during the shutdown drain is ignored: no listener comes back" {
	write_config "shutdown_timeout = 3s"
	start_daemon
	in_flight	# a request in flight keeps the daemon draining
	kill -TERM "$DAEMON_PID"
	wait_for 5 log_has 'received SIGTERM, shutting down'
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'SIGHUP ignored'
	run curl -s --max-time 1 "http://127.0.0.1:$PORT/health"
	assert_failure		# refused: the listener stays closed
	printf 'Host: x\r\n\r\n' >&5
	exec 5>&-
	wait_gone "$DAEMON_PID" 5
	refute log_has 'reloading'
}

# status_is_connections N: /status counts N open connections (its own too).
status_is_connections() {
	[ "$(status_value connections)" = "$1" ]
}

@test "SIGTERM: a connection accepted that has not sent its request yet is answered (Connection: close) within shutdown_timeout, then the daemon exits" {
	write_config
	start_daemon
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	# Accepted by the daemon (it counts it), not a byte sent yet.
	wait_for 5 status_is_connections 2
	kill -TERM "$DAEMON_PID"
	wait_for 5 log_has 'received SIGTERM, shutting down'
	assert alive "$DAEMON_PID"
	printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' >&5
	run timeout 5 cat <&5
	exec 5>&-
	assert_line --index 0 --partial 'HTTP/1.1 200 OK'
	assert_output --partial 'Connection: close'
	wait_gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
}
