#!/usr/bin/env bats
# yoke-sub against a real mosquitto: output forms, key expressions,
# retained handling, sessions, statistics, errors.
bats_require_minimum_version 1.5.0
load helpers

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	kill_pids
}

# bgsub OUT ARGS...: yoke-sub in the background, subscribed on return.
# The sync: a retained marker under the test's robot, seen first.
bgsub() {
	local out=$1
	shift
	mosquitto_pub -p "$BROKER_PORT" -t "$T/_ready" -r -m x
	yoke-sub $B "$@" "$R/_ready" > "$out" 2> "$out.err" &
	PIDS+=($!)
	wait_for grep -q '_ready' "$out"
}

@test "mosquitto_pub -> yoke-sub: the key without its scope, as a JSON line" {
	yoke-sub $B -v "$R/temp" -C 1 -W "$HANG_S" > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/temp" -m '{"value": 21.5}'
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "{\"key\":\"$R/temp\",\"qos\":0,\"retain\":false,\"payload\":{\"value\":21.5}}" ]
}

@test "yoke-pub -> yoke-sub: ts from the sender, qos, text and binary payloads" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/x" -q 1
	before=$(date +%s)
	yoke-pub $B "$R/x" -m 'plain "text"' -q 1
	printf '\377\376binary' | yoke-pub $B "$R/x" -s
	yoke-pub $B "$R/x" -n
	wait_lines "$BATS_TEST_TMPDIR/out" 4 || {
		cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/out.err"; false; }
	run jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out"
	[ "${lines[1]}" = "{\"key\":\"$R/x\",\"qos\":1,\"retain\":false,\"payload\":\"plain \\\"text\\\"\"}" ]
	[ "${lines[2]}" = "{\"key\":\"$R/x\",\"qos\":0,\"retain\":false,\"payload_b64\":\"//5iaW5hcnk=\"}" ]
	[ "${lines[3]}" = "{\"key\":\"$R/x\",\"qos\":0,\"retain\":false,\"payload\":\"\"}" ]
	# ts: seconds with microseconds, stamped while it was sent
	ts=$(sed -n 2p "$BATS_TEST_TMPDIR/out" | grep -o '"ts":[0-9]*\.[0-9]\{6\},')
	now=$(date +%s)
	t=${ts#\"ts\":}; t=${t%%.*}
	[ "$t" -ge "$before" ]
	[ "$t" -le "$now" ]
}

@test "a ts property that is not plain digits (blank, sign, past 64 bits) is not the send time" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/x"
	before=$(date +%s)
	for ts in 99999999999999999999 ' 1700000000000000' '+1700000000000000' \
		1700000000000000; do
		mosquitto_pub -p "$BROKER_PORT" -V 5 -t "$T/x" -m 1 \
			-D publish user-property ts "$ts"
	done
	wait_lines "$BATS_TEST_TMPDIR/out" 5
	now=$(date +%s)
	# the time it came instead: while the test sent them
	for l in 2 3 4; do
		t=$(sed -n ${l}p "$BATS_TEST_TMPDIR/out" | jq .ts)
		t=${t%%.*}
		[ "$t" -ge "$before" ] && [ "$t" -le "$now" ]
	done
	[ "$(sed -n 5p "$BATS_TEST_TMPDIR/out" | jq .ts)" = 1700000000 ]
}

@test "a pretty-printed JSON payload stays one line" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/x"
	printf '{\n  "a": [1, 2],\n  "b": "x y"\n}\n' | yoke-pub $B "$R/x" -s
	wait_lines "$BATS_TEST_TMPDIR/out" 2
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | jq -c .payload)" = '{"a":[1,2],"b":"x y"}' ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -eq 2 ]
}

