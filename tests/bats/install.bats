#!/usr/bin/env bats
# What `make install` puts into a prefix: the init script (mode, paths,
# shellcheck, an LSB header insserv orders), its settings, the logrotate
# file, the sample configuration and the man pages (mandoc lint), and the
# directories the daemon needs at run time.

load test_helper/common
load test_helper/install

bats_require_minimum_version 1.5.0

setup_file() {
	install_in_file_tmpdir
}

setup() {
	common_setup
	installed_paths
}

@test "make install puts the script (0755), its settings and logrotate file, with configure's paths" {
	assert_equal "$(stat -c %a "$INITD")" 755
	assert_equal "$(stat -c %a "$P/etc/default/mydaemon")" 644
	assert [ -f "$P/etc/logrotate.d/mydaemon" ]
	run grep -h '@[a-z]*@' "$INITD" "$SHIPPED/default" \
	    "$P/etc/logrotate.d/mydaemon" "$P/etc/mydaemon.conf"
	assert_failure 1
	run grep -c "$P/" "$INITD"
	assert [ "$output" -ge 3 ]
	assert grep -q "^DAEMON=$P/sbin/mydaemon\$" "$INITD"
	assert grep -q "^CONFIG=$P/etc/mydaemon.conf\$" "$INITD"
	assert grep -q "$P/etc/default/mydaemon" "$INITD"
	assert grep -q "^$P/var/log/mydaemon/\\*.log {" "$P/etc/logrotate.d/mydaemon"
}

@test "the installed script is shellcheck -s sh clean" {
	command -v shellcheck > /dev/null || skip "no shellcheck"
	run shellcheck -s sh "$INITD"
	assert_success
	assert_output ""
}

@test "the LSB header is complete and insserv orders it in 2 3 4 5 / 0 1 6" {
	header=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$INITD")
	for line in 'Provides: *mydaemon$' \
	    'Required-Start: *\$remote_fs \$syslog \$network$' \
	    'Required-Stop: *\$remote_fs \$syslog \$network$' \
	    'Default-Start: *2 3 4 5$' 'Default-Stop: *0 1 6$' \
	    'Short-Description: .' 'Description: .'; do
		assert grep -q "^# $line" <<< "$header"
	done
	command -v insserv > /dev/null ||
		PATH=$PATH:/usr/sbin:/sbin command -v insserv > /dev/null ||
		skip "no insserv"
	mkdir -p "$T/root/etc/init.d"
	cp "$INITD" "$T/root/etc/init.d/mydaemon"
	run env PATH="$PATH:/usr/sbin:/sbin" insserv -n -s \
	    -p "$T/root/etc/init.d" mydaemon
	assert_success
	assert_line --regexp '^S:[0-9]+:2 3 4 5:mydaemon$'
	assert_line --regexp '^K:[0-9]+:0 1 6:mydaemon$'
}

@test "the man pages are installed, mandoc -T lint clean, with configure's paths" {
	man8=$P/share/man/man8/mydaemon.8
	man5=$P/share/man/man5/mydaemon.conf.5
	assert [ -f "$man8" ]
	assert [ -f "$man5" ]
	for section in SIGNALS FILES 'EXIT STATUS' EXAMPLES; do
		assert grep -qx ".Sh $section" "$man8"
	done
	assert grep -q "$P/etc/mydaemon.conf" "$man8"
	assert grep -q "$P/run/mydaemon.pid" "$man5"
	run grep -h '@[a-zA-Z]*@' "$man8" "$man5"
	assert_failure 1
	command -v mandoc > /dev/null || skip "no mandoc"
	run mandoc -T lint -W warning "$man8" "$man5"
	assert_success
	assert_output ""
	# Style too, but whether other pages are installed is not ours.
	run --separate-stderr mandoc -T lint -W style "$man8" "$man5"
	run grep -v -e 'referenced manual not found' -e 'mandoc\.db' <<< "$output"
	assert_output ""
}

@test "the sample configuration documents every key with its default, and runs the daemon as user mydaemon" {
	for key in listen pidfile user group log_file log_level \
	    syslog_facility access_log maintenance maintenance_file \
	    agent_listen agent_warning_weight max_parallel_checks \
	    check_command check_interval check_timeout check_rise check_fall \
	    max_connections idle_timeout shutdown_timeout allow status_allow \
	    health_details; do
		assert grep -Eq "^#?$key =" "$SHIPPED/mydaemon.conf"
		assert grep -q "^\\.It Cm $key" "$P/share/man/man5/mydaemon.conf.5"
	done
	for key in command interval timeout rise fall affects_health \
	    depends start_grace; do
		assert grep -Eq "^#?$key =" "$SHIPPED/mydaemon.conf"
		assert grep -q "^\\.It Cm $key" "$P/share/man/man5/mydaemon.conf.5"
	done
	assert grep -qx 'user = mydaemon' "$SHIPPED/mydaemon.conf"
	# Valid as it is, but for its user, which is not ours to create here.
	sed 's/^user = mydaemon$/user = nobody/' "$SHIPPED/mydaemon.conf" \
		> "$T/shipped.conf"
	run "$DAEMON" -t -c "$T/shipped.conf"
	assert_success
}

@test "make install makes the directories the daemon needs: a first start in an empty prefix works" {
	for d in run var/log var/lib/mydaemon etc/mydaemon.d; do
		assert [ -d "$P/$d" ]
	done
	assert grep -qx "include = $P/etc/mydaemon.d/\\*.conf" \
		"$SHIPPED/mydaemon.conf"
	# Straight after make install, with the shipped files but a free
	# port and a user of ours: no mkdir by hand.
	{
		sed 's/^user = mydaemon$/user = nobody/' "$SHIPPED/mydaemon.conf"
		echo "listen = 127.0.0.1:$PORT"
	} > "$T/shipped.conf"
	if can_be_nobody; then
		# where nobody must see a drain that -s drain would record
		open_to_nobody "$P/var/lib/mydaemon"
	else
		sed -i '/^user =/d' "$T/shipped.conf"
		# The daemon makes its log directory only as root, for the
		# user it becomes (SPEC 9); as that user already, it needs
		# the administrator's.
		mkdir -p "$P/var/log/mydaemon"
	fi
	run "$DAEMON" -c "$T/shipped.conf"
	assert_success
	pid=$(cat "$P/run/mydaemon.pid")
	remember_pid "$pid"
	assert [ -f "$P/var/log/mydaemon/mydaemon.log" ]
	health_is 200 ok
	run "$DAEMON" -s stop -c "$T/shipped.conf"
	assert_success
	assert gone "$pid"
}

@test "make install-user would create the system user mydaemon, and leaves an existing one alone" {
	# Not for real: the account database is the machine's.  A fake
	# adduser on PATH records what it would have been asked.
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "$*" > %s/adduser.args\n' "$T" > "$T/bin/adduser"
	printf '#!/bin/sh\nexit 2\n' > "$T/bin/getent"
	chmod +x "$T/bin/adduser" "$T/bin/getent"
	PATH="$T/bin:$PATH" run submake -s -C "$BATS_FILE_TMPDIR/build" \
		install-user
	assert_success
	assert_equal "$(cat "$T/adduser.args")" \
		"--quiet --system --group --no-create-home --home /nonexistent mydaemon"
	printf '#!/bin/sh\nexit 0\n' > "$T/bin/getent"
	rm "$T/adduser.args"
	PATH="$T/bin:$PATH" run submake -s -C "$BATS_FILE_TMPDIR/build" \
		install-user
	assert_success
	assert_output "user mydaemon exists"
	assert [ ! -e "$T/adduser.args" ]
}
