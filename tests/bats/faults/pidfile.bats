#!/usr/bin/env bats
# Hostile pidfiles and kill -9 during start-up (SPEC §18, §8, §4): the
# lock decides who runs, never the number in the file; no tool signals a
# process that does not hold the lock; a start killed at any moment
# leaves either nothing or one daemon holding its lock.

load ../test_helper/faults_common

bats_require_minimum_version 1.5.0

# stop_is_harmless TRACE: `-s stop` exited 0 and sent no signal at all
# (nothing holds the lock, so there is nobody to signal).
stop_sent_nothing() {
	traced_ctl "$1" -s stop -p "$PIDFILE" -w 2
	assert_success
	assert_equal "$(kill_calls "$1")" ""
}

# start_over_it: a start over the pidfile as it is works, and the file
# then holds the daemon's PID and a newline, nothing else.
start_over_it() {
	start_daemon
	assert_equal "$(od -An -c "$PIDFILE" | tr -d ' \n')" "$(printf '%s\\n' "$DAEMON_PID")"
	assert_equal "$(holder)" "$DAEMON_PID"
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_success
	assert_output "mydaemon is running (pid $DAEMON_PID)"
	assert_health 200 ok
}

# stop_only_the_daemon TRACE: -s stop signals the lock holder and nobody
# else, and the pidfile goes.
stop_only_the_daemon() {
	traced_ctl "$1" -s stop -p "$PIDFILE"
	assert_success
	assert gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
	command -v strace > /dev/null || return 0
	run kill_calls "$1"
	assert_output --regexp "kill\\($DAEMON_PID, SIGTERM\\)"
	run grep -Ev "kill\\($DAEMON_PID, (SIGTERM|SIGKILL|0)\\)" <<< "$output"
	assert_output ""
}

@test "a pidfile that is a symlink: start refused with a clear message, status 4, stop signals nobody, the target untouched" {
	signal_recorder victim
	echo "$RECORDER" > "$T/target"
	ln -s "$T/target" "$PIDFILE"
	write_config
	run "$MYDAEMON" -c "$CONF"
	assert_failure 1
	assert_output "mydaemon: cannot lock pidfile $PIDFILE: Too many levels of symbolic links"
	assert_equal "$(daemons_on "$CONF")" ""
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 4
	assert_output --partial "cannot read $PIDFILE"
	stop_sent_nothing "$T/stop.trace"
	assert_equal "$(cat "$T/target")" "$RECORDER"
	assert [ -L "$PIDFILE" ]
	assert alive "$RECORDER"
	assert_equal "$(signals_of victim)" ""
	stop_recorder
}

@test "a pidfile of garbage: status 1, stop signals nobody, start replaces it" {
	head -c 300 /dev/urandom > "$PIDFILE"
	printf '\n12abc\0\377-7\n' >> "$PIDFILE"
	write_config
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	stop_sent_nothing "$T/stop0.trace"
	head -c 300 /dev/urandom > "$PIDFILE"
	start_over_it
	stop_only_the_daemon "$T/stop1.trace"
}

@test "a huge pidfile (1 MB of digits): status 1, stop signals nobody, start replaces it" {
	head -c 1048576 /dev/zero | tr '\0' '7' > "$PIDFILE"
	write_config
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	stop_sent_nothing "$T/stop0.trace"
	head -c 1048576 /dev/zero | tr '\0' '7' > "$PIDFILE"
	start_over_it
	assert [ "$(stat -c %s "$PIDFILE")" -lt 16 ]
	stop_only_the_daemon "$T/stop1.trace"
}

@test "a pidfile saying -1: status 1, stop signals nobody (not every process), start replaces it" {
	signal_recorder victim
	echo -1 > "$PIDFILE"
	write_config
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	stop_sent_nothing "$T/stop0.trace"
	echo -1 > "$PIDFILE"
	start_over_it
	stop_only_the_daemon "$T/stop1.trace"
	assert alive "$RECORDER"
	assert_equal "$(signals_of victim)" ""
	stop_recorder
}