@test "{name} captures a segment as a field; * matches one segment" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/{sensor}/*"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/imu/x" -m 1
	mosquitto_pub -p "$BROKER_PORT" -t "$T/imu/x/deep" -m 2
	mosquitto_pub -p "$BROKER_PORT" -t "$T/gps/y" -m 3
	# one publisher after another, so in this order: once the last
	# came, whatever was to come of the others has come
	mosquitto_pub -p "$BROKER_PORT" -t "$T/end/z" -m 4
	wait_for grep -q '"payload":4' "$BATS_TEST_TMPDIR/out"
	run jq -r 'select(.key != "'$R'/_ready") | "\(.sensor) \(.payload)"' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "imu 1
gps 3
end 4" ]
}

@test "** at the end matches any depth; ** in the middle is matched here" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/**/imu"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/imu" -m 0
	mosquitto_pub -p "$BROKER_PORT" -t "$T/a/imu" -m 1
	mosquitto_pub -p "$BROKER_PORT" -t "$T/a/b/imu" -m 2
	mosquitto_pub -p "$BROKER_PORT" -t "$T/a/b/temp" -m 3
	mosquitto_pub -p "$BROKER_PORT" -t "$T/a/imu/x" -m 4
	mosquitto_pub -p "$BROKER_PORT" -t "$T/end" -m 5
	# the last, in order (as above): the others have come before it
	mosquitto_pub -p "$BROKER_PORT" -t "$T/z/imu" -m 6
	wait_for grep -q '"payload":6' "$BATS_TEST_TMPDIR/out"
	run jq -r 'select(.key != "'$R'/_ready") | .payload' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "0
1
2
6" ]
}

@test "overlapping expressions print each message once" {
	bgsub "$BATS_TEST_TMPDIR/out" "$R/**" "$R/x" "*/x"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/x" -m once
	mosquitto_pub -p "$BROKER_PORT" -t "$T/y" -m other
	# the last, in order: a copy of the others would have come before it
	mosquitto_pub -p "$BROKER_PORT" -t "$T/z" -m last
	wait_for grep -q '"last"' "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '"once"' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
	[ "$(grep -c '"other"' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
	[ "$(grep -c '"last"' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

@test "-C COUNT exits 0 after COUNT messages" {
	yoke-sub $B -v "$R/x" -C 2 > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	pid=$!
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	for i in 1 2 3; do mosquitto_pub -p "$BROKER_PORT" -t "$T/x" -m $i; done
	wait "$pid"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" = "1 2 " ]
}

@test "-W with nothing received exits 3; with something, 0" {
	run --separate-stderr yoke-sub $B "$R/x" -W 0.5
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-sub: nothing received in 0.5 s" ]
	[ -z "$output" ]
	yoke-pub $B "$R/x" -m kept -r -q 1
	run --separate-stderr yoke-sub $B "$R/x" -W 0.5
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .payload)" = kept ]
}

@test "--retained-only prints current values and exits; none exits 3" {
	yoke-pub $B "$R/a" -m 1 -r -q 1
	yoke-pub $B "$R/b" -m 2 -r -q 1
	run --separate-stderr yoke-sub $B "$R/*" --retained-only
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '"\(.key)=\(.payload) \(.retain)"' | sort)" = "$R/a=1 true
$R/b=2 true" ]
	run --separate-stderr yoke-sub $B "$R/none/*" --retained-only
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-sub: no retained value matches" ]
}

@test "--no-retained skips retained values but prints live ones" {
	yoke-pub $B "$R/x" -m old -r -q 1
	yoke-sub $B -v "$R/x" --no-retained -C 1 -W "$HANG_S" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	pid=$!
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	yoke-pub $B "$R/x" -m new
	wait "$pid"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = new ]
}

@test "--retained-only with --no-retained is a usage error" {
	run --separate-stderr yoke-sub $B "$R/x" --retained-only --no-retained
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: --retained-only and --no-retained exclude each other" ]
}

@test "--format text prints KEY PAYLOAD; raw prints payload bytes only" {
	yoke-pub $B "$R/x" -m 'hello world' -r -q 1
	run yoke-sub $B "$R/x" --retained-only --format text
	[ "$output" = "$R/x hello world" ]
	head -c 1000 /dev/urandom > "$BATS_TEST_TMPDIR/bin"
	yoke-pub $B "$R/bin" -f "$BATS_TEST_TMPDIR/bin" -r -q 1
	yoke-sub $B "$R/bin" --retained-only --format raw > "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/got"
}

