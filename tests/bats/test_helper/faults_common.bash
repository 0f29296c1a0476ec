# faults_common.bash - what the fault suites (tests/bats/faults/*.bats)
# share on top of common.bash: processes left behind by their command line,
# descriptor and memory counts, whole log lines, a tmpfs of the test's
# own, and a process that records every signal it gets.
#
# Whatever a helper starts or mounts is recorded and undone by
# faults_teardown, by PID or by mount point, never by name.

# load is relative to the suite's file, one folder below tests/bats/.
load ../test_helper/common
load ../test_helper/install	# daemons_on

# PY: the python3 interpreter itself, not a wrapper that finds it (a
# pyenv shim costs 0.1 s a start): for what a test starts many times.
: "${PY:=$(python3 -S -c 'import sys; print(sys.executable)' 2> /dev/null || echo python3)}"
export PY

setup() {
	common_setup
	: > "$T/mounts"
}

teardown() {
	faults_teardown
}

# faults_teardown: stop what the test started (by PID), then unmount
# what it mounted, newest first; a mount still busy is detached (-l).
faults_teardown() {
	local m pid
	for pid in $(daemons_on "$CONF"); do
		remember_pid "$pid"
	done
	common_teardown
	[ -f "$T/mounts" ] || return 0
	tac "$T/mounts" | while read -r m; do
		[ -n "$m" ] || continue
		mountpoint -q "$m" || continue
		umount "$m" 2> /dev/null || umount -l "$m" || true
	done
}

# needs_root WHAT: skip unless root.
needs_root() {
	[ "$(id -u)" = 0 ] || skip "needs root: $*"
}

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (e.g. 256k) at DIR, made if need
# be; unmounted by faults_teardown.  Skips when it cannot be mounted.
mount_tmpfs() {
	needs_root "mount a tmpfs"
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0755" faults "$1" 2> "$T/mount.err" ||
		skip "cannot mount a tmpfs: $(cat "$T/mount.err")"
	echo "$1" >> "$T/mounts"
}

# fill_up DIR: fill the file system of DIR to the last block.
fill_up() {
	local bs
	for bs in 64k 4k 512 1; do
		dd if=/dev/zero of="$1/fill.$bs" bs="$bs" 2> /dev/null || true
	done
	[ "$(df --output=avail "$1" | tail -n 1 | tr -d ' ')" = 0 ]
}

# nothing_left N...: no process runs "sleep N" for any N; says which do.
nothing_left() {
	local n p rc=0
	for n in "$@"; do
		p=$(pids_running sleep "$n")
		[ -z "$p" ] || { echo "still running: sleep $n (pid $p)"; rc=1; }
	done
	return "$rc"
}

# fd_count_at_most PID N: a condition for wait_for.
fd_count_at_most() {
	[ "$(fd_count "$1")" -le "$2" ]
}

# cpu_ticks PID: user + system time of PID, in clock ticks.
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# rss_kb PID: VmRSS in KiB.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# proc_state PID: the one-letter state of PID (R, S, T, Z, ...).
proc_state() {
	sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1
}

asan_build() {
	nm "$MYDAEMON" 2> /dev/null | grep -q __asan_init
}

# holder: the PID holding the lock of $PIDFILE, as the binary sees it
# (empty when none).
holder() {
	"$MYDAEMON" -s status -p "$PIDFILE" 2> /dev/null |
		sed -n 's/.*(pid \([0-9]*\))$/\1/p'
}

# metric SAMPLE: metric_value, or "none" when there is no such sample or
# no answer.
metric() {
	metric_value "$1" 2> /dev/null || echo none
}

# LINE_RE: a whole log line as the SPEC writes it (any pid, any level).
LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} mydaemon\[[0-9]+\]: (error|warning|notice|info|debug): [^[:cntrl:]]*$'

# whole_lines FILE: FILE is not empty, ends with a newline, holds no NUL
# and every line of it is a whole log line; otherwise shows the first
# offending line and fails.  It looks at one copy of FILE: the daemon may
# append meanwhile.  (Look at a log only when the daemon has nothing to
# write, or a line being appended may show half-way.)
whole_lines() {
	local bad copy=$T/whole_lines.copy
	cp "$1" "$copy" || return 1
	[ -s "$copy" ] || { echo "$1 is empty"; return 1; }
	[ "$(tail -c 1 "$copy" | od -An -c | tr -d ' ')" = '\n' ] ||
		{ echo "$1 does not end with a newline: $(tail -c 80 "$copy" | od -c | head -n 3)"; return 1; }
	if [ "$(tr -d '\000' < "$copy" | wc -c)" != "$(wc -c < "$copy")" ]; then
		echo "$1 holds NUL bytes at: $(grep -abo -P '\x00+' "$copy" | head -n 3 | cut -d: -f1 | tr '\n' ' ')"
		return 1
	fi
	bad=$(grep -Evn -- "$LINE_RE" "$copy" | head -n 3)
	[ -z "$bad" ] || { echo "torn or foreign lines in $1:"; echo "$bad"; return 1; }
}

# state_number KEY: a numeric field of the state file, 0 when absent.
state_number() {
	local v
	v=$(state_field "$1")
	echo "${v:-0}"
}

# signal_recorder NAME: start a process, our child, that records the name
# of every catchable signal it gets in $T/NAME.signals; its PID goes to
# $RECORDER.  The test ends it with stop_recorder (teardown's SIGTERM
# would only be recorded: it takes teardown's SIGKILL 5 s later).
signal_recorder() {
	python3 -S -c 'import os, signal, sys, time
out = sys.argv[1]
def rec(sig, frame):
    with open(out, "a") as f:
        f.write(signal.Signals(sig).name + "\n")
for s in signal.valid_signals():
    if s in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
        continue
    try:
        signal.signal(s, rec)
    except (OSError, ValueError, RuntimeError):
        pass
open(out + ".ready", "w").close()
while True:
    time.sleep(3600)
' "$T/$1.signals" 3>&- &
	RECORDER=$!
	remember_pid "$RECORDER"
	wait_for 5 test -e "$T/$1.signals.ready"
}

# stop_recorder: end the recorder (it records SIGTERM and goes on).
stop_recorder() {
	kill -KILL "$RECORDER"
	wait_gone "$RECORDER"
}

# signals_of NAME: what the recorder NAME received, one a line.
signals_of() {
	cat "$T/$1.signals" 2> /dev/null || true
}

# kill_calls FILE: the kill-family system calls strace wrote to FILE.
kill_calls() {
	grep -E '(^|[[:space:]])(kill|tkill|tgkill|pidfd_send_signal|rt_sigqueueinfo)\(' "$1" || true
}

# NOLEAK CMD...: CMD with LeakSanitizer off, for a binary of an ASan
# build that runs traced (LeakSanitizer cannot work under ptrace, and
# says so in a report); nothing changes for other builds.
NOLEAK() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@"
}

# traced_ctl OUT ARGS...: `mydaemon ARGS` under strace, which writes the
# signals it sends to OUT; $status and $output as from `run`.  Without
# strace, plain `run` (and OUT stays empty).
traced_ctl() {
	local out=$1
	shift
	: > "$out"
	if command -v strace > /dev/null; then
		run NOLEAK strace -f -qq -o "$out" \
			-e trace=kill,tkill,tgkill,pidfd_send_signal,rt_sigqueueinfo \
			"$MYDAEMON" "$@"
	else
		run "$MYDAEMON" "$@"
	fi
}
