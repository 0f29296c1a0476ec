#!/usr/bin/env bats
# The built-in probes that are a few system calls (SPEC 19): a daemon by
# its pidfile (alive, not recycled, the lock's holder, watched until it
# exits), a file's age and size, a file system's free space; what they
# say on /health/NAME, /status and /metrics.

load test_helper/common

bats_require_minimum_version 1.5.0

# probe NAME LINE...: a [check NAME] section.
probe() {
	printf '[check %s]\n' "$1"
	shift
	printf '%s\n' "$@"
}

# health_of PATH: "CODE BODY" of GET PATH.
health_of() {
	local code
	code=$(curl -s --max-time 5 -o "$T/h" -w '%{http_code}' \
		"http://127.0.0.1:$PORT$1") || true
	printf '%s %s' "$code" "$(cat "$T/h")"
}

# health_starts PATH PREFIX: GET PATH answers "CODE BODY" starting so.
health_starts() {
	local got
	got=$(health_of "$1")
	[ "${got#"$2"}" != "$got" ]
}

# output_of NAME: the output (text and performance data) of check NAME.
output_of() {
	http_get /status
	python3 -S - "$T/body" "$1" <<-'PY'
	import json, sys
	for c in json.load(open(sys.argv[1]))["checks"]:
	    if c["name"] == sys.argv[2]:
	        sys.stdout.write(c["output"] or "")
	PY
}

# output_has NAME REGEX: the output of check NAME matches (a condition).
output_has() {
	[[ "$(output_of "$1")" =~ $2 ]]
}

# comm_is PID NAME: the process's name is NAME (a fork is its parent's
# until it has run exec).
comm_is() {
	[ "$(cat "/proc/$1/comm" 2> /dev/null)" = "$2" ]
}

# sleeper: a process that sleeps until stopped, its pid in SLEEPER.
sleeper() {
	sleep "$(uniq_secs)" 3>&- &
	SLEEPER=$!
	remember_pid "$SLEEPER"
	wait_for 5 comm_is "$SLEEPER" sleep
}

# locker FILE [own]: a process holding a POSIX (fcntl) lock on all of
# FILE and sleeping, its pid in LOCKER; with "own" it writes its pid in
# FILE, as a daemon does.  Back once the lock is taken.
locker() {
	rm -f "$T/locked"
	python3 -S -c 'import fcntl, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
if sys.argv[3] == "own":
    f.truncate(0)
    f.write("%d\n" % os.getpid())
    f.flush()
open(sys.argv[2], "w").close()
time.sleep(100000)' "$1" "$T/locked" "${2:-}" 3>&- &
	LOCKER=$!
	remember_pid "$LOCKER"
	wait_for 5 test -e "$T/locked"
}

# one_check NAME LINE...: a config of one check that fails at once.
one_check() {
	write_config "$(probe "$@" "fall = 1")"
}

# --- process ---------------------------------------------------------------

@test "a live process named by its pidfile is OK, with its name, pid, uptime" {
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	one_check app "process = $T/app.pid" "process_name = sleep"
	start_daemon
	wait_check_runs 1 5 app
	assert_equal "$(health_of /health/app)" "200 ok"
	run output_of app
	assert_output --regexp "^PROCESS OK - sleep \(pid $SLEEPER\) up [0-9]+s\|uptime=[0-9]+s$"
	run metric_value "mydaemon_check_perfdata{check=\"app\",label=\"uptime\",unit=\"seconds\"}"
	assert_success
	stop_daemon
}

@test "a missing pidfile, one without a pid and one naming a dead process are CRITICAL" {
	sleep 0 3>&- &
	dead=$!
	wait "$dead" || true
	printf 'nginx\n' > "$T/garbage.pid"
	printf '%s\n' "$dead" > "$T/dead.pid"
	write_config "$(probe missing "process = $T/none.pid")" \
		"$(probe garbage "process = $T/garbage.pid")" \
		"$(probe dead "process = $T/dead.pid")"
	start_daemon
	wait_check_runs 1 5 dead
	wait_check_runs 1 5 garbage
	wait_check_runs 1 5 missing
	assert_equal "$(health_of /health/missing)" \
		"503 critical: PROCESS CRITICAL - $T/none.pid: No such file or directory"
	assert_equal "$(health_of /health/garbage)" \
		"503 critical: PROCESS CRITICAL - $T/garbage.pid does not hold a pid"
	assert_equal "$(health_of /health/dead)" \
		"503 critical: PROCESS CRITICAL - $T/dead.pid: no such process $dead"
	stop_daemon
}