@test "--session: QoS 1 messages sent while away arrive on return" {
	S="s-$R"
	run yoke-sub $B "$R/x" --session "$S" -W 0.3
	[ "$status" -eq 3 ]
	for i in 1 2 3; do yoke-pub $B "$R/x" -m "m$i" -q 1; done
	run yoke-sub $B "$R/x" --session "$S" -C 3 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .payload | tr '\n' ' ')" = "m1 m2 m3 " ]
}

@test "--session names are checked" {
	run --separate-stderr yoke-sub $B "$R/x" --session 'a b'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid session name 'a b': use letters, digits, '.', '_' and '-'" ]
}

@test "--stats --json: per-key rate, bandwidth, delay" {
	yoke-sub $B -v "$R/*" --stats --json > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	seq 1 50 | yoke-pub $B "$R/a" -l
	seq 1 20 | yoke-pub $B "$R/b" -l
	# until the once-a-second report has them all (a count that never
	# gets there, or skips past, meets the hang guard)
	wait_for jq -s -e --arg a "$R/a" --arg b "$R/b" \
		'(map(select(.key == $a)) | last | .count) == 50 and
		 (map(select(.key == $b)) | last | .count) == 20' \
		"$BATS_TEST_TMPDIR/out" > /dev/null
	run jq -s -c --arg a "$R/a" --arg b "$R/b" \
		'[(map(select(.key == $a)) | last | .count),
		  (map(select(.key == $a and .delay_ms.min >= 0)) | length > 0)],
		 [map(select(.key == $b)) | last | .count]' \
		"$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = "[50,true]" ]
	[ "${lines[1]}" = "[20]" ]
	jq -e 'has("hz") and has("bytes_per_s")' "$BATS_TEST_TMPDIR/out" > /dev/null
}

@test "--stats: a retained message counts, apart, and is no delay" {
	# sent long ago (ts 1000 s after the epoch), kept by the broker
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/default/$R/cfg" -r -q 1 \
		-D publish user-property ts 1000000000 -m old
	yoke-sub $B -v "$R/*" --stats --json > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	yoke-pub $B "$R/cfg" -m new
	wait_for grep -q '"count":2' "$BATS_TEST_TMPDIR/out"
	# the live one's delay only: milliseconds, not years
	run jq -s -c 'map(select(.count == 2)) | .[0] |
		[.retained // 0, .delay_ms.max < 60000]' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "[0,true]" ] || [ "$output" = "[1,true]" ]
	run jq -s -c 'map(.retained // 0) | add' "$BATS_TEST_TMPDIR/out"
	[ "$output" = 1 ]
	run jq -s -c 'map(select(.delay_ms.max > 60000)) | length' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = 0 ]
}

@test "--stats on a terminal: a table redrawn in place, its header first, fit to the width" {
	tmux -L "yk$R" new-session -d -x 70 -y 8 \
		"yoke-sub $B -v '$R/**' --stats 2> $BATS_TEST_TMPDIR/sub.err"
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	for i in $(seq 1 10); do
		echo "$i" | yoke-pub $B "$R/a-rather-long-key-name-that-does-not-fit/$i" -l
	done
	# all 10 in (5 rows shown, 5 more), in the one capture checked (a
	# redraw may begin after it)
	wait_for bash -c "tmux -L yk$R capture-pane -pJ > '$BATS_TEST_TMPDIR/screen';
		grep -qx '… 5 more' '$BATS_TEST_TMPDIR/screen'"
	out=$(cat "$BATS_TEST_TMPDIR/screen")
	tmux -L "yk$R" kill-server
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^KEY\ +RATE\ +BANDWIDTH ]]
	[ "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 70 ]
	[ "$(printf '%s\n' "$out" | grep -c '…  ')" -ge 1 ]
	[[ "$(printf '%s\n' "$out" | grep -c .)" -eq 7 ]]
}

@test "yoke's own query channels are not shown as keys" {
	bgsub "$BATS_TEST_TMPDIR/out" '**'
	yoke-get $B "$R/nothing" -W 0.3 || true
	yoke-pub $B "$R/seen" -m 1
	wait_for grep -q "$R/seen" "$BATS_TEST_TMPDIR/out"
	! grep -q '_query\|_inbox' "$BATS_TEST_TMPDIR/out"
}

