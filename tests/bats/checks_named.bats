#!/usr/bin/env bats
# Many named checks: [check NAME] sections, /health naming the worst one,
# /health/NAME, health+json, affects_health, reloads that add, remove and
# change checks, and what the log says of them.

load test_helper/common

bats_require_minimum_version 1.5.0

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# check NAME EXIT TEXT [KEY=VALUE...]: a [check NAME] section whose
# command prints TEXT and exits EXIT.
check() {
	local name=$1 code=$2 text=$3
	shift 3
	printf '[check %s]\n' "$name"
	printf 'command = sh -c %q\n' "echo '$text'; exit $code"
	printf '%s\n' "$@"
}

# all_ran NAME...: every named check has a result.
all_ran() {
	local n
	for n in "$@"; do
		check_runs_at_least 1 "$n" || return 1
	done
}

# health_of PATH [ACCEPT]: "CODE BODY" of GET PATH.
health_of() {
	local code
	code=$(curl -s --max-time 5 -o "$T/h" -w '%{http_code}' \
		${2:+-H "Accept: $2"} "http://127.0.0.1:$PORT$1") || true
	printf '%s %s' "$code" "$(cat "$T/h")"
}

three_checks() {
	write_config "$(check good 0 'OK: fine')" \
		"$(check meh 1 'WARNING: meh')" \
		"$(check bad 2 'CRITICAL: broken | used=97%;80;90;0;100')"
}

@test "three checks: /health answers 503 naming the worst one and counting the others" {
	three_checks
	start_daemon
	wait_for 5 all_ran good meh bad
	assert_health 503 "critical: bad: CRITICAL: broken (+1 more)"
	stop_daemon
}

@test "/health/NAME is each check alone; an unknown name is 404" {
	three_checks
	start_daemon
	wait_for 5 all_ran good meh bad
	assert_equal "$(health_of /health/good)" "200 ok"
	assert_equal "$(health_of /health/meh)" "200 warning: WARNING: meh"
	assert_equal "$(health_of /health/bad)" "503 critical: CRITICAL: broken"
	assert_equal "$(health_of /health/nope)" "404 no such check"
	assert_equal "$(health_of /health/)" "404 Not Found"
	stop_daemon
}

@test "affects_health = no: shown in /status, /metrics and /health/NAME, not in /health" {
	write_config "$(check good 0 'OK: fine')" \
		"$(check deep 2 'CRITICAL: replica lag' 'affects_health = no')"
	start_daemon
	wait_for 5 all_ran good deep
	assert_health 200 ok
	assert_equal "$(health_of /health/deep)" "503 critical: CRITICAL: replica lag"
	run status_value checks.1.name checks.1.state checks.1.affects_health
	assert_output "$(printf '%s\n' deep critical false)"
	assert_equal "$(metric_value 'mydaemon_check_state{check="deep",state="critical"}')" 1
	assert_equal "$(metric_value 'mydaemon_check_affects_health{check="deep"}')" 0
	stop_daemon
}

@test "a drain of the host drains every service: /health/NAME answers maintenance too" {
	write_config "maintenance = yes" "$(check good 0 'OK: fine')"
	start_daemon
	wait_for 5 all_ran good
	assert_equal "$(health_of /health/good)" "503 maintenance"
	assert_health 503 maintenance
	stop_daemon
}

