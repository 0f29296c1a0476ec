#!/usr/bin/env bats
# Abusive checks (SPEC §18, §11): grandchildren that ignore SIGTERM, that
# leave the process group and the session, floods of output, a closed
# stdout, odd exit codes, a missing command, a check prying into the
# daemon.  After the check's timeout nothing it started is left, the
# states are as the SPEC says, and /health answers all along.

load ../test_helper/faults_common

bats_require_minimum_version 1.5.0

SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# script NAME: stdin into the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# answering: the daemon gives an HTTP answer (any status) within a second.
answering() {
	local code
	# /status: /health waits at start-up for the checks' first results.
	code=$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$PORT/status") || true
	[ "$code" != 000 ] && [ -n "$code" ]
}

# answering_while SECONDS CMD...: the daemon answers every 100 ms or so
# until CMD succeeds (at most SECONDS).
answering_while() {
	local limit=$(( $1 * 10 )) i=0
	shift
	until "$@"; do
		answering || { echo "/status did not answer within 1 s"; return 1; }
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || { echo "timed out waiting for: $*"; return 1; }
		sleep 0.1
	done
}

# children_of PID: the PIDs of PID's live children.
children_of() {
	local f line rest
	for f in /proc/[0-9]*/stat; do
		IFS= read -r line 2> /dev/null < "$f" || continue
		rest=${line##*) }
		rest=${rest#* }
		[ "${rest%% *}" = "$1" ] && echo "${line%% *}"
	done
	return 0
}

no_children() {
	[ -z "$(children_of "$1")" ]
}

# check_done NAME: check NAME has finished one run (for wait_for).
check_done() {
	check_runs_at_least 1 "$1"
}

@test "a check whose grandchildren ignore TERM, one of them after setsid: nothing is left after the timeout" {
	a=$(uniq_secs) b=$(uniq_secs) c=$(uniq_secs)
	script stubborn <<-EOF
	#!/bin/sh
	(trap '' TERM; touch "$T/a.up"; exec sleep $a) &
	setsid sh -c "trap '' TERM; touch '$T/b.up'; sleep $b; :" &
	while [ ! -e "$T/a.up" ] || [ ! -e "$T/b.up" ]; do sleep 0.01; done
	sleep $c
	EOF
	write_config "[check stubborn]" "command = $T/stubborn" \
		"timeout = 500ms" "interval = 1h"
	start_daemon
	# All three run before the timeout (the script starts sleep $c
	# once it has seen the other two start).
	for n in "$b" "$a" "$c"; do
		run answering_while 5 running sleep "$n"
		assert_success
	done
	run answering_while 5 check_done stubborn
	assert_success
	assert_health 503 "unknown: stubborn: check timed out after 500 ms"
	wait_for 3 nothing_left "$a" "$b" "$c" || fail "$(nothing_left "$a" "$b" "$c")"
	wait_for 3 no_children "$DAEMON_PID"
	assert answering
	stop_daemon
}

@test "a check that exits at once, leaving a setsid grandchild and a double-forked one: both are gone by the timeout, the check is OK" {
	a=$(uniq_secs) b=$(uniq_secs)
	script leaver <<-EOF
	#!/bin/sh
	setsid sh -c "trap '' TERM; touch '$T/a.up'; sleep $a; :" &
	setsid -f sh -c "trap '' TERM; touch '$T/b.up'; exec sleep $b"
	while [ ! -e "$T/a.up" ] || [ ! -e "$T/b.up" ]; do sleep 0.01; done
	echo "LEAVER OK - left two behind"
	EOF
	write_config "[check leaver]" "command = $T/leaver" \
		"timeout = 500ms" "interval = 1h"
	start_daemon
	run answering_while 5 check_done leaver
	assert_success
	assert_health 200 ok
	assert_equal "$(status_value checks.0.output)" "LEAVER OK - left two behind"
	wait_for 2 nothing_left "$a" "$b" || fail "$(nothing_left "$a" "$b")"
	wait_for 2 no_children "$DAEMON_PID"
	stop_daemon
}

@test "a check that prints 10 MB, closes stdout and sleeps: unknown at its timeout, 4 KiB kept, nothing left, the daemon answering throughout" {
	n=$(uniq_secs)
	script flood <<-EOF
	#!/bin/sh
	head -c 10000000 /dev/zero | tr '\\000' x
	exec >&- 2>&-
	touch "$T/closed"
	exec sleep $n
	EOF
	write_config "[check flood]" "command = $T/flood" "timeout = 1s" \
		"interval = 1h"
	start_daemon
	run answering_while 5 test -e "$T/closed"
	assert_success
	assert running sleep "$n"
	run answering_while 5 check_done flood
	assert_success
	assert_health 503 "unknown: flood: check timed out after 1000 ms"
	run status_value checks.0.state checks.0.timeouts checks.0.output
	assert_equal "${lines[0]} ${lines[1]}" "unknown 1"
	assert_equal "${lines[2]}" "$(printf 'x%.0s' $(seq 4096))"
	wait_for 3 nothing_left "$n" || fail "$(nothing_left "$n")"
	wait_for 3 no_children "$DAEMON_PID"
	stop_daemon
}

@test "a check that exits 255 is unknown with its code and first line" {
	write_config "[check bad]" "command = sh -c 'echo BAD THINGS; echo more; exit 255'" \
		"interval = 1h"
	start_daemon
	wait_for 5 check_done bad
	assert_health 503 "unknown: bad: check exited with code 255: BAD THINGS"
	run status_value checks.0.state checks.0.exit_code
	assert_equal "${lines[*]}" "unknown 255"
	assert_equal "$(metric 'mydaemon_check_state{check="bad",state="unknown"}')" 1
	stop_daemon
}

@test "a check command that does not exist: -t warns, exit 0; the check is unknown and says why; the daemon goes on" {
	missing=$T/no/such/check_$(uniq_secs)
	write_config "[check ghost]" "command = $missing -w 1" "interval = 100ms"
	run "$MYDAEMON" -t -c "$CONF"
	assert_success
	assert_output --partial "warning: [check ghost] command $missing: No such file or directory"
	start_daemon
	wait_for 5 check_runs_at_least 3 ghost
	assert_health 503 "unknown: ghost: check exited with code 127: cannot execute $missing: No such file or directory"
	assert_equal "$(status_value checks.0.state)" unknown
	assert alive "$DAEMON_PID"
	wait_for 2 no_children "$DAEMON_PID"
	stop_daemon
}

@test "a check that looks for the daemon's descriptors and environment finds 0, 1, 2 and PATH, LANG only" {
	# sh -c, not a script: a script's shell holds the script open itself;
	# PWD is the shell's own.
	write_config "[check snoop]" "command = sh -c 'echo fds:; ls /proc/\$\$/fd; echo env:; env | grep -v ^PWD= | sort; echo daemon:; tr \"\\000\" \"\\n\" < /proc/\$PPID/environ | grep ='" \
		"interval = 100ms"
	run env SECRET_TOKEN=hunter2 FOO=bar "$MYDAEMON" -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	# A client connection is open in the daemon while the check runs.
	exec 4<> "/dev/tcp/127.0.0.1/$PORT"
	wait_for 5 check_runs_at_least 2 snoop
	exec 4>&-
	run status_value checks.0.output
	assert_output "fds:
0
1
2
env:
LANG=C
PATH=$SAFE_PATH
daemon:"
	stop_daemon
}