@test "a closed stdout ends yoke-sub quietly with 0" {
	yoke-pub $B "$R/x" -m 1 -r -q 1
	run --separate-stderr bash -c "yoke-sub $B '$R/x' | head -c 0; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "--raw subscribes to plain MQTT topics, wildcards included" {
	mosquitto_pub -p "$BROKER_PORT" -t "plain-$R/r" -m 6 -r
	yoke-sub $B --raw "plain-$R/+" > "$BATS_TEST_TMPDIR/out" &
	PIDS+=($!)
	wait_for grep -q "\"plain-$R/r\"" "$BATS_TEST_TMPDIR/out"
	mosquitto_pub -p "$BROKER_PORT" -t "plain-$R/t" -m 7
	wait_for grep -q "\"plain-$R/t\"" "$BATS_TEST_TMPDIR/out"
}

@test "invalid key expressions exit 2 with the reason" {
	run --separate-stderr yoke-sub $B 'a/+/b'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid key expression 'a/+/b': '**' stands alone as a segment, '+', '#', '{', '}' are not allowed in names" ]
	run --separate-stderr yoke-sub $B 'x/{key}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid key expression 'x/{key}': capture name 'key' is reserved for an output field" ]
	run --separate-stderr yoke-sub $B 'X/y'
	[ "$status" -eq 2 ]
	run --separate-stderr yoke-sub $B
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: missing KEYEXPR" ]
	run --separate-stderr yoke-sub $B x --format yaml
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid value 'yaml' for --format: expected json, text or raw" ]
}

@test "an unreachable broker exits 1" {
	run --separate-stderr yoke-sub -b mqtt://127.0.0.1:1 x
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-sub: cannot connect to '127.0.0.1:1': Connection refused" ]
}

@test "--session -C 1 in a loop takes queued messages one by one, losing none" {
	S="q-$R"
	run yoke-sub $B "$R/job" --session "$S" -W 0.3
	seq 1 20 | sed "s/^/j/" | yoke-pub $B "$R/job" -l -q 1
	got=""
	for i in $(seq 1 20); do
		got="$got $(yoke-sub $B "$R/job" --session "$S" -C 1 -W "$HANG_S" \
			--format raw)"
	done
	[ "$got" = "$(printf ' j%s' $(seq 1 20))" ]
	run yoke-sub $B "$R/job" --session "$S" -C 1 -W 0.5
	[ "$status" -eq 3 ]
}

@test "keepalive: 60 s by default (a backlog must not look like a dead link)" {
	run yoke-sub $B "$R/x" -W 0.2 --session "ka-$R"
	grep -q "as ka-$R (p5, c0, k60)" "$BROKER_DIR/log"
	run yoke-sub $B "$R/x" -W 0.2 --session "kb-$R" -k 7
	grep -q "as kb-$R (p5, c0, k7)" "$BROKER_DIR/log"
}

@test "on a terminal: no payload byte drives it (JSON lines; --format text made safe)" {
	w="$BATS_TEST_TMPDIR/tty"
	script -qfc "yoke-sub $B -v '$R/*' -C 3" "$w" > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w"
	# valid JSON may hold U+009B (CSI) raw; text may hold anything
	yoke-pub $B "$R/json" -m $'{"m":"\xc2\x9b2J"}'
	yoke-pub $B "$R/text" -m $'a\033]0;PWNED\007\xc2\x9b2J'
	yoke-pub $B "$R/last" -m last
	wait_for grep -q '"last"' "$w"
	! grep -q $'\033' "$w"
	! grep -q $'\xc2\x9b' "$w"
	grep -qF '"payload":{"m":"\u009b2J"}' "$w"
	w2="$BATS_TEST_TMPDIR/tty2"
	script -qfc "yoke-sub $B -v '$R/*' -C 2 --format text" "$w2" > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w2"
	yoke-pub $B "$R/text" -m $'a\033]0;PWNED\007\xc2\x9b2J'
	yoke-pub $B "$R/last" -m last
	wait_for grep -q "$R/last last" "$w2"
	! grep -q $'\033' "$w2"
	grep -q "^$R/text a?]0;PWNED??2J" "$w2"
}
