#!/usr/bin/env bats
# yoke-log against a real mosquitto: one entry from the arguments, one per
# line of standard input over one connection, levels, the 10,000-character
# cut of multi-byte text, invalid UTF-8, --follow as JSON lines and on a
# terminal, and the exit codes and messages of bad usage.
bats_require_minimum_version 1.5.0
load helpers

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	kill_pids
}

# listen N: a yoke-sub on this robot's log until N entries came.
listen() {
	yoke-sub $B -v "$R/log" -C "$1" -W "$HANG_S" \
		> "$BATS_TEST_TMPDIR/sub.out" 2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	PIDS+=($!)
	LISTEN_N=$1
	subscribed "$BATS_TEST_TMPDIR/sub.err"
}

# entries: the N entries' payloads without ts.
entries() {
	wait_lines "$BATS_TEST_TMPDIR/sub.out" "$LISTEN_N"
	jq -c '.payload | del(.ts)' "$BATS_TEST_TMPDIR/sub.out"
}

@test "MESSAGE...: one entry, QoS 1, level info, words joined by spaces" {
	listen 1
	before=$(date +%s)
	run --separate-stderr yoke-log $B -r "$R" booted and attached camera
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(entries)" = '{"level":"info","message":"booted and attached camera"}' ]
	[ "$(jq -c '[.key, .qos, .retain]' "$BATS_TEST_TMPDIR/sub.out")" = \
		"[\"$R/log\",1,false]" ]
	grep -q ',"ts":[0-9]*\.[0-9]\{6\}}}$' "$BATS_TEST_TMPDIR/sub.out"
	ts=$(jq -r '.payload.ts' "$BATS_TEST_TMPDIR/sub.out")
	[ "${ts%.*}" -ge $((before - 1)) ]
	[ "${ts%.*}" -le $(($(date +%s) + 1)) ]
}