@test "a pidfile naming an unrelated live process: status 1, start works, no action ever signals that process" {
	signal_recorder victim
	echo "$RECORDER" > "$PIDFILE"
	write_config
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	for action in reload reopen drain undrain; do
		run "$MYDAEMON" -s "$action" -p "$PIDFILE" -c "$CONF" -w 1
		echo "$RECORDER" > "$PIDFILE"
	done
	stop_sent_nothing "$T/stop0.trace"
	echo "$RECORDER" > "$PIDFILE"
	start_over_it
	assert [ "$DAEMON_PID" != "$RECORDER" ]
	stop_only_the_daemon "$T/stop1.trace"
	assert alive "$RECORDER"
	assert_equal "$(signals_of victim)" ""
	stop_recorder
}

@test "a pidfile naming PID 1: status 1, stop never signals PID 1, start replaces it" {
	command -v strace > /dev/null || skip "strace shows what is signalled: not installed"
	echo 1 > "$PIDFILE"
	write_config
	run "$MYDAEMON" -s status -p "$PIDFILE"
	assert_equal "$status" 1
	assert_output --partial "not running but pidfile $PIDFILE exists"
	stop_sent_nothing "$T/stop0.trace"
	echo 1 > "$PIDFILE"
	start_over_it
	stop_only_the_daemon "$T/stop1.trace"
	run kill_calls "$T/stop1.trace"
	refute_output --regexp 'kill\(1, '
}

# --- kill -9 during start-up ------------------------------------------------

# consistent: what runs on $CONF is nothing, or exactly one daemon that
# holds the lock of its pidfile and is named in it.  Sets $why.
consistent() {
	local pids st out
	pids=$(daemons_on "$CONF")
	for p in $pids; do
		remember_pid "$p"
	done
	st=0
	out=$("$MYDAEMON" -s status -p "$PIDFILE" 2>&1) || st=$?
	case $(wc -w <<< "$pids") in
	0)
		why="nothing runs, status $st: $out"
		[ "$st" = 1 ] || [ "$st" = 3 ]
		;;
	1)
		why="pid $pids runs, status $st: $out, pidfile: $(cat "$PIDFILE" 2> /dev/null)"
		[ "$st" = 0 ] && [ "$out" = "mydaemon is running (pid $pids)" ] &&
			[ "$(cat "$PIDFILE" 2> /dev/null)" = "$pids" ]
		;;
	*)
		why="more than one: $pids"
		return 1
		;;
	esac
}

# KILLER: one round of the kill test, as python3 -c "$KILLER" MODE WINDOW
# MYDAEMON -c CONF: start that, wait a random 0..WINDOW ms, then SIGKILL
# the starter (MODE 0), the newest other process of that start: the
# daemon, or its session leader before the last fork (1), or all of them
# (2); wait for the starter and print what was done.  The killer is a
# child subreaper, so that the daemon, orphaned by its session leader,
# is found among its descendants in no time.
KILLER='import ctypes, os, random, subprocess, sys, time
mode, window, argv = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)     # PR_SET_CHILD_SUBREAPER
def kids(pid):
    out = []
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out
def descendants(pid):
    todo, found = kids(pid), []
    while todo:
        p = todo.pop()
        found.append(p)
        todo += kids(p)
    return sorted(found)
def live(p):
    try:
        with open("/proc/%d/stat" % p) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
delay = random.uniform(0, window) / 1000
starter = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
time.sleep(delay)
if mode == 0:
    victims = [starter.pid]
else:
    others = [p for p in descendants(os.getpid()) if p != starter.pid]
    victims = ([starter.pid] if mode == 2 else []) + (others[-1:] if
        mode == 1 else others)
    victims = victims or [starter.pid]
for p in victims:
    try:
        os.kill(p, 9)
    except ProcessLookupError:
        pass
try:
    rc = starter.wait(timeout=10)
except subprocess.TimeoutExpired:
    print("the starter hangs")
    sys.exit(1)
err = starter.stderr.read().decode(errors="replace").strip()
print("delay %.2f ms, killed %s (%s), starter %d %s" % (delay * 1000,
    victims, ",".join("live" if live(p) else "gone" for p in victims), rc,
    err))
