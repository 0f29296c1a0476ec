#!/usr/bin/env bats
# The real thing, on a throw-away Debian machine: install into /usr and
# /etc, update-rc.d, service, the daemon as its own system user mydaemon
# on port 8080, kill -HUP, a drain,
# logrotate, and an uninstall that leaves nothing behind.
#
# Runs only with MYDAEMON_SYSTEM_TESTS=1, as root, on a SysV-init system
# (CI sets it).  Port 8080 is fixed here: it is the shipped default.

load test_helper/common
load test_helper/install

bats_require_minimum_version 1.5.0

INSTALLED=(/usr/sbin/mydaemon /etc/init.d/mydaemon /etc/default/mydaemon
	/etc/logrotate.d/mydaemon /etc/mydaemon.conf
	/usr/share/man/man8/mydaemon.8 /usr/share/man/man5/mydaemon.conf.5)

# Bats 1.8 cannot skip from setup_file: it leaves the reason in
# SYSTEM_SKIP, and setup skips every test with it.
setup_file() {
	local f

	export SYSTEM_SKIP=
	if [ "${MYDAEMON_SYSTEM_TESTS:-0}" != 1 ]; then
		SYSTEM_SKIP="set MYDAEMON_SYSTEM_TESTS=1 to install into /usr and /etc"
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		SYSTEM_SKIP="needs root"
		return 0
	fi
	# With systemd as init, init-functions hands /etc/init.d scripts
	# over to systemctl, whose exit codes are not the LSB ones.
	if [ -d /run/systemd/system ]; then
		SYSTEM_SKIP="systemd is init here"
		return 0
	fi
	export PATH=$PATH:/usr/sbin:/sbin
	for f in service update-rc.d curl logrotate; do
		if ! command -v "$f" > /dev/null; then
			SYSTEM_SKIP="no $f"
			return 0
		fi
	done
	for f in "${INSTALLED[@]}"; do
		if [ -e "$f" ]; then
			echo "$f exists: not overwriting an installed mydaemon" >&2
			return 1
		fi
	done
	if curl -s -o /dev/null --max-time 2 http://127.0.0.1:8080/; then
		echo "port 8080 is in use" >&2
		return 1
	fi
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	configure_install "$BATS_FILE_TMPDIR" --prefix=/usr --sysconfdir=/etc \
	    --localstatedir=/var --runstatedir=/run
	# The quick start's step: the system user the shipped config names.
	submake -C "$BATS_FILE_TMPDIR/build" install-user > /dev/null
	cp /etc/mydaemon.conf "$BATS_FILE_TMPDIR/mydaemon.conf.shipped"
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/build/Makefile" ]; then
		uninstall
	fi
}

setup() {
	[ -z "$SYSTEM_SKIP" ] || skip "$SYSTEM_SKIP"
	common_setup
	PIDFILE=/run/mydaemon.pid
	STATEFILE=/run/mydaemon.state
	LOG=/var/log/mydaemon/mydaemon.log
	PORT=8080
	CONF=/etc/mydaemon.conf
	cp "$BATS_FILE_TMPDIR/mydaemon.conf.shipped" "$CONF"
	rm -rf /var/log/mydaemon	# the daemon creates it
}

teardown() {
	local pid
	[ -z "$SYSTEM_SKIP" ] || return 0
	for pid in $(daemons_on "$CONF"); do
		remember_pid "$pid"
	done
	/etc/init.d/mydaemon stop > /dev/null 2>&1 || true
	common_teardown
}

# uninstall: what the suite installed goes, whatever state it is in.
uninstall() {
	/etc/init.d/mydaemon stop > /dev/null 2>&1 || true
	cp "$BATS_FILE_TMPDIR/mydaemon.conf.shipped" /etc/mydaemon.conf
	submake -C "$BATS_FILE_TMPDIR/build" uninstall
	update-rc.d mydaemon remove
	rm -rf /var/log/mydaemon
}

# running_pid: the daemon holding /run/mydaemon.pid, from `service status`.
running_pid() {
	service mydaemon status | sed -n 's/.*(pid \([0-9]*\))\.$/\1/p'
}

@test "make install puts the binary, script, settings, logrotate file and man pages in /usr and /etc" {
	for f in "${INSTALLED[@]}"; do
		assert [ -f "$f" ]
	done
	assert_equal "$(stat -c %a /etc/init.d/mydaemon)" 755
	run /usr/sbin/mydaemon -h
	assert_output --partial "/etc/mydaemon.conf"
	assert grep -qx 'DAEMON=/usr/sbin/mydaemon' /etc/init.d/mydaemon
	assert grep -q '^/var/log/mydaemon/\*\.log {' /etc/logrotate.d/mydaemon
	assert grep -q '/run/mydaemon.pid' /usr/share/man/man8/mydaemon.8
}

@test "update-rc.d mydaemon defaults links it into runlevels 2 3 4 5 and 0 1 6" {
	run update-rc.d mydaemon defaults
	assert_success
	for rl in 2 3 4 5; do
		assert [ -n "$(find /etc/rc$rl.d -name 'S[0-9][0-9]mydaemon')" ]
	done
	for rl in 0 1 6; do
		assert [ -n "$(find /etc/rc$rl.d -name 'K[0-9][0-9]mydaemon')" ]
	done
	for link in /etc/rc[0-6].d/[SK][0-9][0-9]mydaemon; do
		assert_equal "$(readlink -f "$link")" /etc/init.d/mydaemon
	done
}