@test "a zombie is not a live process" {
	# sh forks a child that exits, then becomes a sleep that never reaps it
	sh -c 'sleep 0 & echo $! > "$1"; exec sleep 100000' sh "$T/z.pid" 3>&- &
	remember_pid $!
	wait_for 5 test -s "$T/z.pid"
	zombie=$(cat "$T/z.pid")
	wait_for 5 gone "$zombie"
	one_check z "process = $T/z.pid"
	start_daemon
	wait_check_runs 1 5 z
	assert_equal "$(health_of /health/z)" \
		"503 critical: PROCESS CRITICAL - $T/z.pid: pid $zombie is a zombie"
	stop_daemon
}

@test "a recycled pid, another process than process_name, is CRITICAL" {
	sleeper
	echo "$SLEEPER" > "$T/nginx.pid"
	one_check web "process = $T/nginx.pid" "process_name = nginx"
	start_daemon
	wait_check_runs 1 5 web
	assert_equal "$(health_of /health/web)" \
		"503 critical: PROCESS CRITICAL - $T/nginx.pid: pid $SLEEPER is \"sleep\", not \"nginx\""
	stop_daemon
}

@test "a pidfile locked by another process than the one it names is CRITICAL; by that one, OK" {
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	locker "$T/app.pid"
	locker_other=$LOCKER
	locker "$T/own.pid" own
	write_config "$(probe stolen "process = $T/app.pid")" \
		"$(probe own "process = $T/own.pid")"
	start_daemon
	wait_check_runs 1 5 stolen
	wait_check_runs 1 5 own
	assert_equal "$(health_of /health/stolen)" \
		"503 critical: PROCESS CRITICAL - $T/app.pid: locked by pid $locker_other but names pid $SLEEPER"
	assert_equal "$(health_of /health/own)" "200 ok"
	run output_of own
	assert_output --regexp "^PROCESS OK - python3[.0-9]* \(pid $LOCKER\) up "
	stop_daemon
}

# need_pidfd: the kernel has pidfd_open(2) (5.3), which the daemon
# watches a process with; without it only the interval sees a death.
need_pidfd() {
	python3 -S -c 'import os; os.close(os.pidfd_open(os.getpid()))' \
		2> /dev/null || skip "no pidfd_open(2) here"
}

# latency_to_503 NAME PID: kill PID, then poll /health/NAME every 10 ms
# for at most 2 s until it answers 503; the latency in ms in LATENCY.
latency_to_503() {
	local t0 t1 i
	t0=$(date +%s%N)
	kill -TERM "$2"
	for ((i = 0; i < 200; i++)); do
		if health_starts "/health/$1" "503 critical: PROCESS CRITICAL - "
		then
			t1=$(date +%s%N)
			LATENCY=$(( (t1 - t0) / 1000000 ))
			echo "# /health/$1 turned 503 ${LATENCY} ms after the kill" >&3
			return 0
		fi
		sleep 0.01
	done
	echo "/health/$1 still not 503 2 s after the kill" >&2
	return 1
}

@test "the watched process dies: /health/NAME turns 503 at once, not at the next interval" {
	need_pidfd
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	write_config "$(probe app "process = $T/app.pid" "interval = 1h" \
		"fall = 1")"
	start_daemon
	wait_check_runs 1 5 app
	assert_equal "$(health_of /health/app)" "200 ok"
	latency_to_503 app "$SLEEPER"
	assert_equal "$(check_runs app)" 2
	run output_of app
	assert_output --regexp "^PROCESS CRITICAL - $T/app.pid: (no such process $SLEEPER|pid $SLEEPER is a zombie)$"
	stop_daemon
}

@test "a restart of the watched process (a new pid written) is picked up and watched in its turn" {
	need_pidfd
	sleeper
	old=$SLEEPER
	echo "$old" > "$T/app.pid"
	write_config "$(probe app "process = $T/app.pid" "interval = 1h" \
		"fall = 1")"
	start_daemon
	wait_check_runs 1 5 app
	# as a daemon restarts: the new one writes its pid, the old one exits
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	kill -TERM "$old"
	wait_for 2 output_has app "^PROCESS OK - sleep \(pid $SLEEPER\) "
	assert_equal "$(health_of /health/app)" "200 ok"
	latency_to_503 app "$SLEEPER"
	stop_daemon
}

