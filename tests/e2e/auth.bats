#!/usr/bin/env bats
# Credentials: a broker with a password file and an ACL.  Good credentials
# work from the environment or the config file, bad ones exit 4 at once
# (never retried), and no password ever reaches argv or a message.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	local dir="$BATS_FILE_TMPDIR/auth"
	mkdir -p "$dir"
	touch "$dir/passwd"
	chmod 600 "$dir/passwd"
	mosquitto_passwd -b "$dir/passwd" robot 's3cret:with@signs'
	mosquitto_passwd -b "$dir/passwd" viewer viewpass
	cat > "$dir/acl" <<EOF2
user robot
topic readwrite yoke/default/#
user viewer
topic read yoke/default/#
EOF2
	start_broker broker "allow_anonymous false" \
		"password_file $dir/passwd" "acl_file $dir/acl"
}

good_url() {
	echo "mqtt://robot:s3cret%3Awith%40signs@127.0.0.1:$BROKER_PORT"
}

@test "credentials in YOKE_BROKER are accepted (percent-encoded)" {
	YOKE_BROKER=$(good_url) run --separate-stderr yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "YOKE_USERNAME and YOKE_PASSWORD fill in a URL without them" {
	YOKE_USERNAME=robot YOKE_PASSWORD='s3cret:with@signs' \
		run --separate-stderr yoke-pub $B "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
}

# "At once" is a count, not a time: the broker's log shows one connection
# attempt (a retry would show a second, or hang until the guard).
@test "a wrong password exits 4 at once, naming no secret" {
	log_mark
	YOKE_BROKER="mqtt://robot:wrong-one@127.0.0.1:$BROKER_PORT" \
		run --separate-stderr timeout "$HANG_S" yoke-pub "$R/x" -m 1
	[ "$status" -eq 4 ]
	# mosquitto 2.0 answers a wrong password with "not authorised"
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$BROKER_PORT' refused the connection: not authorised" ]
	[[ "$stderr" != *wrong-one* ]]
	[ "$(attempts)" -eq 1 ]
}

@test "no credentials at all exit 4" {
	run --separate-stderr yoke-sub $B "$R/x" -W 1
	[ "$status" -eq 4 ]
	[[ "$stderr" == "yoke-sub: broker '127.0.0.1:$BROKER_PORT' refused the connection: "* ]]
}

@test "refused credentials stop a line stream at once, even with --offline-timeout" {
	# an hour offline allowed: only the refusal can end it in time
	log_mark
	YOKE_BROKER="mqtt://robot:nope@127.0.0.1:$BROKER_PORT" \
		run --separate-stderr timeout "$HANG_S" bash -c \
		"seq 1 10 | yoke-pub '$R/x' -l -q 1 --offline-timeout 3600"
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$BROKER_PORT' refused the connection: not authorised" ]
	[ "$(attempts)" -eq 1 ]
}

@test "a QoS 1 publish the ACL forbids exits 4, not 0" {
	YOKE_BROKER="mqtt://viewer:viewpass@127.0.0.1:$BROKER_PORT" \
		run --separate-stderr yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker refused 1 message: not authorised" ]
}

@test "a password in the config file works when the file is private" {
	cfg="$BATS_TEST_TMPDIR/config"
	printf 'broker = mqtt://127.0.0.1:%s\nusername = robot\npassword = s3cret:with@signs\n' \
		"$BROKER_PORT" > "$cfg"
	chmod 600 "$cfg"
	YOKE_CONFIG="$cfg" run --separate-stderr yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
}

@test "a config file with a secret that others can read is refused" {
	cfg="$BATS_TEST_TMPDIR/config"
	printf 'broker = %s\n' "$(good_url)" > "$cfg"
	chmod 644 "$cfg"
	YOKE_CONFIG="$cfg" run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: config file '$cfg' holds a secret and other users can read it (mode 644); run 'chmod 600 $cfg'" ]
}

@test "--password is not an option: secrets never go on the command line" {
	run --separate-stderr yoke-pub $B "$R/x" -m 1 --password s3cret
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --password cannot be given on the command line, where other users can read it; set YOKE_PASSWORD or 'password' in the config file" ]
}

@test "-v shows no password" {
	YOKE_BROKER=$(good_url) run --separate-stderr yoke-pub "$R/x" -m 1 -vvv
	[ "$status" -eq 0 ]
	[[ "$stderr" != *s3cret* ]]
	[[ "$stderr" != *signs* ]]
}

@test "yoke-alive: a token the ACL refuses exits 4 before running the command" {
	YOKE_BROKER="mqtt://viewer:viewpass@127.0.0.1:$BROKER_PORT" \
		run --separate-stderr yoke-alive "$R" -- \
		sh -c "touch '$BATS_TEST_TMPDIR/ran'; exit 5"
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-alive: broker refused 1 message: not authorised" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

# A URL that carries a password is a secret however malformed it is
# (issue 9): a '/' typed unencoded in the password must not make it
# printable, allowed on argv, or fine in a readable config file.
bad_url() {
	echo "mqtt://u:S3cretPW/x@127.0.0.1:$BROKER_PORT"
}

@test "a malformed URL in YOKE_BROKER: the message masks the password" {
	YOKE_BROKER=$(bad_url) run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid broker URL 'mqtt://***@127.0.0.1:$BROKER_PORT': a '/' in the user name or password must be written %2F" ]
	YOKE_BROKER="u:S3cret://PW@h" run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[[ "$stderr" != *S3cret* ]]
}

@test "a malformed URL with a password on -b is refused as a secret" {
	run --separate-stderr yoke-pub -b "$(bad_url)" "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: a password in --broker would be visible to other users; set YOKE_BROKER, YOKE_PASSWORD or the config file" ]
	run --separate-stderr yoke-pub --backend "https://k:S3cret/x@127.0.0.1:1" "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: a password in --backend would be visible to other users; set YOKE_BACKEND_URL or the config file" ]
}

@test "a malformed URL with a password makes a config file secret" {
	cfg="$BATS_TEST_TMPDIR/config"
	printf 'broker = %s\n' "$(bad_url)" > "$cfg"
	chmod 644 "$cfg"
	YOKE_CONFIG="$cfg" run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: config file '$cfg' holds a secret and other users can read it (mode 644); run 'chmod 600 $cfg'" ]
	printf 'backend = https://k:S3cret?x@127.0.0.1:1\n' > "$cfg"
	YOKE_CONFIG="$cfg" run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: config file '$cfg' holds a secret and other users can read it (mode 644); run 'chmod 600 $cfg'" ]
}
