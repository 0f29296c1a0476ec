#!/usr/bin/env bats
# The LSB init script at work, as `make install` puts it into a temporary
# prefix: every action and exit code, the Linux-HA sequence under dash,
# bash and busybox sh, without init-functions and start-stop-daemon, and
# storms of concurrent actions.  (What make install puts where, and the
# files' own checks, are install.bats'.)
#
# setup_file configures, builds and installs once; the tests share that
# prefix one after the other (each rewrites the installed default file to
# point at its own configuration, port, pidfile and log), never a daemon.

load test_helper/common
load test_helper/install

bats_require_minimum_version 1.5.0

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	can_be_nobody || true	# decided once, exported
	install_in_file_tmpdir
}

setup() {
	common_setup
	installed_paths
	SH_CMD=()
	# What an OS provides; what earlier tests left goes.
	rm -rf "${P:?}/run" "${P:?}/var"
	mkdir -p "$P/run" "$P/var/log"
	# The daemon makes its log directory only as root, for the user it
	# becomes (SPEC 9); as that user already, it needs the
	# administrator's.
	can_be_nobody || mkdir "$P/var/log/mydaemon"
	shipped_config > "$P/etc/mydaemon.conf"
	if can_be_nobody; then
		open_to_nobody "$T" "$T/run" "$T/log"
	fi
	make_config
	set_defaults
}

teardown() {
	local pid
	for pid in $(daemons_on "$CONF") $(daemons_on "$P/etc/mydaemon.conf"); do
		remember_pid "$pid"
	done
	common_teardown
	[ ! -e "$DAEMON.away" ] || mv "$DAEMON.away" "$DAEMON"
}

# shipped_config: the shipped configuration with this suite's own user
# (nobody when the tests run as root, none otherwise) for its user.
shipped_config() {
	if can_be_nobody; then
		sed 's/^user[[:space:]]*=.*/user = nobody/' "$SHIPPED/mydaemon.conf"
	else
		grep -v '^user[[:space:]]*=' "$SHIPPED/mydaemon.conf"
	fi
}

# make_config [LINE...]: the shipped configuration (see shipped_config)
# on this test's port, pidfile and log, plus LINEs.
make_config() {
	{
		shipped_config
		echo "listen = 127.0.0.1:$PORT"
		echo "pidfile = $PIDFILE"
		echo "log_file = $LOG"
		printf '%s\n' "$@"
	} > "$CONF"
}

# set_defaults [LINE...]: the shipped default/mydaemon, pointed at this
# test's configuration, plus LINEs.
set_defaults() {
	{
		cat "$SHIPPED/default"
		echo "CONFIG=$CONF"
		printf '%s\n' "$@"
	} > "$P/etc/default/mydaemon"
}

# initd ACTION: the installed script, run by $SH_CMD (default: its #!).
initd() {
	"${SH_CMD[@]}" "$INITD" "$@"
}

# holder: the PID holding the lock of $PIDFILE, as the binary sees it.
holder() {
	"$DAEMON" -s status -c "$CONF" -p "$PIDFILE" |
		sed -n 's/.*(pid \([0-9]*\))$/\1/p'
}

# started: the script's start succeeded; DAEMON_PID is the daemon.
started() {
	assert_success
	DAEMON_PID=$(holder)
	[ -n "$DAEMON_PID" ]
	remember_pid "$DAEMON_PID"
}

# lsb_sequence: the Linux-HA / LSB conformance sequence.
lsb_sequence() {
	local first
	run initd start
	started
	health_is 200		# ready when start returns: no wait
	first=$DAEMON_PID
	run initd start
	assert_success
	assert_equal "$(holder)" "$first"
	run initd status
	assert_success
	assert_output --partial "mydaemon is running (pid $first)"
	run initd stop
	assert_success
	assert gone "$first"
	assert [ ! -e "$PIDFILE" ]
	run initd stop
	assert_success
	run initd status
	assert_equal "$status" 3
	run initd start
	started
	kill -KILL "$DAEMON_PID"
	wait_gone "$DAEMON_PID"
	run initd status
	assert_equal "$status" 1
	run initd start
	started
	assert [ "$DAEMON_PID" != "$first" ]
	health_is 200
	run initd stop
	assert_success
	assert gone "$DAEMON_PID"
	run initd status
	assert_equal "$status" 3
}