@test "health+json on Accept: the same status code, the draft's fields" {
	three_checks
	start_daemon
	wait_for 5 all_ran good meh bad
	run curl -s --max-time 5 -D "$T/head" -o "$T/body" \
		-H 'Accept: application/health+json' \
		"http://127.0.0.1:$PORT/health"
	assert grep -q '^HTTP/1.1 503 ' "$T/head"
	assert grep -qi '^content-type: application/health+json' "$T/head"
	run python3 - "$T/body" "$(hostname)" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["status"] == "fail", d["status"]
	assert d["serviceId"] == sys.argv[2]
	assert d["output"] == "bad: CRITICAL: broken (+1 more)", d["output"]
	assert sorted(d["checks"]) == ["bad", "good", "meh"]
	want = {"good": "pass", "meh": "warn", "bad": "fail"}
	for name, entries in d["checks"].items():
	    assert entries[0]["status"] == want[name], name
	    assert entries[0]["time"].endswith("Z")
	bad = d["checks"]["bad"][0]
	assert bad["observedValue"] == 97 and bad["observedUnit"] == "percent"
	PY
	assert_success
	# application/json too, and /health/NAME; anything else is text.
	run curl -s --max-time 5 -D "$T/head" -o "$T/body" \
		-H 'Accept: application/json' "http://127.0.0.1:$PORT/health/meh"
	assert grep -q '^HTTP/1.1 200 ' "$T/head"
	assert grep -qi '^content-type: application/json' "$T/head"
	assert_equal "$(json_value status checks.meh.0.status)" "warn
warn"
	assert_equal "$(health_of /health 'text/html, */*')" \
		"503 critical: bad: CRITICAL: broken (+1 more)"
	assert_equal "$(health_of /health 'application/health+json;q=0')" \
		"503 critical: bad: CRITICAL: broken (+1 more)"
	stop_daemon
}

@test "a [check main] section reads like the flat check_* keys: no name in /health" {
	write_config "$(check main 2 'CRITICAL: down')"
	start_daemon
	wait_check_runs 1
	assert_health 503 "critical: CRITICAL: down"
	assert_equal "$(status_value check.name)" main
	stop_daemon
}

@test "errors in a section name the file, the line and the section" {
	write_config "$(check disk 0 ok 'bogus = 1' 'fall = 0')" '[check disk]' \
		'command = true' '[check]'
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	n=$(grep -n '^\[check disk\]' "$CONF" | head -n 1 | cut -d: -f1)
	assert_equal "$stderr" "$CONF:$((n + 2)): [check disk] unknown key \"bogus\"
$CONF:$((n + 3)): [check disk] fall: 0 is out of range (1-100)
$CONF:$((n + 4)): duplicate check \"disk\" (first on line $n)
$CONF:$((n + 6)): missing check name (expected [check NAME])"
}

@test "the flat check_* keys and a [check main] section together are an error" {
	write_config "check_command = true" "$(check main 0 ok)"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_regex "$stderr" "^$CONF:[0-9]+: \\[check main\\] and the check_\\* keys \\(line [0-9]+\\) both define the check \"main\"$"
}

@test "-t warns about a check command that does not exist or is not executable, and exits 0" {
	: > "$T/not-executable"
	write_config "[check a]" "command = $T/no-such-plugin -w 1" \
		"[check b]" "command = $T/not-executable" \
		"[check c]" "command = mydaemon-no-such-command-$$" \
		"[check d]" "command = true"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_success
	assert_output "mydaemon: configuration $CONF is valid"
	assert_regex "$stderr" "$CONF:[0-9]+: warning: \\[check a\\] command $T/no-such-plugin: No such file or directory"
	assert_regex "$stderr" "$CONF:[0-9]+: warning: \\[check b\\] command $T/not-executable: not executable"
	assert_regex "$stderr" "warning: \\[check c\\] command mydaemon-no-such-command-$$: not found in "
	run grep -c 'check d' <<< "$stderr"
	assert_output 0
}

