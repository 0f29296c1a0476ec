#!/usr/bin/env bats
# Reloads that race or fail (SPEC §18, §7, §4): a configuration replaced
# by rename while the daemon reads it, one the daemon's user cannot read,
# a listen address another process holds, a log file it cannot write.
# A reload applies a whole file or nothing: on failure the old
# configuration stays, `mydaemon -s reload` exits 1 with the daemon's
# reason, and /health answers as before.

load ../test_helper/faults_common

bats_require_minimum_version 1.5.0

generation() {
	state_field generation
}

# reload_fails_with REGEX: -s reload exits 1 and says why; the daemon
# kept generation 1 and answers /health 200 ok (the new file would have
# put it into maintenance).
reload_fails_with() {
	run --separate-stderr "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_failure 1
	assert_regex "$stderr" "^mydaemon: reload failed: $1"
	assert_equal "$(generation)" 1
	assert_equal "$(state_field last_reload)" failed
	assert_health 200 ok
	assert log_has "error: reload failed: $1"
	assert alive "$DAEMON_PID"
}

# as_nobody: the daemon runs as nobody (tests as root), or the test runs
# unprivileged already; otherwise skip.
as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		can_be_nobody || skip "needs user nobody"
		open_to_nobody
		USER_LINE=("user = nobody")
		chown nobody "$T/log"
	else
		USER_LINE=()
	fi
}

@test "reloads racing a configuration replaced by rename: each applies one whole file, none fails" {
	write_config
	cp "$CONF" "$T/a.conf"
	# The other file differs in every line the daemon could mix up.
	write_config "maintenance = yes" "log_level = info" "idle_timeout = 7s" \
		"[check b]" "command = true" "interval = 1h"
	cp "$CONF" "$T/b.conf"
	cp "$T/a.conf" "$CONF"
	start_daemon
	# Replace it by rename, as editors and config managers do, nonstop.
	(
		i=0
		while [ ! -e "$T/stop" ]; do
			if [ $((i % 2)) = 0 ]; then src=$T/b.conf; else src=$T/a.conf; fi
			cp "$src" "$CONF.tmp.$i"
			mv -f "$CONF.tmp.$i" "$CONF"
			i=$((i + 1))
		done
	) 3>&- &
	writer=$!
	remember_pid "$writer"
	for i in $(seq 40); do
		run "$MYDAEMON" -s reload -p "$PIDFILE"
		[ "$status" = 0 ] || fail "reload $i exited $status: $output"
	done
	touch "$T/stop"
	wait_gone "$writer"
	refute log_has 'reload failed'
	assert_equal "$(state_field reload_ok)" 40
	# The file as it is now, applied whole: both halves of it agree.
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	if grep -q '^maintenance = yes' "$CONF"; then
		assert_health 503 maintenance
		assert_equal "$(status_value checks.0.name)" b
	else
		assert_health 200 ok
		assert_equal "$(status_value checks)" "[]"
	fi
	stop_daemon
}

@test "a reload of a configuration the daemon's user cannot read keeps the old one; -s reload exits 1 with the reason" {
	as_nobody
	write_config "${USER_LINE[@]}"
	chmod 0644 "$CONF"
	start_daemon
	write_config "${USER_LINE[@]}" "maintenance = yes"
	chmod 0000 "$CONF"
	reload_fails_with "cannot read $CONF: Permission denied"
	# Readable again: the new one applies.
	chmod 0644 "$CONF"
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	assert_health 503 maintenance
	stop_daemon
}

@test "a reload onto a listen address another process holds keeps the old one; -s reload exits 1 with the reason" {
	write_config
	start_daemon
	busy=$(free_port)
	"$PY" -S -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").close()
time.sleep(60)
' "$busy" "$T/bound" 3>&- &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/bound"
	write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$busy" \
		"maintenance = yes"
	reload_fails_with "cannot listen on 127\\.0\\.0\\.1:$busy: Address already in use"
	# Nothing of it was applied: no socket of the daemon's on that port.
	inode=$(awk -v a="$(printf '0100007F:%04X' "$busy")" \
		'$2 == a && $4 == "0A" { print $10 }' /proc/net/tcp)
	assert [ -n "$inode" ]
	run ls -l "/proc/$DAEMON_PID/fd"
	refute_output --partial "socket:[$inode]"
	kill "$holder"
	wait_gone "$holder"
	# Free now: the same file applies.
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	assert_health 503 maintenance
	stop_daemon
}

@test "a reload onto a log file the daemon cannot write keeps the old one and the old log; -s reload exits 1 with the reason" {
	as_nobody
	write_config "${USER_LINE[@]}"
	start_daemon
	# An existing file of root's (or, unprivileged, of no one's), mode 0.
	: > "$T/log/locked.log"
	chmod 0000 "$T/log/locked.log"
	write_config "${USER_LINE[@]}" "log_file = $T/log/locked.log" \
		"maintenance = yes"
	reload_fails_with "cannot open log file $T/log/locked.log: Permission denied"
	assert_equal "$(stat -c %s "$T/log/locked.log")" 0
	# The old log goes on.
	run "$MYDAEMON" -s reopen -p "$PIDFILE"
	assert_success
	assert log_has 'notice: log reopened$'
	stop_daemon
}
