#!/usr/bin/env bats
# on_change hooks (SPEC 21): run on a check's change and on the host's,
# with the MYDAEMON_* environment, one at a time in the order of the
# changes, killed with what they started after hook_timeout, at most 100
# waiting; counted in /metrics; never in the way of an answer.

load test_helper/common

bats_require_minimum_version 1.5.0

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# A check whose exit code is in $T/code (its output: "state CODE").
switched_check() {
	printf '[check %s]\n' "$1"
	printf 'command = sh -c %q\n' \
		"c=\$(cat $T/code); echo \"state \$c\"; exit \$c"
	printf 'interval = 100ms\n'
}

# A hook appending CHECK|STATE|PREVIOUS|OUTPUT|HOST|SINCE to $T/$1.
recorder() {
	script "$1.sh" <<EOS
#!/bin/sh
printf '%s|%s|%s|%s|%s|%s\n' "\$MYDAEMON_CHECK" "\$MYDAEMON_STATE" \
	"\$MYDAEMON_PREVIOUS" "\$MYDAEMON_OUTPUT" "\$MYDAEMON_HOST" \
	"\$MYDAEMON_SINCE" >> "$T/$1"
EOS
}

lines() {
	[ -f "$T/$1" ] && [ "$(grep -c -- "$2" "$T/$1")" -ge "$3" ]
}

hook_runs() {
	local n
	n=$(metric_value "mydaemon_hook_runs_total{result=\"$1\"}") &&
		[ "$n" -ge "$2" ]
}

@test "a check going critical then ok runs the hook twice, with its environment" {
	recorder hooks
	echo 2 > "$T/code"
	write_config "on_change = $T/hooks.sh" "$(switched_check disk)"
	start_daemon
	wait_for 5 lines hooks '^disk|critical|' 1
	echo 0 > "$T/code"
	wait_for 5 lines hooks '^disk|ok|' 1
	run grep '^disk|' "$T/hooks"
	assert_line --index 0 --regexp "^disk\|critical\|unknown\|state 2\|$(hostname)\|[0-9]{10}$"
	assert_line --index 1 --regexp "^disk\|ok\|critical\|state 0\|$(hostname)\|[0-9]{10}$"
	assert_equal "${#lines[@]}" 2
	wait_for 5 hook_runs ok 4
	stop_daemon
}

@test "a change of the host's verdict runs the hook with an empty MYDAEMON_CHECK" {
	recorder hooks
	echo 2 > "$T/code"
	write_config "on_change = $T/hooks.sh" "$(switched_check disk)"
	start_daemon
	wait_for 5 lines hooks '^|critical|' 1
	echo 0 > "$T/code"
	wait_for 5 lines hooks '^|ok|' 1
	run grep '^|' "$T/hooks"
	assert_line --index 0 --regexp '^\|critical\|unknown\|disk: state 2\|'
	assert_line --index 1 --regexp '^\|ok\|critical\|\|'
	stop_daemon
}

@test "a check's own on_change replaces the global one" {
	recorder global
	recorder own
	echo 2 > "$T/code"
	write_config "on_change = $T/global.sh" "$(switched_check a)" \
		"on_change = $T/own.sh" "$(switched_check b)"
	start_daemon
	wait_for 5 lines own '^a|critical|' 1
	wait_for 5 lines global '^b|critical|' 1
	wait_for 5 lines global '^|critical|' 1
	run grep -c '^a|' "$T/global"
	assert_output 0
	run grep -c '^b|' "$T/own"
	assert_output 0
	stop_daemon
}

@test "hooks run one at a time, in the order of the changes" {
	script slow.sh <<EOS
#!/bin/sh
echo "start \${MYDAEMON_CHECK:-host} \$MYDAEMON_STATE \$(date +%s%N)" >> "$T/stamps"
sleep 0.4
echo "end \${MYDAEMON_CHECK:-host} \$MYDAEMON_STATE \$(date +%s%N)" >> "$T/stamps"
EOS
	echo 2 > "$T/code"
	write_config "on_change = $T/slow.sh" "$(switched_check disk)"
	start_daemon
	wait_for 5 lines stamps '^start disk critical' 1
	echo 0 > "$T/code"
	wait_for 10 lines stamps '^end disk ok' 1
	wait_for 10 lines stamps '^end' 4
	# start/end alternate, each start after the end before it
	run awk '{ if (($1 == "start") != (NR % 2 == 1) || $4 < last) bad = 1
		last = $4 } END { exit bad }' "$T/stamps"
	assert_success
	run awk '$1 == "start" { print $2 "/" $3 }' "$T/stamps"
	assert_line --index 0 'disk/critical'
	assert_line --index 1 'host/critical'
	assert_line --index 2 'disk/ok'
	stop_daemon
}

