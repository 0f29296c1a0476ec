#!/usr/bin/env bats
# Pushed results (SPEC 20): a check with a ttl takes results from
# `mydaemon -s result NAME STATUS [TEXT]` through the result directory;
# exit codes, permissions, the ttl, restarts and reboots, the races, and
# hostile files in the group-writable directory.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	RESULTS=$T/lib/results
}

# config_with [LINE...]: this test's config with its result directory
# and a check "backup" of pushed results (ttl 26h), then LINEs.
config_with() {
	write_config "result_dir = $RESULTS" "$@"
}

backup_config() {
	config_with "$@" "[check backup]" "ttl = 26h"
}

push() {
	run "$MYDAEMON" -s result -c "$CONF" "$@"
}

# kept_time NAME: the time recorded in the kept result of check NAME.
kept_time() {
	sed -n 's/^time=//p' "$RESULTS/$1"
}

@test "a pushed result is served when -s result returns: /health, /health/NAME, /status and its perfdata in /metrics" {
	backup_config
	start_daemon
	assert_health 503 "unknown: backup: no result yet"
	assert_equal "$(stat -c '%a %U %G' "$RESULTS")" "2770 root root"
	t0=$(date +%s)
	push backup ok "BACKUP OK - 3 files | size=10MB;;;0 files=3"
	assert_success
	assert_output ""
	assert_health 200 ok
	http_get /health/backup
	assert_equal "$status_code $body" "200 ok"
	run status_value checks.0.state checks.0.output checks.0.runs \
		checks.0.exit_code checks.0.command
	assert_output "$(printf '%s\n' ok \
		"BACKUP OK - 3 files | size=10MB;;;0 files=3" 1 0 pushed)"
	assert in_range "$(json_value checks.0.started)" "$t0" "$((t0 + 5))"
	run metric_value 'mydaemon_check_perfdata{check="backup",label="size",unit="bytes"}'
	assert_output 10485760
	run metric_value 'mydaemon_check_perfdata{check="backup",label="files",unit=""}'
	assert_output 3
	push backup CRITICAL "BACKUP CRITICAL - disk full"
	assert_success
	assert_health 503 "critical: backup: BACKUP CRITICAL - disk full"
	assert_equal "$(ls -A "$RESULTS")" backup
	stop_daemon
}

@test "exit 2 for an unknown check, a check without ttl, a bad status or missing words; 7 with no daemon, served at the next start" {
	backup_config "[check web]" "command = /bin/true"
	push nosuch ok
	assert_failure 2
	assert_output --partial 'no check "nosuch"'
	push web ok
	assert_failure 2
	assert_output --partial "check web takes no pushed results"
	for s in 4 -1 okay warn ""; do
		push backup "$s"
		assert_failure 2
	done
	push backup
	assert_failure 2
	push backup ok text extra
	assert_failure 2
	push backup warning "WARN - nobody listens"
	assert_failure 7
	assert_output --partial "not running; the result is kept in $RESULTS/backup.push"
	# The last one wins while nobody takes them.
	push backup 1 "WARN - still nobody"
	assert_failure 7
	assert_equal "$(ls -A "$RESULTS")" backup.push
	start_daemon
	assert_health 200 "warning: backup: WARN - still nobody"
	assert_equal "$(ls -A "$RESULTS")" backup
	stop_daemon
}

@test "user nobody may not push to a root daemon (exit 4); a member of the daemon's group may" {
	can_be_nobody || skip "needs root and user nobody"
	backup_config
	start_daemon
	open_to_nobody "$T" "$T/run" "$T/lib"
	chmod 644 "$CONF"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MYDAEMON" -s result -c "$CONF" backup ok "from nobody"
	assert_failure 4
	assert_output --partial "Permission denied"
	assert_health 503 "unknown: backup: no result yet"
	run setpriv --reuid=nobody --regid=nogroup --groups=root \
		"$MYDAEMON" -s result -c "$CONF" backup ok "from a member"
	assert_success
	assert_health 200 ok
	assert_equal "$(status_value checks.0.output)" "from a member"
	assert_equal "$(find "$RESULTS" -name '.*' | wc -l)" 0
	stop_daemon
}