@test "a new pid in the pidfile is seen at the next run, and the old process is no longer watched" {
	need_pidfd
	sleeper
	old=$SLEEPER
	echo "$old" > "$T/app.pid"
	write_config "$(probe app "process = $T/app.pid" "interval = 1h")"
	start_daemon
	wait_check_runs 1 5 app
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	# a changed interval runs the check at once (and keeps its probe)
	write_config "$(probe app "process = $T/app.pid" "interval = 2h")"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 output_has app "^PROCESS OK - sleep \(pid $SLEEPER\) "
	runs=$(check_runs app)
	kill -TERM "$old"
	wait_gone "$old"
	latency_to_503 app "$SLEEPER"
	# one run since: the new one's death (the old one's made none)
	assert_equal "$(check_runs app)" "$((runs + 1))"
	stop_daemon
}

@test "a process probe removed by a reload leaves no descriptor open" {
	need_pidfd
	sleeper
	echo "$SLEEPER" > "$T/app.pid"
	touch "$T/stamp"
	write_config "$(probe stamp "file = $T/stamp")"
	start_daemon
	wait_check_runs 1 5 stamp
	before=$(fd_count "$DAEMON_PID")
	write_config "$(probe stamp "file = $T/stamp")" \
		"$(probe app "process = $T/app.pid")"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_check_runs 1 5 app
	assert_equal "$(health_of /health/app)" "200 ok"
	# the pidfd watching it
	assert_equal "$(fd_count "$DAEMON_PID")" "$((before + 1))"
	write_config "$(probe stamp "file = $T/stamp")"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_equal "$(health_of /health/app)" "404 no such check"
	assert_equal "$(fd_count "$DAEMON_PID")" "$before"
	stop_daemon
}

# --- file ------------------------------------------------------------------

@test "a fresh file is OK, with its age and size" {
	printf '0123456789' > "$T/stamp"
	one_check stamp "file = $T/stamp" "max_age = 1h" "min_size = 10"
	start_daemon
	wait_check_runs 1 5 stamp
	assert_equal "$(health_of /health/stamp)" "200 ok"
	run output_of stamp
	assert_output --regexp "^FILE OK - $T/stamp is [0-9]+s old, 10 B\|age=[0-9]+s;;3600 size=10B$"
	assert_equal "$(metric_value 'mydaemon_check_perfdata{check="stamp",label="size",unit="bytes"}')" 10
	stop_daemon
}

@test "a stale file, a missing one and one too small are CRITICAL" {
	touch -d '2 hours ago' "$T/old"
	printf 'abc' > "$T/small"
	write_config "$(probe old "file = $T/old" "max_age = 1h")" \
		"$(probe gone "file = $T/nothing")" \
		"$(probe small "file = $T/small" "min_size = 100")"
	start_daemon
	wait_check_runs 1 5 old
	wait_check_runs 1 5 gone
	wait_check_runs 1 5 small
	assert_equal "$(health_of /health/old)" \
		"503 critical: FILE CRITICAL - $T/old is 2h old (max_age 1h)"
	assert_equal "$(health_of /health/gone)" \
		"503 critical: FILE CRITICAL - $T/nothing: No such file or directory"
	assert_equal "$(health_of /health/small)" \
		"503 critical: FILE CRITICAL - $T/small is 3 B (min_size 100 B)"
	stop_daemon
}

@test "thresholds on a file's age: warning, critical wins, and both in the performance data" {
	touch -d '2 hours ago' "$T/stamp"
	write_config "$(probe warn "file = $T/stamp" "warning = 1h" \
		"critical = 3h")" \
		"$(probe crit "file = $T/stamp" "warning = 1h" \
		"critical = 90m")" \
		"$(probe fine "file = $T/stamp" "warning = 3h")"
	start_daemon
	wait_check_runs 1 5 warn
	wait_check_runs 1 5 crit
	wait_check_runs 1 5 fine
	assert_equal "$(health_of /health/warn)" \
		"200 warning: FILE WARNING - $T/stamp is 2h old (warning 1h), 0 B"
	assert_equal "$(health_of /health/crit)" \
		"503 critical: FILE CRITICAL - $T/stamp is 2h old (critical 1h 30m), 0 B"
	assert_equal "$(health_of /health/fine)" "200 ok"
	run output_of warn
	assert_output --regexp "\|age=72[0-9][0-9]s;3600;10800 size=0B$"
	stop_daemon
}

# --- disk ------------------------------------------------------------------

