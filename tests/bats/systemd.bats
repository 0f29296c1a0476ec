#!/usr/bin/env bats
# Native under systemd, without systemd as init: the notification
# protocol checked message by message with a receiver of our own,
# socket activation with systemd-socket-activate, and the units with
# systemd-analyze verify.

load test_helper/common
load test_helper/install

bats_require_minimum_version 1.5.0

RECV=$BATS_TEST_DIRNAME/test_helper/notify_recv.py

# The cgroups a test made go too, once their processes are gone.
teardown() {
	common_teardown
	local dir
	if [ -f "$T/cgroups" ]; then
		while read -r dir; do
			wait_for 5 rmdir "$dir" 2> /dev/null || true
		done < "$T/cgroups"
	fi
}

# receiver ADDRESS: a notification socket at ADDRESS (a path or @name);
# what it gets goes to $T/notify, one datagram a line ("|" for newlines).
receiver() {
	python3 "$RECV" "$1" "$T/notify" &
	RECV_PID=$!
	remember_pid "$RECV_PID"
	wait_for 5 test -e "$T/notify.ready"
}

# got LINE: the receiver has a datagram that is exactly LINE.
got() {
	grep -qxF -- "$1" "$T/notify" 2> /dev/null
}

# watchdogs: how many WATCHDOG=1 came; watchdogs_at_least N.
watchdogs() {
	grep -c '^WATCHDOG=1$' "$T/notify" 2> /dev/null || true
}
watchdogs_at_least() {
	[ "$(watchdogs)" -ge "$1" ]
}

# got_like REGEX: ... or one that matches REGEX (ERE, whole line).
got_like() {
	grep -qxE -- "$1" "$T/notify" 2> /dev/null
}

@test "NOTIFY_SOCKET (a path): READY=1 when serving, RELOADING=1 with MONOTONIC_USEC then READY=1 with the verdict, STATUS= on a health change, STOPPING=1, in that order" {
	receiver "$T/notify.sock"
	echo 0 > "$T/code"
	write_config "[check c]" "command = sh -c 'echo state; exit \$(cat $T/code)'" \
		"interval = 50ms"
	NOTIFY_SOCKET=$T/notify.sock "$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 got "READY=1"
	health_is 200	# READY=1 came once it serves
	wait_for 5 got "STATUS=health: ok"
	kill -HUP "$DAEMON_PID"
	wait_for 5 got "READY=1|STATUS=reload ok"
	assert got_like 'RELOADING=1\|MONOTONIC_USEC=[0-9]+'
	echo 2 > "$T/code"
	wait_for 5 got "STATUS=health: critical: c: state"
	write_config "bogus = 1"
	kill -HUP "$DAEMON_PID"
	wait_for 5 got_like 'READY=1\|STATUS=reload failed: .*unknown key "bogus".*'
	kill -TERM "$DAEMON_PID"
	wait_for 5 got "STOPPING=1"
	wait_gone "$DAEMON_PID"
	# The order of it all.
	run grep -nE '^(READY=1$|RELOADING|READY=1\|STATUS=reload|STATUS=health: critical|STOPPING)' "$T/notify"
	assert_line --index 0 --regexp '^[0-9]+:READY=1$'
	assert_line --index 1 --regexp '^[0-9]+:RELOADING=1\|MONOTONIC_USEC=[0-9]+$'
	assert_line --index 2 --regexp '^[0-9]+:READY=1\|STATUS=reload ok$'
	assert_line --index 3 --regexp '^[0-9]+:STATUS=health: critical: c: state$'
	assert_line --index 4 --regexp '^[0-9]+:RELOADING=1\|MONOTONIC_USEC=[0-9]+$'
	assert_line --index 5 --regexp '^[0-9]+:READY=1\|STATUS=reload failed: '
	assert_line --index 6 --regexp '^[0-9]+:STOPPING=1$'
	# MONOTONIC_USEC is CLOCK_MONOTONIC, as systemd compares it.
	usec=$(sed -n 's/^RELOADING=1|MONOTONIC_USEC=//p' "$T/notify" | head -n 1)
	now=$(( ($(cut -d. -f1 /proc/uptime) + 1) * 1000000 ))
	assert [ "$usec" -gt $((now - 60000000)) ]
	assert [ "$usec" -le "$now" ]
}

