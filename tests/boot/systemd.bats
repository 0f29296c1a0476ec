#!/usr/bin/env bats
# systemd.bats - mydaemon under systemd 252 booted for real: a Debian 12
# machine (./machine: debootstrap, then systemd-nspawn -b) with the
# daemon installed as README says, looked at as its administrator does:
# systemctl, service, mydaemon -s, journalctl and curl, inside.
#
# Not part of "make check", hence tests/boot/ beside bench/ and fuzz/
# rather than tests/bats/, whose suites make check runs: it needs root,
# debootstrap the first time (the root is cached) and systemd-nspawn, and
# skips, saying why, where these are not to be had.  Run it as
# "bats tests/boot/systemd.bats"; MYDAEMON_BUILDDIR names the build tree
# to install (see ./machine).  One machine, booted once per cgroup
# layout: hybrid (this host's), then unified; its reboot is the last
# test but one, and the last checks that nothing is left of it.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

MACHINE=$BATS_TEST_DIRNAME/machine
CONF=/etc/mydaemon.conf
URL=http://127.0.0.1:8080

# boot_first LAYOUT...: boot with the first of the layouts that the host
# can give; where nspawn cannot boot at all, BOOT_SKIP says why.
boot_first() {
	local layout err=$BATS_FILE_TMPDIR/boot.err

	for layout in "$@"; do
		if "$MACHINE" boot "$BOOT_DIR" "$layout" 2> "$err"; then
			return 0
		elif [ $? -ne 77 ]; then
			cat "$err" >&2
			return 1
		fi
		grep -q 'cgroup layout' "$err" || break
	done
	BOOT_SKIP=$(sed -n 's/^machine: cannot here: //p' "$err" | tail -n 1)
}

setup_file() {
	local err=$BATS_FILE_TMPDIR/create.err rc=0

	export BOOT_DIR="" BOOT_SKIP=""
	if [ "$(id -u)" != 0 ]; then
		BOOT_SKIP="needs root, to boot a machine with systemd-nspawn"
		return 0
	fi
	BOOT_DIR=$("$MACHINE" create 2> "$err") || rc=$?
	if [ "$rc" -eq 77 ]; then
		BOOT_DIR=""
		BOOT_SKIP=$(sed -n 's/^machine: cannot here: //p' "$err" |
		    tail -n 1)
		return 0
	elif [ "$rc" -ne 0 ]; then
		BOOT_DIR=""
		cat "$err" >&2
		return 1
	fi
	boot_first hybrid unified
}

teardown_file() {
	# (The last test destroys it when all goes well.)
	[ ! -d "$BOOT_DIR" ] || "$MACHINE" destroy "$BOOT_DIR"
}

setup() {
	[ -z "$BOOT_SKIP" ] || skip "$BOOT_SKIP"
}

# What to read when a test failed: the unit, its journal, the processes.
teardown() {
	[ -n "$BOOT_DIR" ] && [ -z "${BATS_TEST_COMPLETED:-}" ] &&
	    [ -z "${BATS_TEST_SKIPPED:-}" ] || return 0
	"$MACHINE" diagnose "$BOOT_DIR" 2>&1 || true
}

# m CMD...: CMD inside the machine, as from root's login.  msh SCRIPT.
m() {
	"$MACHINE" run "$BOOT_DIR" "$@"
}
msh() {
	m bash -c "$1"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local limit=$(($1 * 5)) i=0

	shift
	until "$@"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || return 1
		sleep 0.2
	done
}

# prop NAME [UNIT]: a property of mydaemon.service, as systemctl shows it.
prop() {
	m systemctl show -p "$1" --value "${2:-mydaemon.service}"
}
prop_is() {
	[ "$(prop "$1")" = "$2" ]
}

