#!/usr/bin/env bats
# The check's sandbox: timeouts that leave nothing behind, descriptors,
# environment, process group, user, reaping, big output, shutdown.

load test_helper/common

SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

setup() {
	common_setup
}

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# children_of PID: "PID STATE" of every child of PID.
children_of() {
	local f line rest state ppid
	for f in /proc/[0-9]*/stat; do
		IFS= read -r line 2> /dev/null < "$f" || continue
		rest=${line##*) }
		state=${rest%% *}
		rest=${rest#* }
		ppid=${rest%% *}
		[ "$ppid" = "$1" ] && echo "${line%% *} $state"
	done
	return 0
}

no_children() {
	[ -z "$(children_of "$1")" ]
}

# elapsed_ms NS: milliseconds since NS (from date +%s%N).
elapsed_ms() {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

@test "a check that outlives check_timeout is unknown and leaves no process" {
	n=$(uniq_secs)
	write_config "check_command = sleep $n" "check_timeout = 300ms" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "unknown: check timed out after 300 ms"
	assert log_has "check main started \(pid [0-9]+\): sleep $n\$"
	run status_value check.exit_code check.result check.timeouts \
		check.duration_seconds
	assert_equal "${lines[*]:0:3}" "null unknown 1"
	duration=${lines[3]}
	assert in_range "$duration" 0.3 2
	assert_equal "$(metric_value 'mydaemon_check_timeouts_total{check="main"}')" 1
	run metric_value 'mydaemon_check_exit_code{check="main"}'
	assert_failure
	assert not_running sleep "$n"
	wait_for 2 no_children "$DAEMON_PID"
	assert log_has 'check timed out after 300 ms'
	stop_daemon
}

@test "a check that ignores TERM is killed 500 ms after its timeout" {
	n=$(uniq_secs)
	write_config "check_command = sh -c \"trap '' TERM; sleep $n\"" \
		"check_timeout = 300ms" "check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "unknown: check timed out after 300 ms"
	duration=$(status_value check.duration_seconds)
	assert in_range "$duration" 0.8 3
	assert not_running sleep "$n"
	wait_for 2 no_children "$DAEMON_PID"
	stop_daemon
}

# stubborn_script A B: $T/stubborn forks a grandchild `sleep A` that
# ignores TERM, waits until it has started, then runs `sleep B`.  The
# grandchild's SigIgn, as its children inherit it, goes to $T/gc-sigign.
stubborn_script() {
	script stubborn <<-EOF
	#!/bin/sh
	(
		trap '' TERM
		grep SigIgn /proc/self/status > "$T/gc-sigign.tmp"
		mv "$T/gc-sigign.tmp" "$T/gc-sigign"
		exec sleep $1
	) &
	while [ ! -e "$T/gc-sigign" ]; do sleep 0.01; done
	sleep $2
	EOF
}

# gc_ignored_term: the grandchild of stubborn_script did ignore TERM.
gc_ignored_term() {
	local ign
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/gc-sigign")
	[ -n "$ign" ] && (( 0x$ign & (1 << 14) ))
}

@test "a grandchild that ignores TERM dies with its check at the timeout" {
	gc=$(uniq_secs)
	n=$(uniq_secs)
	stubborn_script "$gc" "$n"
	write_config "check_command = $T/stubborn" "check_timeout = 500ms" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "unknown: check timed out after 500 ms"
	assert gc_ignored_term
	wait_for 2 not_running sleep "$gc"
	assert not_running sleep "$n"
	wait_for 2 no_children "$DAEMON_PID"
	stop_daemon
}

@test "a grandchild left running by a check that exited is killed and reaped" {
	gc=$(uniq_secs)
	script leaver <<-EOF
	#!/bin/sh
	(trap '' TERM; touch "$T/gc-started"; exec sleep $gc) &
	while [ ! -e "$T/gc-started" ]; do sleep 0.01; done
	echo left one behind
	EOF
	write_config "check_command = $T/leaver" "check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 200 "ok"
	wait_for 2 not_running sleep "$gc"
	wait_for 2 no_children "$DAEMON_PID"
	stop_daemon
}

@test "the check has only descriptors 0, 1 and 2: /dev/null and one pipe" {
	# The listing is of the shell's descriptors, made by ls, so that the
	# directory handle of the listing itself is not in it (sh's own
	# `cd /proc/self/fd && echo *` shows a 3, its glob's handle).
	write_config "check_command = sh -c 'ls /proc/\$\$/fd; readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2'" \
		"check_interval = 100ms"
	start_daemon
	wait_check_runs 1
	# A client connection is open in the daemon while the next runs start.
	exec 4<> "/dev/tcp/127.0.0.1/$PORT"
	wait_check_runs $(( $(check_runs) + 2 ))
	exec 4>&-
	run status_value check.output
	assert_equal "${lines[*]:0:4}" "0 1 2 /dev/null"
	assert_equal "${#lines[@]}" 6
	assert_regex "${lines[4]}" '^pipe:\[[0-9]+\]$'
	assert_equal "${lines[5]}" "${lines[4]}"
	stop_daemon
}

@test "the check runs in its own process group, a child of the daemon" {
	write_config "check_command = sh -c 'echo \$\$; cut -d\" \" -f4,5 /proc/\$\$/stat'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	run status_value check.output
	pid=${lines[0]}
	read -r ppid pgid <<< "${lines[1]}"
	daemon_pgid=$(cut -d' ' -f5 "/proc/$DAEMON_PID/stat")
	assert_equal "$ppid" "$DAEMON_PID"
	assert_equal "$pgid" "$pid"
	assert_not_equal "$pgid" "$daemon_pgid"
	stop_daemon
}

# env_is_clean: the last check printed exactly PATH and LANG=C.
env_is_clean() {
	run status_value check.output
	assert_success
	assert_equal "$(sort <<< "$output")" "$(printf '%s\n' LANG=C "PATH=$SAFE_PATH")"
}

@test "the check's environment is only PATH and LANG, whatever the daemon got" {
	write_config "check_command = /usr/bin/env" "check_interval = 1h"
	run env FOO=bar SECRET=x LD_PRELOAD= IFS=: "$MYDAEMON" -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	wait_check_runs 1
	env_is_clean
	stop_daemon
}

@test "in the foreground too the check's environment is only PATH and LANG" {
	write_config "check_command = /usr/bin/env" "check_interval = 1h"
	env FOO=bar SECRET=x "$MYDAEMON" -f -c "$CONF" \
		< /dev/null > "$T/fg.out" 2>&1 3>&- &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_check_runs 1
	env_is_clean
	stop_daemon
}

@test "with user = nobody the check runs as nobody, without root's groups" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	id nobody > /dev/null 2>&1 || skip "no user nobody"
	open_to_nobody
	write_config "user = nobody" "check_command = sh -c 'id -u; id -g; id -G'" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	run status_value check.output
	assert_output "$(printf '%s\n' "$(id -u nobody)" "$(id -g nobody)" \
		"$(id -g nobody)")"
	stop_daemon
}

# lingering_zombies PID SECONDS: sample PID's children for that long; a
# zombie may be seen for a moment (it exited, the daemon reaps it at its
# next loop turn) but must be gone 200 ms later.  Stops at the first one
# that is not, before unreaped zombies pile up to the process limit.
lingering_zombies() {
	local i pid z
	for (( i = 0; i < $2 * 5; i++ )); do
		z=$(children_of "$1" | awk '$2 == "Z" { print $1 }')
		sleep 0.2
		for pid in $z; do
			if children_of "$1" | grep -qx "$pid Z"; then
				echo "zombie $pid lived over 200 ms"
				return 1
			fi
		done
	done
}

fds_at_most() {	# PID N
	[ "$(fd_count "$1")" -le "$2" ]
}

@test "a check every 20 ms for 3 s leaves no zombie and no descriptor behind" {
	write_config "check_command = sh -c '/bin/true & /bin/true & exit 0'" \
		"check_interval = 20ms"
	start_daemon
	wait_check_runs 3
	first=$(check_runs)
	fds=$(fd_count "$DAEMON_PID")
	run lingering_zombies "$DAEMON_PID" 3
	assert_success
	assert_output ""
	# Between two runs the count is back to what it was: on a loaded
	# machine a run may hold its pipe at every sample for a while, a
	# leak for good (150 runs: 150 descriptors).
	wait_for 5 fds_at_most "$DAEMON_PID" "$fds"
	last=$(check_runs)
	assert [ "$((last - first))" -ge 30 ]
	stop_daemon
}

@test "a check printing 1 MiB does not block: the first 4 KiB are kept" {
	write_config "check_command = sh -c 'yes 0123456789abcdef | head -c 1048576; exit 1'" \
		"check_interval = 1h" "check_timeout = 3s"
	start_daemon
	wait_check_runs 1
	assert_health 200 "warning: 0123456789abcdef"
	run status_value check.exit_code check.timeouts check.duration_seconds
	assert_equal "${lines[*]:0:2}" "1 0"
	duration=${lines[2]}
	assert in_range "$duration" 0 3
	run python3 -S - "$T/body" <<-'EOF'
	import json, sys
	out = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["check"]["output"]
	want = ("0123456789abcdef\n" * 300)[:4096]
	if out != want:
	    sys.exit("output of %d chars, not the first 4096 of the stream" % len(out))
	EOF
	assert_success
	stop_daemon
}

@test "a check writing 1 MiB at once has a blocking stdout and is not cut short" {
	# A plugin cannot be expected to handle EAGAIN on its stdout: only
	# the daemon's end of the pipe may be non-blocking.
	script bigwrite <<-'EOF'
	#!/usr/bin/python3
	import fcntl, os, sys
	nb = fcntl.fcntl(1, fcntl.F_GETFL) & os.O_NONBLOCK
	sys.stdout.write("stdout %s\n" % ("non-blocking" if nb else "blocking"))
	sys.stdout.write("x" * 1048576 + "\n")
	sys.stdout.flush()
	sys.exit(1)
	EOF
	write_config "check_command = $T/bigwrite" "check_interval = 1h" \
		"check_timeout = 3s"
	start_daemon
	wait_check_runs 1
	assert_health 200 "warning: stdout blocking"
	assert_equal "$(status_value check.exit_code)" 1
	stop_daemon
}

@test "output written before and long after a check's first 100 ms is kept whole, in order" {
	# A run's pipe is read when it ends, or from the loop once it has
	# lasted 100 ms: the two readings make one output.
	script slowtalk <<-'EOF'
	#!/bin/sh
	echo "CRITICAL: first line | t=1"
	sleep 0.3
	echo "second line"
	sleep 0.2
	printf 'third, no newline'
	exit 2
	EOF
	write_config "check_command = $T/slowtalk" "check_interval = 1h"
	start_daemon
	wait_check_runs 1
	assert_health 503 "critical: CRITICAL: first line"
	run status_value check.output check.duration_seconds
	assert_equal "${lines[0]}" "CRITICAL: first line | t=1"
	assert_equal "${lines[1]}" "second line"
	assert_equal "${lines[2]}" "third, no newline"
	assert in_range "${lines[3]}" 0.5 3
	stop_daemon
}

@test "the check starts with default signal dispositions and nothing blocked" {
	# The daemon ignores SIGPIPE; its check must not.
	write_config "check_command = grep -E ^Sig(Blk|Ign): /proc/self/status" \
		"check_interval = 1h"
	start_daemon
	wait_check_runs 1
	run status_value check.output
	assert_output "$(printf 'SigBlk:\t%016d\nSigIgn:\t%016d' 0 0)"
	assert_equal "$(proc_field "$DAEMON_PID" SigIgn)" 0000000000001000
	stop_daemon
}

@test "SIGTERM during a long check exits within shutdown_timeout and leaves no check" {
	gc=$(uniq_secs)
	n=$(uniq_secs)
	stubborn_script "$gc" "$n"
	write_config "check_command = $T/stubborn" "check_timeout = 60s" \
		"shutdown_timeout = 1s" "check_interval = 1h"
	start_daemon
	wait_for 5 running sleep "$n"
	wait_for 5 running sleep "$gc"
	assert gc_ignored_term
	t0=$(date +%s%N)
	kill -TERM "$DAEMON_PID"
	wait_for 5 gone "$DAEMON_PID"
	ms=$(elapsed_ms "$t0")
	assert [ "$ms" -lt 2000 ]
	wait_for 2 not_running sleep "$gc"
	assert not_running sleep "$n"
	assert log_has 'killing the running check'
	assert [ ! -e "$PIDFILE" ]
}