@test "NOTIFY_SOCKET in the abstract namespace (@name), and MAINPID= when the daemon detached" {
	receiver "@mydaemon-test-$$-$BATS_TEST_NUMBER"
	write_config
	run env NOTIFY_SOCKET="@mydaemon-test-$$-$BATS_TEST_NUMBER" \
		"$MYDAEMON" -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	wait_for 5 got "READY=1|MAINPID=$DAEMON_PID"
	stop_daemon
}

@test "a restart under systemd: the new process says READY=1 and MAINPID= on the same socket, keeps the watchdog, and the old one never says STOPPING=1" {
	receiver "$T/notify.sock"
	write_config
	run env NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=200000 \
		"$MYDAEMON" -c "$CONF"
	assert_success
	OLD=$(cat "$PIDFILE")
	remember_pid "$OLD"
	wait_for 5 got "READY=1|MAINPID=$OLD"
	# The administrator's shell has no NOTIFY_SOCKET.
	run env -u NOTIFY_SOCKET -u WATCHDOG_USEC "$MYDAEMON" -c "$CONF" -s restart
	assert_success
	NEW=$(cat "$PIDFILE")
	remember_pid "$NEW"
	assert [ "$NEW" != "$OLD" ]
	wait_for 5 got "READY=1|MAINPID=$NEW"
	wait_gone "$OLD"
	# The watchdog goes on from the new process alone.
	n=$(watchdogs)
	wait_for 5 watchdogs_at_least $((n + 2))
	refute got "STOPPING=1"
	stop_daemon "$NEW"
	assert got "STOPPING=1"
}

@test "the first verdict is announced in STATUS= once ready, with no check too, and again by a restart's new process (drained)" {
	receiver "$T/notify.sock"
	write_config "maintenance_file = $T/maintenance"
	run env NOTIFY_SOCKET="$T/notify.sock" "$MYDAEMON" -c "$CONF"
	assert_success
	OLD=$(cat "$PIDFILE")
	remember_pid "$OLD"
	wait_for 5 got "STATUS=health: ok"
	run "$MYDAEMON" -c "$CONF" -s drain -r "kernel update"
	assert_success
	wait_for 5 got_like 'STATUS=health: maintenance.*'
	: > "$T/notify"
	run env -u NOTIFY_SOCKET "$MYDAEMON" -c "$CONF" -s restart
	assert_success
	NEW=$(cat "$PIDFILE")
	remember_pid "$NEW"
	wait_for 5 got "READY=1|MAINPID=$NEW"
	# Nothing changed, yet the new process says where it stands.
	wait_for 5 got_like 'STATUS=health: maintenance.*'
	assert_health 503 maintenance
	stop_daemon "$NEW"
}

# journal_stream FILE: JOURNAL_STREAM's "DEV:INODE" for FILE.
journal_stream() {
	stat -L -c '%d:%i' "$1"
}

# start_on_journal [FILE]: a foreground daemon logging to stderr, which
# JOURNAL_STREAM names as $T/journal, and which is FILE (default that
# journal); $DAEMON_PID.
start_on_journal() {
	write_config "log_file = stderr"
	touch "$T/journal"
	JOURNAL_STREAM=$(journal_stream "$T/journal") \
		"$MYDAEMON" -f -c "$CONF" 2>> "${1:-$T/journal}" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
}

@test "stderr is the journal (JOURNAL_STREAM): each line is <N>level: message, no time stamp of ours; a failed reload is <3>" {
	start_on_journal
	wait_for 5 grep -qF "<5>notice: mydaemon " "$T/journal"
	write_config "log_file = stderr" "bogus = 1"
	run "$MYDAEMON" -c "$CONF" -s reload
	assert_failure 1
	wait_for 5 grep -q '^<3>error: reload failed: .*unknown key "bogus"' "$T/journal"
	stop_daemon
	# Every line: a level the journal takes, and no time stamp.
	run grep -vcE '^<[3-7]>(error|warning|notice|info|debug): ' "$T/journal"
	assert_output 0
	refute grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$T/journal"
	# Another file on stderr is not the journal: time stamps as ever.
	start_on_journal "$T/other"
	wait_for 5 grep -q 'notice: mydaemon .* started' "$T/other"
	stop_daemon
	refute grep -q '^<' "$T/other"
	assert grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* mydaemon\[[0-9]+\]: notice: ' "$T/other"
}