# The daemon's state, back to what the shipped files give: nothing
# running (a daemon a failed restart left outside the unit included), no
# drop-in, the shipped configuration, no drain, no symlink where the
# pidfile goes.  The service's being enabled is kept.
RESET='
systemctl stop mydaemon.socket mydaemon.service 2> /dev/null
systemctl disable -q mydaemon.socket 2> /dev/null
mydaemon -s stop > /dev/null 2>&1
rm -rf /etc/systemd/system/mydaemon.service.d \
    /etc/systemd/system/mydaemon.socket.d
[ -e /etc/mydaemon.conf.dist ] || cp -p /etc/mydaemon.conf /etc/mydaemon.conf.dist
cp -p /etc/mydaemon.conf.dist /etc/mydaemon.conf
rm -f /var/lib/mydaemon/maintenance
for f in /run/mydaemon.pid /run/mydaemon.state; do
	[ ! -L "$f" ] || rm -f "$f"
done
systemctl daemon-reload
systemctl reset-failed mydaemon.service mydaemon.socket 2> /dev/null
true'

# booted LAYOUT: the machine runs with LAYOUT cgroups (booted again when
# it has another one), and the daemon is as RESET leaves it.
booted() {
	local err=$BATS_TEST_TMPDIR/boot.err rc=0

	if [ "$("$MACHINE" layout "$BOOT_DIR")" != "$1" ]; then
		"$MACHINE" stop "$BOOT_DIR"
		"$MACHINE" boot "$BOOT_DIR" "$1" 2> "$err" || rc=$?
		if [ "$rc" -eq 77 ] && grep -q 'cgroup layout' "$err"; then
			skip "$(sed -n 's/^machine: cannot here: //p' "$err")"
		elif [ "$rc" -ne 0 ]; then
			cat "$err"
			fail "the machine did not boot with $1 cgroups"
		fi
	fi
	msh "$RESET"
}

# config LINE...: the shipped configuration plus LINEs.
config() {
	printf '%s\n' "$@" | m sh -c "cat $CONF.dist - > $CONF"
}

# cursor: a line of the test's own in the journal, and its cursor once
# the journal has it.  Queries start at it with --cursor=, which no
# filter of theirs matches: journalctl 252's --after-cursor= skips the
# first entry that matches when the cursor's own entry does not.
cursor() {
	local mark="test $BATS_TEST_NUMBER, $RANDOM" out i

	m systemd-cat -t mydaemon-boot-test echo "$mark"
	for ((i = 0; i < 50; i++)); do
		out=$(m journalctl -q -t mydaemon-boot-test -n 1 --show-cursor \
		    -o cat)
		if [ "${out%%$'\n'*}" = "$mark" ]; then
			sed -n 's/^-- cursor: //p' <<< "$out"
			return 0
		fi
		sleep 0.1
	done
	echo "the journal did not take a line in 5 s" >&2
	return 1
}