# --- start --------------------------------------------------------------------

@test "start returns once the daemon is ready, and says so the LSB way" {
	run initd start
	started
	assert_output "Starting host health agent: mydaemon."
	health_is 200
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
}

@test "start when already running is a success, says so on one line and keeps the same daemon" {
	run initd start
	started
	run initd start
	assert_success
	assert_output "Starting host health agent: mydaemon (already running, pid $DAEMON_PID)."
	assert_equal "$(holder)" "$DAEMON_PID"
	assert_equal "$(daemons_on "$CONF")" "$DAEMON_PID"
}

@test "start with an invalid configuration exits 6 and shows the error" {
	make_config "log_level = loud"
	run --separate-stderr initd start
	assert_failure 6
	assert_output --partial "failed"
	assert_regex "$stderr" "^$CONF:[0-9]+: log_level: invalid value \"loud\""
	assert_equal "$(daemons_on "$CONF")" ""
}

@test "start with a missing configuration exits 6 and shows why" {
	set_defaults "CONFIG=$T/no-such.conf"
	run initd start
	assert_failure 6
	assert_output --partial "cannot read $T/no-such.conf: No such file or directory"
}

# start_other PORT: another daemon, not the script's, listening on PORT;
# its PID is $other.
start_other() {
	printf 'listen = 127.0.0.1:%s\npidfile = %s\nlog_file = %s\n' \
	    "$1" "$T/other.pid" "$T/other.log" > "$T/other.conf"
	run "$DAEMON" -c "$T/other.conf"
	assert_success
	other=$(cat "$T/other.pid")
	remember_pid "$other"
}

@test "start on a busy port exits 1 with the daemon's reason" {
	start_other "$PORT"
	run initd start
	assert_failure 1
	assert_output --partial "127.0.0.1:$PORT"
	assert_output --partial "Address already in use"
	run initd status
	assert_equal "$status" 3
	stop_daemon "$other"
}

@test "without the binary: start, restart, reload exit 5; stop 0; status 4" {
	mv "$DAEMON" "$DAEMON.away"
	for action in start restart try-restart reload force-reload configtest; do
		run initd "$action"
		assert_equal "$action:$status" "$action:5"
		assert_output --partial "not installed"
	done
	run initd stop
	assert_success
	run initd status
	assert_equal "$status" 4
	mv "$DAEMON.away" "$DAEMON"
}

# --- stop ---------------------------------------------------------------------

@test "stop ends the lock holder, removes pidfile and state file; stop again is 0" {
	run initd start
	started
	run initd stop
	assert_success
	assert_output "Stopping host health agent: mydaemon."
	assert gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$T/run/mydaemon.state" ]
	run initd stop
	assert_success
}

@test "stop sends SIGKILL after STOP_TIMEOUT to a daemon that ignores SIGTERM" {
	set_defaults "STOP_TIMEOUT=1"
	run initd start
	started
	kill -STOP "$DAEMON_PID"
	SECONDS=0
	run initd stop
	assert_success
	assert [ "$SECONDS" -lt 5 ]
	assert_output --partial "did not stop within 1s, sending SIGKILL"
	assert gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
}

@test "stop by a user who may not signal the daemon exits 4 and leaves it running" {
	can_be_nobody || skip "needs root and user nobody"
	# A daemon of root's, and nobody asking to stop it.
	make_config
	sed -i '/^user[[:space:]]*=/d' "$CONF"
	run initd start
	started
	open_to_nobody "$P/etc/init.d" "$P/etc/default" "$P/sbin"
	chmod a+r "$CONF"
	run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	    "$INITD" stop
	assert_failure 4
	assert_output --partial "Operation not permitted"
	assert alive "$DAEMON_PID"
	assert_equal "$(holder)" "$DAEMON_PID"
}