@test "service mydaemon start, status, reload, restart and stop, with their exit codes" {
	run service mydaemon start
	assert_success
	pid=$(running_pid)
	remember_pid "$pid"
	run service mydaemon start
	assert_success
	assert_equal "$(running_pid)" "$pid"
	run service mydaemon status
	assert_success
	assert_output "mydaemon is running (pid $pid)."
	echo "maintenance = yes" >> "$CONF"
	run service mydaemon reload
	assert_success
	assert_output --partial "configuration reloaded (generation 2)"
	health_is 503
	echo "maintenance = perhaps" >> "$CONF"
	run service mydaemon reload
	assert_failure 6
	run service mydaemon restart
	assert_failure 6
	assert_equal "$(running_pid)" "$pid"
	cp "$BATS_FILE_TMPDIR/mydaemon.conf.shipped" "$CONF"
	run service mydaemon restart
	assert_success
	new=$(running_pid)
	remember_pid "$new"
	assert [ "$new" != "$pid" ]
	health_is 200
	run service mydaemon try-restart
	assert_success
	run service mydaemon stop
	assert_success
	run service mydaemon stop
	assert_success
	run service mydaemon status
	assert_equal "$status" 3
	run service mydaemon reload
	assert_equal "$status" 7
	run service mydaemon try-restart
	assert_success
	run service mydaemon status
	assert_equal "$status" 3
	echo "bogus = 1" >> "$CONF"
	run service mydaemon configtest
	assert_failure 1
	run service mydaemon start
	assert_failure 6
	assert_output --partial "unknown key \"bogus\""
	run service mydaemon status
	assert_equal "$status" 3
}

@test "the daemon runs as the system user mydaemon, with no supplementary group but its own" {
	run service mydaemon start
	assert_success
	pid=$(running_pid)
	remember_pid "$pid"
	uid=$(id -u mydaemon)
	gid=$(id -g mydaemon)
	assert [ "$uid" -lt 1000 ]	# a system user
	assert_equal "$(proc_field "$pid" Uid)" "$uid"$'\t'"$uid"$'\t'"$uid"$'\t'"$uid"
	assert_equal "$(proc_field "$pid" Gid)" "$gid"$'\t'"$gid"$'\t'"$gid"$'\t'"$gid"
	assert_equal "$(proc_field "$pid" Groups)" ""	# no supplementary group
	assert_equal "$(stat -c '%a %U' /var/log/mydaemon)" "750 mydaemon"
	assert_equal "$(stat -c '%a %U' "$LOG")" "640 mydaemon"
	assert_equal "$(stat -c '%a %U' "$PIDFILE")" "644 root"
}

@test "curl http://127.0.0.1:8080/health answers 200 ok" {
	run service mydaemon start
	assert_success
	remember_pid "$(running_pid)"
	run curl -sS --max-time 5 http://127.0.0.1:8080/health
	assert_success
	assert_output "ok"
}

@test "kill -HUP \$(cat /run/mydaemon.pid) is applied" {
	run service mydaemon start
	assert_success
	remember_pid "$(running_pid)"
	echo "maintenance = yes" >> "$CONF"
	kill -HUP "$(cat /run/mydaemon.pid)"
	wait_for 5 health_is 503
	assert_equal "$body" "maintenance"
	wait_for 5 log_has 'reloaded \(generation 2\)'
}

@test "service mydaemon drain and undrain take the host out of the pool and back, and the drain survives a restart" {
	run service mydaemon start
	assert_success
	remember_pid "$(running_pid)"
	run service mydaemon drain "kernel upgrade"
	assert_success
	health_is 503 maintenance
	run service mydaemon restart
	assert_success
	remember_pid "$(running_pid)"
	health_is 503
	run service mydaemon undrain
	assert_success
	health_is 200
}

@test "logrotate -f with the shipped file rotates, and the daemon writes to the new file" {
	run service mydaemon start
	assert_success
	pid=$(running_pid)
	remember_pid "$pid"
	wait_for 5 log_has "started \\(pid $pid"
	run logrotate -f -s "$T/logrotate.state" /etc/logrotate.d/mydaemon
	assert_success
	assert grep -q "started (pid $pid" "$LOG.1"
	assert [ -f "$LOG" ]
	assert_equal "$(stat -c '%a %U' "$LOG")" "640 mydaemon"
	run service mydaemon reload
	assert_success
	wait_for 5 log_has 'reloaded \(generation 2\)'
	run grep -c 'generation 2' "$LOG.1"
	assert_output 0
}

@test "after stop nothing runs, and no pidfile or state file is left" {
	run service mydaemon start
	assert_success
	pid=$(running_pid)
	remember_pid "$pid"
	run service mydaemon stop
	assert_success
	assert gone "$pid"
	assert_equal "$(daemons_on "$CONF")" ""
	assert [ ! -e /run/mydaemon.pid ]
	assert [ ! -e /run/mydaemon.state ]
}

@test "uninstalling leaves nothing behind" {
	run uninstall
	assert_success
	for f in "${INSTALLED[@]}" /var/log/mydaemon /run/mydaemon.pid; do
		assert [ ! -e "$f" ]
	done
	assert_equal "$(find /etc/rc?.d -name '*mydaemon')" ""
}