# journal_has CURSOR TEXT [FILTER...]: a line from CURSOR on that
# matches FILTER (journalctl's; -u mydaemon.service when none) has TEXT.
# journal CURSOR [FILTER...]: those lines.
journal() {
	local c=$1

	shift
	[ $# -gt 0 ] || set -- -u mydaemon.service
	m journalctl --cursor="$c" -o cat "$@"
}
journal_has() {
	local c=$1 text=$2

	shift 2
	journal "$c" "$@" | grep -qF -- "$text"
}

# get PATH: "CODE BODY" of a request inside the machine.
get() {
	local out

	out=$(m curl -s --max-time 10 -w '\n%{http_code}' "$URL$1")
	echo "${out##*$'\n'} ${out%$'\n'*}"
}
health_is() {
	[ "$(get /health)" = "$1" ]
}

started() {
	run m systemctl start mydaemon
	assert_success
	assert_equal "$(prop ActiveState)" active
}

# status_line: the Status: line of systemctl status, unquoted.
status_line() {
	m systemctl status --no-pager -n 0 mydaemon |
	    sed -n 's/^ *Status: "\(.*\)"$/\1/p'
}
status_is() {
	[ "$(status_line)" = "$1" ]
}
status_like() {
	[[ $(status_line) =~ $1 ]]
}

alive_in() {
	m kill -0 "$1" 2> /dev/null
}
gone_in() {
	! alive_in "$1"
}

# took_over OLD: after a restart that systemd did not do itself, the
# new process is the unit's: active, MainPID (as the pidfile says), in
# its cgroup in every hierarchy systemd tracks (hybrid: the unified one
# and name=systemd), logging to the journal, not to /dev/null, and
# stopped by systemctl stop.  OLD has gone.
took_over() {
	local old=$1 new cg c

	new=$(m cat /run/mydaemon.pid)
	[ -n "$new" ] && [ "$new" != "$old" ] ||
	    fail "the pidfile names \"$new\" (the old process was $old)"
	wait_for 10 prop_is MainPID "$new" ||
	    fail "the new process $new is not the unit's: MainPID=$(prop MainPID), $(prop ActiveState)"
	assert_equal "$(prop ActiveState)" active
	cg=$(prop ControlGroup)
	run m cat "/proc/$new/cgroup"
	assert_success
	assert_line --regexp "^0::$cg\$"
	if [ "$("$MACHINE" layout "$BOOT_DIR")" != unified ]; then
		assert_line --regexp "^[0-9]+:name=systemd:$cg\$"
	fi
	run m readlink "/proc/$new/fd/2"
	assert_success
	refute_output /dev/null
	c=$(cursor)
	m kill -HUP "$new"
	wait_for 5 journal_has "$c" "configuration $CONF reloaded" ||
	    fail "what the new process $new logs is not in journalctl -u mydaemon"
	wait_for 10 gone_in "$old" || fail "the old process $old is still there"
	assert_equal "$(get /health)" "200 ok"
	run m systemctl stop mydaemon
	assert_success
	wait_for 5 gone_in "$new" ||
	    fail "systemctl stop left the new process $new running"
}

# --- hybrid cgroups (v1 controllers and /sys/fs/cgroup/unified) ----------

@test "systemctl enable --now mydaemon: the unit is active and /health answers 200 ok inside the machine" {
	booted hybrid
	run m systemctl enable --now mydaemon
	assert_success
	run m systemctl is-active mydaemon
	assert_output active
	assert_equal "$(get /health)" "200 ok"
	run m systemctl is-enabled mydaemon
	assert_output enabled
}

@test "systemctl status shows the verdict with the shipped config: Status: \"health: ok\"" {
	booted hybrid
	started
	wait_for 5 status_is "health: ok" ||
	    fail "systemctl status shows Status: \"$(status_line)\""
}

@test "a drained host shows Status: \"health: maintenance\" across systemctl restart, and \"health: ok\" once undrained" {
	booted hybrid
	started
	run m mydaemon -s drain -r "boot test"
	assert_success
	wait_for 5 status_like '^health: maintenance' ||
	    fail "drained: Status: \"$(status_line)\""
	run m systemctl restart mydaemon
	assert_success
	assert_equal "$(get /health)" "503 maintenance"
	wait_for 5 status_like '^health: maintenance' ||
	    fail "drained and restarted: Status: \"$(status_line)\""
	run m mydaemon -s undrain
	assert_success
	wait_for 5 status_is "health: ok" ||
	    fail "undrained: Status: \"$(status_line)\""
}

@test "systemctl reload exits 0 with a good config, non-zero with a broken one, and the failure is in journalctl -p warning -u mydaemon" {
	booted hybrid
	started
	pid=$(prop MainPID)
	c=$(cursor)
	run m systemctl reload mydaemon
	assert_success
	assert journal_has "$c" "configuration $CONF reloaded"
	config "bogus = 1"
	run m systemctl reload mydaemon
	assert_failure
	assert_equal "$(prop ActiveState)" active
	assert_equal "$(prop MainPID)" "$pid"
	assert_equal "$(get /health)" "200 ok"
	wait_for 5 journal_has "$c" "reload failed" -u mydaemon -p warning ||
	    fail "journalctl -p warning -u mydaemon: $(journal "$c" -u mydaemon -p warning)"
	config
	run m systemctl reload mydaemon
	assert_success
}

@test "the journal: each line of the daemon at its own priority (notice 5, info 6) and with no timestamp of its own" {
	booted hybrid
	c=$(cursor)
	started
	pid=$(prop MainPID)
	wait_for 5 journal_has "$c" "started (pid $pid" -p 5..5 _PID="$pid" ||
	    fail "at notice (5): $(journal "$c" -p 5..5 _PID="$pid")"
	wait_for 5 journal_has "$c" "listening on 127.0.0.1:8080" -p 6..6 \
	    _PID="$pid" ||
	    fail "at info (6): $(journal "$c" -p 6..6 _PID="$pid")"
	run journal "$c" _PID="$pid"
	assert_success
	refute_line --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+'
	refute_line --regexp '^<[0-7]>'
}

@test "pidfile and state file: root's, 0644, naming MainPID; of /run the sandbox can write these two only; kill -HUP \$(cat /run/mydaemon.pid) reloads; stop empties it" {
	booted hybrid
	run m rm -f /run/mydaemon.pid /run/mydaemon.state
	started
	pid=$(prop MainPID)
	assert_equal "$(m cat /run/mydaemon.pid)" "$pid"
	for f in /run/mydaemon.pid /run/mydaemon.state; do
		run m stat -c '%U %a %F %h' "$f"
		assert_output "root 644 regular file 1"
	done
	run m mydaemon -s status
	assert_success
	# The daemon's mount namespace: only the two files are writable.
	run m nsenter -t "$pid" -m sh -c 'test -w /run/mydaemon.pid &&
	    test -w /run/mydaemon.state && echo both writable;
	    for p in /run /run/systemd /run/lock /etc /var/lib/mydaemon; do
		test -w $p && echo "$p writable"; done'
	assert_output "both writable
/var/lib/mydaemon writable"
	c=$(cursor)
	run msh 'kill -HUP $(cat /run/mydaemon.pid)'
	assert_success
	wait_for 5 journal_has "$c" "configuration $CONF reloaded"
	run m systemctl stop mydaemon
	assert_success
	run m sh -c '! test -s /run/mydaemon.pid'
	assert_success
	run m mydaemon -s status
	assert_equal "$status" 3
	# What is in the pidfile's place is refused, not followed.
	run msh 'rm -f /run/mydaemon.pid; echo x > /tmp/target
	    ln -s /tmp/target /run/mydaemon.pid; systemctl start mydaemon'
	assert_failure
	assert_equal "$(m cat /tmp/target)" x
	run m journalctl -u mydaemon -n 20 -o cat
	assert_output --partial "/run/mydaemon.pid is not a regular file"
	m systemctl stop mydaemon	# no more tries of Restart=on-failure
	m rm -f /run/mydaemon.pid
}

@test "systemd-analyze verify passes for the installed units, and security rates mydaemon.service 4.0 or better, inside the machine and offline on the host" {
	booted hybrid
	run m systemd-analyze verify --man=no mydaemon.service mydaemon.socket
	assert_success
	assert_output ""
	run m systemd-analyze security --no-pager mydaemon.service
	assert_success
	score=$(sed -n 's/.*Overall exposure level for mydaemon.service: \([0-9.]*\).*/\1/p' <<< "$output")
	[ -n "$score" ] || fail "no score in: $output"
	awk -v s="$score" 'BEGIN { exit !(s <= 4.0) }' ||
	    fail "exposure $score in the machine"
	command -v systemd-analyze > /dev/null ||
	    skip "no systemd-analyze on the host"
	run systemd-analyze security --offline=true --no-pager \
	    --root="$BOOT_DIR/root" mydaemon.service
	score=$(sed -n 's/.*Overall exposure level for mydaemon.service: \([0-9.]*\).*/\1/p' <<< "$output")
	[ -n "$score" ] || fail "no score in: $output"
	awk -v s="$score" 'BEGIN { exit !(s <= 4.0) }' ||
	    fail "exposure $score offline"
}

@test "Nagios plugins run by checks under the hardened unit: check_disk, check_load, check_procs (seeing root's PID 1), check_users and check_tcp say OK" {
	booted hybrid
	p=/usr/lib/nagios/plugins
	config "[check disk]" "command = $p/check_disk -w 2% -c 1% -p / -p /var/lib/mydaemon" \
	    "[check load]" "command = $p/check_load -w 100,100,100 -c 200,200,200" \
	    "[check procs]" "command = $p/check_procs -c 1:1 -C systemd" \
	    "[check users]" "command = $p/check_users -w 100 -c 200" \
	    "[check tcp]" "command = $p/check_tcp -H 127.0.0.1 -p 8080"
	started
	wait_for 10 health_is "200 ok" || fail "/health: $(get /health)"
	assert_equal "$(get /health/disk)" "200 ok"
	run m curl -s "$URL/status"
	assert_output --partial '"output":"DISK OK'
	assert_output --partial '"output":"LOAD OK'
	assert_output --partial "\"output\":\"PROCS OK: 1 process with command name 'systemd'"
	assert_output --partial '"output":"USERS OK'
	assert_output --partial '"output":"TCP OK'
}

@test "systemctl restart mydaemon without the socket: a new MainPID, active, /health 200 ok" {
	booted hybrid
	started
	old=$(prop MainPID)
	run m systemctl restart mydaemon
	assert_success
	assert_equal "$(prop ActiveState)" active
	new=$(prop MainPID)
	assert [ "$new" != "$old" ]
	assert_equal "$(m cat /run/mydaemon.pid)" "$new"
	assert_equal "$(get /health)" "200 ok"
}

@test "socket activation: the request that starts the daemon gets the real verdict, without a check and with one" {
	booted hybrid
	run m systemctl enable --now mydaemon.socket
	assert_success
	assert_equal "$(prop ActiveState)" inactive
	assert_equal "$(get /health)" "200 ok"
	assert_equal "$(prop ActiveState)" active
	run m systemctl stop mydaemon.service
	assert_success
	# A check whose first result takes a moment, as real ones do.
	config "[check load]" "command = /bin/sh -c 'sleep 0.5; exec /usr/lib/nagios/plugins/check_load -w 100,100,100 -c 200,200,200'"
	assert_equal "$(prop ActiveState)" inactive
	assert_equal "$(get /health)" "200 ok"
	assert_equal "$(prop ActiveState)" active
}

# The client's side, inside: connect, see the old process accept it,
# restart in the background, wait until the stop has begun, then send
# the request and read the answer.
LATE_REQUEST='
trap "" PIPE	# a closed connection is an answer too: an empty one
old=$(systemctl show -p MainPID --value mydaemon)
exec 3<> /dev/tcp/127.0.0.1/8080 || exit 10
accepted() {
	ss -Htnp state established "( sport = :8080 )" | grep -q "pid=$old,"
}
for i in $(seq 50); do accepted && break; sleep 0.1; done
accepted || { echo "pid $old did not accept the connection"; exit 11; }
systemctl restart mydaemon &
restart=$!
for i in $(seq 100); do
	[ "$(systemctl show -p ActiveState --value mydaemon)" != active ] ||
	    [ "$(systemctl show -p MainPID --value mydaemon)" != "$old" ] &&
	    break
	sleep 0.05
done
printf "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3
answer=$(timeout 10 cat <&3)
cr=$(printf "\r")
echo "answer: ${answer%%"$cr"*}"
wait $restart
echo "restart: $?"'

@test "with mydaemon.socket, systemctl restart: a connection the old process accepted, whose request comes after the stop began, gets 200" {
	booted hybrid
	run m systemctl enable --now mydaemon.socket
	assert_success
	started
	run msh "$LATE_REQUEST"
	assert_line "answer: HTTP/1.1 200 OK"
	assert_line "restart: 0"
	assert_equal "$(prop ActiveState)" active
	assert_equal "$(get /health)" "200 ok"
}

@test "hybrid cgroups: mydaemon -s restart leaves the unit active, the new process its MainPID, in its cgroup, logging to the journal" {
	booted hybrid
	started
	old=$(prop MainPID)
	run m mydaemon -s restart
	assert_success
	took_over "$old"
}

@test "service mydaemon upgrade under systemd: the new process is the unit's, in its cgroup, logging to the journal" {
	booted hybrid
	started
	old=$(prop MainPID)
	run m service mydaemon upgrade
	assert_success
	took_over "$old"
}

# watchdog SECONDS: a drop-in with WatchdogSec=SECONDS.
watchdog() {
	m sh -c "mkdir -p /etc/systemd/system/mydaemon.service.d &&
	    printf '[Service]\nWatchdogSec=%s\n' $1 > \
	    /etc/systemd/system/mydaemon.service.d/watchdog.conf &&
	    systemctl daemon-reload"
}

# fed SINCE PID: active with MainPID PID, never restarted, no watchdog
# timeout logged since cursor SINCE.
fed() {
	assert_equal "$(prop ActiveState)" active
	assert_equal "$(prop MainPID)" "$2"
	assert_equal "$(prop NRestarts)" 0
	run journal "$1"
	refute_output --partial "Watchdog timeout"
}

@test "the watchdog: with WatchdogSec=2s the unit stays active, same MainPID, past twice that" {
	booted hybrid
	watchdog 2s
	c=$(cursor)
	started
	pid=$(prop MainPID)
	assert_equal "$(prop WatchdogUSec)" 2s
	sleep 4.5	# what is measured is the time itself
	fed "$c" "$pid"
}

@test "the watchdog after mydaemon -s restart: the new process feeds it (WatchdogSec=2s, past twice that)" {
	booted hybrid
	watchdog 2s
	c=$(cursor)
	started
	old=$(prop MainPID)
	run m mydaemon -s restart
	assert_success
	new=$(m cat /run/mydaemon.pid)
	wait_for 10 prop_is MainPID "$new" ||
	    fail "MainPID=$(prop MainPID) $(prop ActiveState), not $new"
	sleep 4.5
	fed "$c" "$new"
}

# --- unified cgroups (cgroup2 only) --------------------------------------

@test "unified cgroups: mydaemon -s restart leaves the unit active, the new process its MainPID, in its cgroup, logging to the journal" {
	booted unified
	started
	old=$(prop MainPID)
	run m mydaemon -s restart
	assert_success
	took_over "$old"
}

# --- a reboot ------------------------------------------------------------

@test "a reboot: the enabled service runs again, and a drain made before it still holds" {
	booted unified
	run m systemctl enable mydaemon
	assert_success
	started
	run m mydaemon -s drain -r "before the reboot"
	assert_success
	m systemctl reboot || true	# it is killed as the machine goes down
	run "$MACHINE" wait "$BOOT_DIR" 60
	assert_output 133		# nspawn says: a reboot was asked for
	run "$MACHINE" boot "$BOOT_DIR" unified
	assert_success
	wait_for 10 prop_is ActiveState active ||
	    fail "after the reboot mydaemon is $(prop ActiveState)"
	assert_equal "$(get /health)" "503 maintenance"
	run m mydaemon -s undrain
	assert_success
	assert_equal "$(get /health)" "200 ok"
}

@test "the machine stops and leaves nothing: no process, no mount, no copy" {
	dir=$BOOT_DIR
	pidns=$(cat "$dir/leader.pidns")
	run "$MACHINE" destroy "$dir"
	assert_success
	BOOT_DIR=""
	assert [ ! -e "$dir" ]
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2> /dev/null)" != "$pidns" ] ||
		    fail "process ${p#/proc/} of the machine is left"
	done
	refute grep -qF "$dir" /proc/self/mountinfo
}