@test "stop by the daemon's own user, who may signal it but not remove the pidfile, succeeds with a note" {
	can_be_nobody || skip "needs root and user nobody"
	run initd start
	started
	open_to_nobody "$P/etc/init.d" "$P/etc/default" "$P/sbin"
	chmod a+r "$CONF"
	run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	    "$INITD" stop
	assert_success
	assert_line --index 0 "Stopping host health agent: mydaemon."
	assert_line --index 1 "mydaemon: the empty pidfile $PIDFILE is left for root to remove (Permission denied)"
	assert gone "$DAEMON_PID"
	run initd status
	assert_equal "$status" 3
}

@test "no action ever signals the PID of a stale pidfile" {
	sleep 60 &
	victim=$!
	remember_pid "$victim"
	echo "$victim" > "$PIDFILE"
	run initd status
	assert_equal "$status" 1
	run initd reload
	assert_equal "$status" 7
	run initd try-restart
	assert_success
	run initd stop
	assert_success
	assert [ ! -e "$PIDFILE" ]
	assert alive "$victim"
	echo "$victim" > "$PIDFILE"
	run initd start
	started
	assert [ "$DAEMON_PID" != "$victim" ]
	run initd stop
	assert_success
	assert alive "$victim"
	kill "$victim"
}

# --- restart, try-restart -----------------------------------------------------

@test "restart replaces a running daemon, ready when restart returns" {
	run initd start
	started
	first=$DAEMON_PID
	run initd restart
	started
	assert [ "$DAEMON_PID" != "$first" ]
	wait_gone "$first"	# it drains what it had, and exits
	health_is 200
}

@test "restart with an invalid configuration exits 6 and leaves the daemon alone" {
	run initd start
	started
	make_config "max_connections = 0"
	run --separate-stderr initd restart
	assert_failure 6
	assert_output --partial "left alone"
	assert_regex "$stderr" "max_connections: 0 is out of range"
	assert_equal "$(holder)" "$DAEMON_PID"
	health_is 200
}

@test "restart of a stopped daemon starts it" {
	run initd restart
	started
	health_is 200
}

@test "try-restart restarts a running daemon and starts nothing otherwise" {
	run initd try-restart
	assert_success
	assert_output --partial "not running"
	run initd status
	assert_equal "$status" 3
	assert_equal "$(daemons_on "$CONF")" ""
	run initd start
	started
	first=$DAEMON_PID
	run initd try-restart
	started
	assert [ "$DAEMON_PID" != "$first" ]
}

# --- reload -------------------------------------------------------------------

@test "reload and force-reload exit 0 once the daemon applied the configuration" {
	run initd start
	started
	make_config "maintenance = yes"
	run initd reload
	assert_success
	assert_output --partial "configuration reloaded (generation 2)"
	health_is 503
	make_config
	run initd force-reload
	assert_success
	assert_output --partial "configuration reloaded (generation 3)"
	health_is 200
	assert_equal "$(holder)" "$DAEMON_PID"
}

@test "reload exits 1 with the daemon's reason when it kept the old configuration" {
	run initd start
	started
	# Valid for -t, but the daemon cannot bind it (another one has it):
	# it keeps the old configuration.
	other_port=$(free_port)
	start_other "$other_port"
	make_config "listen = 127.0.0.1:$other_port"
	run --separate-stderr initd reload
	assert_failure 1
	assert_regex "$stderr" "reload failed: .*127\\.0\\.0\\.1:$other_port"
	health_is 200
	assert_equal "$(holder)" "$DAEMON_PID"
}

