#!/usr/bin/env bats
# A daemon in a chroot, as a package build runs its tests (sbuild and
# pbuilder build in a debootstrap chroot): `mydaemon -s restart` run in
# the same chroot starts the new process there too, a chroot is not left
# (SPEC 16), also when the old process has systemd's notification socket
# and the new one joins its mount namespace: when that namespace is
# ours, and when it is another one.
#
# The chroot is made under $T for each test: the binary, the libraries
# ldd names, a config, /dev/null and a /proc of its own, mounted under
# the chroot and unmounted in teardown once every process is stopped.
# No shell: the daemon needs none.

load test_helper/common

bats_require_minimum_version 1.5.0

RECV=$BATS_TEST_DIRNAME/test_helper/notify_recv.py

# The build tree under test: the one `make check` names, else the one
# above the binary.  A sanitizer build writes its reports under a
# directory of its own (base/build.h): the chroot has one at the same path,
# whose reports teardown copies out.
: "${MYDAEMON_BUILDDIR:=$(cd "$(dirname "$MYDAEMON")/.." && pwd)}"
SAN_LOGDIR=$(sed -n 's/^#define MYDAEMON_SAN_LOGDIR "\(.*\)"$/\1/p' \
    "$MYDAEMON_BUILDDIR/src/base/build.h" 2> /dev/null)

