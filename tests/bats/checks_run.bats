#!/usr/bin/env bats
# The check runner: Nagios results in /health, /status and /metrics,
# rise/fall, word splitting, skipped runs and reloads.

load test_helper/common

DUMMY=/usr/lib/nagios/plugins/check_dummy

setup() {
	common_setup
}

need_dummy() {
	[ -x "$DUMMY" ] || skip "no $DUMMY (apt-get install monitoring-plugins-basic)"
}

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# calc EXPR: EXPR worked out by awk, to the microsecond.
calc() {
	awk "BEGIN { printf \"%.6f\", $1 }"
}

# dummy_health STATE TEXT CODE BODY: check_dummy STATE TEXT is the only
# run; /health then answers CODE with BODY.
dummy_health() {
	need_dummy
	write_config "check_command = $DUMMY $1 \"$2\"" "check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health "$3" "$4"
	stop_daemon
}

@test "an OK check (check_dummy 0) makes /health answer 200 ok" {
	dummy_health 0 "all is well" 200 "ok"
}

@test "a WARNING check (check_dummy 1) answers 200 with its first line" {
	dummy_health 1 "disk 81% full" 200 "warning: WARNING: disk 81% full"
}

@test "a CRITICAL check (check_dummy 2) answers 503 with its first line" {
	dummy_health 2 "disk 99% full" 503 "critical: CRITICAL: disk 99% full"
}

@test "an UNKNOWN check (check_dummy 3) answers 503 with its first line" {
	dummy_health 3 "no data" 503 "unknown: UNKNOWN: no data"
}

@test "performance data is cut from /health but kept in /status" {
	need_dummy
	write_config "check_command = $DUMMY 1 'disk fine | used=5GB;8;9'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 200 "warning: WARNING: disk fine"
	http_get /status
	assert_equal "$(json_value check.output)" \
		"WARNING: disk fine | used=5GB;8;9"
	run json_value health_text
	assert_output "WARNING: disk fine"
	stop_daemon
}

@test "only the first line of the output reaches /health" {
	write_config "check_command = sh -c 'printf \"line one\\nline two\\n\"; exit 2'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "critical: line one"
	assert_equal "$(status_value check.output)" "line one
line two"
	stop_daemon
}

@test "before the first result /health waits for it 5 s at most (the longest timeout is 10 s), then answers 503 unknown: no check result yet; /status does not wait" {
	write_config "check_command = sleep 30" "check_interval = 1h" \
		"check_timeout = 10s"
	start_daemon
	t0=$(date +%s%N)
	curl -s --max-time 10 -o "$T/health" -w '%{http_code}' \
		"http://127.0.0.1:$PORT/health" > "$T/code" &
	waiter=$!
	# Meanwhile /status answers at once.
	run status_value check.ran
	assert_output false
	assert [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ]
	wait "$waiter"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	assert [ "$ms" -ge 4900 ]
	assert [ "$ms" -lt 7000 ]
	assert_equal "$(cat "$T/code") $(cat "$T/health")" "503 unknown: no check result yet"
	assert_health 503 "unknown: no check result yet"
	run metric_value 'mydaemon_check_result{check="main"}'
	assert_failure
	assert_equal "$(metric_value 'mydaemon_check_runs_total{check="main"}')" 0
	run status_value check.command check.ran check.runs check.exit_code \
		check.result check.started health
	assert_output "$(printf '%s\n' "sleep 30" false 0 null null null unknown)"
	stop_daemon
}

@test "the first result sets the state directly, whatever check_fall says" {
	need_dummy
	write_config "check_command = $DUMMY 2 down" "check_interval = 1h" \
		"check_fall = 5" "check_rise = 5"
	start_daemon
	wait_check_runs 1
	assert_health 503 "critical: CRITICAL: down"
	stop_daemon
}

# gate_script: each run of $T/gate waits for a token ($T/go, which it
# takes), then exits with the code in $T/code.  Between two tokens the
# state holds still: the next run waits, the ticks meanwhile are skipped.
gate_script() {
	script gate <<-EOF
	#!/bin/sh
	while ! rm "$T/go" 2> /dev/null; do sleep 0.01; done
	code=\$(cat "$T/code")
	echo "exit \$code"
	exit "\$code"
	EOF
}

# step CODE HTTP BODY: one more run, exiting CODE; then /health answers
# HTTP with BODY.
step() {
	local n
	n=$(check_runs)
	echo "$1" > "$T/code"
	touch "$T/go"
	wait_check_runs $((n + 1))
	http_get /health
	# shellcheck disable=SC2154 # http_get sets them
	if [ "$status_code $body" != "$2 $3" ]; then
		echo "run $((n + 1)) exited $1: /health $status_code $body," \
			"want $2 $3" >&2
		return 1
	fi
}