@test "reload with an invalid configuration exits 6 and signals nothing" {
	run initd start
	started
	make_config "bogus = 1"
	run --separate-stderr initd reload
	assert_failure 6
	assert_regex "$stderr" "^$CONF:[0-9]+: unknown key \"bogus\""
	assert_equal "$(sed -n 's/^reload_started=//p' "$T/run/mydaemon.state")" 0
	health_is 200
}

@test "reload and force-reload exit 7 when the daemon is not running" {
	run initd reload
	assert_failure 7
	assert_output --partial "not running"
	run initd force-reload
	assert_failure 7
	make_config "bogus = 1"
	run initd reload
	assert_failure 7
}

@test "reopen makes the daemon reopen its log; 7 when not running" {
	# The daemon's user may create files in its log directory.
	! can_be_nobody || chown nobody "$T/log"
	run initd start
	started
	mv "$LOG" "$LOG.1"
	run initd reopen
	assert_success
	# reopen returns once it is done: no wait.
	assert log_has 'log reopened'
	run initd stop
	assert_success
	run initd reopen
	assert_failure 7
}

# --- drain, undrain -------------------------------------------------------

@test "drain REASON and undrain: 0 once the daemon serves it; 7 when it is not running, with the drain recorded" {
	make_config "maintenance_file = $T/maintenance"
	run initd drain
	assert_failure 7
	assert_output "Draining host health agent: mydaemon (not running; recorded for the next start)."
	assert [ -f "$T/maintenance" ]
	run initd start
	started
	health_is 503 maintenance
	run initd undrain
	assert_success
	assert_output "Ending the drain of host health agent: mydaemon."
	health_is 200 ok
	run initd drain "kernel upgrade"
	assert_success
	health_is 503 maintenance
	assert_equal "$(status_value maintenance.reason)" "kernel upgrade"
	run initd undrain
	assert_success
	run initd stop
	assert_success
	run initd undrain
	assert_failure 7
}

@test "drain NAME [REASON] and undrain NAME: one check's service; words that name no check are still the host's reason" {
	make_config "maintenance_file = $T/maintenance" \
		"[check web]" "command = /bin/true"
	run initd start
	started
	run initd drain web "deploy 7"
	assert_success
	assert_output "Draining check web of host health agent: mydaemon."
	http_get /health/web
	assert_equal "$status_code" 503
	health_is 200
	assert_equal "$(status_value drains.0.reason)" "deploy 7"
	run initd undrain web
	assert_success
	http_get /health/web
	assert_equal "$status_code" 200
	run initd drain web
	assert_success
	assert_equal "$(status_value drains.0.check)" web
	run initd undrain web
	assert_success
	run initd drain upgrade
	assert_success
	assert_equal "$(status_value maintenance.reason)" upgrade
	run initd undrain
	assert_success
	# service(8) splits "drain 'kernel upgrade'": no check "kernel"
	run initd drain kernel upgrade
	assert_success
	assert_output "Draining host health agent: mydaemon."
	assert_equal "$(status_value maintenance.reason)" "kernel upgrade"
	run initd undrain
	assert_success
	run initd stop
	assert_success
}

# --- status, configtest, usage ---------------------------------------------

@test "status: 3 stopped, 0 running with the pid, 1 dead with a pidfile, 4 unknown" {
	run initd status
	assert_equal "$status" 3
	assert_output --partial "mydaemon is not running"
	: > "$PIDFILE"
	run initd status
	assert_equal "$status" 3
	run initd start
	started
	run initd status
	assert_success
	assert_output "mydaemon is running (pid $DAEMON_PID)."
	kill -KILL "$DAEMON_PID"
	wait_gone "$DAEMON_PID"
	run initd status
	assert_equal "$status" 1
	rm -f "$PIDFILE"
	ln -s "$T/elsewhere" "$PIDFILE"
	echo 1 > "$T/elsewhere"
	run initd status
	assert_equal "$status" 4
}