'

# startup_ms: how long a whole start takes here, in ms (the fastest of
# five, timed as the killer times its delay).
startup_ms() {
	"$PY" -S -c 'import subprocess, sys, time
best = 1
for i in range(5):
    t0 = time.monotonic()
    if subprocess.run(sys.argv[1:4]).returncode != 0:
        sys.exit(1)
    best = min(best, time.monotonic() - t0)
    subprocess.run(sys.argv[4:])
print("%.2f" % (best * 1000))
' "$MYDAEMON" -c "$CONF" "$MYDAEMON" -s stop -p "$PIDFILE"
}

@test "kill -9 of the starter or the daemon at random moments of start-up, 30 rounds: never a daemon without its lock, never two, the next start works" {
	write_config
	rounds=${MYDAEMON_KILL_ROUNDS:-30}
	# Random moments of a start-up as long as it takes here (a couple of
	# ms), and a bit after: 0 to twice that, at most 20 ms.
	ms=$(startup_ms) || fail "cannot time a start: $ms"
	window=$(awk -v ms="$ms" 'BEGIN { w = ms * 2; print (w > 20 ? 20 : w) }')
	echo "a start takes $ms ms: delays of 0 to $window ms" > "$T/rounds"
	for ((r = 0; r < rounds; r++)); do
		# Plain commands, not run/assert: 30 rounds of bats' own overhead
		# would cost seconds.
		out=$("$PY" -S -c "$KILLER" $((r % 3)) "$window" "$MYDAEMON" -c "$CONF" 2>&1) ||
			fail "round $r: $out"
		echo "round $r: $out" >> "$T/rounds"
		why=
		wait_for 5 consistent || fail "round $r ($out): $why"
		# and the next start works, whatever was left.
		out=$("$MYDAEMON" -c "$CONF" 2>&1) ||
			fail "round $r: the next start failed: $out"
		DAEMON_PID=$(holder)
		[ -n "$DAEMON_PID" ] || fail "round $r: started, but nobody holds the lock"
		remember_pid "$DAEMON_PID"
		consistent || fail "round $r, after the next start: $why"
		health_is 200 ok || fail "round $r: /health answers $status_code $body"
		out=$("$MYDAEMON" -s stop -p "$PIDFILE" 2>&1) ||
			fail "round $r: stop failed: $out"
		# (-s stop returns at the lock's release, a moment before the
		# exit: see the test below.)
		wait_for 2 gone "$DAEMON_PID" || fail "round $r: pid $DAEMON_PID outlived its stop"
		[ -z "$(daemons_on "$CONF")" ] || fail "round $r: left after stop: $(daemons_on "$CONF")"
	done
	cat "$T/rounds"
}

traced() {
	[ "$(proc_field "$1" TracerPid)" != 0 ]
}

@test "-s stop returns only once the daemon has exited, also when its last steps take a while" {
	command -v strace > /dev/null || skip "needs strace to slow the exit down"
	write_config
	# LeakSanitizer (an ASan build) cannot run its exit check traced.
	NOLEAK "$MYDAEMON" -c "$CONF"
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	# Its very last system call, exit_group, takes 1 s: the process is
	# there until then (not a zombie: it has not exited).
	strace -qq -p "$DAEMON_PID" -o /dev/null -e trace=exit_group \
		-e inject=exit_group:delay_enter=1000000 3>&- &
	tracer=$!
	remember_pid "$tracer"
	wait_for 5 traced "$DAEMON_PID"
	run "$MYDAEMON" -s stop -p "$PIDFILE"
	assert_success
	state=$(proc_state "$DAEMON_PID")
	wait_gone "$DAEMON_PID" 5
	wait_gone "$tracer" 5
	# finding: -s stop returns as soon as the daemon lets go of its lock,
	# which it does before its last steps ("exiting" is logged after it):
	# here the process is still running ("$state") when -s stop has
	# returned 0 (SPEC §4: -s stop returns once the process has exited).
	[ -z "$state" ] || [ "$state" = Z ] ||
		fail "-s stop returned while pid $DAEMON_PID was still there (state $state)"
}