@test "-s restart of a daemon that logs to stderr (the journal, a supervisor's pipe): the new process logs to the same stream, still as <N>, and its starter's words reach the caller" {
	start_on_journal
	OLD=$DAEMON_PID
	wait_for 5 test -s "$PIDFILE"
	run env -u JOURNAL_STREAM "$MYDAEMON" -c "$CONF" -s restart
	assert_success
	NEW=$(cat "$PIDFILE")
	remember_pid "$NEW"
	assert [ "$NEW" != "$OLD" ]
	wait_gone "$OLD"
	# The new one's stdout and stderr are the old one's stream.
	assert_equal "$(readlink "/proc/$NEW/fd/2")" "$T/journal"
	assert_equal "$(readlink "/proc/$NEW/fd/1")" "$T/journal"
	assert_equal "$(readlink "/proc/$NEW/fd/0")" /dev/null
	assert grep -qF "<5>notice: mydaemon $(version_of) started (pid $NEW," "$T/journal"
	write_config "log_file = stderr" "bogus = 1"
	run "$MYDAEMON" -c "$CONF" -s reload
	assert_failure 1
	wait_for 5 grep -q '^<3>error: reload failed' "$T/journal"
	# A new process that cannot start: its reason goes to the caller.
	write_config "log_file = stderr" "listen = 192.0.2.1:80"
	run env -u JOURNAL_STREAM "$MYDAEMON" -c "$CONF" -s restart
	assert_failure 1
	assert_output --partial "192.0.2.1:80"
	assert_equal "$(cat "$PIDFILE")" "$NEW"
	stop_daemon "$NEW"
}

# version_of: the binary's version, as its log says it.
version_of() {
	"$MYDAEMON" -V | sed 's/^mydaemon //'
}

# cgroup_mounts: "KIND MOUNTPOINT" of the hierarchies systemd tracks
# services in, on this host: "unified" (cgroup2) and "systemd"
# (name=systemd, the hybrid and legacy layouts).
cgroup_mounts() {
	local point type opts
	while read -r point type opts; do
		case $type in
		cgroup2) echo "unified $point" ;;
		cgroup) case ,$opts, in
			*,name=systemd,*) echo "systemd $point" ;;
			esac ;;
		esac
	done < <(findmnt -rn -o TARGET,FSTYPE,OPTIONS -t cgroup,cgroup2)
}

@test "-s restart under systemd: the new process joins the old one's cgroups in this host's layout (hybrid: name=systemd and the unified one)" {
	[ "$(id -u)" = 0 ] || skip "needs root to make cgroups"
	command -v findmnt > /dev/null || skip "no findmnt (util-linux)"
	cgroup_mounts > "$T/mounts"
	[ -s "$T/mounts" ] || skip "no cgroup hierarchy is mounted here"
	name=mydaemon-test-$$-$BATS_TEST_NUMBER
	while read -r kind point; do
		mkdir "$point/$name" 2> /dev/null ||
			skip "cannot make a cgroup in $point"
		echo "$point/$name" >> "$T/cgroups"
	done < "$T/mounts"
	receiver "$T/notify.sock"
	write_config
	NOTIFY_SOCKET=$T/notify.sock "$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	OLD=$!
	remember_pid "$OLD"
	wait_for 5 got "READY=1"
	# The old process is the unit's main one: in the unit's cgroups.
	while read -r dir; do
		echo "$OLD" > "$dir/cgroup.procs"
	done < "$T/cgroups"
	run env -u NOTIFY_SOCKET "$MYDAEMON" -c "$CONF" -s restart
	assert_success
	NEW=$(cat "$PIDFILE")
	remember_pid "$NEW"
	wait_for 5 got "READY=1|MAINPID=$NEW"
	while read -r dir; do
		assert grep -qx "$NEW" "$dir/cgroup.procs"
	done < "$T/cgroups"
	stop_daemon "$NEW"
	wait_gone "$OLD"
	while read -r dir; do
		wait_for 5 rmdir "$dir"
	done < "$T/cgroups"
}

@test "WATCHDOG_USEC: WATCHDOG=1 every half of it; not when WATCHDOG_PID is another process" {
	receiver "$T/notify.sock"
	write_config
	NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=200000 \
		"$MYDAEMON" -f -c "$CONF" 2> /dev/null &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 got "READY=1"
	count() { grep -c '^WATCHDOG=1$' "$T/notify" || true; }
	n0=$(count)
	sleep 1		# what is measured is the pace itself
	n1=$(count)
	assert [ $((n1 - n0)) -ge 7 ]
	assert [ $((n1 - n0)) -le 13 ]
	stop_daemon
	: > "$T/notify"
	NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=200000 WATCHDOG_PID=1 \
		"$MYDAEMON" -f -c "$CONF" 2> /dev/null &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 got "READY=1"
	sleep 0.5
	run grep -c '^WATCHDOG=1$' "$T/notify"
	assert_output 0
	stop_daemon
}