@test "a state change is logged once, notice when better, warning when worse; a routine run only at debug" {
	script flip <<-EOF
	#!/bin/sh
	code=\$(cat "$T/code" 2> /dev/null || echo 0)
	echo "state \$code"
	exit "\$code"
	EOF
	echo 0 > "$T/code"
	write_config "log_level = info" "[check flip]" "command = $T/flip" \
		"interval = 50ms"
	start_daemon
	wait_for 5 check_runs_at_least 3 flip
	echo 2 > "$T/code"
	wait_for 5 health_is 503 "critical: flip: state 2"
	n=$(check_runs flip)
	wait_for 5 check_runs_at_least $((n + 3)) flip
	echo 0 > "$T/code"
	wait_for 5 health_is 200 ok
	n=$(check_runs flip)
	wait_for 5 check_runs_at_least $((n + 3)) flip
	run grep -E 'check flip|health:' "$LOG"
	assert_line --index 0 --regexp ': notice: check flip: ok: state 0$'
	assert_line --index 1 --regexp ': notice: health: unknown -> ok$'
	assert_line --index 2 --regexp ': warning: check flip: ok -> critical: state 2$'
	assert_line --index 3 --regexp ': warning: health: ok -> critical: flip: state 2$'
	assert_line --index 4 --regexp ': notice: check flip: critical -> ok: state 0$'
	assert_line --index 5 --regexp ': notice: health: critical -> ok$'
	assert_equal "${#lines[@]}" 6
	stop_daemon
}

@test "with no check configured one notice at start says that nothing is checked" {
	write_config "log_level = info"
	start_daemon
	wait_for 5 log_has 'started \(pid'
	run grep -c 'no check is configured: nothing is checked' "$LOG"
	assert_output 1
	assert_health 200 ok
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded \(generation 2\)'
	run grep -c 'no check is configured' "$LOG"
	assert_output 1
	stop_daemon
}

# load_loop: GET /health every 10 ms until $T/stop exists; every answer
# that is not 200 goes to $T/bad.
load_loop() {
	: > "$T/bad"
	(
		while [ ! -e "$T/stop" ]; do
			code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' \
				"http://127.0.0.1:$PORT/health") || code=failed
			[ "$code" = 200 ] || echo "$code" >> "$T/bad"
			sleep 0.01
		done
	) &
	LOOP_PID=$!
	remember_pid "$LOOP_PID"
}

@test "a reload that adds, removes and changes checks: no 503 under a client loop, each applied as it should" {
	script slow_ok <<-EOF
	#!/bin/sh
	touch "$T/slow-\$1"
	while [ ! -e "$T/go-\$1" ]; do sleep 0.01; done
	echo "OK: \$1"
	EOF
	write_config "[check keep]" "command = sh -c 'echo OK: kept'" \
		"[check change]" "command = sh -c 'echo OK: old'" \
		"[check gone]" "command = sh -c 'echo OK: gone'"
	start_daemon
	wait_for 5 all_ran keep change gone
	runs_keep=$(check_runs keep)
	load_loop
	write_config "[check keep]" "command = sh -c 'echo OK: kept'" \
		"[check change]" "command = $T/slow_ok change" \
		"[check new]" "command = $T/slow_ok new"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	# Both run at once, and wait for their token: meanwhile "change"
	# shows its old result and "new" is pending, not counted.
	wait_for 5 test -e "$T/slow-change" -a -e "$T/slow-new"
	run status_value checks.0.name checks.1.name checks.1.previous_command \
		checks.1.state checks.2.name checks.2.pending checks.2.state
	assert_output "$(printf '%s\n' keep change true ok new true unknown)"
	assert_equal "$(health_of /health/gone)" "404 no such check"
	run metric_value 'mydaemon_check_runs_total{check="gone"}'
	assert_failure
	assert_health 200 ok
	touch "$T/go-change" "$T/go-new"
	wait_for 5 all_ran new
	wait_for 5 check_runs_at_least 2 change
	run status_value checks.1.previous_command checks.2.pending \
		checks.1.output
	assert_output "$(printf '%s\n' false false "OK: change")"
	# A check that kept its command kept its counters.
	assert [ "$(check_runs keep)" -ge "$runs_keep" ]
	touch "$T/stop"
	wait_gone "$LOOP_PID" 5
	run cat "$T/bad"
	assert_output ""
	stop_daemon
}