@test "check_fall 3 turns unhealthy only at the 3rd bad run in a row, check_rise 2 back at the 2nd good one" {
	gate_script
	write_config "check_command = $T/gate" "check_interval = 100ms" \
		"check_fall = 3" "check_rise = 2"
	start_daemon
	step 0 200 "ok"
	step 2 200 "ok"
	step 2 200 "ok"
	step 0 200 "ok"			# a good run starts the count again
	step 2 200 "ok"
	step 2 200 "ok"
	step 2 503 "critical: exit 2"	# the 3rd bad run in a row
	step 3 503 "unknown: exit 3"	# bad to bad is at once
	step 1 503 "unknown: exit 3"
	step 2 503 "critical: exit 2"	# a bad run starts the count again
	step 1 503 "critical: exit 2"
	step 0 200 "ok"			# the 2nd good run in a row
	step 1 200 "warning: exit 1"	# good to good is at once
	assert_equal "$(status_value check.runs)" 13
	stop_daemon
}

@test "an exit code outside 0-3 is unknown with the code and the text" {
	write_config "check_command = sh -c 'echo boom happened; exit 42'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 \
		"unknown: check exited with code 42: boom happened"
	assert_equal "$(status_value check.exit_code check.result)" \
		"$(printf '%s\n' 42 unknown)"
	assert_equal "$(metric_value 'mydaemon_check_result{check="main"}')" 3
	assert_equal "$(metric_value 'mydaemon_check_exit_code{check="main"}')" 42
	stop_daemon
}

@test "a check killed by a signal is unknown and names the signal" {
	write_config "check_command = sh -c 'echo dying; kill -USR1 \$\$'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "unknown: check killed by signal 10"
	assert_equal "$(status_value check.exit_code)" null
	assert_equal "$(json_value check.output)" dying
	stop_daemon
}

@test "a missing program is unknown and names it" {
	missing=$T/no-such-dir/check_nothing
	write_config "check_command = $missing --flag" "check_interval = 100ms"
	start_daemon
	wait_check_runs 1
	assert_health 503 "unknown: check exited with code 127: cannot execute $missing: No such file or directory"
	assert_equal "$(status_value check.exit_code)" 127

	# A bare name is looked up in PATH, and not found there either.
	write_config "check_command = mydaemon-no-such-check-$$" \
		"check_interval = 100ms"
	kill -HUP "$DAEMON_PID"
	wait_for 5 health_is 503 "unknown: check exited with code 127: cannot execute mydaemon-no-such-check-$$: No such file or directory"

	# A file that is not executable.
	echo 'echo never' > "$T/not-executable"
	chmod 644 "$T/not-executable"
	write_config "check_command = $T/not-executable" "check_interval = 100ms"
	kill -HUP "$DAEMON_PID"
	wait_for 5 health_is 503 "unknown: check exited with code 127: cannot execute $T/not-executable: Permission denied"
	stop_daemon
}

@test "quotes and backslashes split check_command like a shell, with no expansion" {
	need_dummy
	write_config "check_command = $DUMMY 1 \"two words\"" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 200 "warning: WARNING: two words"
	stop_daemon

	script argv <<-'EOF'
	#!/bin/sh
	for a; do printf '<%s>\n' "$a"; done
	EOF
	# The line as an administrator would write it; @T@ stands for $T.
	line=$(cat <<-'EOF'
	check_command = @T@/argv 'single  quoted' "double \"q\" \\ \x" back\ slash 'it'\''s' "a # b" $HOME * ~ '' x#y # a comment
	EOF
	)
	write_config "${line//@T@/$T}" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	http_get /status
	assert_equal "$(json_value check.output)" "$(cat <<-'EOF'
	<single  quoted>
	<double "q" \ \x>
	<back slash>
	<it's>
	<a # b>
	<$HOME>
	<*>
	<~>
	<>
	<x#y>
	EOF
	)"
	stop_daemon
}