@test "configtest: 0 and 'is valid', or 1 and every error with its line" {
	run initd configtest
	assert_success
	assert_output "mydaemon: configuration $CONF is valid"
	make_config "bogus = 1" "check_rise = 0"
	run initd configtest
	assert_failure 1
	assert_line --regexp "^$CONF:[0-9]+: unknown key \"bogus\""
	assert_line --regexp "^$CONF:[0-9]+: check_rise: 0 is out of range"
}

@test "no action or an unknown one: usage on stderr, exit 2" {
	for action in "" explode START; do
		run --separate-stderr initd $action
		assert_failure 2
		assert_equal "$output" ""
		assert_regex "$stderr" '^Usage: .*mydaemon [{]start[|]stop[|]restart[|]try-restart[|]reload[|]force-reload[|]status[|]configtest[|]reopen[|]drain [[]NAME[]] [[]REASON[]][|]undrain [[]NAME[]][|]upgrade[}]$'
	done
}

# --- the settings file --------------------------------------------------------

@test "PIDFILE in the settings overrides the configuration's pidfile" {
	set_defaults "PIDFILE=$T/run/other.pid"
	run initd start
	assert_success
	assert [ ! -e "$PIDFILE" ]
	PIDFILE=$T/run/other.pid
	DAEMON_PID=$(holder)
	remember_pid "$DAEMON_PID"
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
	run initd status
	assert_success
	run initd stop
	assert_success
	assert [ ! -e "$PIDFILE" ]
}

@test "DAEMON_OPTS reach the daemon at start" {
	set_defaults "DAEMON_OPTS='--pidfile $PIDFILE'"
	run initd start
	started
	assert grep -qxF -- "--pidfile" <(tr '\0' '\n' < "/proc/$DAEMON_PID/cmdline")
	run initd stop
	assert_success
}

@test "with the shipped settings and configuration: pidfile in runstatedir, log in localstatedir" {
	# The shipped files, but this test's port.
	echo "listen = 127.0.0.1:$PORT" >> "$P/etc/mydaemon.conf"
	cp "$SHIPPED/default" "$P/etc/default/mydaemon"
	CONF=$P/etc/mydaemon.conf
	PIDFILE=$P/run/mydaemon.pid
	run initd start
	started
	assert_equal "$(cat "$PIDFILE")" "$DAEMON_PID"
	assert [ -f "$P/var/log/mydaemon/mydaemon.log" ]
	if can_be_nobody; then
		assert_equal "$(stat -c '%a %U' "$P/var/log/mydaemon")" "750 nobody"
		assert_equal "$(proc_field "$DAEMON_PID" Uid | cut -f1)" \
		    "$(id -u nobody)"
	fi
	health_is 200
	run initd stop
	assert_success
	assert [ ! -e "$PIDFILE" ]
}

@test "logrotate with the shipped file rotates, and the daemon writes to the new file" {
	command -v logrotate > /dev/null ||
		PATH=$PATH:/usr/sbin:/sbin command -v logrotate > /dev/null ||
		skip "no logrotate"
	echo "listen = 127.0.0.1:$PORT" >> "$P/etc/mydaemon.conf"
	cp "$SHIPPED/default" "$P/etc/default/mydaemon"
	CONF=$P/etc/mydaemon.conf
	PIDFILE=$P/run/mydaemon.pid
	LOG=$P/var/log/mydaemon/mydaemon.log
	run initd start
	started
	wait_for 5 log_has "started \\(pid $DAEMON_PID"
	run env PATH="$PATH:/usr/sbin:/sbin" logrotate -f \
	    -s "$T/logrotate.state" "$P/etc/logrotate.d/mydaemon"
	assert_success
	assert grep -q "started (pid $DAEMON_PID" "$LOG.1"
	# The postrotate reopen has returned: the new file is there already.
	assert [ -f "$LOG" ]
	assert log_has 'log reopened'
	if can_be_nobody; then
		assert_equal "$(stat -c '%a %U' "$LOG")" "640 nobody"
	fi
	run "$DAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 log_has 'reloaded \(generation 2\)'
	run grep -c 'generation 2' "$LOG.1"
	assert_output 0
	run initd stop
	assert_success
}