@test "an unprivileged daemon makes the directory its own and takes root's results" {
	can_be_nobody || skip "needs root and user nobody"
	open_to_nobody "$T" "$T/run" "$T/log"
	mkdir -p "$T/lib"
	chmod 755 "$T/lib"
	backup_config "user = nobody"
	start_daemon
	assert_equal "$(stat -c '%a %U' "$RESULTS")" "2770 nobody"
	push backup 0 "done"
	assert_success
	assert_health 200 ok
	stop_daemon
}

@test "with listen = none a push is served all the same" {
	backup_config "listen = none"
	start_daemon
	push backup ok "no HTTP"
	assert_success
	assert [ -f "$RESULTS/backup" ]
	assert [ ! -e "$RESULTS/backup.push" ]
	assert log_has 'notice: check backup: ok: no HTTP'
	stop_daemon
}

@test "once the ttl passes with no result the check turns CRITICAL, naming the ttl; a new push brings it back" {
	config_with "[check backup]" "ttl = 1s"
	start_daemon
	assert_health 503 "unknown: backup: no result yet"
	wait_for 5 health_is 503 "critical: backup: no result for 1s"
	push backup ok "back"
	assert_success
	assert_health 200 ok
	wait_for 5 health_is 503 "critical: backup: no result for 1s"
	assert log_has 'warning: check backup: ok -> critical: no result for 1s'
	stop_daemon
}

@test "the ttl counts from the push: a result kept from 30 hours ago is stale at start" {
	backup_config
	mkdir -p "$RESULTS"
	printf 'status=0\ntime=%s\ntext=old backup' \
		"$(( $(date +%s) - 30 * 3600 ))" > "$RESULTS/backup"
	start_daemon
	wait_for 5 health_is 503 "critical: backup: no result for 26h"
	stop_daemon
}

@test "a pushed result outlives -s restart and a stop and start (a reboot)" {
	backup_config
	start_daemon
	push backup warning "WARN - slow | t=5s"
	assert_success
	run "$MYDAEMON" -s restart -c "$CONF"
	assert_success
	new=$(cat "$PIDFILE")
	remember_pid "$new"
	assert [ "$new" != "$DAEMON_PID" ]
	assert_health 200 "warning: backup: WARN - slow"
	run metric_value 'mydaemon_check_perfdata{check="backup",label="t",unit="seconds"}'
	assert_output 5
	stop_daemon "$new"
	start_daemon
	assert_health 200 "warning: backup: WARN - slow"
	assert_equal "$(status_value checks.0.output)" "WARN - slow | t=5s"
	stop_daemon
}

@test "a command check with a ttl: a push overrides its result until the next run" {
	config_with "[check web]" "command = /bin/sh -c 'echo WEB OK'" \
		"interval = 1s" "ttl = 1h"
	start_daemon
	assert_health 200 ok
	push web critical "WEB CRITICAL - pushed"
	assert_success
	assert_health 503 "critical: web: WEB CRITICAL - pushed"
	wait_for 5 health_is 200 ok
	stop_daemon
}

@test "a push while the check's command runs wins over that run's result" {
	config_with "[check web]" \
		"command = /bin/sh -c 'sleep 1; echo WEB OK'" \
		"interval = 1h" "ttl = 1h"
	start_daemon
	push web 2 "PUSHED"
	assert_success
	wait_for 5 log_has 'check web: run ignored, a result was pushed'
	assert_health 503 "critical: web: PUSHED"
	stop_daemon
}

@test "two pushes in a row and two at once: each served once, the last one pushed wins" {
	backup_config
	start_daemon
	push backup ok one
	assert_success
	push backup critical two
	assert_success
	assert_health 503 "critical: backup: two"
	assert_equal "$(check_runs backup)" 2
	"$MYDAEMON" -s result -c "$CONF" backup 1 three > "$T/a" 2>&1 &
	a=$!
	"$MYDAEMON" -s result -c "$CONF" backup 1 four > "$T/b" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	assert_equal "$(cat "$T/a" "$T/b")" ""
	# Both are applied in order, or the one stamped earlier came second
	# and is dropped as older than the check's result.
	runs=$(check_runs backup)
	assert [ "$runs" = 4 ] || [ "$runs" = 3 ]
	[ "$runs" = 4 ] || assert log_has 'is older than the result check backup has, dropped'
	body=$(status_value checks.0.output)
	assert_equal "$(sed -n 's/^text=//p' "$RESULTS/backup")" "$body"
	assert_equal "$(ls -A "$RESULTS")" backup
	stop_daemon
}

