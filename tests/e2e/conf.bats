#!/usr/bin/env bats
# Configuration precedence, end to end: flag > environment > config file >
# default, seen in where a message actually lands.
bats_require_minimum_version 1.5.0
load helpers

# where CMD...: the <root>/<org> that CMD KEY -m 1 published under, as a
# raw subscriber on the whole broker sees it (a retained probe tells when
# that subscriber is in place).
where() {
	local out="$BATS_TEST_TMPDIR/where" probe="probe/$R"
	mosquitto_pub -p "$BROKER_PORT" -t "$probe" -m p -r
	mosquitto_sub -p "$BROKER_PORT" -t "+/+/$R/x" -t "$probe" -C 2 -W "$HANG_S" \
		-F '%t' > "$out" &
	local pid=$!
	wait_for grep -qs "^$probe" "$out"
	"$@" "$R/x" -m 1 || return 1
	wait "$pid"
	grep -v "^$probe" "$out" | cut -d/ -f1-2
}

cfg() {
	printf '%s\n' "$@" > "$XDG_CONFIG_HOME/yoke/config"
}

setup() {
	R=$(uniq_robot)
	PIDS=()
	mkdir -p "$XDG_CONFIG_HOME/yoke"
	rm -f "$XDG_CONFIG_HOME/yoke/config"
}

@test "default: yoke/default" {
	run where yoke-pub $B
	[ "$output" = "yoke/default" ]
}

@test "the config file beats the default" {
	cfg "# fleet settings" "org = cfg-org" "root = fleet"
	run where yoke-pub $B
	[ "$output" = "fleet/cfg-org" ]
}

@test "the environment beats the config file" {
	cfg "org = cfg-org"
	YOKE_ORG=env-org run where yoke-pub $B
	[ "$output" = "yoke/env-org" ]
}

@test "a flag beats the environment" {
	cfg "org = cfg-org"
	YOKE_ORG=env-org run where yoke-pub $B --org flag-org
	[ "$output" = "yoke/flag-org" ]
}

@test "broker: config < environment < flag" {
	cfg "broker = mqtt://127.0.0.1:1"
	run --separate-stderr yoke-pub x/y -m 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:1': Connection refused" ]
	YOKE_BROKER="mqtt://127.0.0.1:$BROKER_PORT" run yoke-pub x/y -m 1
	[ "$status" -eq 0 ]
	YOKE_BROKER="mqtt://127.0.0.1:1" run yoke-pub $B x/y -m 1
	[ "$status" -eq 0 ]
}

@test "YOKE_CONFIG and --config name the file" {
	printf 'org = named\n' > "$BATS_TEST_TMPDIR/c1"
	YOKE_CONFIG="$BATS_TEST_TMPDIR/c1" run where yoke-pub $B
	[ "$output" = "yoke/named" ]
	printf 'org = flagged\n' > "$BATS_TEST_TMPDIR/c2"
	YOKE_CONFIG="$BATS_TEST_TMPDIR/c1" run where yoke-pub $B \
		--config "$BATS_TEST_TMPDIR/c2"
	[ "$output" = "yoke/flagged" ]
}

@test "a named config file that is missing is an error" {
	YOKE_CONFIG=/nonexistent/config run --separate-stderr yoke-pub $B x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot read config file '/nonexistent/config': No such file or directory" ]
}

@test "a FIFO named as a file to read is refused at once, not waited on" {
	f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	# timeout: only a hang guard; nobody ever writes to the FIFO
	run --separate-stderr timeout 20 yoke-pub $B --config "$f" x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot read config file '$f': not a regular file" ]
	YOKE_CONFIG="$f" run --separate-stderr timeout 20 yoke-sub $B x/y
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: cannot read config file '$f': not a regular file" ]
	for o in cafile cert key; do
		run --separate-stderr timeout 20 yoke-pub \
			-b mqtts://127.0.0.1:"$BROKER_PORT" --cert "$f" \
			--key "$f" --"$o" "$f" x/y -m 1
		[ "$status" -eq 2 ]
		[[ "$stderr" == "yoke-pub: cannot read --"@(cafile|cert)" '$f': not a regular file" ]]
	done
	run --separate-stderr timeout 20 yoke-pub $B --cafile "$BATS_TEST_TMPDIR" x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot read --cafile '$BATS_TEST_TMPDIR': Is a directory" ]
	cfg "backend = http://127.0.0.1:1" "api_key_file = $f"
	run --separate-stderr timeout 20 yoke-pub x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot read API key file '$f': not a regular file" ]
}

@test "yoke-pub -f FIFO still reads the FIFO: a stream is what it is for" {
	f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	yoke-sub $B -v "$R/x" -C 1 -W "$HANG_S" --format text \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	(echo hello > "$f") &
	run --separate-stderr timeout 20 yoke-pub $B -q 1 -f "$f" "$R/x"
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/x hello" ]
}

@test "an unknown setting names the file and the line" {
	cfg "org = a" "colour = blue"
	run --separate-stderr yoke-pub $B x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: config file '$XDG_CONFIG_HOME/yoke/config' line 2: unknown setting 'colour'" ]
}

@test "a bad value names the setting, the file and the line" {
	cfg "" "keepalive = 2"
	run --separate-stderr yoke-pub $B x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid value '2' for 'keepalive' in config file '$XDG_CONFIG_HOME/yoke/config' line 2: expected an integer from 5 to 65535" ]
}

@test "settings of other tools in the shared file are accepted" {
	cfg "robot = arm-1" "backend = http://127.0.0.1:1" "api_key_file = /x" \
		"offline_timeout = 5"
	run --separate-stderr yoke-pub $B "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "a bad environment value names the variable" {
	YOKE_KEEPALIVE=fast run --separate-stderr yoke-pub $B x/y -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid value 'fast' for YOKE_KEEPALIVE: expected an integer from 5 to 65535" ]
}