@test "socket activation: systemd-socket-activate passes the listening socket, which the daemon uses as it is" {
	command -v systemd-socket-activate > /dev/null ||
		skip "no systemd-socket-activate (apt-get install systemd)"
	write_config
	systemd-socket-activate -l "127.0.0.1:$PORT" --fdname=http \
		"$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	# The socket is there before the daemon starts: the first request
	# starts nothing, it is answered.
	wait_for 5 health_is 200
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
	# The daemon did not bind: its socket is the one it was given, fd 3.
	assert [ "$(readlink "/proc/$DAEMON_PID/fd/3")" != "" ]
	assert_regex "$(readlink "/proc/$DAEMON_PID/fd/3")" '^socket:'
	stop_daemon
}

@test "socket activation: the request that starts the daemon gets the real verdict, not \"no check result yet\"" {
	command -v systemd-socket-activate > /dev/null ||
		skip "no systemd-socket-activate (apt-get install systemd)"
	write_config "[check slow]" "command = sh -c 'sleep 0.3; echo fine'"
	systemd-socket-activate -l "127.0.0.1:$PORT" --fdname=http \
		"$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 grep -q "Listening on 127.0.0.1:$PORT" "$T/stderr"
	# The first connection starts the daemon: its answer is the verdict.
	assert_health 200 ok
	stop_daemon
}

@test "a passed socket that matches no listen address is an error at start" {
	command -v systemd-socket-activate > /dev/null ||
		skip "no systemd-socket-activate (apt-get install systemd)"
	other=$(free_port)
	write_config
	systemd-socket-activate -l "127.0.0.1:$other" \
		"$MYDAEMON" -f -c "$CONF" > "$T/out" 2>&1 &
	pid=$!
	remember_pid "$pid"
	# It passes the socket on with the first connection.
	wait_for 5 grep -q "Listening on 127.0.0.1:$other" "$T/out"
	curl -s --max-time 2 "http://127.0.0.1:$other/health" || true
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	assert grep -q "passed socket unknown (127.0.0.1:$other) matches no listen or agent_listen address" "$T/out"
}

@test "the units pass systemd-analyze verify: Type=notify, -f, ExecReload with -s reload, the hardening and the directories" {
	command -v systemd-analyze > /dev/null ||
		skip "no systemd-analyze (apt-get install systemd)"
	configure_install "$T" --prefix="$T/p" --sysconfdir="$T/p/etc" \
	    --localstatedir="$T/p/var" --runstatedir="$T/p/run"
	unit=$T/units/mydaemon.service
	assert [ -f "$unit" ]
	assert [ -f "$T/units/mydaemon.socket" ]
	run systemd-analyze verify --man=no "$unit" "$T/units/mydaemon.socket"
	assert_success
	assert_output ""
	assert grep -qx 'Type=notify' "$unit"
	assert grep -qx "ExecStart=$T/p/sbin/mydaemon -f -c $T/p/etc/mydaemon.conf" "$unit"
	assert grep -qx "ExecReload=$T/p/sbin/mydaemon -s reload -c $T/p/etc/mydaemon.conf" "$unit"
	for key in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
	    PrivateTmp=yes StateDirectory=mydaemon LogsDirectory=mydaemon \
	    NotifyAccess=all "ReadOnlyPaths=-$T/p/run" \
	    "ReadWritePaths=-$T/p/run/mydaemon.pid -$T/p/run/mydaemon.state"; do
		assert grep -qx "$key" "$unit"
	done
	# What the unit starts is the daemon every "mydaemon -s" finds:
	# the same pidfile, with no -p to remember.
	mkdir -p "$T/p/run"
	write_config
	grep -v '^pidfile' "$CONF" > "$T/p/etc/mydaemon.conf"
	read -ra start <<< "$(sed -n 's/^ExecStart=//p' "$unit")"
	read -ra reload <<< "$(sed -n 's/^ExecReload=//p' "$unit")"
	"${start[@]}" 2> "$T/stderr" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 test -s "$T/p/run/mydaemon.pid"
	assert_equal "$(cat "$T/p/run/mydaemon.pid")" "$DAEMON_PID"
	run "${reload[@]}"
	assert_success
	run "$T/p/sbin/mydaemon" -c "$T/p/etc/mydaemon.conf" -s drain
	assert_success
	health_is 503
	stop_daemon
}