# make_chroot: the chroot at $ROOT, and CTL_CONF, the config's path in it.
make_chroot() {
	local lib

	mkdir -p "$ROOT/etc" "$ROOT/run" "$ROOT/log" "$ROOT/dev" "$ROOT/proc"
	cp "$MYDAEMON" "$ROOT/mydaemon"
	# Each library and the loader at the path the binary names.
	for lib in $(ldd "$MYDAEMON" | awk '$2 == "=>" && $3 ~ /^\// {
	    print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$ROOT${lib%/*}"
		cp -L "$lib" "$ROOT$lib"
	done
	mknod -m 666 "$ROOT/dev/null" c 1 3
	if [ -n "$SAN_LOGDIR" ]; then
		mkdir -p "$ROOT$SAN_LOGDIR"
		chmod 1777 "$ROOT$SAN_LOGDIR"
	fi
	mount -t proc proc "$ROOT/proc"
	# The control socket's abstract name comes from the config's path:
	# one of this test's own, not that of a daemon outside the chroot.
	CTL_CONF=/etc/mydaemon-$PORT.conf
	cat > "$ROOT$CTL_CONF" <<-EOF
	listen = 127.0.0.1:$PORT
	pidfile = /run/mydaemon.pid
	log_file = /log/mydaemon.log
	log_level = debug
	EOF
}

setup() {
	common_setup
	[ "$(id -u)" = 0 ] || skip "chroot(2) and mounting /proc need root"
	# As /proc/PID/root shows it: no symbolic link on the way.
	ROOT=$(realpath "$T")/root
	make_chroot
}

teardown() {
	common_teardown
	if [ -n "${ROOT:-}" ] && [ -n "$SAN_LOGDIR" ] &&
	    [ -n "$(ls -A "$ROOT$SAN_LOGDIR" 2> /dev/null)" ]; then
		cp -p "$ROOT$SAN_LOGDIR"/* "$SAN_LOGDIR"/
	fi
	local m
	for m in "${ROOT:-}/private" "${ROOT:-}/proc"; do
		if [ -n "${ROOT:-}" ] && mountpoint -q "$m"; then
			umount "$m" || umount -l "$m"
		fi
	done
}

# ctl ARGS...: mydaemon in the chroot, with its config and pidfile, from
# an administrator's shell (no variable of systemd's).
ctl() {
	env -u NOTIFY_SOCKET -u WATCHDOG_USEC \
	    chroot "$ROOT" /mydaemon -c "$CTL_CONF" -p /run/mydaemon.pid "$@"
}

# lock_holders FILE: the PIDs holding a POSIX write lock on FILE, from
# /proc/locks, one a line.
lock_holders() {
	local ino
	ino=$(stat -c %i "$1")
	awk -v ino="$ino" '$2 == "POSIX" && $4 == "WRITE" {
		n = split($6, a, ":"); if (a[n] == ino) print $5 }' /proc/locks |
	    sort -u
}

# rooted PID: PID's root directory is $ROOT, compared as a file (device
# and inode), not by name: when the suite runs in a chroot itself, the
# /proc/PID/root of a process in another mount namespace reads as that
# namespace's path, the outer chroot's prefix included.
rooted() {
	[ "/proc/$1/root" -ef "$ROOT" ]
}

# in_chroot: the PIDs of the live processes whose root is $ROOT.
in_chroot() {
	local f pid
	for f in /proc/[0-9]*/root; do
		[ "$f" -ef "$ROOT" ] || continue
		pid=${f#/proc/}
		pid=${pid%/root}
		gone "$pid" || echo "$pid"
	done
}

# start_in_chroot [CMD...]: the daemon started in the chroot (daemon
# mode) through CMD (env VAR=..., unshare ...), serving; OLD is its PID.
start_in_chroot() {
	run "$@" chroot "$ROOT" /mydaemon -c "$CTL_CONF" -p /run/mydaemon.pid
	assert_success
	OLD=$(cat "$ROOT/run/mydaemon.pid")
	remember_pid "$OLD"
	assert rooted "$OLD"
	wait_for 5 health_is 200
}

# receiver: systemd's notification socket at the chroot's
# /run/notify.sock, bound from outside; what it gets goes to $T/notify.
receiver() {
	python3 "$RECV" "$ROOT/run/notify.sock" "$T/notify" &
	RECV_PID=$!
	remember_pid "$RECV_PID"
	wait_for 5 test -e "$T/notify.ready"
}

# got LINE: the receiver has a datagram that is exactly LINE.
got() {
	grep -qxF -- "$1" "$T/notify" 2> /dev/null
}

# restart_in_chroot: `-s restart` in the chroot succeeds; NEW, the
# process that took over, holds the pidfile lock, has the chroot for its
# root, and answers.
restart_in_chroot() {
	run ctl -s restart
	assert_success
	assert_output --regexp "^mydaemon: restarted \\(pid [0-9]+ took over from pid $OLD\\)$"
	NEW=$(cat "$ROOT/run/mydaemon.pid")
	remember_pid "$NEW"
	assert [ "$NEW" != "$OLD" ]
	wait_gone "$OLD" 5
	assert_equal "$(lock_holders "$ROOT/run/mydaemon.pid")" "$NEW"
	assert rooted "$NEW"
	assert_health 200 ok
	assert_equal "$(status_value pid)" "$NEW"
}

# stop_in_chroot: `-s stop` in the chroot leaves no process there.
stop_in_chroot() {
	run ctl -s stop
	assert_success
	assert gone "$NEW"
	assert_equal "$(in_chroot)" ""
}

@test "-s restart in a chroot: the new process holds the pidfile lock, answers /health and stays in the chroot" {
	start_in_chroot
	restart_in_chroot
	stop_in_chroot
}

@test "-s restart in a chroot of a daemon with systemd's notification socket: the new process says MAINPID= and stays in the chroot, the mount namespace it would join being its own" {
	receiver
	start_in_chroot env NOTIFY_SOCKET=/run/notify.sock
	wait_for 5 got "READY=1|MAINPID=$OLD"
	restart_in_chroot
	wait_for 5 got "READY=1|MAINPID=$NEW"
	stop_in_chroot
	kill -TERM "$RECV_PID"
	wait_gone "$RECV_PID"
}

@test "-s restart in a chroot of a daemon under systemd in another mount namespace: the new process joins that namespace, sees its mounts, and stays in the chroot" {
	receiver
	# The old daemon's namespace has a file system of its own in the
	# chroot, never seen outside (private propagation), gone with the
	# namespace when its last process exits.  What is made private is a
	# bind mount of the directory, not "/" as with unshare --propagation
	# private: "/" is no mount point when this runs in a build chroot
	# itself (EINVAL).
	mkdir "$ROOT/private"
	mount --bind "$ROOT/private" "$ROOT/private"
	mount --make-private "$ROOT/private"
	start_in_chroot env NOTIFY_SOCKET=/run/notify.sock \
	    unshare --mount --propagation unchanged sh -c \
	    'mount -t tmpfs private "$0/private" && : > "$0/private/mark" &&
	    exec "$@"' "$ROOT"
	ns=$(readlink "/proc/$OLD/ns/mnt")
	assert [ "$ns" != "$(readlink /proc/self/ns/mnt)" ]
	assert [ ! -e "$ROOT/private/mark" ]
	wait_for 5 got "READY=1|MAINPID=$OLD"
	restart_in_chroot
	assert_equal "$(readlink "/proc/$NEW/ns/mnt")" "$ns"
	assert [ -e "/proc/$NEW/root/private/mark" ]
	wait_for 5 got "READY=1|MAINPID=$NEW"
	stop_in_chroot
	kill -TERM "$RECV_PID"
	wait_gone "$RECV_PID"
}