@test "--level debug, info, warn, error" {
	listen 4
	for l in debug info warn error; do
		yoke-log $B --robot "$R" --level "$l" "a $l entry"
	done
	[ "$(entries)" = '{"level":"debug","message":"a debug entry"}
{"level":"info","message":"a info entry"}
{"level":"warn","message":"a warn entry"}
{"level":"error","message":"a error entry"}' ]
}

@test "an invalid level: exit 2 with the allowed ones" {
	run --separate-stderr yoke-log $B -r "$R" --level warning hi
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-log: invalid level 'warning': use debug, info, warn, error or auto" ]
	run --separate-stderr yoke-log $B --follow --level warning
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-log: invalid level 'warning': use debug, info, warn or error" ]
}

@test "stdin: one entry per line over one connection; empty lines skipped" {
	listen 3
	before=$(grep -c 'New client connected' "$BROKER_DIR/log" || true)
	run --separate-stderr yoke-log $B -r "$R" --level warn \
		<<< $'first\n\n  second \r\nthird "quoted" \\ \t tab'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	after=$(grep -c 'New client connected' "$BROKER_DIR/log" || true)
	[ "$((after - before))" -eq 1 ]
	[ "$(entries)" = '{"level":"warn","message":"first"}
{"level":"warn","message":"  second "}
{"level":"warn","message":"third \"quoted\" \\ \t tab"}' ]
}

@test "--level auto: each line's level from its prefix; a continuation keeps the last" {
	listen 8
	run --separate-stderr yoke-log $B -r "$R" --level auto <<- 'EOF'
		ERROR: disk full
		Traceback (most recent call last):
		  File "x.py", line 1
		W/Camera( 42): slow frame
		2026-12-04 18:00:00,123 DEBUG poll
		[warn] battery low
		E1204 18:00:00.123 1 main.cc:9] failed
		plain text
	EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(entries | jq -r .level | paste -sd ' ')" = \
		"error error error warn debug warn error info" ]
	# the message is kept whole, prefix included
	[ "$(entries | sed -n 1p)" = '{"level":"error","message":"ERROR: disk full"}' ]
}

@test "--level auto: a MESSAGE too; with --follow: exit 2" {
	listen 1
	yoke-log $B -r "$R" --level auto "WARNING: low battery"
	[ "$(entries)" = '{"level":"warn","message":"WARNING: low battery"}' ]
	run --separate-stderr yoke-log $B --follow --level auto
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-log: --level auto goes with sending, not --follow" ]
}

@test "CMD 2>&1 | yoke-log: a thousand lines, all acknowledged, in order" {
	listen 1000
	run bash -c "seq 1000 | yoke-log $B -r $R"
	[ "$status" -eq 0 ]
	[ "$(entries | jq -s -c 'map(.message | tonumber) |
		[length, .[0], .[-1], add]')" = "[1000,1,1000,500500]" ]
}

@test "a message is cut at 10,000 characters, never inside one" {
	listen 3
	# 10,001 two-byte characters
	yoke-log $B -r "$R" "$(printf 'é%.0s' $(seq 10001))"
	# 9,999 ASCII, then three-byte and four-byte characters
	yoke-log $B -r "$R" "$(printf 'a%.0s' $(seq 9999))€😀x"
	# exactly 10,000 four-byte characters, from standard input
	printf '😀%.0s' $(seq 10000) | yoke-log $B -r "$R"
	run entries
	[ "$(printf '%s\n' "$output" | jq -c '.message | length')" = "10000
10000
10000" ]
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r '.message' |
		tr -d 'é' | wc -c)" -eq 1 ] # only é (and the newline)
	[ "$(printf '%s\n' "$output" | sed -n 2p |
		jq -r '.message | .[9998:]')" = "a€" ]
	[ "$(printf '%s\n' "$output" | sed -n 3p |
		jq -r '.message | .[9999:]')" = "😀" ]
}

@test "invalid UTF-8 becomes U+FFFD: the entry is still valid JSON" {
	listen 2
	printf 'a\xffb\xc3\n\xed\xa0\x80z\n' | yoke-log $B -r "$R"
	[ "$(entries)" = '{"level":"info","message":"a�b�"}
{"level":"info","message":"���z"}' ]
}

@test "no MESSAGE and a terminal on stdin: exit 2" {
	run script -qec "yoke-log $B -r $R" /dev/null
	[ "$status" -eq 2 ]
	[ "${output//$'\r'/}" = "yoke-log: missing MESSAGE (or lines on standard input)" ]
}

@test "bad usage: empty message, --json without --follow, two PATTERNs" {
	run --separate-stderr yoke-log $B -r "$R" ''
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-log: message is empty" ]
	run --separate-stderr yoke-log $B -r "$R" --json hi
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-log: --json goes with --follow" ]
	run --separate-stderr yoke-log $B --follow a b
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-log: expected at most one PATTERN, got 2" ]
	run --separate-stderr yoke-log $B -r 'Bad/Id' hi
	[ "$status" -eq 2 ]
	[[ "$stderr" = "yoke-log: invalid robot id 'Bad/Id'"* ]]
}

@test "an unreachable broker: exit 1" {
	run --separate-stderr yoke-log -b mqtt://127.0.0.1:1 -r "$R" hi
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-log: cannot connect to '127.0.0.1:1': Connection refused" ]
}

@test "--follow: JSON lines {robot, level, message, ts}; not-entries skipped" {
	yoke-log $B --org "$R" --follow -v \
		> "$BATS_TEST_TMPDIR/f.out" 2> "$BATS_TEST_TMPDIR/f.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/f.err"
	yoke-log $B --org "$R" -r arm-1 --level warn "motor 2 warm"
	yoke-pub $B --org "$R" arm-1/log -q 1 -m 'plain text'
	yoke-pub $B --org "$R" arm-1/log -q 1 -m '{"level":"info"}'
	printf 'one\ntwo\n' | yoke-log $B --org "$R" -r arm-2
	wait_lines "$BATS_TEST_TMPDIR/f.out" 3
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/f.out")" = \
		'{"robot":"arm-1","level":"warn","message":"motor 2 warm"}
{"robot":"arm-2","level":"info","message":"one"}
{"robot":"arm-2","level":"info","message":"two"}' ]
	grep -q '^{"robot":"arm-1","level":"warn","message":"motor 2 warm","ts":[0-9]*\.[0-9]\{6\}}$' \
		"$BATS_TEST_TMPDIR/f.out"
}

@test "--watch is --follow, the word of the other tools" {
	yoke-log $B --org "$R" --watch -v 'arm-*' \
		> "$BATS_TEST_TMPDIR/f.out" 2> "$BATS_TEST_TMPDIR/f.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/f.err"
	yoke-log $B --org "$R" -r arm-1 "hello"
	wait_lines "$BATS_TEST_TMPDIR/f.out" 1
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/f.out")" = \
		'{"robot":"arm-1","level":"info","message":"hello"}' ]
}

@test "--follow PATTERN --level warn: those robots, warn and above" {
	yoke-log $B --org "$R" --follow 'arm-1' --level warn -v \
		> "$BATS_TEST_TMPDIR/f.out" 2> "$BATS_TEST_TMPDIR/f.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/f.err"
	grep -qxF "yoke-log: subscribed to 'yoke/$R/arm-1/log'" \
		"$BATS_TEST_TMPDIR/f.err"
	for l in debug info warn error; do
		yoke-log $B --org "$R" -r arm-1 --level "$l" "$l"
		yoke-log $B --org "$R" -r arm-2 --level "$l" "$l"
	done
	yoke-pub $B --org "$R" arm-1/log -q 1 -m '{"level":"fatal","message":"f"}'
	yoke-log $B --org "$R" -r arm-1 --level error last
	wait_lines "$BATS_TEST_TMPDIR/f.out" 3
	[ "$(jq -c '[.robot, .level, .message]' "$BATS_TEST_TMPDIR/f.out")" = \
		'["arm-1","warn","warn"]
["arm-1","error","error"]
["arm-1","error","last"]' ]
}

@test "--follow 'arm-*': robots whose id the pattern matches" {
	yoke-log $B --org "$R" --follow 'arm-*' -v \
		> "$BATS_TEST_TMPDIR/f.out" 2> "$BATS_TEST_TMPDIR/f.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/f.err"
	grep -qxF "yoke-log: subscribed to 'yoke/$R/+/log'" \
		"$BATS_TEST_TMPDIR/f.err"
	yoke-log $B --org "$R" -r cam-1 one
	yoke-log $B --org "$R" -r arm-2 two
	yoke-log $B --org "$R" -r farm-3 three
	yoke-log $B --org "$R" -r arm-4 four
	wait_lines "$BATS_TEST_TMPDIR/f.out" 2
	[ "$(jq -c '[.robot, .message]' "$BATS_TEST_TMPDIR/f.out")" = \
		'["arm-2","two"]
["arm-4","four"]' ]
}

@test "--follow on a terminal: HH:MM:SS robot LEVEL message, coloured" {
	tmux -L "yk$R" new-session -d -x 120 -y 20 \
		"yoke-log $B --org $R --follow -v 2> $BATS_TEST_TMPDIR/f.err"
	subscribed "$BATS_TEST_TMPDIR/f.err"
	yoke-log $B --org "$R" -r arm-1 --level error "it broke"
	yoke-log $B --org "$R" -r arm-1 --level warn $'two\nlines\033[2J'
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q lines"
	out=$(tmux -L "yk$R" capture-pane -p -e)
	plain=$(tmux -L "yk$R" capture-pane -p)
	[[ "$(printf '%s\n' "$plain" | sed -n 1p)" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\ arm-1\ ERROR\ it\ broke$ ]]
	[[ "$(printf '%s\n' "$plain" | sed -n 2p)" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\ arm-1\ WARN\ two$ ]]
	[ "$(printf '%s\n' "$plain" | sed -n 3p)" = "         lines?[2J" ]
	printf '%s\n' "$out" | sed -n 1p | grep -qF $'\033[31mERROR'
	printf '%s\n' "$out" | sed -n 2p | grep -qF $'\033[33mWARN'
}

@test "--follow on a terminal: a hostile level and message made safe; NO_COLOR: no colour" {
	w="$BATS_TEST_TMPDIR/tty"
	script -qfc "NO_COLOR=1 yoke-log $B --org $R --follow -v" "$w" \
		> /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w"
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "yoke/$R/evil-3/log" \
		-m '{"level":"\u001b]0;PWNED\u0007\u001b[2Jerror","message":"\u009b2J\u001b[31mred","ts":1795300000}'
	yoke-log $B --org "$R" -r arm-1 --level error "plain"
	wait_for grep -q plain "$w"
	[ "$(grep -c $'\033' "$w")" -eq 0 ]
	[ "$(grep -c $'\xc2\x9b' "$w")" -eq 0 ]
	# the level is cut at 12 columns, so the message stays in view
	grep -q ' evil-3 ?\]0;PWNED??… ?2J?\[31mred' "$w"
	grep -q ' arm-1 ERROR plain' "$w"
}