# push_loop N: N pushes of "n=I" in the background, their exit codes in
# $T/codes; PUSH_PID waits for them.
push_loop() {
	(
		for i in $(seq "$1"); do
			"$MYDAEMON" -s result -c "$CONF" backup ok "n=$i" \
				> /dev/null 2>&1
			echo "$?"
		done > "$T/codes"
	) &
	PUSH_PID=$!
}

@test "results pushed during SIGHUPs are all served, the last one shown" {
	backup_config
	start_daemon
	push_loop 30
	for i in $(seq 20); do
		kill -HUP "$DAEMON_PID"
		sleep 0.01
	done
	wait "$PUSH_PID"
	assert_equal "$(sort -u "$T/codes")" 0
	assert_health 200 ok
	assert_equal "$(status_value checks.0.output)" "n=30"
	assert_equal "$(check_runs backup)" 30
	stop_daemon
}

@test "results pushed during a restart's hand-over are served by one process or the other" {
	backup_config
	start_daemon
	push_loop 40
	run "$MYDAEMON" -s restart -c "$CONF"
	assert_success
	new=$(cat "$PIDFILE")
	remember_pid "$new"
	wait "$PUSH_PID"
	assert_equal "$(sort -u "$T/codes")" 0
	assert_equal "$(status_value checks.0.output)" "n=40"
	assert_equal "$(ls -A "$RESULTS")" backup
	stop_daemon "$new"
}

@test "a push for a check the daemon has not reloaded yet waits for the reload" {
	config_with "[check other]" "ttl = 1h"
	start_daemon
	config_with "[check other]" "ttl = 1h" "[check backup]" "ttl = 26h"
	push -w 1 backup ok "early"
	assert_failure 1
	assert_output --partial "did not take the result within 1s"
	assert log_has "backup.push left for a reload: no such check"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	http_get /health/backup
	assert_equal "$status_code $body" "200 ok"
	assert_equal "$(status_value checks.1.output)" early
	stop_daemon
}

# hostile NAME: make a file of that kind as backup.push, moved in.
hostile() {
	local f=$RESULTS/.x
	case $1 in
	symlink) ln -s /etc/passwd "$f" ;;
	hardlink) printf 'status=0\ntime=1\ntext=x' > "$T/h"
		ln "$T/h" "$f" ;;
	fifo) mkfifo "$f" ;;
	big) head -c 1048576 /dev/zero > "$f" ;;
	garbage) printf 'status=0\ntime=now\ntext=x' > "$f" ;;
	esac
	mv "$f" "$RESULTS/backup.push"
}

@test "hostile files in the result directory are refused with a log line; the daemon serves on and leaks nothing" {
	backup_config
	start_daemon
	fds=$(fd_count "$DAEMON_PID")
	for kind in symlink hardlink fifo big garbage; do
		hostile "$kind"
		wait_for 5 eval '[ ! -e "$RESULTS/backup.push" ] && [ ! -L "$RESULTS/backup.push" ]'
	done
	assert log_has 'refusing backup.push: a symbolic link'
	assert log_has 'refusing backup.push: a file with more than one link'
	assert log_has 'refusing backup.push: not a regular file'
	assert log_has 'refusing backup.push: too large'
	assert log_has 'refusing backup.push: no time=SECONDS line second'
	mkfifo "$RESULTS/fifo.push"
	wait_for 5 log_has 'fifo.push left for a reload: no such check'
	printf 'x' > "$RESULTS/Bad Name.push"
	wait_for 5 log_has 'refusing Bad\?Name.push: no check has that name'
	printf 'status=0\ntime=1\ntext=x' > "$RESULTS/nosuch.push"
	wait_for 5 log_has 'nosuch.push left for a reload: no such check'
	assert_health 503 "unknown: backup: no result yet"
	assert [ "$(fd_count "$DAEMON_PID")" -le "$fds" ]
	push backup ok "after all that"
	assert_success
	assert_health 200 ok
	assert [ "$(head -n 1 /etc/passwd)" != "" ]
	stop_daemon
}