# --- shells, and a system without the LSB helpers ------------------------------

@test "the LSB sequence under dash" {
	command -v dash > /dev/null || skip "no dash"
	SH_CMD=(dash)
	lsb_sequence
}

@test "the LSB sequence under bash" {
	SH_CMD=(bash)
	lsb_sequence
}

@test "the LSB sequence under busybox sh" {
	command -v busybox > /dev/null || skip "no busybox"
	SH_CMD=(busybox sh)
	lsb_sequence
}

@test "without init-functions, start-stop-daemon or even PATH, under each shell" {
	set_defaults "INIT_FUNCTIONS=$T/no-init-functions"
	for sh in dash bash "busybox sh"; do
		read -r -a words <<< "$sh"
		command -v "${words[0]}" > /dev/null || continue
		SH_CMD=(env -i PATH=/nonexistent "$(command -v "${words[0]}")" "${words[@]:1}")
		lsb_sequence
		run initd start
		started
		assert_output "Starting host health agent: mydaemon."
		run initd status
		assert_output "mydaemon is running (pid $DAEMON_PID)."
		run initd stop
		assert_output "Stopping host health agent: mydaemon."
		run initd status
		assert_output "mydaemon is not running ... failed!"
	done
}

# --- concurrency --------------------------------------------------------------

# storm N ACTION...: N copies of each ACTION at once; each one's exit status
# goes to $T/rc.ACTION.I, its output to $T/out.ACTION.I.
storm() {
	local n=$1 action i
	shift
	for action in "$@"; do
		for ((i = 0; i < n; i++)); do
			(
				rc=0
				timeout 60 "$INITD" "$action" \
				    > "$T/out.$action.$i" 2>&1 || rc=$?
				echo "$rc" > "$T/rc.$action.$i"
			) &
		done
	done
	wait
}

@test "20 concurrent starts leave exactly one daemon, and all exit 0" {
	storm 20 start
	codes_in start 0
	DAEMON_PID=$(holder)
	remember_pid "$DAEMON_PID"
	assert_equal "$(daemons_on "$CONF")" "$DAEMON_PID"
	health_is 200
}

@test "20 concurrent stops all exit 0 and leave nothing behind" {
	run initd start
	started
	storm 20 stop
	codes_in stop 0
	assert gone "$DAEMON_PID"
	assert_equal "$(daemons_on "$CONF")" ""
	assert [ ! -e "$PIDFILE" ]
	run initd status
	assert_equal "$status" 3
}

@test "a storm of every action leaves one consistent state" {
	run initd start
	started
	storm 4 start stop restart try-restart reload status
	# A start (or a restart's new process) that a stop at the same
	# moment ends during its start-up says so and exits 1: it did not
	# lie about a daemon that is leaving.  So does one that took the
	# lock a stopped daemon let go of while a restart's new process,
	# not yet holding it, had the sockets.  Nothing else may fail.
	for action in start restart try-restart; do
		codes_in "$action" 0 1
		failed_only_by_race "$action"
	done
	codes_in stop 0
	codes_in reload 0 1 7
	codes_in status 0 3
	# Whatever won, the lock, the pidfile and the processes agree.
	run initd status
	if [ "$status" = 0 ]; then
		pid=$(holder)
		remember_pid "$pid"
		assert_equal "$(daemons_on "$CONF")" "$pid"
		assert_equal "$(cat "$PIDFILE")" "$pid"
		health_is 200
	else
		assert_equal "$status" 3
		assert_equal "$(daemons_on "$CONF")" ""
		run initd start
		started
	fi
	# and it answers every action as usual.
	make_config "maintenance = yes"
	run initd reload
	assert_success
	health_is 503
	run initd stop
	assert_success
	assert_equal "$(daemons_on "$CONF")" ""
	assert [ ! -e "$PIDFILE" ]
}