@test "/status and /metrics describe the last run exactly" {
	script fields <<-'EOF'
	#!/bin/sh
	sleep 0.2
	printf 'say "hi" | perf=1\nback\\slash \001 tab\there \377 end\n'
	exit 1
	EOF
	write_config "check_command = $T/fields \"an arg\"" "check_interval = 1h"
	before=$(date +%s.%N)
	start_daemon
	wait_check_runs 1
	after=$(date +%s.%N)
	assert_health 200 'warning: say "hi"'

	http_get /status
	cp "$T/body" "$T/status.json"
	run json_value check.command check.ran check.exit_code check.result \
		check.runs check.timeouts check.skipped check.started \
		check.duration_seconds
	assert_line --index 0 "$T/fields \"an arg\""
	assert_equal "${lines[*]:1:6}" "true 1 warning 1 0 0"
	started=${lines[7]}
	duration=${lines[8]}
	# The whole output, every byte accounted for: the quote, the
	# backslash, the newlines, the control bytes, and 0xff (not UTF-8)
	# as U+FFFD.
	run python3 - "$T/status.json" <<-'EOF'
	import json, sys
	raw = open(sys.argv[1], "rb").read()
	out = json.loads(raw.decode("utf-8"))["check"]["output"]
	want = 'say "hi" | perf=1\nback\\slash \x01 tab\there \ufffd end\n'
	if out != want:
	    sys.exit("output %r, want %r" % (out, want))
	if b"\x01" in raw or b"\t" in raw:
	    sys.exit("raw control byte in the JSON")
	EOF
	assert_success
	assert in_range "$started" "$(calc "$before - 0.01")" "$(calc "$after + 0.01")"
	assert in_range "$duration" 0.2 3

	assert_equal "$(metric_value 'mydaemon_check_result{check="main"}')" 1
	assert_equal "$(metric_value 'mydaemon_check_exit_code{check="main"}')" 1
	assert_equal "$(metric_value 'mydaemon_check_runs_total{check="main"}')" 1
	assert_equal "$(metric_value 'mydaemon_check_timeouts_total{check="main"}')" 0
	assert_equal "$(metric_value 'mydaemon_check_skipped_total{check="main"}')" 0
	mdur=$(metric_value 'mydaemon_check_duration_seconds{check="main"}')
	mlast=$(metric_value 'mydaemon_check_last_run_timestamp_seconds{check="main"}')
	# The same run: /status rounds to ms, /metrics to µs.
	assert in_range "$mlast" "$(calc "$started - 0.001")" "$(calc "$started + 0.001")"
	assert in_range "$mdur" "$(calc "$duration - 0.001")" "$(calc "$duration + 0.001")"
	stop_daemon
}

@test "a run still going at the next interval is skipped and counted" {
	script slow <<-EOF
	#!/bin/sh
	mkdir "$T/busy" 2>/dev/null || echo overlap >> "$T/overlaps"
	sleep 0.4
	rmdir "$T/busy"
	echo slow
	EOF
	write_config "check_command = $T/slow" "check_interval = 100ms" \
		"check_timeout = 5s"
	start_daemon
	wait_check_runs 2
	run status_value check.skipped check.timeouts
	skipped=${lines[0]}
	assert [ "$skipped" -ge 2 ]
	assert_equal "${lines[1]}" 0
	assert [ "$(metric_value 'mydaemon_check_skipped_total{check="main"}')" -ge "$skipped" ]
	assert log_has 'check main: still running after its interval: this run is skipped'
	assert [ ! -e "$T/overlaps" ]
	stop_daemon
}

@test "a reload that changes check_command runs the new one at once; until its result the old state stays, marked as the previous command's" {
	gate_script
	write_config "check_command = sh -c 'echo old; exit 1'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 200 "warning: old"
	write_config "check_command = $T/gate" "check_interval = 1h"
	echo 2 > "$T/code"
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded \(generation 2\)'
	# Running already (interval 1h: only the reload can have started
	# it), waiting for its token; nothing flaps meanwhile.
	wait_for 5 log_has "check main started \\(pid [0-9]+\\): $T/gate\$"
	assert_health 200 "warning: old"
	run status_value check.command check.previous_command check.state \
		check.runs
	assert_output "$(printf '%s\n' "sh -c 'echo old; exit 1'" true warning 1)"
	touch "$T/go"
	wait_check_runs 2
	assert_health 503 "critical: exit 2"
	run status_value check.command check.previous_command
	assert_output "$(printf '%s\n' "$T/gate" false)"
	stop_daemon
}

@test "removing check_command makes /health answer 200 ok" {
	need_dummy
	write_config "check_command = $DUMMY 2 broken" "check_interval = 100ms"
	start_daemon
	wait_for 5 health_is 503 "critical: CRITICAL: broken"
	write_config
	kill -HUP "$DAEMON_PID"
	wait_for 5 health_is 200 "ok"
	assert_equal "$(status_value check)" null
	assert_equal "$(json_value health)" ok
	stop_daemon
}

@test "at start-up a request for /health, /health/NAME or the agent port waits for the checks' first results: the first probe gets the real verdict; requests before it on the same connection are answered at once, in order" {
	agent=$(free_port)
	write_config "agent_listen = 127.0.0.1:$agent" "[check slow]" \
		"command = sh -c 'sleep 0.5; echo fine'" "[check quick]" \
		"command = sh -c 'echo quick'"
	start_daemon
	t0=$(date +%s%N)
	python3 -S - "$PORT" > "$T/pipelined" <<'PY' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /health/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
s.shutdown(socket.SHUT_WR)	# a client that said all it says
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode("latin-1"))
PY
	client=$!
	run agent_line "$agent" 'slow\n'
	assert_output 'up ready 100%\n'
	assert_health 200 ok
	wait "$client"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	assert [ "$ms" -ge 400 ]
	run grep -ac '^HTTP/1.1 ' "$T/pipelined"
	assert_output 3
	run grep -a '^HTTP/1.1 ' "$T/pipelined"
	assert_line --index 0 --partial '200 OK'
	assert_line --index 1 --partial '200 OK'
	assert_line --index 2 --partial '200 OK'
	run grep -acx 'ok' "$T/pipelined"
	assert_output 2
	refute grep -aqx 'unknown: no check result yet' "$T/pipelined"
	stop_daemon
}