@test "disk thresholds in percent and bytes give OK, WARNING and CRITICAL" {
	write_config "$(probe never "disk = $T" "warning = 1B" "critical = 1B")" \
		"$(probe warn "disk = $T" "warning = 100%" "critical = 1B")" \
		"$(probe crit "disk = $T" "warning = 1B" "critical = 100%")" \
		"$(probe gone "disk = $T/nothing")"
	start_daemon
	for c in never warn crit gone; do
		wait_check_runs 1 5 "$c"
	done
	assert_equal "$(health_of /health/never)" "200 ok"
	run health_of /health/warn
	assert_output --regexp "^200 warning: DISK WARNING - $T [0-9]+\.[0-9]% free \([0-9.]+ [KMGTPE]?B of [0-9.]+ [KMGTPE]?B\)"
	run health_of /health/crit
	assert_output --regexp "^503 critical: DISK CRITICAL - $T [0-9]+\.[0-9]% free \("
	assert_equal "$(health_of /health/gone)" \
		"503 critical: DISK CRITICAL - $T/nothing: No such file or directory"
	stop_daemon
}

@test "a disk probe's free space and size reach /metrics in bytes, its thresholds converted" {
	write_config "$(probe disk "disk = $T" "warning = 50%" "critical = 1B")"
	start_daemon
	wait_check_runs 1 5 disk
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	run python3 -S - "$T/metrics" "$T" <<-'PY'
	import os, sys
	m = {}
	for line in open(sys.argv[1]):
	    if not line.startswith("#"):
	        k, v = line.rsplit(" ", 1)
	        m[k] = float(v)
	def get(name, label, unit):
	    return m['%s{check="disk",label="%s",unit="%s"}' % (name, label, unit)]
	vfs = os.statvfs(sys.argv[2])
	size = vfs.f_blocks * vfs.f_frsize
	assert get("mydaemon_check_perfdata_max", "free", "bytes") == size
	assert 0 < get("mydaemon_check_perfdata", "free", "bytes") <= size
	assert get("mydaemon_check_perfdata_min", "free", "bytes") == 0
	# 50% of what df's percentages are of: used plus available
	half = (vfs.f_blocks - vfs.f_bfree + vfs.f_bavail) * vfs.f_frsize / 2
	warn = get("mydaemon_check_perfdata_warning_high", "free", "bytes")
	assert abs(warn - half) <= size / 100, (warn, half)
	assert get("mydaemon_check_perfdata_critical_high", "free", "bytes") == 1
	if vfs.f_files:
	    assert 0 <= get("mydaemon_check_perfdata", "free_inodes", "percent") <= 100
	PY
	assert_success
	stop_daemon
}

# --- reloads and the daemon's own pidfile --------------------------------------

@test "a reload that changes only a probe's settings runs it again at once" {
	touch -d '2 hours ago' "$T/stamp"
	write_config "$(probe stamp "file = $T/stamp" "max_age = 3h" \
		"interval = 1h" "fall = 1")"
	start_daemon
	wait_check_runs 1 5 stamp
	assert_equal "$(health_of /health/stamp)" "200 ok"
	# the same file, a tighter max_age: only the reload can run it now
	write_config "$(probe stamp "file = $T/stamp" "max_age = 1h" \
		"interval = 1h" "fall = 1")"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 health_starts /health/stamp "503 critical: FILE CRITICAL"
	run output_of stamp
	assert_output --regexp "is 2h old \(max_age 1h\)"
	stop_daemon
}

@test "a reload that turns a probe into a command runs the command, again and again" {
	touch "$T/stamp"
	write_config "$(probe swap "file = $T/stamp" "interval = 200ms")"
	start_daemon
	wait_check_runs 2 5 swap
	write_config "$(probe swap "command = echo from the command" \
		"interval = 200ms")"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 health_starts /health/swap "200 ok"
	runs=$(check_runs swap)
	wait_check_runs $((runs + 3)) 5 swap
	run output_of swap
	assert_output "from the command"
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "a process probe of mydaemon's own pidfile: refused by -t, never read by a daemon started with -p" {
	write_config "$(probe self "process = $PIDFILE")"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure
	assert_output --partial "[check self] process: $PIDFILE is mydaemon's own pidfile"
	# -p names the file the config does not know as its pidfile
	write_config "pidfile = none" "$(probe self "process = $T/other.pid" \
		"interval = 50ms")"
	"$MYDAEMON" -c "$CONF" -p "$T/other.pid"
	pid=$(cat "$T/other.pid")
	remember_pid "$pid"
	wait_check_runs 3 5 self
	run output_of self
	assert_output "PROCESS UNKNOWN - $T/other.pid is mydaemon's own pidfile: not read (that would drop the daemon's lock on it)"
	# the lock is still there: -s status and -s stop find the daemon
	run "$MYDAEMON" -s status -c "$CONF" -p "$T/other.pid"
	assert_success
	run "$MYDAEMON" -s stop -c "$CONF" -p "$T/other.pid"
	assert_success
	wait_gone "$pid" 5
}