@test "a hanging hook is killed with its group after hook_timeout and counted as timeout" {
	local s
	s=$(uniq_secs)
	script hang.sh <<EOS
#!/bin/sh
sleep $s
EOS
	echo 2 > "$T/code"
	write_config "on_change = $T/hang.sh" "hook_timeout = 300ms" \
		"$(switched_check disk)"
	start_daemon
	wait_for 5 running sleep "$s"
	wait_for 5 hook_runs timeout 1
	wait_for 5 not_running sleep "$s"
	log_has 'on_change hook timed out after 300 ms'
	stop_daemon
	not_running sleep "$s"
}

@test "what a hook forks is killed when it exits, even out of its group" {
	local s1 s2
	s1=$(uniq_secs)
	s2=$(uniq_secs)
	script fork.sh <<EOS
#!/bin/sh
sleep $s1 &
setsid sleep $s2 &
echo forked >> "$T/forked"
EOS
	echo 2 > "$T/code"
	write_config "on_change = $T/fork.sh" "$(switched_check disk)"
	start_daemon
	wait_for 5 hook_runs ok 2
	wait_for 5 not_running sleep "$s1"
	wait_for 5 not_running sleep "$s2"
	stop_daemon
}

@test "a flapping check overflows the queue: the oldest are dropped, counted and logged" {
	script slow.sh <<EOS
#!/bin/sh
sleep 0.5
EOS
	write_config "on_change = $T/slow.sh" "hook_timeout = 1h" \
		"[check flap]" \
		"command = sh -c 'if [ -e $T/f ]; then rm $T/f; exit 2; fi; touch $T/f'" \
		"interval = 10ms" "rise = 1" "fall = 1"
	start_daemon
	dropped() {
		local n
		n=$(metric_value mydaemon_hook_dropped_total) && [ "$n" -gt 0 ]
	}
	wait_for 20 dropped
	log_has 'on_change hooks: 100 waiting already, the oldest are dropped'
	run grep -c 'the oldest are dropped' "$LOG"
	assert_output 1
	stop_daemon
	log_has 'on_change hooks waiting are dropped'
}

@test "/health stays fast while a hook hangs, and a stop kills the hook" {
	local s i t
	s=$(uniq_secs)
	script hang.sh <<EOS
#!/bin/sh
sleep $s
EOS
	echo 2 > "$T/code"
	write_config "on_change = $T/hang.sh" "hook_timeout = 1h" \
		"$(switched_check disk)"
	start_daemon
	wait_for 5 running sleep "$s"
	echo 0 > "$T/code"
	for i in 1 2 3 4 5; do
		t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 \
			"http://127.0.0.1:$PORT/health")
		assert in_range "$t" 0 0.5
		sleep 0.1
	done
	wait_for 5 health_is 200
	stop_daemon
	not_running sleep "$s"
	log_has 'killing the running on_change hook'
}

@test "a reload's on_change applies to the changes after it" {
	recorder first
	recorder second
	echo 2 > "$T/code"
	write_config "on_change = $T/first.sh" "$(switched_check disk)"
	start_daemon
	wait_for 5 lines first '^disk|critical|' 1
	write_config "on_change = $T/second.sh" "$(switched_check disk)"
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded'
	echo 0 > "$T/code"
	wait_for 5 lines second '^disk|ok|critical' 1
	run grep -c '^disk|ok' "$T/first"
	assert_output 0
	stop_daemon
}

@test "-t warns about an on_change that cannot be executed" {
	write_config "on_change = $T/missing" "[check a]" "command = true" \
		"on_change = $T/missing-too"
	run "$MYDAEMON" -t -c "$CONF"
	assert_success
	assert_output --partial "warning: on_change $T/missing: No such file"
	assert_output --partial "warning: [check a] on_change $T/missing-too"
}
